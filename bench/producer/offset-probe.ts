/**
 * Counts what the broker actually stored for a topic: the sum of its queues' max offsets (GET_MAX_OFFSET), read
 * over our own remoting codec on a plain socket. Used for oneway runs, where a client's count is only what it
 * accepted (the Java client, for one, queues oneway writes and drops them silently when its semaphore times out).
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BenchError } from './bench-error';
import { FrameDecoder } from '../../src/remoting/protocol/frame-decoder';
import { RemotingCommand, newExtFields } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../src/remoting/protocol/response-code';

const TIMEOUT_MS = 5000;

class Conn {
  private readonly sock: Socket;
  private readonly decoder = new FrameDecoder();
  private readonly waiting = new Map<number, { resolve: (c: RemotingCommand) => void; reject: (e: unknown) => void }>();
  private nextOpaque = 1;
  private readonly ready: Promise<void>;
  private closedWith: unknown;

  constructor(readonly addr: string) {
    const i = addr.lastIndexOf(':');
    this.sock = connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
    this.sock.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.sock.once('connect', () => resolve());
      this.sock.once('error', reject);
    });
    this.sock.on('data', (chunk: Buffer) => {
      try {
        for (const payload of this.decoder.push(chunk)) {
          const cmd = RemotingCommand.decode(payload);
          const w = this.waiting.get(cmd.opaque);
          if (w) {
            this.waiting.delete(cmd.opaque);
            w.resolve(cmd);
          }
        }
      } catch (err) {
        this.fail(err);
      }
    });
    this.sock.on('error', (err) => this.fail(err));
    this.sock.on('close', () => this.fail(new BenchError(`connection to ${addr} closed`)));
  }

  private fail(err: unknown): void {
    this.closedWith ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.sock.destroy();
  }

  async request(code: number, ext: Record<string, string>): Promise<RemotingCommand> {
    await this.ready;
    if (this.closedWith !== undefined) throw this.closedWith;
    const extFields = newExtFields();
    Object.assign(extFields, ext);
    const cmd = new RemotingCommand({ code, extFields, language: 'JAVA', opaque: this.nextOpaque++ });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(cmd.opaque);
        reject(new BenchError(`request ${code} to ${this.addr} timed out`));
      }, TIMEOUT_MS);
      timer.unref();
      this.waiting.set(cmd.opaque, {
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.sock.write(cmd.encode());
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

interface RouteBody {
  brokerDatas?: { brokerName: string; brokerAddrs: Record<string, string> }[];
  queueDatas?: { brokerName: string; writeQueueNums: number; readQueueNums: number }[];
}

export class OffsetProbe {
  private constructor(
    private readonly topic: string,
    private readonly queues: { conn: Conn; queueId: number }[],
    private readonly conns: Conn[],
  ) {}

  /** Looks the topic's route up on the NameServer and connects to each master broker. */
  static async open(namesrv: string, topic: string): Promise<OffsetProbe> {
    const ns = new Conn(namesrv);
    let route: RouteBody;
    try {
      const res = await ns.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic });
      if (res.code !== ResponseCode.SUCCESS || !res.body) {
        throw new BenchError(`no route for ${topic}: code ${res.code} ${res.remark ?? ''}`);
      }
      route = JSON.parse(res.body.toString('utf8')) as RouteBody;
    } finally {
      ns.close();
    }
    const conns: Conn[] = [];
    const queues: { conn: Conn; queueId: number }[] = [];
    for (const qd of route.queueDatas ?? []) {
      const bd = route.brokerDatas?.find((b) => b.brokerName === qd.brokerName);
      const addr = bd?.brokerAddrs['0'];
      if (!addr) continue;
      const conn = new Conn(addr);
      conns.push(conn);
      for (let q = 0; q < Math.max(qd.readQueueNums, qd.writeQueueNums); q++) queues.push({ conn, queueId: q });
    }
    if (queues.length === 0) throw new BenchError(`route of ${topic} has no master broker queues`);
    return new OffsetProbe(topic, queues, conns);
  }

  /** Sum over the topic's queues of the max offset: messages stored so far. */
  async total(): Promise<number> {
    const offsets = await Promise.all(
      this.queues.map(async ({ conn, queueId }) => {
        const res = await conn.request(RequestCode.GET_MAX_OFFSET, { topic: this.topic, queueId: String(queueId) });
        if (res.code !== ResponseCode.SUCCESS) throw new BenchError(`GET_MAX_OFFSET failed: code ${res.code} ${res.remark ?? ''}`);
        return Number(res.extFields?.offset ?? 0);
      }),
    );
    return offsets.reduce((a, b) => a + b, 0);
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}

/**
 * Counts what gets stored while the run `start()` begins goes on, polling `total` every `pollMs`, and after it ends until the count
 * has not moved for `quietMs` (bounded by `maxWaitMs`). `storedAt` (performance.now()) is when the final count
 * was first seen, so it is late by up to `pollMs`.
 */
export async function watchStored<T>(
  total: () => Promise<number>,
  start: () => Promise<T>,
  pollMs = 100,
  quietMs = 600,
  maxWaitMs = 20_000,
): Promise<{ result: T; stored: number; storedAt: number }> {
  const base = await total();
  const run = start();
  let last = base;
  let lastAt = performance.now();
  let finished = false;
  let result: T | undefined;
  let failure: unknown;
  const running = run.then(
    (r) => {
      result = r;
      finished = true;
    },
    (err: unknown) => {
      failure = err;
      finished = true;
    },
  );
  let finishedAt = 0;
  for (;;) {
    await Promise.race([running, new Promise((r) => setTimeout(r, pollMs))]);
    const t = await total();
    const now = performance.now();
    if (t !== last) {
      last = t;
      lastAt = now;
    }
    if (finished) {
      if (finishedAt === 0) finishedAt = now;
      if (now - lastAt >= quietMs || now - finishedAt >= maxWaitMs) break;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
  if (failure !== undefined) throw failure;
  return { result: result as T, stored: last - base, storedAt: lastAt };
}
