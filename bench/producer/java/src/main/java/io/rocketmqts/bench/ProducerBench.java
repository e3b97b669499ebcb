package io.rocketmqts.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * Benchmark worker for the Java DefaultMQProducer, driven over stdin by bench/producer/run.ts.
 *
 * Protocol (one line each way, the same for every client driver):
 *   stdin:  run id=ID mode=sync|async|oneway|batch inflight=N size=BYTES batch=K durationMs=MS maxMsgs=N body=PATH
 *           quit
 *   stdout: {"event":"ready",...} once started, then one {"event":"result",...} line per run.
 * CPU time is this JVM's own (OperatingSystemMXBean.getProcessCpuTime: every thread, JIT and GC included).
 * Latencies go into a fixed log-linear histogram, the same layout as bench/producer/histogram.ts and the Go driver.
 */
public final class ProducerBench {
    private static final String TAG = "bench";

    private final DefaultMQProducer producer;
    private final String topic;

    private ProducerBench(DefaultMQProducer producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parseArgs(args);
        String namesrv = require(opts, "namesrv");
        String topic = require(opts, "topic");
        String group = opts.containsKey("group") ? opts.get("group") : "bench_java_" + ProcessHandle.current().pid();
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("bench-" + ProcessHandle.current().pid());
        producer.setCompressMsgBodyOverHowmuch(Integer.parseInt(opts.getOrDefault("compressOver", "4096")));
        producer.setSendMsgTimeout(Integer.parseInt(opts.getOrDefault("sendTimeoutMs", "3000")));
        producer.start();
        ProducerBench bench = new ProducerBench(producer, topic);
        try {
            // Route lookup and connection before anything is measured.
            producer.send(new Message(topic, TAG, new byte[16]));
            emit("{\"event\":\"ready\",\"client\":\"java\",\"version\":\""
                + esc(org.apache.rocketmq.common.MQVersion.getVersionDesc(org.apache.rocketmq.common.MQVersion.CURRENT_VERSION))
                + "\",\"runtime\":\"" + esc("java " + System.getProperty("java.version")) + "\"}");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                line = line.trim();
                if (line.isEmpty()) continue;
                if (line.equals("quit")) break;
                if (!line.startsWith("run ")) {
                    emit("{\"event\":\"error\",\"message\":\"" + esc("unknown command: " + line) + "\"}");
                    continue;
                }
                Map<String, String> cmd = parseArgs(line.substring(4).trim().split("\\s+"));
                try {
                    emit(bench.run(cmd));
                } catch (Exception e) {
                    emit("{\"event\":\"error\",\"id\":\"" + esc(cmd.get("id")) + "\",\"message\":\"" + esc(e.toString()) + "\"}");
                }
            }
        } finally {
            producer.shutdown();
        }
        System.exit(0);
    }

    private String run(Map<String, String> cmd) throws Exception {
        String id = require(cmd, "id");
        String mode = require(cmd, "mode");
        int inflight = Integer.parseInt(cmd.getOrDefault("inflight", "1"));
        int batch = Integer.parseInt(cmd.getOrDefault("batch", "1"));
        long durationNs = Long.parseLong(require(cmd, "durationMs")) * 1_000_000L;
        long maxMsgs = Long.parseLong(cmd.getOrDefault("maxMsgs", "1000000000"));
        byte[] body = Files.readAllBytes(Paths.get(require(cmd, "body")));

        Histogram hist = new Histogram();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        long deadline = t0 + durationNs;

        if (mode.equals("sync")) {
            long issued = 0;
            while (issued < maxMsgs && System.nanoTime() < deadline) {
                long s = System.nanoTime();
                try {
                    SendResult r = producer.send(new Message(topic, TAG, body));
                    if (r.getSendStatus() == SendStatus.SEND_OK) {
                        hist.record((System.nanoTime() - s) / 1000);
                        ok.incrementAndGet();
                    } else {
                        fail(errors, firstError, "status " + r.getSendStatus());
                    }
                } catch (Exception e) {
                    fail(errors, firstError, e.toString());
                }
                issued++;
            }
        } else if (mode.equals("oneway")) {
            long issued = 0;
            while (issued < maxMsgs && System.nanoTime() < deadline) {
                try {
                    producer.sendOneway(new Message(topic, TAG, body));
                    ok.incrementAndGet();
                } catch (Exception e) {
                    fail(errors, firstError, e.toString());
                }
                issued++;
            }
        } else if (mode.equals("async") || mode.equals("batch")) {
            final int perSend = mode.equals("batch") ? batch : 1;
            final Semaphore slots = new Semaphore(inflight);
            long issued = 0;
            while (issued < maxMsgs && System.nanoTime() < deadline) {
                // Bounded: a wedged client (no callback within the send timeout and then some) ends the run.
                if (!slots.tryAcquire(30, TimeUnit.SECONDS)) {
                    fail(errors, firstError, "no send slot freed within 30 s");
                    break;
                }
                final long s = System.nanoTime();
                SendCallback cb = new SendCallback() {
                    @Override
                    public void onSuccess(SendResult r) {
                        if (r.getSendStatus() == SendStatus.SEND_OK) {
                            hist.record((System.nanoTime() - s) / 1000);
                            ok.addAndGet(perSend);
                        } else {
                            fail(errors, firstError, "status " + r.getSendStatus());
                        }
                        slots.release();
                    }

                    @Override
                    public void onException(Throwable e) {
                        fail(errors, firstError, e.toString());
                        slots.release();
                    }
                };
                try {
                    if (perSend == 1) {
                        producer.send(new Message(topic, TAG, body), cb);
                    } else {
                        List<Message> msgs = new ArrayList<>(perSend);
                        for (int i = 0; i < perSend; i++) msgs.add(new Message(topic, TAG, body));
                        producer.send(msgs, cb);
                    }
                } catch (Exception e) {
                    fail(errors, firstError, e.toString());
                    slots.release();
                }
                issued += perSend;
            }
            // Drain: every callback fires within the send timeout (plus retries); the bound is a backstop.
            if (!slots.tryAcquire(inflight, 60, TimeUnit.SECONDS)) {
                fail(errors, firstError, "callbacks still pending 60 s after the run");
            }
        } else {
            throw new IllegalArgumentException("unknown mode " + mode);
        }

        long elapsed = System.nanoTime() - t0;
        long cpu = cpuNanos() - cpu0;
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"event\":\"result\",\"id\":\"").append(esc(id)).append('"');
        sb.append(",\"msgs\":").append(ok.get());
        sb.append(",\"errors\":").append(errors.get());
        sb.append(",\"elapsed_s\":").append(elapsed / 1e9);
        sb.append(",\"cpu_s\":").append(cpu / 1e9);
        synchronized (hist) {
            sb.append(",\"samples\":").append(hist.total);
            sb.append(",\"p50_us\":").append(hist.percentile(0.50));
            sb.append(",\"p99_us\":").append(hist.percentile(0.99));
            sb.append(",\"p999_us\":").append(hist.percentile(0.999));
            sb.append(",\"max_us\":").append(hist.max);
        }
        String fe = firstError.get();
        if (fe != null) sb.append(",\"first_error\":\"").append(esc(fe)).append('"');
        sb.append('}');
        return sb.toString();
    }

    private static void fail(AtomicLong errors, AtomicReference<String> first, String what) {
        errors.incrementAndGet();
        first.compareAndSet(null, what);
    }

    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
    }

    private static synchronized void emit(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String a : args) {
            String s = a.startsWith("--") ? a.substring(2) : a;
            int eq = s.indexOf('=');
            if (eq > 0) m.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return m;
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("missing " + key + "=");
        return v;
    }

    private static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    /** Log-linear latency histogram in microseconds: exact below 1024, then 512 sub-buckets per power of two. */
    static final class Histogram {
        private static final int SIZE = 1024 + 22 * 512;
        final long[] counts = new long[SIZE];
        long total;
        long max;

        synchronized void record(long us) {
            int v = (int) Math.max(0, Math.min(us, Integer.MAX_VALUE));
            counts[index(v)]++;
            total++;
            if (v > max) max = v;
        }

        static int index(int v) {
            if (v < 1024) return v;
            int e = 31 - Integer.numberOfLeadingZeros(v);
            int shift = e - 9;
            return 1024 + (e - 10) * 512 + ((v >>> shift) - 512);
        }

        static long valueAt(int idx) {
            if (idx < 1024) return idx;
            int k = idx - 1024;
            int shift = k / 512 + 1;
            long lo = ((long) (k % 512 + 512)) << shift;
            return lo + ((1L << shift) >> 1);
        }

        long percentile(double q) {
            if (total == 0) return 0;
            long rank = Math.max(1, (long) Math.ceil(q * total));
            long seen = 0;
            for (int i = 0; i < SIZE; i++) {
                seen += counts[i];
                if (seen >= rank) return Math.min(valueAt(i), max);
            }
            return max;
        }
    }
}
