package io.rocketmqts.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * A Java DefaultMQPushConsumer (clustering, concurrently, subscribe "*") in a group that rocketmq-ts members share.
 * It prints JSON lines on stdout:
 *   {"type":"ready","clientId":"..."}                 once started
 *   {"type":"owned","queues":[0,1]}                   whenever the set of queues of the topic it pulls changes
 *   {"type":"msg","msgId":"...","queueId":n,"queueOffset":n,"reconsumeTimes":n}   per message, before it is acked
 * It shuts down cleanly (offsets committed, unregistered) and exits 0 when its stdin closes, or when --timeout-ms
 * passes (exit 2). Arguments: --namesrv ADDR --topic T --group G [--timeout-ms MS].
 */
public final class PushToJson {

    private static final Object OUT_LOCK = new Object();
    private static PrintStream out;

    private PushToJson() {
    }

    public static void main(String[] args) {
        ConsumeToJson.runAndExit("java-push-consumer", args, PushToJson::run);
    }

    private static int run(String[] args) throws Exception {
        Map<String, String> opts = ConsumeToJson.options(args, "--namesrv", "--topic", "--group", "--timeout-ms");
        String namesrv = opts.get("--namesrv");
        String topic = opts.get("--topic");
        String group = opts.get("--group");
        long timeoutMs = Long.parseLong(opts.getOrDefault("--timeout-ms", "180000"));
        if (namesrv == null || topic == null || group == null) {
            throw new IllegalArgumentException("usage: --namesrv ADDR --topic T --group G [--timeout-ms MS]");
        }
        out = new PrintStream(System.out, false, "UTF-8");

        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        // CLUSTERING, the default (its enum moved packages between 4.9 and 5.x).
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
            for (MessageExt m : msgs) {
                StringBuilder b = new StringBuilder(160);
                b.append('{');
                ConsumeToJson.field(b, "type", "msg");
                ConsumeToJson.field(b, "msgId", m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
                ConsumeToJson.num(b, "queueId", m.getQueueId());
                ConsumeToJson.num(b, "queueOffset", m.getQueueOffset());
                ConsumeToJson.num(b, "reconsumeTimes", m.getReconsumeTimes());
                emit(b);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        StringBuilder ready = new StringBuilder(96);
        ready.append('{');
        ConsumeToJson.field(ready, "type", "ready");
        ConsumeToJson.field(ready, "clientId", consumer.getDefaultMQPushConsumerImpl().getmQClientFactory().getClientId());
        emit(ready);

        // stdin closing is the signal to stop (the test ended, or went away).
        final boolean[] eof = {false};
        Thread stdin = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // the content does not matter
                }
            } catch (IOException ignored) {
                // treated as the end
            }
            synchronized (eof) {
                eof[0] = true;
            }
        }, "stdin-watch");
        stdin.setDaemon(true);
        stdin.start();

        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = null;
        int rc = 2;
        while (System.currentTimeMillis() < deadline) {
            synchronized (eof) {
                if (eof[0]) {
                    rc = 0;
                    break;
                }
            }
            List<Integer> owned = new ArrayList<>();
            Map<MessageQueue, ProcessQueue> table = consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable();
            for (Map.Entry<MessageQueue, ProcessQueue> e : table.entrySet()) {
                if (e.getKey().getTopic().equals(topic) && !e.getValue().isDropped()) {
                    owned.add(e.getKey().getQueueId());
                }
            }
            Collections.sort(owned);
            String key = owned.toString();
            if (!key.equals(last)) {
                last = key;
                StringBuilder b = new StringBuilder(64);
                b.append("{\"type\":\"owned\",\"queues\":").append(key.replace(" ", "")).append(',');
                emit(b);
            }
            Thread.sleep(50);
        }
        consumer.shutdown();
        if (rc != 0) {
            System.err.println("java-push-consumer: timeout after " + timeoutMs + " ms");
        }
        return rc;
    }

    /** Ends the object the builder holds (its last character is a comma) and prints it as one line. */
    private static void emit(StringBuilder b) {
        b.setLength(b.length() - 1);
        b.append('}');
        synchronized (OUT_LOCK) {
            out.println(b);
            out.flush();
        }
    }
}
