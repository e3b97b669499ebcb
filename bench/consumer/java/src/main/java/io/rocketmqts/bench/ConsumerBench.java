package io.rocketmqts.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Consumer benchmark worker for the Java client (the version of the harness's broker), driven by
 * bench/consumer/run.ts. Protocol: bench/consumer/consumer-protocol.ts (arguments in, JSON lines out, SIGTERM to
 * stop). CPU time is this JVM's own (OperatingSystemMXBean.getProcessCpuTime: every thread, JIT and GC included).
 * Latency: handler entry minus the message's store timestamp, counted per whole millisecond.
 */
public final class ConsumerBench {
    private static final int CAP_MS = 600_000;

    private final int expect;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLongArray lat = new AtomicLongArray(CAP_MS + 1);
    private volatile long firstMs;
    private volatile long cpuFirst;

    private ConsumerBench(int expect) {
        this.expect = expect;
    }

    private static long cpuMs() {
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime() / 1_000_000L;
    }

    private void onMessage(MessageExt m) {
        long now = System.currentTimeMillis();
        long d = Math.max(0, Math.min(CAP_MS, now - m.getStoreTimestamp()));
        lat.incrementAndGet((int) d);
        int n = count.incrementAndGet();
        if (n == 1) {
            firstMs = now;
            cpuFirst = cpuMs();
        }
        if (n == expect) {
            System.out.println("{\"event\":\"done\",\"count\":" + n + ",\"first_ms\":" + firstMs + ",\"last_ms\":" + now
                + ",\"cpu_ms_first\":" + cpuFirst + ",\"cpu_ms_last\":" + cpuMs() + ",\"lat_p50_us\":" + percentileUs(0.5, n)
                + ",\"lat_p99_us\":" + percentileUs(0.99, n) + "}");
            System.out.flush();
        }
    }

    private long percentileUs(double q, int total) {
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i <= CAP_MS; i++) {
            seen += lat.get(i);
            if (seen >= rank) {
                return i * 1000L;
            }
        }
        return CAP_MS * 1000L;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                o.put(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        String namesrv = o.get("namesrv");
        String topic = o.get("topic");
        String group = o.get("group");
        String workload = o.get("workload");
        ConsumerBench bench = new ConsumerBench(Integer.parseInt(o.get("expect")));
        String instance = "bench-" + ProcessHandle.current().pid();
        Runnable stop;
        if ("litepull-1k".equals(workload)) {
            DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
            c.setNamesrvAddr(namesrv);
            c.setInstanceName(instance);
            c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            c.subscribe(topic, "*");
            c.start();
            Thread poller = new Thread(() -> {
                while (c.isRunning()) {
                    List<MessageExt> msgs = c.poll(1000);
                    for (MessageExt m : msgs) {
                        bench.onMessage(m);
                    }
                }
            }, "bench-poll");
            poller.setDaemon(true);
            poller.start();
            stop = c::shutdown;
        } else {
            DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
            c.setNamesrvAddr(namesrv);
            c.setInstanceName(instance);
            c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            if ("pop-1k".equals(workload)) {
                // The orchestrator switched the group to POP mode; the broker allocates.
                c.setClientRebalance(false);
            }
            c.subscribe(topic, "*");
            if ("push-orderly-1k".equals(workload)) {
                c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                    for (MessageExt m : msgs) {
                        bench.onMessage(m);
                    }
                    return ConsumeOrderlyStatus.SUCCESS;
                });
            } else {
                c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    for (MessageExt m : msgs) {
                        bench.onMessage(m);
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
            }
            c.start();
            stop = c::shutdown;
        }
        System.out.println("{\"event\":\"ready\",\"client\":\"java\",\"version\":\""
            + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION) + "\"}");
        System.out.flush();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            done.countDown();
        }));
        done.await();
    }
}
