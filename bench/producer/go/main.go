// Benchmark worker for github.com/apache/rocketmq-client-go/v2, driven over stdin by bench/producer/run.ts.
//
// Protocol (the same for every client driver):
//
//	stdin:  run id=ID mode=sync|async|oneway|batch inflight=N size=BYTES batch=K durationMs=MS maxMsgs=N body=PATH
//	        quit
//	stdout: {"event":"ready",...} once started, then one {"event":"result",...} line per run.
//
// CPU time is this process's own (getrusage RUSAGE_SELF, every thread). Latencies go into the same
// log-linear histogram layout as bench/producer/histogram.ts and the Java harness.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

const clientVersion = "v2.1.2"
const tag = "bench"

type histogram struct {
	mu     sync.Mutex
	counts [1024 + 22*512]int64
	total  int64
	max    int64
}

func histIndex(v uint32) int {
	if v < 1024 {
		return int(v)
	}
	e := bits.Len32(v) - 1
	shift := e - 9
	return 1024 + (e-10)*512 + int(v>>uint(shift)) - 512
}

func histValueAt(idx int) int64 {
	if idx < 1024 {
		return int64(idx)
	}
	k := idx - 1024
	shift := uint(k/512 + 1)
	lo := int64(k%512+512) << shift
	return lo + (int64(1)<<shift)>>1
}

func (h *histogram) record(us int64) {
	if us < 0 {
		us = 0
	}
	if us > math.MaxInt32 {
		us = math.MaxInt32
	}
	h.mu.Lock()
	h.counts[histIndex(uint32(us))]++
	h.total++
	if us > h.max {
		h.max = us
	}
	h.mu.Unlock()
}

func (h *histogram) percentile(q float64) int64 {
	if h.total == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.total)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i := range h.counts {
		seen += h.counts[i]
		if seen >= rank {
			v := histValueAt(i)
			if v > h.max {
				return h.max
			}
			return v
		}
	}
	return h.max
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func parseKV(fields []string) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		f = strings.TrimPrefix(f, "--")
		if i := strings.IndexByte(f, '='); i > 0 {
			m[f[:i]] = f[i+1:]
		}
	}
	return m
}

func intOr(m map[string]string, k string, def int64) int64 {
	if v, ok := m[k]; ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return def
}

var out = bufio.NewWriter(os.Stdout)
var outMu sync.Mutex

func emit(v map[string]interface{}) {
	b, _ := json.Marshal(v)
	outMu.Lock()
	out.Write(b)
	out.WriteByte('\n')
	out.Flush()
	outMu.Unlock()
}

type bench struct {
	p     rocketmq.Producer
	topic string
}

type tally struct {
	ok, errors int64
	firstErr   atomic.Value
}

func (t *tally) fail(err string) {
	atomic.AddInt64(&t.errors, 1)
	t.firstErr.CompareAndSwap(nil, err)
}

func (b *bench) newMsg(body []byte) *primitive.Message {
	return primitive.NewMessage(b.topic, body).WithTag(tag)
}

