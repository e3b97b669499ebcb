/**
 * Small pieces shared by the producer e2e files: the name server under test, unique names, mqadmin through the
 * harness, and parsers for what mqadmin prints about messages.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { DefaultMQProducer, MessageQueue } from '../../../src/index';

const ROOT = resolve(__dirname, '..', '..', '..');
const HARNESS = join(ROOT, 'scripts', 'rocketmq');

/** NAMESRV_ADDR as the e2e global setup exported it. */
export function namesrvAddr(): string {
  const addr = process.env.NAMESRV_ADDR;
  if (!addr) throw new Error('NAMESRV_ADDR is not set: the e2e global setup should have started a broker');
  return addr;
}

/** A short id unique to this run, safe in topic and group names. */
export function runId(): string {
  return `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** mqadmin through the harness (it fills in -n from NAMESRV_ADDR). mqadmin exits 0 even on failure: parse. */
export function mqadmin(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(HARNESS, ['admin', ...args], { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`mqadmin ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolvePromise(stdout);
    });
  });
}

export interface MessageView {
  /** `Label: value` lines of one message, keyed by label without the colon (e.g. `Queue ID`, `System Flag`). */
  fields: Record<string, string>;
}

/**
 * Splits the output of queryMsgById / queryMsgByUniqueKey into one view per message. Each starts with
 * `OffsetID:` (queryMsgById) or `Topic:` (queryMsgByUniqueKey) and ends at `Message Body Path:`.
 */
export function parseMessageViews(out: string): MessageView[] {
  const views: MessageView[] = [];
  let cur: Record<string, string> | undefined;
  for (const line of out.split('\n')) {
    const m = /^([A-Z][A-Za-z ]*?):\s+(.*)$/.exec(line);
    if (!m) continue;
    const [, label, value] = m as unknown as [string, string, string];
    if (label === 'OffsetID' || (label === 'Topic' && (cur === undefined || 'Message Body Path' in cur))) {
      cur = {};
      views.push({ fields: cur });
    }
    if (cur && !(label in cur)) cur[label] = value.trimEnd();
  }
  return views;
}

/** Parses Java's `AbstractMap.toString()`: `{a=1, b=2}`. Values must not contain ", " (ours never do). */
export function parseJavaMap(s: string): Record<string, string> {
  const inner = s.trim().replace(/^\{/, '').replace(/\}$/, '');
  const out: Record<string, string> = {};
  if (!inner) return out;
  for (const part of inner.split(', ')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** Σ(max − min) over the queues `mqadmin topicStatus` lists: the number of messages stored on a fresh topic. */
export async function storedCount(topic: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const out = await mqadmin(['topicStatus', '-t', topic], env);
  let total = 0;
  for (const line of out.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
    if (m) total += Number(m[4]) - Number(m[3]);
  }
  return total;
}

/** A topic created on the broker reaches the NameServer with the broker's next registration: poll briefly. */
export async function waitForRoute(producer: DefaultMQProducer, topic: string, timeoutMs = 30_000): Promise<MessageQueue[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const queues = await producer.fetchPublishMessageQueues(topic);
      if (queues.length > 0) return queues;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    if (Date.now() >= deadline) throw new Error(`no route for ${topic} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
