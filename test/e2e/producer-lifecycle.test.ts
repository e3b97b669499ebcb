/**
 * The producer's life cycle and its refusals against the real broker: start twice, a duplicate group, send before
 * start and after shutdown, invalid messages; topics that do not exist yet, with the broker's auto-create on (the
 * shared e2e broker) and off (a second, private NameServer + Broker started through the harness on other ports).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import {
  ClientStateError,
  DefaultMQProducer,
  InvalidArgumentError,
  Message,
  RocketMQError,
  TopicRouteNotFoundError,
} from '../../src/index';
import { namesrvAddr, runId } from './helpers/producer-e2e';

const RUN = runId();
const HARNESS = join(__dirname, '..', '..', 'scripts', 'rocketmq');

const producers: DefaultMQProducer[] = [];
function newProducer(group: string, addr = namesrvAddr()): DefaultMQProducer {
  const p = new DefaultMQProducer({ producerGroup: group, namesrvAddr: addr });
  producers.push(p);
  return p;
}

afterAll(async () => {
  await Promise.allSettled(producers.map((p) => p.shutdown()));
});

/** Runs a send that must fail, whether the message constructor or send() does the refusing. */
function attempt(fn: () => Promise<unknown>): Promise<unknown> {
  return (async () => fn())();
}

describe('producer life cycle against the real broker', () => {
  test('send before start is refused with a ClientStateError', async () => {
    const p = newProducer(`rmqts_before_start_${RUN}`);
    await expect(p.send(new Message(`rmqts_any_${RUN}`, 'x'))).rejects.toBeInstanceOf(ClientStateError);
  });

  test('start twice: the second start is refused naming the state', async () => {
    const p = newProducer(`rmqts_twice_${RUN}`);
    await p.start();
    const err = await p.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClientStateError);
    expect((err as Error).message).toMatch(/RUNNING/);
  });

  test('a duplicate group in one client instance is refused, and the error names the group', async () => {
    const group = `rmqts_dup_${RUN}`;
    const first = newProducer(group);
    await first.start();
    const second = newProducer(group);
    const err = await second.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RocketMQError);
    expect((err as Error).message).toContain(group);
    // The first one is unaffected.
    const r = await first.send(new Message(`rmqts_dup_topic_${RUN}`, 'still fine'));
    expect(r.sendStatus).toBe('SEND_OK');
    // The failed one stays failed: starting it again names START_FAILED.
    await expect(second.start()).rejects.toThrow(/START_FAILED/);
  });

  test('send after shutdown is refused with a ClientStateError', async () => {
    const p = newProducer(`rmqts_after_shutdown_${RUN}`);
    await p.start();
    await p.shutdown();
    await p.shutdown(); // idempotent
    await expect(p.send(new Message(`rmqts_any_${RUN}`, 'x'))).rejects.toBeInstanceOf(ClientStateError);
    await expect(p.sendOneway(new Message(`rmqts_any_${RUN}`, 'x'))).rejects.toBeInstanceOf(ClientStateError);
  });

  describe('invalid messages are refused with an InvalidArgumentError', () => {
    let p: DefaultMQProducer;
    beforeAll(async () => {
      p = newProducer(`rmqts_invalid_${RUN}`);
      await p.start();
    });

    const cases: Array<[string, () => Message]> = [
      ['empty body', () => new Message(`rmqts_ok_${RUN}`, Buffer.alloc(0))],
      ['illegal topic characters', () => new Message('bad topic!', 'x')],
      ['topic longer than 127 characters', () => new Message('t'.repeat(128), 'x')],
      ['a system topic', () => new Message('SCHEDULE_TOPIC_XXXX', 'x')],
      ['body over 4 MiB', () => new Message(`rmqts_ok_${RUN}`, Buffer.alloc(4 * 1024 * 1024 + 1, 1))],
    ];
    test.each(cases)('%s', async (_name, make) => {
      const err = await attempt(() => p.send(make())).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidArgumentError);
    });

    test('a reserved property name', () => {
      const m = new Message(`rmqts_ok_${RUN}`, 'x');
      expect(() => m.putUserProperty('UNIQ_KEY', 'x')).toThrow(InvalidArgumentError);
    });

    test('an empty batch and a batch spanning two topics', async () => {
      await expect(attempt(() => p.send([]))).rejects.toBeInstanceOf(InvalidArgumentError);
      const mixed = [new Message(`rmqts_a_${RUN}`, 'a'), new Message(`rmqts_b_${RUN}`, 'b')];
      await expect(attempt(() => p.send(mixed))).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });

  test('a topic that does not exist yet is auto-created by the broker (auto-create on)', async () => {
    const p = newProducer(`rmqts_autocreate_${RUN}`);
    await p.start();
    const topic = `rmqts_autocreated_${RUN}`;
    const r = await p.send(new Message(topic, 'first message creates the topic'));
    expect(r.sendStatus).toBe('SEND_OK');
    expect(r.messageQueue.topic).toBe(topic);
    const r2 = await p.send(new Message(topic, 'second message'));
    expect(r2.sendStatus).toBe('SEND_OK');
  });
});

// ---------------------------------------------------------------------------------------------------------------

function harness(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(HARNESS, args, { env, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolvePromise(stdout);
    });
  });
}

describe('a broker with auto-create off', () => {
  // A private run directory and ports, so that it runs beside the shared e2e broker.
  const runDir = mkdtempSync(join(tmpdir(), 'rmqts-noauto-'));
  let env: NodeJS.ProcessEnv | undefined;
  let addr = '';

  beforeAll(async () => {
    let lastErr: unknown;
    for (let attemptNo = 0; attemptNo < 3 && !addr; attemptNo++) {
      const nsPort = 20000 + Math.floor(Math.random() * 8000);
      const brokerPort = 40000 + Math.floor(Math.random() * 8000);
      const e: NodeJS.ProcessEnv = {
        ...process.env,
        NAMESRV_ADDR: '',
        ROCKETMQ_RUN_DIR: runDir,
        ROCKETMQ_NAMESRV_PORT: String(nsPort),
        ROCKETMQ_BROKER_PORT: String(brokerPort),
      };
      delete e.NAMESRV_ADDR;
      try {
        const out = await harness(['start', '--auto-create-topic', 'false'], e);
        const m = /^NAMESRV_ADDR=(\S+)$/m.exec(out);
        if (m) {
          addr = m[1]!;
          env = e;
        }
      } catch (err) {
        lastErr = err; // most likely a port in use: try other ports
      }
    }
    if (!addr) throw lastErr ?? new Error('could not start the auto-create-off broker');
  }, 400_000);

  afterAll(async () => {
    if (env) await harness(['stop'], env).catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  }, 120_000);

  test('sending to a topic that does not exist fails with an error naming the topic', async () => {
    const p = newProducer(`rmqts_noauto_${RUN}`, addr);
    await p.start();
    const topic = `rmqts_missing_${RUN}`;
    const err = await p.send(new Message(topic, 'nowhere to go')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TopicRouteNotFoundError);
    expect((err as Error).message).toContain(topic);
  });
});
