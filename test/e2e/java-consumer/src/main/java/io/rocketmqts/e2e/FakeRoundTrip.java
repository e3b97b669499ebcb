package io.rocketmqts.e2e;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The Java client, with default settings, against a server under test (rocketmq-ts/testing's FakeRocketMQ in
 * the e2e suite): DefaultMQProducer sends `count` messages one by one and two as a batch, then a consumer of
 * a new group (DefaultLitePullConsumer with `--mode lite`, DefaultMQPushConsumer with `--mode push`) reads
 * them. One JSON line per SendResult ({"kind":"send",...}) and per consumed message ({"kind":"consume",...}
 * plus ConsumeToJson's fields).
 *
 * `--mode push-retry` refuses every first delivery (RECONSUME_LATER: the client sends it back, the server
 * redelivers it through the group's retry topic); `--mode transaction` runs FakeTransactions instead.
 *
 * Arguments: --namesrv ADDR --topic T [--count N] [--mode lite|push|push-retry|transaction] [--group G] [--timeout-ms MS]
 * Exit codes: 0 all read, 2 timeout, 1 usage or client error.
 */
public final class FakeRoundTrip {

    private FakeRoundTrip() {
    }

    public static void main(String[] args) {
        ConsumeToJson.runAndExit("fake-round-trip", args, FakeRoundTrip::run);
    }

    private static int run(String[] args) throws Exception {
        String namesrv = null;
        String topic = null;
        String mode = "lite";
        String group = "rmqts_fake_" + System.currentTimeMillis();
        int count = 4;
        long timeoutMs = 30000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--namesrv": namesrv = v; break;
                case "--topic": topic = v; break;
                case "--mode": mode = v; break;
                case "--group": group = v; break;
                case "--count": count = Integer.parseInt(v); break;
                case "--timeout-ms": timeoutMs = Long.parseLong(v); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (namesrv == null || topic == null) {
            throw new IllegalArgumentException("usage: --namesrv ADDR --topic T [--count N] [--mode lite|push]");
        }
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        String instance = "rmqts-fake-" + ConsumeToJson.ProcessHandleCompat.pid();
        if ("transaction".equals(mode)) {
            return FakeTransactions.run(out, namesrv, topic, group, instance, timeoutMs);
        }

        DefaultMQProducer producer = new DefaultMQProducer(group + "_producer");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(instance);
        producer.start();
        try {
            for (int i = 0; i < count; i++) {
                Message m = new Message(topic, i % 2 == 0 ? "TagA" : "TagB", "key-" + i, ("body-" + i).getBytes(StandardCharsets.UTF_8));
                m.putUserProperty("index", String.valueOf(i));
                out.println(sendJson(producer.send(m)));
            }
            List<Message> batch = new ArrayList<>();
            for (int i = count; i < count + 2; i++) {
                Message m = new Message(topic, "TagBatch", "key-" + i, ("body-" + i).getBytes(StandardCharsets.UTF_8));
                m.putUserProperty("index", String.valueOf(i));
                batch.add(m);
            }
            out.println(sendJson(producer.send(batch)));
        } finally {
            out.flush();
            producer.shutdown();
        }

        boolean retry = "push-retry".equals(mode);
        // With push-retry every message is first refused (RECONSUME_LATER), so each arrives twice.
        int expected = (count + 2) * (retry ? 2 : 1);
        List<MessageExt> got = "lite".equals(mode)
            ? consumeLite(namesrv, topic, group, instance, expected, timeoutMs)
            : consumePush(namesrv, topic, group, instance, expected, timeoutMs, retry);
        for (MessageExt m : got) {
            String json = ConsumeToJson.toJson(m);
            out.println("{\"kind\":\"consume\"," + json.substring(1));
        }
        out.flush();
        if (got.size() < expected) {
            System.err.println("fake-round-trip: timeout with " + got.size() + "/" + expected + " messages");
            return 2;
        }
        return 0;
    }

    static List<MessageExt> consumeLite(String namesrv, String topic, String group, String instance, int expected, long timeoutMs)
        throws Exception {
        return consumeLite(namesrv, topic, group, instance, expected, timeoutMs, false);
    }

    /** With `distinctIds`, `expected` counts distinct message ids (a broker may deliver a message twice). */
    static List<MessageExt> consumeLite(String namesrv, String topic, String group, String instance, int expected, long timeoutMs,
        boolean distinctIds) throws Exception {
        DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(instance);
        consumer.subscribe(topic, "*");
        consumer.start();
        List<MessageExt> got = new ArrayList<>();
        try {
            long deadline = System.currentTimeMillis() + timeoutMs;
            Set<String> ids = new HashSet<>();
            while ((distinctIds ? ids.size() : got.size()) < expected && System.currentTimeMillis() < deadline) {
                for (MessageExt m : consumer.poll(500)) {
                    got.add(m);
                    ids.add(m.getMsgId());
                }
            }
        } finally {
            consumer.shutdown();
        }
        return got;
    }

    private static List<MessageExt> consumePush(String namesrv, String topic, String group, String instance, int expected, long timeoutMs,
        boolean refuseFirst) throws Exception {
        List<MessageExt> got = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(instance);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            got.addAll(msgs);
            boolean first = msgs.stream().anyMatch(m -> m.getReconsumeTimes() == 0);
            return refuseFirst && first ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (got.size() < expected && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            // Shutdown persists the consumed offsets to the broker and unregisters the client.
            consumer.shutdown();
        }
        List<MessageExt> sorted = new ArrayList<>(got);
        Collections.sort(sorted, (a, b) -> a.getReconsumeTimes() != b.getReconsumeTimes()
            ? Integer.compare(a.getReconsumeTimes(), b.getReconsumeTimes())
            : a.getQueueId() != b.getQueueId()
            ? Integer.compare(a.getQueueId(), b.getQueueId()) : Long.compare(a.getQueueOffset(), b.getQueueOffset()));
        return sorted;
    }

    static String sendJson(SendResult r) {
        StringBuilder b = new StringBuilder(256);
        b.append('{');
        ConsumeToJson.field(b, "kind", "send");
        ConsumeToJson.field(b, "sendStatus", r.getSendStatus().name());
        ConsumeToJson.field(b, "msgId", r.getMsgId());
        ConsumeToJson.field(b, "offsetMsgId", r.getOffsetMsgId());
        ConsumeToJson.field(b, "topic", r.getMessageQueue().getTopic());
        ConsumeToJson.field(b, "brokerName", r.getMessageQueue().getBrokerName());
        ConsumeToJson.num(b, "queueId", r.getMessageQueue().getQueueId());
        ConsumeToJson.num(b, "queueOffset", r.getQueueOffset());
        ConsumeToJson.field(b, "transactionId", r.getTransactionId());
        ConsumeToJson.field(b, "regionId", r.getRegionId());
        ConsumeToJson.field(b, "traceOn", String.valueOf(r.isTraceOn()));
        b.setLength(b.length() - 1);
        b.append('}');
        return b.toString();
    }
}
