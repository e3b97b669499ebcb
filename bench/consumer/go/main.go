// Consumer benchmark worker for github.com/apache/rocketmq-client-go/v2 (push consumer, concurrently or
// orderly), driven by bench/consumer/run.ts. Protocol: bench/consumer/consumer-protocol.ts (arguments in, JSON
// lines out, SIGTERM to stop). CPU time is this process's own (getrusage RUSAGE_SELF, every thread). Latency:
// handler entry minus the message's store timestamp, counted per whole millisecond.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

const clientVersion = "v2.1.2"
const capMs = 600000

type bench struct {
	expect   int64
	count    int64
	firstMs  int64
	cpuFirst int64
	lat      [capMs + 1]int64
}

func cpuMs() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return (ru.Utime.Nano() + ru.Stime.Nano()) / 1e6
}

func emit(v map[string]interface{}) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func (b *bench) percentileUs(q float64, total int64) int64 {
	rank := int64(math.Max(1, math.Ceil(q*float64(total))))
	var seen int64
	for i := 0; i <= capMs; i++ {
		seen += atomic.LoadInt64(&b.lat[i])
		if seen >= rank {
			return int64(i) * 1000
		}
	}
	return capMs * 1000
}

func (b *bench) onMessage(m *primitive.MessageExt) {
	now := time.Now().UnixMilli()
	d := now - m.StoreTimestamp
	if d < 0 {
		d = 0
	} else if d > capMs {
		d = capMs
	}
	atomic.AddInt64(&b.lat[d], 1)
	n := atomic.AddInt64(&b.count, 1)
	if n == 1 {
		atomic.StoreInt64(&b.firstMs, now)
		atomic.StoreInt64(&b.cpuFirst, cpuMs())
	}
	if n == b.expect {
		emit(map[string]interface{}{
			"event": "done", "count": n, "first_ms": atomic.LoadInt64(&b.firstMs), "last_ms": now,
			"cpu_ms_first": atomic.LoadInt64(&b.cpuFirst), "cpu_ms_last": cpuMs(),
			"lat_p50_us": b.percentileUs(0.5, n), "lat_p99_us": b.percentileUs(0.99, n),
		})
	}
}

func main() {
	opts := map[string]string{}
	for _, a := range os.Args[1:] {
		if i := strings.IndexByte(a, '='); i > 0 {
			opts[a[:i]] = a[i+1:]
		}
	}
	rlog.SetLogLevel("error")
	expect, err := strconv.ParseInt(opts["expect"], 10, 64)
	if err != nil || expect < 1 {
		fmt.Fprintln(os.Stderr, "expect= must be a positive integer")
		os.Exit(2)
	}
	workload := opts["workload"]
	if workload != "push-1k" && workload != "push-orderly-1k" {
		emit(map[string]interface{}{"event": "unsupported", "reason": "rocketmq-client-go v2 has no " + workload + " consumer over remoting"})
		return
	}
	b := &bench{expect: expect}
	c, err := rocketmq.NewPushConsumer(
		consumer.WithNameServer([]string{opts["namesrv"]}),
		consumer.WithGroupName(opts["group"]),
		consumer.WithInstance(fmt.Sprintf("bench-%d", os.Getpid())),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
		consumer.WithConsumerOrder(workload == "push-orderly-1k"),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "new push consumer:", err)
		os.Exit(2)
	}
	err = c.Subscribe(opts["topic"], consumer.MessageSelector{}, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		for _, m := range msgs {
			b.onMessage(m)
		}
		return consumer.ConsumeSuccess, nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "subscribe:", err)
		os.Exit(2)
	}
	if err := c.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start:", err)
		os.Exit(2)
	}
	emit(map[string]interface{}{"event": "ready", "client": "go", "version": clientVersion})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	_ = c.Shutdown()
}
