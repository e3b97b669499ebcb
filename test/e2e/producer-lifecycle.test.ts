/**
 * The producer's life cycle and its refusals against the real broker: start twice, a duplicate group, send before
 * start and after shutdown, invalid messages; topics that do not exist yet, with the broker's auto-create on (the
 * shared e2e broker) and off (a second, private NameServer + Broker started through the harness on other ports).
 */
import {
  ClientStateError,
  DefaultMQProducer,
  InvalidArgumentError,
  Message,
  TopicRouteNotFoundError,
} from '../../src/index';
import { describeBroker, namesrvAddr, startPrivateRocketMQ, uniqueName, type PrivateRocketMQ } from './helpers/broker';

// Each mqadmin call and the Java consumer start a JVM (2-6 s); jest's project-level testTimeout is not applied.
jest.setTimeout(120_000);

const RUN = uniqueName('r');

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

describeBroker('producer life cycle against the real broker', () => {
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
    // As in Java 5.x, the default instance name becomes pid#hrtime per producer, so two producers only share a
    // client instance (and collide) when they are given the same instance name.
    const group = `rmqts_dup_${RUN}`;
    const instanceName = `rmqts_dup_instance_${RUN}`;
    const first = new DefaultMQProducer({ producerGroup: group, namesrvAddr: namesrvAddr(), instanceName });
    producers.push(first);
    await first.start();
    const second = new DefaultMQProducer({ producerGroup: group, namesrvAddr: namesrvAddr(), instanceName });
    producers.push(second);
    const err = await second.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toContain(group);
    // The first one is unaffected.
    const r = await first.send(new Message(`rmqts_dup_topic_${RUN}`, 'still fine'));
    expect(r.sendStatus).toBe('SEND_OK');
    // As in Java, the refused producer goes back to CREATE_JUST: a retry meets the same refusal.
    await expect(second.start()).rejects.toThrow(group);
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

describeBroker('a broker with auto-create off', () => {
  // A NameServer + Broker of its own (own run dir, own free ports), beside the shared e2e broker.
  let rocketmq: PrivateRocketMQ | undefined;

  beforeAll(async () => {
    rocketmq = await startPrivateRocketMQ(['--auto-create-topic', 'false']);
  }, 600_000);

  afterAll(async () => {
    await Promise.allSettled(producers.map((p) => p.shutdown()));
    await rocketmq?.stop();
  }, 300_000);

  test('sending to a topic that does not exist fails with an error naming the topic', async () => {
    const p = newProducer(`rmqts_noauto_${RUN}`, rocketmq!.namesrvAddr);
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
