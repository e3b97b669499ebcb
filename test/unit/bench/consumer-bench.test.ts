import { MsHistogram } from '../../../bench/consumer/ms-histogram';
import { parseWorkerArgs } from '../../../bench/consumer/consumer-protocol';
import { renderConsumerReport, type ConsumerRow } from '../../../bench/consumer/consumer-report';

describe('consumer benchmark pieces', () => {
  test('latency percentiles are nearest-rank over whole milliseconds, reported in microseconds', () => {
    const h = new MsHistogram();
    for (let i = 1; i <= 100; i++) h.record(i);
    h.record(-5);
    expect(h.percentileUs(0.5)).toBe(50_000);
    expect(h.percentileUs(0.99)).toBe(99_000);
    expect(h.percentileUs(0.001)).toBe(0);
  });

  test('worker arguments are checked', () => {
    expect(parseWorkerArgs(['namesrv=a:1', 'topic=T', 'group=G', 'workload=pop-1k', 'expect=5'])).toEqual({
      namesrv: 'a:1',
      topic: 'T',
      group: 'G',
      workload: 'pop-1k',
      expect: 5,
    });
    expect(() => parseWorkerArgs(['namesrv=a:1', 'topic=T', 'group=G', 'workload=push-2k', 'expect=5'])).toThrow('unknown workload');
    expect(() => parseWorkerArgs(['namesrv=a:1', 'topic=T', 'group=G', 'workload=push-1k', 'expect=0'])).toThrow('positive');
  });

  test('the report judges the goals against Java from the medians', () => {
    const row = (client: ConsumerRow['client'], round: number, msgs: number, cpu: number, p99: number): ConsumerRow => ({
      bench: 'consumer', client, workload: 'push-1k', round, msgs_per_s: msgs, e2e_p50_us: 1000, e2e_p99_us: p99, cpu_s_per_10k: cpu, rss_mb: 50, load1: 1,
    });
    const md = renderConsumerReport(
      [row('rocketmq-ts', 1, 9000, 0.1, 5000), row('rocketmq-ts', 2, 11000, 0.3, 7000), row('java', 1, 9500, 0.4, 6000)],
      { startedAt: new Date(0), options: { rounds: 2, backlog: 10, steadyS: 1, rate: 1, queues: 8 }, unsupported: new Map([['go/pop-1k', 'none']]), loadAtEnd: [1, 1, 1] },
    );
    expect(md).toContain('| push-1k | rocketmq-ts | 2 | 10000 | 0.200 | 1 | 6 | 50 |');
    expect(md).toContain('| push-1k | 10000 vs 9500 (met) | 0.50x (met) | 6 vs 6 ms (met) |');
    expect(md).toContain('- go/pop-1k: none');
  });
});
