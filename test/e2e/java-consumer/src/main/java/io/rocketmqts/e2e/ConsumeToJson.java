package io.rocketmqts.e2e;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Reads a topic from its first offset with the Java client and prints one JSON object per message on stdout,
 * so that the e2e tests can compare, field by field, what rocketmq-ts sent with what a Java consumer receives.
 *
 * Arguments: --namesrv ADDR --topic T [--group G] [--count N] [--timeout-ms MS]
 * Exit codes: 0 when N messages were printed (or, without --count, when the timeout ends the run),
 * 2 when the timeout came first, 1 on a usage or client error. Diagnostics go to stderr only.
 */
public final class ConsumeToJson {

    private ConsumeToJson() {
    }

    public static void main(String[] args) {
        runAndExit("java-consumer", args, ConsumeToJson::run);
    }

    /** A program of this project: its exit code, or an exception (exit code 1). */
    interface Program {
        int run(String[] args) throws Exception;
    }

    /** Runs the program, reports a failure on stderr, and exits with its code. */
    static void runAndExit(String name, String[] args, Program program) {
        int rc;
        try {
            rc = program.run(args);
        } catch (Throwable t) {
            System.err.println(name + ": " + t);
            t.printStackTrace(System.err);
            rc = 1;
        }
        System.out.flush();
        // The client's scheduled executors are not all daemons: exit explicitly.
        System.exit(rc);
    }

    private static int run(String[] args) throws Exception {
        Map<String, String> opts = options(args, "--namesrv", "--topic", "--group", "--count", "--timeout-ms");
        String namesrv = opts.get("--namesrv");
        String topic = opts.get("--topic");
        String group = opts.getOrDefault("--group", "rmqts_java_consumer_" + System.currentTimeMillis());
        int count = Integer.parseInt(opts.getOrDefault("--count", "-1"));
        long timeoutMs = Long.parseLong(opts.getOrDefault("--timeout-ms", "30000"));
        if (namesrv == null || topic == null) {
            throw new IllegalArgumentException("usage: --namesrv ADDR --topic T [--group G] [--count N] [--timeout-ms MS]");
        }

        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("rmqts-e2e-" + ProcessHandleCompat.pid());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setAutoCommit(false);
        consumer.setPullBatchSize(64);
        consumer.setPollTimeoutMillis(500);
        consumer.start();
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        int printed = 0;
        try {
            // Assign every queue explicitly (no rebalance delay) and start each at its minimum offset.
            Collection<MessageQueue> queues = consumer.fetchMessageQueues(topic);
            consumer.assign(new ArrayList<>(queues));
            for (MessageQueue mq : queues) {
                consumer.seekToBegin(mq);
            }
            System.err.println("java-consumer: reading " + queues.size() + " queue(s) of " + topic);
            long deadline = System.currentTimeMillis() + timeoutMs;
            while ((count < 0 || printed < count) && System.currentTimeMillis() < deadline) {
                List<MessageExt> batch = consumer.poll(Math.max(1, Math.min(500, deadline - System.currentTimeMillis())));
                for (MessageExt m : batch) {
                    out.println(toJson(m));
                    printed++;
                }
                out.flush();
            }
        } finally {
            out.flush();
            consumer.shutdown();
        }
        if (count >= 0 && printed < count) {
            System.err.println("java-consumer: timeout after " + timeoutMs + " ms with " + printed + "/" + count + " messages");
            return 2;
        }
        return 0;
    }

    /** `--name value` pairs; a name outside `known`, or a name without a value, is a usage error. */
    static Map<String, String> options(String[] args, String... known) {
        java.util.Set<String> names = new java.util.HashSet<>(java.util.Arrays.asList(known));
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!names.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + args[i]);
            }
            out.put(args[i], args[i + 1]);
        }
        return out;
    }

    static String toJson(MessageExt m) {
        Map<String, String> props = m.getProperties();
        Map<String, String> user = new TreeMap<>();
        Map<String, String> system = new TreeMap<>();
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (MessageConst.STRING_HASH_SET.contains(e.getKey())) {
                system.put(e.getKey(), e.getValue());
            } else {
                user.put(e.getKey(), e.getValue());
            }
        }
        String offsetMsgId = m instanceof MessageClientExt
            ? ((MessageClientExt) m).getOffsetMsgId()
            : MessageDecoder.createMessageId(m.getStoreHost(), m.getCommitLogOffset());
        StringBuilder b = new StringBuilder(256);
        b.append('{');
        field(b, "topic", m.getTopic());
        field(b, "tags", m.getTags());
        field(b, "keys", m.getKeys());
        field(b, "body", m.getBody() == null ? null : Base64.getEncoder().encodeToString(m.getBody()));
        num(b, "flag", m.getFlag());
        field(b, "msgId", props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
        field(b, "offsetMsgId", offsetMsgId);
        field(b, "brokerName", m.getBrokerName());
        num(b, "queueId", m.getQueueId());
        num(b, "queueOffset", m.getQueueOffset());
        num(b, "commitLogOffset", m.getCommitLogOffset());
        num(b, "sysFlag", m.getSysFlag());
        num(b, "bodyCRC", m.getBodyCRC());
        num(b, "reconsumeTimes", m.getReconsumeTimes());
        num(b, "bornTimestamp", m.getBornTimestamp());
        num(b, "storeTimestamp", m.getStoreTimestamp());
        field(b, "bornHost", m.getBornHostString());
        field(b, "waitStoreMsgOK", props.get(MessageConst.PROPERTY_WAIT_STORE_MSG_OK));
        field(b, "delayTimeLevel", props.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL));
        field(b, "timerDeliverMs", props.get("TIMER_DELIVER_MS"));
        field(b, "timerDelayMs", props.get("TIMER_DELAY_MS"));
        field(b, "timerDelaySec", props.get("TIMER_DELAY_SEC"));
        field(b, "realTopic", props.get(MessageConst.PROPERTY_REAL_TOPIC));
        map(b, "userProperties", user);
        map(b, "systemProperties", system);
        b.setLength(b.length() - 1);
        b.append('}');
        return b.toString();
    }

    static void field(StringBuilder b, String name, String value) {
        quote(b, name);
        b.append(':');
        if (value == null) {
            b.append("null");
        } else {
            quote(b, value);
        }
        b.append(',');
    }

    static void num(StringBuilder b, String name, long value) {
        quote(b, name);
        // 64-bit values as strings would be safer for JavaScript, but every number here stays below 2^53.
        b.append(':').append(value).append(',');
    }

    private static void map(StringBuilder b, String name, Map<String, String> values) {
        quote(b, name);
        b.append(":{");
        boolean first = true;
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            quote(b, e.getKey());
            b.append(':');
            quote(b, e.getValue());
        }
        b.append("},");
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }

    /** The current pid on Java 8 (no ProcessHandle there): the "pid@host" runtime name. */
    static final class ProcessHandleCompat {
        private ProcessHandleCompat() {
        }

        static String pid() {
            String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
            int at = name.indexOf('@');
            return at > 0 ? name.substring(0, at) : String.valueOf(System.nanoTime());
        }
    }
}
