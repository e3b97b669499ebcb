import { homedir } from 'node:os';
import { join } from 'node:path';
import type { MessageQueue } from '../../client/message-queue';
import { ClientError, InvalidArgumentError } from '../../errors';
import { silentLogger, type Logger } from '../../logger';
import { readTextIfExists, writeFileAtomic, type AtomicWriteHooks } from './atomic-file';
import { encodeOffsetSerializeWrapper, parseOffsetSerializeWrapper, type OffsetEntry } from './offset-serialize-wrapper';
import type { OffsetStore, ReadOffsetType } from './offset-store';

/** Java's default `rocketmq.client.localOffsetStoreDir`: `~/.rocketmq_offsets`. */
export function defaultLocalOffsetStoreDir(): string {
  return join(homedir(), '.rocketmq_offsets');
}

export interface LocalFileOffsetStoreOptions {
  clientId: string;
  groupName: string;
  /** Java's system property `rocketmq.client.localOffsetStoreDir`. Default `~/.rocketmq_offsets`. */
  storeDir?: string;
  logger?: Logger;
  /** For tests: runs between the durable temporary file and the rename. */
  writeHooks?: AtomicWriteHooks;
}

function pathSegment(value: string, what: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || /[/\\\0]/.test(value)) {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(value)} cannot name a directory of the offsets file`);
  }
  return value;
}

/**
 * Offsets of a broadcasting consumer, kept in a local file (Java `LocalFileOffsetStore`) at
 * `<storeDir>/<clientId>/<group>/offsets.json` in Java's format, so that a Java client and this one
 * read each other's files. As in Java, a write first keeps the previous content in `offsets.json.bak`,
 * entries of queues this store no longer holds stay in the file, and a missing or unreadable file falls
 * back to the `.bak`. Unlike Java, each file is replaced atomically (temporary file, fsync, rename), so
 * a crash never leaves a half-written file, and writes of one store never interleave.
 */
export class LocalFileOffsetStore implements OffsetStore {
  readonly storePath: string;
  private readonly table = new Map<string, OffsetEntry>();
  private readonly log: Logger;
  private readonly hooks: AtomicWriteHooks;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(options: LocalFileOffsetStoreOptions) {
    const dir = options.storeDir ?? defaultLocalOffsetStoreDir();
    this.storePath = join(dir, pathSegment(options.clientId, 'clientId'), pathSegment(options.groupName, 'groupName'), 'offsets.json');
    this.log = options.logger ?? silentLogger;
    this.hooks = options.writeHooks ?? {};
  }

  async load(): Promise<void> {
    for (const e of (await this.readLocalOffset()) ?? []) {
      this.table.set(e.mq.key(), { mq: e.mq, offset: e.offset });
      this.log.info('load consumer offset', { path: this.storePath, mq: e.mq.toString(), offset: e.offset.toString() });
    }
  }

  updateOffset(mq: MessageQueue, offset: bigint, increaseOnly: boolean): void {
    const held = this.table.get(mq.key());
    if (held === undefined) this.table.set(mq.key(), { mq, offset });
    else if (!increaseOnly || offset > held.offset) held.offset = offset;
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<bigint> {
    if (type !== 'READ_FROM_STORE') {
      const held = this.table.get(mq.key());
      if (held !== undefined) return held.offset;
      if (type === 'READ_FROM_MEMORY') return -1n;
    }
    let stored: OffsetEntry[] | undefined;
    try {
      stored = await this.readLocalOffset();
    } catch {
      return -1n;
    }
    const found = stored?.find((e) => e.mq.equals(mq));
    if (found === undefined) return -1n;
    this.updateOffset(mq, found.offset, false);
    return found.offset;
  }

  async persistAll(mqs?: Iterable<MessageQueue>): Promise<void> {
    const keys = mqs === undefined ? new Set(this.table.keys()) : new Set([...mqs].map((mq) => mq.key()));
    if (keys.size === 0) return;
    try {
      await this.write(keys);
    } catch (err) {
      this.log.error('persistAll consumer offset failed', { path: this.storePath, err });
    }
  }

  async persist(mq: MessageQueue): Promise<void> {
    if (!this.table.has(mq.key())) return;
    await this.write(new Set([mq.key()]));
  }

  removeOffset(mq: MessageQueue): void {
    this.table.delete(mq.key());
  }

  cloneOffsetTable(topic?: string): Map<MessageQueue, bigint> {
    const out = new Map<MessageQueue, bigint>();
    for (const { mq, offset } of this.table.values()) {
      if (topic !== undefined && topic.trim() !== '' && topic !== mq.topic) continue;
      out.set(mq, offset);
    }
    return out;
  }

  /** Nothing goes to a broker in broadcasting mode: the offset is only taken in memory. */
  async updateConsumeOffsetToBroker(mq: MessageQueue, offset: bigint, _isOneway: boolean): Promise<void> {
    this.updateOffset(mq, offset, false);
  }

  /**
   * Merges the held offsets of `keys` into the file's table and writes it (Java `MixAll.string2File`).
   * The previous file becomes the `.bak` only when it is readable, so a damaged file never replaces a
   * good `.bak`.
   */
  private write(keys: ReadonlySet<string>): Promise<void> {
    const run = async (): Promise<void> => {
      const previous = await this.readMainFile();
      const merged = new Map<string, OffsetEntry>();
      for (const e of previous?.entries ?? (await this.readLocalOffsetBak()) ?? []) merged.set(e.mq.key(), e);
      for (const key of keys) {
        const held = this.table.get(key);
        if (held !== undefined) merged.set(key, { mq: held.mq, offset: held.offset });
      }
      if (previous !== undefined) await writeFileAtomic(`${this.storePath}.bak`, previous.text, this.hooks);
      await writeFileAtomic(this.storePath, encodeOffsetSerializeWrapper(merged.values()), this.hooks);
    };
    const next = this.writes.then(run, run);
    this.writes = next.catch(() => undefined);
    return next;
  }

  /** The file's table; an empty, missing or unreadable file falls back to the `.bak` (Java `readLocalOffset`). */
  private async readLocalOffset(): Promise<OffsetEntry[] | undefined> {
    return (await this.readMainFile())?.entries ?? this.readLocalOffsetBak();
  }

  /** offsets.json when it exists, is not empty and parses. */
  private async readMainFile(): Promise<{ text: string; entries: OffsetEntry[] } | undefined> {
    let text: string | undefined;
    try {
      text = await readTextIfExists(this.storePath);
    } catch (err) {
      this.log.warn('cannot read the local offsets file', { path: this.storePath, err });
    }
    if (text === undefined || text.length === 0) return undefined;
    try {
      return { text, entries: parseOffsetSerializeWrapper(text) };
    } catch (err) {
      this.log.warn('local offsets file unreadable, using the .bak', { path: this.storePath, err });
      return undefined;
    }
  }

  private async readLocalOffsetBak(): Promise<OffsetEntry[] | undefined> {
    const bakPath = `${this.storePath}.bak`;
    let content: string | undefined;
    try {
      content = await readTextIfExists(bakPath);
    } catch (err) {
      this.log.warn('cannot read the local offsets .bak file', { path: bakPath, err });
    }
    if (content === undefined || content.length === 0) return undefined;
    try {
      return parseOffsetSerializeWrapper(content);
    } catch (err) {
      throw new ClientError(-1, `readLocalOffset Exception: neither ${this.storePath} nor its .bak can be read`, { cause: err });
    }
  }
}
