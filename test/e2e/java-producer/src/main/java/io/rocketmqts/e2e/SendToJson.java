package io.rocketmqts.e2e;

import com.alibaba.fastjson.JSON;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.message.Message;

/**
 * Sends messages with every field a producer sets to one topic with the Java client, and prints one JSON object
 * per message sent on stdout (where the broker put it and everything it carried), so that the e2e tests can
 * compare, field by field, what rocketmq-ts reads back: unicode bodies and properties, flags (negative too),
 * tags, keys, a delay level, a batch, and bodies over compressMsgBodyOverHowmuch compressed with ZLIB, LZ4 and
 * ZSTD (DefaultMQProducer.setCompressType).
 *
 * Arguments: --namesrv ADDR --topic T [--group G]
 * Exit codes: 0 when every message was sent (SEND_OK), 1 otherwise. Diagnostics go to stderr only.
 */
public final class SendToJson {

    private static final int COMPRESS_OVER = 4096;

    private SendToJson() {
    }

    public static void main(String[] args) {
        int exitCode = 1;
        try {
            Map<String, String> opts = options(args);
            exitCode = send(opts.get("--namesrv"), opts.get("--topic"),
                opts.getOrDefault("--group", "rmqts_java_producer_" + System.currentTimeMillis()));
        } catch (Throwable t) {
            System.err.println("java-producer: " + t);
            t.printStackTrace(System.err);
        } finally {
            System.out.flush();
            // Not every executor of the client is a daemon thread.
            System.exit(exitCode);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!Arrays.asList("--namesrv", "--topic", "--group").contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            opts.put(args[i], args[i + 1]);
        }
        if (!opts.containsKey("--namesrv") || !opts.containsKey("--topic") || args.length % 2 != 0) {
            throw new IllegalArgumentException("usage: --namesrv ADDR --topic T [--group G]");
        }
        return opts;
    }

    private static int send(String namesrv, String topic, String group) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("rmqts-e2e-producer-" + System.nanoTime());
        producer.setCompressMsgBodyOverHowmuch(COMPRESS_OVER);
        producer.setSendMsgTimeout(10000);
        producer.start();
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        try {
            Message m = new Message(topic, "TagA", "k-1 clé-2", utf8("héllo 世界 🚀 a small unicode body"));
            m.setFlag(7);
            m.putUserProperty("city", "Zürich 東京 🚀");
            m.putUserProperty("symbols", "a=b:c;d|e ' \" \\ end");
            single(out, producer, "unicode", m);

            m = new Message(topic, utf8("no tags, a negative flag, keys from a list"));
            m.setFlag(-123);
            m.setKeys(Arrays.asList("alpha", "béta"));
            m.putUserProperty("n", "2");
            single(out, producer, "no-tags-negative-flag", m);

            m = new Message(topic, "TagD", "delayed-key", utf8("delayed ⏰ by level 1"));
            m.setDelayTimeLevel(1);
            m.putUserProperty("delayed", "yes");
            single(out, producer, "delay-level-1", m);

            m = new Message(topic, "TagU", "under", body("just under the compression threshold ", COMPRESS_OVER - 1));
            single(out, producer, "under-threshold", m);

            for (CompressionType type : new CompressionType[] {CompressionType.ZLIB, CompressionType.LZ4, CompressionType.ZSTD}) {
                producer.setCompressType(type);
                m = new Message(topic, "TagZ", "zip-" + type, body("compressed by Java with " + type + " — ünïcödé 世界 ", 3 * COMPRESS_OVER));
                m.setFlag(type.getCompressionFlag());
                m.putUserProperty("codec", type.name());
                single(out, producer, "compressed-" + type, m);
            }
            producer.setCompressType(CompressionType.ZLIB);

            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Message b = new Message(topic, i == 1 ? "TagB2" : "TagB", "batch-key-" + i, utf8("batch member " + i + " ✓ 世界"));
                b.setFlag(100 + i);
                b.putUserProperty("member", "n°" + i);
                batch.add(b);
            }
            batch.get(2).setBody(body("a batch member over the threshold is never compressed ", COMPRESS_OVER + 10));
            SendResult r = producer.send(batch);
            String[] ids = r.getMsgId().split(",");
            String[] offsetIds = r.getOffsetMsgId() == null ? new String[0] : r.getOffsetMsgId().split(",");
            for (int i = 0; i < batch.size(); i++) {
                Map<String, Object> o = line("batch-" + i, batch.get(i), r, batch.get(i).getBody(), 0);
                o.put("msgId", ids[i]);
                o.put("queueOffset", r.getQueueOffset() + i);
                o.put("offsetMsgId", i < offsetIds.length ? offsetIds[i] : null);
                o.put("inBatch", true);
                out.println(JSON.toJSONString(o));
            }
        } finally {
            out.flush();
            producer.shutdown();
        }
        return 0;
    }

    private static void single(PrintStream out, DefaultMQProducer producer, String name, Message m) throws Exception {
        byte[] original = m.getBody().clone();
        int compressFlag = original.length >= COMPRESS_OVER ? producer.getCompressType().getCompressionFlag() : 0;
        SendResult r = producer.send(m);
        out.println(JSON.toJSONString(line(name, m, r, original, compressFlag)));
        out.flush();
    }

    private static Map<String, Object> line(String name, Message m, SendResult r, byte[] body, int compressFlag) {
        if (r.getSendStatus() == null || !"SEND_OK".equals(r.getSendStatus().name())) {
            throw new IllegalStateException(name + ": " + r);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", name);
        o.put("msgId", r.getMsgId());
        o.put("topic", m.getTopic());
        o.put("brokerName", r.getMessageQueue().getBrokerName());
        o.put("queueId", r.getMessageQueue().getQueueId());
        o.put("queueOffset", r.getQueueOffset());
        o.put("offsetMsgId", r.getOffsetMsgId());
        o.put("tags", m.getTags());
        o.put("keys", m.getKeys());
        o.put("flag", m.getFlag());
        o.put("delayTimeLevel", m.getDelayTimeLevel());
        o.put("compressFlag", compressFlag);
        o.put("bodyBase64", Base64.getEncoder().encodeToString(body));
        o.put("properties", new TreeMap<>(m.getProperties()));
        o.put("inBatch", false);
        return o;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** `size` bytes (a few less to end on a whole character) of repeated, numbered text: compressible, not trivially. */
    private static byte[] body(String text, int size) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < size; i++) {
            sb.append(text).append(i).append('\n');
        }
        byte[] b = utf8(sb.toString());
        int end = Math.min(size, b.length);
        while (end > 0 && end < b.length && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(b, end);
    }
}
