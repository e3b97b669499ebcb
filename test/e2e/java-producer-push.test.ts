/**
 * Java producer -> real broker -> rocketmq-ts push consumer: the Java client sends messages with every field
 * (unicode bodies and properties, flags, tags, keys, a delay level, a batch, bodies compressed with ZLIB, LZ4 and
 * ZSTD); a DefaultMQPushConsumer of a fresh group (CONSUME_FROM_FIRST_OFFSET) must hand each of them to the
 * listener exactly once, equal to what Java sent.
 */
import { DefaultMQPushConsumer, type MessageExt } from '../../src/index';
import { silentLogger } from '../../src/logger';
import { MessageSysFlag } from '../../src/message/message-sys-flag';
import { createTopic, describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually } from './helpers/feature-support';
import { expectSameMessages, runJavaProducer, type JavaSentMessage } from './helpers/java-producer';

jest.setTimeout(240_000);

describeBroker('Java producer -> broker -> rocketmq-ts push consumer', () => {
  const TOPIC = uniqueName('JavaProdPush');
  let sent: JavaSentMessage[];
  let consumer: DefaultMQPushConsumer | undefined;

  beforeAll(async () => {
    await createTopic(TOPIC, { queues: 4 });
    const r = await runJavaProducer({ namesrvAddr: namesrvAddr(), topic: TOPIC, timeoutMs: 90_000 });
    if (r.exitCode !== 0) throw new Error(`java producer exited ${r.exitCode}:\n${r.stderr.slice(-4000)}`);
    sent = r.messages;
  });

  afterAll(async () => {
    await consumer?.shutdown();
  });

  it('every message the handler sees equals what Java sent (delay, batch, compressed bodies included), each once', async () => {
    expect(sent.map((m) => m.name)).toEqual(expect.arrayContaining(['unicode', 'no-tags-negative-flag', 'delay-level-1', 'batch-0', 'batch-2']));
    expect(sent.filter((m) => m.compressFlag !== 0).map((m) => m.compressFlag).sort()).toEqual([
      MessageSysFlag.COMPRESSION_LZ4_TYPE,
      MessageSysFlag.COMPRESSION_ZSTD_TYPE,
      MessageSysFlag.COMPRESSION_ZLIB_TYPE,
    ]);

    const seen: MessageExt[] = [];
    consumer = new DefaultMQPushConsumer({
      consumerGroup: uniqueName('rmqts_java_push_g'),
      namesrvAddr: namesrvAddr(),
      pollNameServerIntervalMs: 1000,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      logger: silentLogger,
    });
    consumer.subscribe(TOPIC, '*');
    consumer.registerMessageListener(async (msgs) => {
      seen.push(...msgs);
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    // The delayed message reaches the topic about a second after it was sent.
    await eventually(async () => (seen.length >= sent.length ? true : undefined), `${sent.length} messages delivered`, 90_000, 200);
    // A little longer, so that a duplicate delivery would be caught too.
    await new Promise((r) => setTimeout(r, 2000));
    expectSameMessages(sent, seen);
  });
});
