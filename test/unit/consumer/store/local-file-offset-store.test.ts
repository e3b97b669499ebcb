import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MessageQueue } from '../../../../src/client/message-queue';
import { ClientError, InvalidArgumentError } from '../../../../src/errors';
import { defaultLocalOffsetStoreDir, LocalFileOffsetStore } from '../../../../src/consumer/store/local-file-offset-store';
import { encodeOffsetSerializeWrapper, parseOffsetSerializeWrapper } from '../../../../src/consumer/store/offset-serialize-wrapper';

/** Written by Java's own LocalFileOffsetStore (fixtures/java, OffsetStoreGoldens). */
const golden = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/golden/local-offset-store.json'), 'utf8')) as {
  clientId: string;
  group: string;
  relativePath: string;
  fileContent: string;
  bakContent: string;
  firstContent: string;
  compactJson: string;
  loaded: Array<{ topic: string; brokerName: string; queueId: number; offset: string }>;
};
const javaEntries = golden.loaded.map((e) => ({ mq: new MessageQueue(e.topic, e.brokerName, e.queueId), offset: BigInt(e.offset) }));
const byQueue = (es: Array<{ mq: MessageQueue; offset: bigint }>) =>
  es.map((e) => [e.mq.toString(), e.offset] as const).sort(([a], [b]) => (a < b ? -1 : 1));

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'offsets-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function store(extra: Partial<ConstructorParameters<typeof LocalFileOffsetStore>[0]> = {}): LocalFileOffsetStore {
  return new LocalFileOffsetStore({ clientId: golden.clientId, groupName: golden.group, storeDir: dir, ...extra });
}
const mq = (i: number) => new MessageQueue('TopicTest', 'broker-a', i);

describe('OffsetSerializeWrapper: Java\'s file format', () => {
  it('reads the file Java wrote, offsets past 2^53 included', () => {
    expect(byQueue(parseOffsetSerializeWrapper(golden.fileContent))).toEqual(byQueue(javaEntries));
    expect(byQueue(parseOffsetSerializeWrapper(golden.compactJson))).toEqual(byQueue(javaEntries));
    expect(javaEntries.some((e) => e.offset === 9007199254740993n)).toBe(true);
  });

  it('writes the same bytes as Java for the same table', () => {
    expect(encodeOffsetSerializeWrapper(javaEntries)).toBe(golden.fileContent);
    expect(encodeOffsetSerializeWrapper([])).toBe('{\n\t"offsetTable":{}\n}');
    expect(parseOffsetSerializeWrapper(encodeOffsetSerializeWrapper([]))).toEqual([]);
  });

  it('refuses malformed text with a protocol error', () => {
    for (const bad of ['{', '{"offsetTable":{{"topic":"t"}:1}}', '{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:"x"}}', '{} x']) {
      expect(() => parseOffsetSerializeWrapper(bad)).toThrow(/offsets file/);
    }
  });
});

