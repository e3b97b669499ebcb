/**
 * Java producer -> real broker -> our decoder: the Java client sends messages with every field (unicode bodies
 * and properties, flags, tags, keys, a delay level, a batch, bodies compressed with ZLIB, LZ4 and ZSTD) and we
 * read the topic back with raw PULL_MESSAGE requests (our header classes, our stored-record decoder). Every
 * message must come back once, equal to what Java sent.
 */
import { decompress } from '../../src/message/compression';
import { getCompressionType, MessageSysFlag } from '../../src/message/message-sys-flag';
import { createTopic, describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';
import { expectSameMessages, runJavaProducer, type JavaSentMessage } from './helpers/java-producer';

jest.setTimeout(240_000);

describeBroker('Java producer -> broker -> rocketmq-ts decoder', () => {
  const TOPIC = uniqueName('JavaProdDecode');
  let reader: TopicReader;
  let sent: JavaSentMessage[];

  beforeAll(async () => {
    await createTopic(TOPIC, { queues: 4 });
    reader = new TopicReader(namesrvAddr());
    const r = await runJavaProducer({ namesrvAddr: namesrvAddr(), topic: TOPIC, timeoutMs: 90_000 });
    if (r.exitCode !== 0) throw new Error(`java producer exited ${r.exitCode}:\n${r.stderr.slice(-4000)}`);
    sent = r.messages;
  });

  afterAll(async () => {
    await reader?.close();
  });

  it('Java sent every kind of message (the comparison below covers them all)', () => {
    const names = sent.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['unicode', 'no-tags-negative-flag', 'delay-level-1', 'under-threshold', 'batch-0', 'batch-2']));
    expect(sent.filter((m) => m.compressFlag !== 0).map((m) => m.compressFlag).sort()).toEqual([
      MessageSysFlag.COMPRESSION_LZ4_TYPE,
      MessageSysFlag.COMPRESSION_ZSTD_TYPE,
      MessageSysFlag.COMPRESSION_ZLIB_TYPE,
    ]);
  });

  it('every message read back with raw PULL_MESSAGE equals what Java sent, decompressed bodies included', async () => {
    // The delayed message reaches the topic about a second after it was sent.
    const received = await eventually(async () => {
      const all = await reader.readAll(TOPIC);
      return all.length >= sent.length ? all : undefined;
    }, `${sent.length} messages in ${TOPIC}`, 60_000, 500);
    expectSameMessages(sent, received);
  });

  it('the compressed bodies are stored as Java compressed them: ZLIB, LZ4 and ZSTD frames', async () => {
    const raw = new TopicReader(namesrvAddr(), { decode: { decompressBody: false } });
    try {
      const stored = (await raw.readAll(TOPIC)).filter((m) => m.isBodyCompressed);
      const magic: Record<number, string> = {
        [MessageSysFlag.COMPRESSION_ZLIB_TYPE]: '78',
        [MessageSysFlag.COMPRESSION_LZ4_TYPE]: '04224d18',
        [MessageSysFlag.COMPRESSION_ZSTD_TYPE]: '28b52ffd',
      };
      expect(stored.map((m) => m.sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR).sort()).toEqual(
        sent.filter((j) => j.compressFlag !== 0).map((j) => j.compressFlag).sort(),
      );
      for (const m of stored) {
        const java = sent.find((j) => j.msgId === m.msgId)!;
        const type = getCompressionType(m.sysFlag);
        expect(m.body.toString('hex').startsWith(magic[m.sysFlag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR]!)).toBe(true);
        expect(m.body.length).toBeLessThan(java.body.length / 2);
        expect(decompress(m.body, type).equals(java.body)).toBe(true);
      }
    } finally {
      await raw.close();
    }
  });
});