func (b *bench) run(cmd map[string]string) (map[string]interface{}, error) {
	mode := cmd["mode"]
	inflight := intOr(cmd, "inflight", 1)
	batch := intOr(cmd, "batch", 1)
	duration := time.Duration(intOr(cmd, "durationMs", 1000)) * time.Millisecond
	maxMsgs := intOr(cmd, "maxMsgs", 1_000_000_000)
	body, err := os.ReadFile(cmd["body"])
	if err != nil {
		return nil, err
	}
	h := &histogram{}
	t := &tally{}
	ctx := context.Background()
	cpu0 := cpuSeconds()
	t0 := time.Now()
	deadline := t0.Add(duration)
	var issued int64

	switch mode {
	case "sync":
		for issued < maxMsgs && time.Now().Before(deadline) {
			s := time.Now()
			r, err := b.p.SendSync(ctx, b.newMsg(body))
			if err != nil {
				t.fail(err.Error())
			} else if r.Status != primitive.SendOK {
				t.fail(fmt.Sprintf("status %d", r.Status))
			} else {
				h.record(time.Since(s).Microseconds())
				t.ok++
			}
			issued++
		}
	case "oneway":
		for issued < maxMsgs && time.Now().Before(deadline) {
			if err := b.p.SendOneWay(ctx, b.newMsg(body)); err != nil {
				t.fail(err.Error())
			} else {
				t.ok++
			}
			issued++
		}
	case "async", "batch":
		perSend := int64(1)
		if mode == "batch" {
			perSend = batch
		}
		slots := make(chan struct{}, inflight)
		var wg sync.WaitGroup
		for issued < maxMsgs && time.Now().Before(deadline) {
			slots <- struct{}{}
			msgs := make([]*primitive.Message, perSend)
			for i := range msgs {
				msgs[i] = b.newMsg(body)
			}
			s := time.Now()
			wg.Add(1)
			err := b.p.SendAsync(ctx, func(_ context.Context, r *primitive.SendResult, err error) {
				if err != nil {
					t.fail(err.Error())
				} else if r.Status != primitive.SendOK {
					t.fail(fmt.Sprintf("status %d", r.Status))
				} else {
					h.record(time.Since(s).Microseconds())
					atomic.AddInt64(&t.ok, perSend)
				}
				<-slots
				wg.Done()
			}, msgs...)
			if err != nil {
				t.fail(err.Error())
				<-slots
				wg.Done()
			}
			issued += perSend
		}
		// Drain: callbacks fire within the send timeout; the bound is a backstop.
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.fail("callbacks still pending 60 s after the run")
		}
	default:
		return nil, fmt.Errorf("unknown mode %q", mode)
	}

	elapsed := time.Since(t0).Seconds()
	cpu := cpuSeconds() - cpu0
	h.mu.Lock()
	defer h.mu.Unlock()
	res := map[string]interface{}{
		"event":     "result",
		"id":        cmd["id"],
		"msgs":      atomic.LoadInt64(&t.ok),
		"errors":    atomic.LoadInt64(&t.errors),
		"elapsed_s": elapsed,
		"cpu_s":     cpu,
		"samples":   h.total,
		"p50_us":    h.percentile(0.50),
		"p99_us":    h.percentile(0.99),
		"p999_us":   h.percentile(0.999),
		"max_us":    h.max,
	}
	if fe, ok := t.firstErr.Load().(string); ok {
		res["first_error"] = fe
	}
	return res, nil
}

func main() {
	opts := parseKV(os.Args[1:])
	if opts["namesrv"] == "" || opts["topic"] == "" {
		fmt.Fprintln(os.Stderr, "usage: producer-bench namesrv=HOST:PORT topic=TOPIC [group=G] [compressOver=4096]")
		os.Exit(2)
	}
	rlog.SetLogLevel("error")
	group := opts["group"]
	if group == "" {
		group = fmt.Sprintf("bench_go_%d", os.Getpid())
	}
	p, err := rocketmq.NewProducer(
		producer.WithNameServer([]string{opts["namesrv"]}),
		producer.WithGroupName(group),
		producer.WithInstanceName(fmt.Sprintf("bench-%d", os.Getpid())),
		producer.WithRetry(2),
		producer.WithSendMsgTimeout(time.Duration(intOr(opts, "sendTimeoutMs", 3000))*time.Millisecond),
		producer.WithCompressMsgBodyOverHowmuch(int(intOr(opts, "compressOver", 4096))),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "new producer:", err)
		os.Exit(1)
	}
	if err := p.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		os.Exit(1)
	}
	b := &bench{p: p, topic: opts["topic"]}
	// Route lookup and connection before anything is measured.
	if _, err := p.SendSync(context.Background(), b.newMsg(make([]byte, 16))); err != nil {
		fmt.Fprintln(os.Stderr, "first send:", err)
		_ = p.Shutdown()
		os.Exit(1)
	}
	emit(map[string]interface{}{"event": "ready", "client": "go", "version": clientVersion, "runtime": runtime.Version()})

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		if line == "quit" {
			break
		}
		if !strings.HasPrefix(line, "run ") {
			emit(map[string]interface{}{"event": "error", "message": "unknown command: " + line})
			continue
		}
		cmd := parseKV(strings.Fields(line[4:]))
		res, err := b.run(cmd)
		if err != nil {
			emit(map[string]interface{}{"event": "error", "id": cmd["id"], "message": err.Error()})
			continue
		}
		emit(res)
	}
	_ = p.Shutdown()
}