describe('LocalFileOffsetStore', () => {
  it('lives at <dir>/<clientId>/<group>/offsets.json, ~/.rocketmq_offsets by default', () => {
    expect(store().storePath).toBe(join(dir, golden.relativePath));
    expect(defaultLocalOffsetStoreDir()).toBe(join(homedir(), '.rocketmq_offsets'));
    expect(new LocalFileOffsetStore({ clientId: 'c', groupName: 'g' }).storePath).toBe(join(homedir(), '.rocketmq_offsets', 'c', 'g', 'offsets.json'));
    expect(() => store({ groupName: '../x' })).toThrow(InvalidArgumentError);
    expect(() => store({ clientId: '..' })).toThrow(InvalidArgumentError);
  });

  it('loads the file Java wrote', async () => {
    const s = store();
    mkdirSync(dirname(s.storePath), { recursive: true });
    writeFileSync(s.storePath, golden.fileContent);
    await s.load();
    for (const e of javaEntries) expect(await s.readOffset(e.mq, 'READ_FROM_MEMORY')).toBe(e.offset);
  });

  it('persists as Java does: the previous file becomes offsets.json.bak', async () => {
    const s = store();
    javaEntries.forEach((e, i) => s.updateOffset(e.mq, i === 0 ? 0n : e.offset, false));
    await s.persistAll();
    const first = readFileSync(s.storePath, 'utf8');
    s.updateOffset(javaEntries[0]!.mq, 10n, true);
    await s.persistAll(javaEntries.map((e) => e.mq));
    expect(readFileSync(`${s.storePath}.bak`, 'utf8')).toBe(first);
    expect(readFileSync(s.storePath, 'utf8')).toBe(golden.fileContent);
    expect(readdirSync(dirname(s.storePath)).sort()).toEqual(['offsets.json', 'offsets.json.bak']);
  });

  it('keeps other queues of the file, as Java merges into what it reads', async () => {
    const a = store();
    a.updateOffset(mq(0), 5n, false);
    a.updateOffset(mq(1), 6n, false);
    await a.persistAll();
    const b = store();
    b.updateOffset(mq(1), 60n, false);
    await b.persist(mq(1));
    await b.persist(mq(2)); // not held: nothing
    await b.persistAll([]); // nothing
    const back = store();
    await back.load();
    expect(back.cloneOffsetTable()).toEqual(new Map([[mq(0), 5n], [mq(1), 60n]]));
  });

  it('a crash between the write and the rename leaves the previous file whole', async () => {
    const s = store();
    s.updateOffset(mq(0), 100n, false);
    await s.persistAll();
    const before = readFileSync(s.storePath, 'utf8');
    const crashing = store({
      writeHooks: {
        beforeRename: (tmp) => {
          // the new content is on disk, complete, beside the file
          if (!tmp.includes('.bak.')) {
            expect(readFileSync(tmp, 'utf8')).toContain(':200');
            throw new Error('simulated crash');
          }
        },
      },
    });
    crashing.updateOffset(mq(0), 200n, false);
    await expect(crashing.persist(mq(0))).rejects.toThrow('simulated crash');
    await crashing.persistAll(); // logged, not thrown
    expect(readFileSync(s.storePath, 'utf8')).toBe(before);
    const reader = store();
    await reader.load();
    expect(await reader.readOffset(mq(0), 'READ_FROM_MEMORY')).toBe(100n);
    // a temporary file left by a real crash is never read
    writeFileSync(`${s.storePath}.999.1.tmp`, '{"offsetTable":{');
    expect(await store().readOffset(mq(0), 'READ_FROM_STORE')).toBe(100n);
  });

  it('falls back to the .bak when offsets.json is missing, empty or damaged; a damaged file never replaces a good .bak', async () => {
    const s = store();
    s.updateOffset(mq(0), 1n, false);
    await s.persistAll();
    s.updateOffset(mq(0), 2n, false);
    await s.persistAll();
    for (const damage of ['', '{"offsetTable":{{"brok', 'garbage']) {
      writeFileSync(s.storePath, damage);
      const r = store();
      await r.load();
      expect(await r.readOffset(mq(0), 'READ_FROM_MEMORY')).toBe(1n);
    }
    s.updateOffset(mq(0), 3n, false);
    await s.persistAll();
    expect(parseOffsetSerializeWrapper(readFileSync(`${s.storePath}.bak`, 'utf8'))[0]!.offset).toBe(1n);
    rmSync(s.storePath);
    expect(await store().readOffset(mq(0), 'READ_FROM_STORE')).toBe(1n);
  });

  it('load rejects with a ClientError when neither file can be read, and is empty when there is none', async () => {
    const empty = store();
    await empty.load();
    expect(empty.cloneOffsetTable().size).toBe(0);
    mkdirSync(dirname(empty.storePath), { recursive: true });
    writeFileSync(empty.storePath, 'x');
    writeFileSync(`${empty.storePath}.bak`, 'y');
    await expect(store().load()).rejects.toThrow(ClientError);
    expect(await store().readOffset(mq(0), 'READ_FROM_STORE')).toBe(-1n);
  });

  it('in memory: increase-only updates, read types, removal, topic filter', async () => {
    const s = store();
    s.updateOffset(mq(0), 10n, false);
    s.updateOffset(mq(0), 5n, true);
    expect(await s.readOffset(mq(0), 'READ_FROM_MEMORY')).toBe(10n);
    s.updateOffset(mq(0), 5n, false);
    expect(await s.readOffset(mq(0), 'MEMORY_FIRST_THEN_STORE')).toBe(5n);
    expect(await s.readOffset(mq(1), 'READ_FROM_MEMORY')).toBe(-1n);
    expect(await s.readOffset(mq(1), 'MEMORY_FIRST_THEN_STORE')).toBe(-1n);
    await s.updateConsumeOffsetToBroker(mq(2), 7n, true);
    const other = new MessageQueue('Other', 'broker-a', 0);
    s.updateOffset(other, 1n, false);
    expect([...s.cloneOffsetTable('TopicTest').values()]).toEqual([5n, 7n]);
    expect(s.cloneOffsetTable(' ').size).toBe(3);
    s.removeOffset(mq(0));
    expect(await s.readOffset(mq(0), 'READ_FROM_MEMORY')).toBe(-1n);
    await s.persistAll();
    s.removeOffset(other);
    expect(await s.readOffset(other, 'MEMORY_FIRST_THEN_STORE')).toBe(1n);
    expect(await s.readOffset(other, 'READ_FROM_MEMORY')).toBe(1n);
  });

  it('concurrent persists never interleave: the file always parses and ends with the last values', async () => {
    const s = store();
    const writes: Promise<void>[] = [];
    for (let i = 1; i <= 30; i++) {
      s.updateOffset(mq(i % 3), BigInt(i), false);
      writes.push(i % 2 === 0 ? s.persist(mq(i % 3)) : s.persistAll());
    }
    await Promise.all(writes);
    const table = new Map(parseOffsetSerializeWrapper(readFileSync(s.storePath, 'utf8')).map((e) => [e.mq.queueId, e.offset]));
    expect(table).toEqual(new Map([[0, 30n], [1, 28n], [2, 29n]]));
    expect(readdirSync(dirname(s.storePath)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('persist rejects when the directory cannot be written; persistAll only logs', async () => {
    writeFileSync(join(dir, 'blocker'), '');
    const errors: unknown[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (_m: string, f?: Record<string, unknown>) => errors.push(f?.err), child: () => logger };
    const s = new LocalFileOffsetStore({ clientId: 'c', groupName: 'g', storeDir: join(dir, 'blocker'), logger });
    s.updateOffset(mq(0), 1n, false);
    await expect(s.persist(mq(0))).rejects.toThrow();
    await s.persistAll();
    expect(errors).toHaveLength(1);
  });
});
