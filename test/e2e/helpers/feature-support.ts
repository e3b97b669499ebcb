/**
 * Shared pieces of the feature e2e suites (test/e2e/feature-*.test.ts): reading a topic back through the broker
 * with PULL_MESSAGE (no Java consumer, works with ACL and TLS because it rides our own RemotingClient), a
 * tail that returns only new messages (the request/reply responder), and bounded polling.
 */
import type * as tls from 'node:tls';
import { BrokerResponseError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { decodeMessageExts, type DecodeOptions, type MessageExt } from '../../../src/message/message-decoder';
import { masterAddr, decodeTopicRouteData, type TopicRouteData } from '../../../src/client/route/topic-route-data';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import type { RPCHook } from '../../../src/remoting/rpc-hook';
import { ext, getMaxOffsetRequest, pullMessageRequest } from '../../helpers/broker-read-requests';

const READER_GROUP = 'rmqts_feature_reader';

export interface ReaderOptions {
  rpcHooks?: RPCHook[];
  tls?: tls.ConnectionOptions;
  /** How pulled records are decoded (default: bodies inflated, inner batches unwrapped). */
  decode?: DecodeOptions;
}

/** Polls `probe` until it returns something other than undefined, at most `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let round = 0; round < 100_000; round++) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Creates `topic` (from TBW102) with `queues` queues and waits until its route is published. */
export async function createTopicAndWait(producer: { createTopic(key: string, topic: string, queues: number): Promise<void>; fetchPublishMessageQueues(topic: string): Promise<unknown[]> }, topic: string, queues: number): Promise<void> {
  await producer.createTopic('TBW102', topic, queues);
  await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length > 0 ? true : undefined), `route of ${topic}`, 60_000);
}

/**
 * Reads topics through the broker: the route from the name server, then PULL_MESSAGE per queue from the
 * offsets it remembers (from 0 on the first read). `readNew` returns what arrived since the last call.
 */
export class TopicReader {
  readonly client: RemotingClient;
  private readonly offsets = new Map<string, number>();
  private readonly decode: DecodeOptions;

  constructor(namesrvAddr: string, options: ReaderOptions = {}) {
    this.decode = options.decode ?? {};
    this.client = new RemotingClient({
      namesrvAddrs: [namesrvAddr],
      logger: silentLogger,
      ...(options.rpcHooks ? { rpcHooks: options.rpcHooks } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
    });
  }

  async route(topic: string): Promise<TopicRouteData> {
    const res = await this.client.invoke(null, RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, ext({ topic, acceptStandardJsonOnly: 'true' })), 10_000);
    if (res.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(res.code, res.remark, undefined);
    return decodeTopicRouteData(res.body);
  }

  /** Every message stored in `topic` (all brokers, all read queues), from offset 0. */
  async readAll(topic: string): Promise<MessageExt[]> {
    return this.read(topic, false);
  }

  /** Messages stored since the previous `readNew` of this topic (the first call reads from offset 0). */
  async readNew(topic: string): Promise<MessageExt[]> {
    return this.read(topic, true);
  }

  close(): Promise<void> {
    return this.client.shutdown();
  }

  private async read(topic: string, remember: boolean): Promise<MessageExt[]> {
    const route = await this.route(topic);
    const out: MessageExt[] = [];
    for (const bd of route.brokerDatas) {
      const addr = masterAddr(bd);
      if (addr === undefined) continue;
      const qd = route.queueDatas.find((q) => q.brokerName === bd.brokerName);
      for (let queueId = 0; queueId < (qd?.readQueueNums ?? 0); queueId++) {
        const key = `${topic}|${bd.brokerName}|${queueId}`;
        const start = remember ? (this.offsets.get(key) ?? 0) : 0;
        const { messages, next } = await this.pullQueue(addr, topic, queueId, start);
        for (const m of messages) m.brokerName = bd.brokerName;
        out.push(...messages);
        if (remember) this.offsets.set(key, next);
      }
    }
    return out;
  }

  private async pullQueue(addr: string, topic: string, queueId: number, from: number): Promise<{ messages: MessageExt[]; next: number }> {
    const maxRes = await this.client.invoke(addr, getMaxOffsetRequest(topic, queueId), 10_000);
    if (maxRes.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(maxRes.code, maxRes.remark, addr);
    const max = Number(maxRes.extFields?.offset ?? 0);
    const messages: MessageExt[] = [];
    let offset = from;
    for (let round = 0; offset < max && round < 1000; round++) {
      const res = await this.client.invoke(addr, pullMessageRequest(READER_GROUP, topic, queueId, offset), 15_000);
      const next = Number(res.extFields?.nextBeginOffset ?? offset);
      if (res.code === ResponseCode.SUCCESS) {
        messages.push(...decodeMessageExts(res.body ?? Buffer.alloc(0), this.decode));
        offset = next > offset ? next : max;
      } else if ((res.code === ResponseCode.PULL_OFFSET_MOVED || res.code === ResponseCode.PULL_NOT_FOUND) && next > offset) {
        offset = next;
      } else if (res.code === ResponseCode.PULL_RETRY_IMMEDIATELY || res.code === ResponseCode.PULL_NOT_FOUND) {
        break;
      } else {
        throw new BrokerResponseError(res.code, res.remark, addr);
      }
    }
    return { messages, next: offset };
  }
}
