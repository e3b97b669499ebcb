/**
 * The same Java program (test/e2e/java-consumer's FakeRoundTrip, the official client with default settings)
 * against the real broker and against FakeRocketMQ: after removing what differs by nature (ids, times, ports,
 * queue choice, group names), both runs must print the same thing. This is what keeps the fake faithful as
 * either side changes.
 */
import { DefaultMQProducer, Message } from '../../src/index';
import { FakeRocketMQ } from '../../src/testing';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { parseJavaMessage, runJavaMain, type JavaConsumedMessage } from './helpers/java-consumer';

jest.setTimeout(240_000);

const ID = /^[0-9A-F]{32}$|^[0-9A-F]{56}$/;

/** What must match between a broker and the fake: the shape and the content, not the identities. */
function normalize(lines: string[], topic: string, group: string): unknown[] {
  const out: unknown[] = [];
  const uniq = (v: unknown): unknown => (typeof v === 'string' && v.split(',').every((x) => ID.test(x)) ? `<id x${v.split(',').length}>` : v);
  const names = (v: string): string => v.split(topic).join('<topic>').split(group).join('<group>');
  for (const line of lines) {
    const kind = (JSON.parse(line) as { kind: string }).kind;
    if (kind === 'consume') {
      const m: JavaConsumedMessage = parseJavaMessage(line);
      const system = Object.fromEntries(
        Object.entries(m.systemProperties)
          .filter(([k]) => k !== 'CONSUME_START_TIME')
          .map(([k, v]) => [k, k === 'MIN_OFFSET' || k === 'MAX_OFFSET' || k === 'REAL_QID' ? '<n>' : names(String(uniq(v)))]),
      );
      const user = Object.fromEntries(Object.entries(m.userProperties).map(([k, v]) => [k, String(uniq(v))]));
      out.push({
        kind,
        topic: names(m.topic),
        tags: m.tags,
        keys: m.keys,
        body: m.body.toString(),
        flag: m.flag,
        msgId: uniq(m.msgId),
        offsetMsgId: uniq(m.offsetMsgId),
        brokerName: m.brokerName,
        sysFlag: m.sysFlag,
        reconsumeTimes: m.reconsumeTimes,
        waitStoreMsgOK: m.waitStoreMsgOK,
        bornHost: m.bornHost,
        system,
        user,
      });
    } else {
      const r = JSON.parse(line) as Record<string, unknown>;
      const { queueId: _q, queueOffset: _o, ...rest } = r;
      out.push(Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'string' ? names(String(uniq(v))) : v])));
    }
  }
  // Consumption order across queues is not fixed: compare as sorted JSON.
  return out.map((o) => JSON.stringify(o)).sort();
}

async function run(addr: string, mode: string): Promise<unknown[]> {
  const topic = uniqueName(`fvb_${mode.replace('-', '_')}`);
  const group = uniqueName(`fvb_${mode.replace('-', '_')}_group`);
  const r = await runJavaMain('FakeRoundTrip', ['--namesrv', addr, '--topic', topic, '--group', group, '--mode', mode, '--count', '3', '--timeout-ms', '90000'], 90_000);
  if (r.exitCode !== 0) throw new Error(`FakeRoundTrip --mode ${mode} at ${addr} exited ${r.exitCode}:\n${r.stderr.slice(-3000)}`);
  return normalize(r.lines, topic, group);
}

describeBroker('the Java client sees the same from FakeRocketMQ as from the real broker', () => {
  let fake: FakeRocketMQ;

  beforeAll(async () => {
    // A broker fresh from start-up can take longer than the Java client's 3 s send timeout: warm it first.
    const warm = new DefaultMQProducer({ producerGroup: uniqueName('fvb_warm'), namesrvAddr: namesrvAddr(), sendMsgTimeoutMs: 30_000 });
    await warm.start();
    try {
      for (let i = 0; i < 5; i++) await warm.send(new Message(uniqueName('fvb_warm'), 'warm-up'));
    } finally {
      await warm.shutdown();
    }
    // The broker's timings, shortened: retries after 200 ms instead of 10 s, check-back within a second.
    fake = await FakeRocketMQ.start({ delayLevelsMs: new Array<number>(18).fill(200), transactionTimeoutMs: 300, transactionCheckIntervalMs: 1000 });
  });

  afterAll(async () => {
    await fake.close();
  });

  test.each(['lite', 'push-retry', 'transaction'])('--mode %s', async (mode) => {
    const [real, faked] = [await run(namesrvAddr(), mode), await run(fake.namesrvAddr, mode)];
    expect(real.length).toBeGreaterThan(0);
    expect(faked).toEqual(real);
  });
});
