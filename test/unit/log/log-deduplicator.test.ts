import { ClientError, RemotingConnectError } from '../../../src/errors';
import { LogDeduplicator } from '../../../src/log-deduplicator';
import type { LogFields, Logger } from '../../../src/logger';
import { Message } from '../../../src/message/message';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { closedPort } from '../../helpers/fake-remoting-server';
import { FakeNameServer } from '../../helpers/fake-rocketmq';

interface Line {
  level: string;
  ns: string;
  msg: string;
  fields?: LogFields;
}

/** Records every line it gets (all namespaces share one list). */
function recordingLogger(lines: Line[], ns = ''): Logger {
  const add = (level: string) => (msg: string, fields?: LogFields) => lines.push({ level, ns, msg, fields });
  return { debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error'), child: (n) => recordingLogger(lines, `${ns}/${n}`) };
}

const loud = (lines: Line[]) => lines.filter((l) => l.level === 'warn' || l.level === 'error');

describe('LogDeduplicator', () => {
  afterEach(() => jest.useRealTimers());

  test('1,000 identical events: one line now, one summary per interval with the count and the time span', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const lines: Line[] = [];
    const d = new LogDeduplicator(recordingLogger(lines), 10_000);
    const log = d.logger.child('producer');
    const err = new RemotingConnectError('127.0.0.1:1', 'connect refused');
    for (let i = 0; i < 1000; i++) {
      log.warn('sendKernelImpl exception', { broker: 'broker-a', err });
      jest.advanceTimersByTime(5);
    }
    expect(lines).toHaveLength(1);
    jest.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(2);
    const summary = lines[1]!;
    expect(summary.level).toBe('warn');
    expect(summary.ns).toBe('/producer');
    expect(summary.msg).toMatch(/^sendKernelImpl exception \(repeated 999 times between \S+ and \S+\)$/);
    expect(summary.fields).toMatchObject({ broker: 'broker-a', repeated: 999, firstAt: new Date(1_000_005).toISOString(), lastAt: new Date(1_004_995).toISOString() });
    // Quiet for a whole interval: forgotten, the timer stops, and the next one is logged at once.
    jest.advanceTimersByTime(10_000);
    expect(d.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    log.warn('sendKernelImpl exception', { broker: 'broker-a', err });
    expect(lines).toHaveLength(3);
    d.close();
  });

  test('kinds differ by level, message, peer, error code and logger namespace; debug passes through', () => {
    const lines: Line[] = [];
    const d = new LogDeduplicator(recordingLogger(lines), 60_000);
    const a = d.logger.child('a');
    const refused = new RemotingConnectError('x', 'refused');
    const other = new ClientError(10003, 'no broker');
    for (let i = 0; i < 3; i++) {
      a.warn('m', { addr: 'p1', err: refused });
      a.warn('m', { addr: 'p2', err: refused });
      a.warn('m', { addr: 'p1', err: other });
      a.error('m', { addr: 'p1', err: refused });
      a.warn('n', { addr: 'p1', err: refused });
      d.logger.child('b').warn('m', { addr: 'p1', err: refused });
      a.debug('d');
    }
    expect(lines.filter((l) => l.level !== 'debug')).toHaveLength(6);
    expect(lines.filter((l) => l.level === 'debug')).toHaveLength(3);
    d.close();
    expect(lines.filter((l) => /repeated 2 times/.test(l.msg))).toHaveLength(6);
  });

  test('interval 0 logs every occurrence', () => {
    const lines: Line[] = [];
    const d = new LogDeduplicator(recordingLogger(lines), 0);
    for (let i = 0; i < 5; i++) d.logger.warn('same');
    expect(lines).toHaveLength(5);
  });
});

describe('the producer on a dead peer logs a handful of lines', () => {
  test('1,000 failed sends to a dead broker', async () => {
    const ns = await FakeNameServer.start();
    const dead = `127.0.0.1:${await closedPort()}`;
    ns.routes.set('TopicTest', {
      queueDatas: [{ brokerName: 'broker-dead', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
      brokers: { 'broker-dead': { 0: dead } },
    });
    const lines: Line[] = [];
    const p = new DefaultMQProducer({ producerGroup: 'pg_dedup_broker', namesrvAddr: ns.addr, logger: recordingLogger(lines) });
    try {
      await p.start();
      let failed = 0;
      for (let batch = 0; batch < 20; batch++) {
        const sends = Array.from({ length: 50 }, () => p.send(new Message('TopicTest', 'x')).then(() => 0, () => 1));
        failed += (await Promise.all(sends)).reduce<number>((a, b) => a + b, 0);
      }
      expect(failed).toBe(1000);
      await p.shutdown();
      const loudLines = loud(lines);
      expect(loudLines.length).toBeLessThanOrEqual(10);
      // Nothing is lost: the summary counts every failed attempt (3 per send).
      const repeats = loudLines.filter((l) => l.msg.startsWith('sendKernelImpl exception')).reduce((n, l) => n + Number(l.fields?.repeated ?? 1), 0);
      expect(repeats).toBe(3000);
    } finally {
      await p.shutdown();
      await ns.close();
    }
  }, 30_000);

  test('failed route lookups through a dead name server: one line per kind, not one or two per send', async () => {
    const dead = `127.0.0.1:${await closedPort()}`;
    const lines: Line[] = [];
    const p = new DefaultMQProducer({ producerGroup: 'pg_dedup_ns', namesrvAddr: dead, logger: recordingLogger(lines), pollNameServerIntervalMs: 20, topics: ['TopicTest'] });
    try {
      await p.start();
      for (let i = 0; i < 200; i++) await expect(p.send(new Message('TopicTest', 'x'))).rejects.toBeInstanceOf(RemotingConnectError);
      // Several route refreshes ran meanwhile (every 20 ms).
      await new Promise((r) => setTimeout(r, 200));
      await p.shutdown();
      expect(loud(lines).length).toBeLessThanOrEqual(6);
    } finally {
      await p.shutdown();
    }
  }, 30_000);
});

