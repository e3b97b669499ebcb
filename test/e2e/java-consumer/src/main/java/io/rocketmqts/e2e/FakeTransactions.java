package io.rocketmqts.e2e;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *
 * A real 5.x broker fresh from start-up may also check back the two transactions that already ended (it has
 * not read their op messages yet) and may then write a committed message twice. Both are allowed by the
 * protocol (a check answers with the local state; delivery is at least once), so the check-back answers what
 * the local transaction decided, only the required check (index 2) is printed, and consumption is counted by
 * message id; the extra checks and duplicates go to stderr.
 */
final class FakeTransactions {

    private FakeTransactions() {
    }

    private static LocalTransactionState decided(Message msg) {
        switch (msg.getUserProperty("index")) {
            case "0": return LocalTransactionState.COMMIT_MESSAGE;
            case "1": return LocalTransactionState.ROLLBACK_MESSAGE;
            default: return LocalTransactionState.UNKNOW;
        }
    }

    static int run(PrintStream out, String namesrv, String topic, String group, String instance, long timeoutMs) throws Exception {
        AtomicInteger checks = new AtomicInteger();
        TransactionMQProducer producer = new TransactionMQProducer(group + "_tx");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(instance);
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return decided(msg);
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                LocalTransactionState local = decided(msg);
                if (local != LocalTransactionState.UNKNOW) {
                    System.err.println("fake-transactions: extra check-back of ended transaction " + msg.getUserProperty("index"));
                    return local;
                }
                if (checks.getAndIncrement() > 0) {
                    System.err.println("fake-transactions: repeated check-back of transaction 2");
                    return LocalTransactionState.COMMIT_MESSAGE;
                }
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
        Map<String, MessageExt> distinct = new LinkedHashMap<>();
        for (MessageExt m : FakeRoundTrip.consumeLite(namesrv, topic, group, instance, 2, timeoutMs, true)) {
            if (distinct.putIfAbsent(m.getMsgId(), m) != null) {
                System.err.println("fake-transactions: committed message delivered twice: " + m.getKeys());
            }
        }
        List<MessageExt> got = new ArrayList<>(distinct.values());
        for (MessageExt m : got) {
            String json = ConsumeToJson.toJson(m);
            out.println("{\"kind\":\"consume\"," + json.substring(1));
        }
        out.flush();
        if (checks.get() == 0 || got.size() != 2) {
            System.err.println("fake-transactions: " + checks.get() + " check-back(s) of transaction 2, " + got.size() + " distinct message(s) consumed (want >= 1 and 2)");
            return 2;
        }
        return 0;
    }
}
