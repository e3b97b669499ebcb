package io.rocketmqts.e2e;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * FakeRoundTrip's `--mode transaction`: a TransactionMQProducer sends three half messages whose local
 * transactions commit, roll back and stay unknown; the server's check-back of the third is answered with a
 * commit; then a lite pull consumer reads what became visible. JSON lines: "send" (with the local state),
 * "check" (what the check-back carried), "consume".
 */
final class FakeTransactions {

    private FakeTransactions() {
    }

    static int run(PrintStream out, String namesrv, String topic, String group, String instance, long timeoutMs) throws Exception {
        AtomicInteger checks = new AtomicInteger();
        TransactionMQProducer producer = new TransactionMQProducer(group + "_tx");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(instance);
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                switch (msg.getUserProperty("index")) {
                    case "0": return LocalTransactionState.COMMIT_MESSAGE;
                    case "1": return LocalTransactionState.ROLLBACK_MESSAGE;
                    default: return LocalTransactionState.UNKNOW;
                }
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                StringBuilder b = new StringBuilder("{");
                ConsumeToJson.field(b, "kind", "check");
                ConsumeToJson.field(b, "index", msg.getUserProperty("index"));
                ConsumeToJson.field(b, "topic", msg.getTopic());
                ConsumeToJson.field(b, "transactionId", msg.getTransactionId());
                ConsumeToJson.field(b, "body", new String(msg.getBody(), StandardCharsets.UTF_8));
                b.setLength(b.length() - 1);
                synchronized (out) {
                    out.println(b.append('}'));
                    out.flush();
                }
                checks.incrementAndGet();
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        producer.start();
        try {
            for (int i = 0; i < 3; i++) {
                Message m = new Message(topic, "TagTx", "tx-" + i, ("tx-body-" + i).getBytes(StandardCharsets.UTF_8));
                m.putUserProperty("index", String.valueOf(i));
                TransactionSendResult r = producer.sendMessageInTransaction(m, null);
                String json = FakeRoundTrip.sendJson(r);
                synchronized (out) {
                    out.println(json.substring(0, json.length() - 1) + ",\"localTransactionState\":\"" + r.getLocalTransactionState() + "\"}");
                    out.flush();
                }
            }
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (checks.get() == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            // The commit answering the check is sent oneway from the check executor: give it a moment.
            Thread.sleep(500);
        } finally {
            producer.shutdown();
        }
        List<MessageExt> got = FakeRoundTrip.consumeLite(namesrv, topic, group, instance, 2, timeoutMs);
        for (MessageExt m : got) {
            String json = ConsumeToJson.toJson(m);
            out.println("{\"kind\":\"consume\"," + json.substring(1));
        }
        out.flush();
        return checks.get() > 0 && got.size() == 2 ? 0 : 2;
    }
}
