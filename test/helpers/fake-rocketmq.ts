/**
 * A scripted RocketMQ on loopback for producer and client-instance tests: one fake name server that
 * answers GET_ROUTEINFO_BY_TOPIC from a route table, and fake brokers that answer HEART_BEAT,
 * UNREGISTER_CLIENT, UPDATE_AND_CREATE_TOPIC and the send codes (SUCCESS by default, or as scripted); further
 * codes (the consumer's) through `handlers`.
 */
import { newExtFields, type RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../src/remoting/protocol/response-code';
import { FakeRemotingServer, type FakeRequestContext, type FakeResponseInit } from './fake-remoting-server';

export interface FakeQueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

export interface FakeRoute {
  queueDatas: FakeQueueData[];
  /** brokerName -> brokerId -> addr. */
  brokers: Record<string, Record<number, string>>;
  orderTopicConf?: string;
  /** Extra top-level fields of the route body (e.g. a hostile `topicQueueMappingByBroker`). */
  extra?: Record<string, string>;
}

/** What a broker's send handler decides: a response, or `'hold'` to keep the request unanswered. */
export type SendAnswer = FakeResponseInit | 'hold' | 'drop';

export class FakeBroker {
  sendCount = 0;
  readonly held: FakeRequestContext[] = [];
  /** Scripted answer for the next sends (shifted per send); default SUCCESS. */
  readonly script: SendAnswer[] = [];
  /** Fallback for sends when the script is empty. */
  onSend: ((ctx: FakeRequestContext) => SendAnswer) | undefined;
  /** Heartbeat handler override (e.g. to hold heartbeats). */
  onHeartbeat: ((ctx: FakeRequestContext) => void) | undefined;
  /** Handlers of further codes (consumer requests), tried before the built-in ones. */
  readonly handlers = new Map<number, (ctx: FakeRequestContext) => void>();
  private queueOffset = 0n;

  private constructor(
    readonly name: string,
    readonly server: FakeRemotingServer,
  ) {
    server.setHandler((ctx) => this.handle(ctx));
  }

  static async start(name: string): Promise<FakeBroker> {
    return new FakeBroker(name, await FakeRemotingServer.start());
  }

  get addr(): string {
    return this.server.addr;
  }

  requests(code?: number): RemotingCommand[] {
    return this.server.received.filter((r) => code === undefined || r.code === code);
  }

  sends(): RemotingCommand[] {
    return this.server.received.filter(
      (r) => r.code === RequestCode.SEND_MESSAGE_V2 || r.code === RequestCode.SEND_BATCH_MESSAGE || r.code === RequestCode.SEND_MESSAGE,
    );
  }

  /** A SUCCESS send response for `request` (msgId, queueId, queueOffset, region, trace). */
  successFor(request: RemotingCommand, code: number = ResponseCode.SUCCESS): FakeResponseInit {
    const ext = newExtFields();
    ext.msgId = '7F00000100002A9F00000000000000' + (Number(this.queueOffset) % 100).toString().padStart(2, '0');
    ext.queueId = request.extFields?.e ?? '0';
    ext.queueOffset = String(this.queueOffset++);
    ext.MSG_REGION = 'DefaultRegion';
    ext.TRACE_ON = 'true';
    return { code, extFields: ext };
  }

  private handle(ctx: FakeRequestContext): void {
    const r = ctx.request;
    const custom = this.handlers.get(r.code);
    if (custom) return custom(ctx);
    switch (r.code) {
      case RequestCode.HEART_BEAT:
        if (this.onHeartbeat) this.onHeartbeat(ctx);
        else ctx.respond({ code: 0 });
        return;
      case RequestCode.UNREGISTER_CLIENT:
      case RequestCode.UPDATE_AND_CREATE_TOPIC:
        ctx.respond({ code: 0 });
        return;
      case RequestCode.GET_MAX_OFFSET: {
        const ext = newExtFields();
        ext.offset = String(this.queueOffset);
        ctx.respond({ code: 0, extFields: ext });
        return;
      }
      case RequestCode.SEND_MESSAGE:
      case RequestCode.SEND_MESSAGE_V2:
      case RequestCode.SEND_BATCH_MESSAGE: {
        this.sendCount++;
        if (r.isOneway) return;
        const answer = this.script.shift() ?? this.onSend?.(ctx) ?? this.successFor(r);
        if (answer === 'hold') this.held.push(ctx);
        else if (answer === 'drop') ctx.destroy();
        else ctx.respond(answer);
        return;
      }
      default:
        ctx.respond({ code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark: `unknown ${r.code}` });
    }
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

export class FakeNameServer {
  readonly routes = new Map<string, FakeRoute>();
  /** Topics answered with this code instead of a route (e.g. 17, or 1 "not ready"). */
  readonly failures = new Map<string, number>();
  /** Serve routes in fastjson's legacy unquoted-key form. */
  legacyJson = false;

  private constructor(readonly server: FakeRemotingServer) {
    server.setHandler((ctx) => this.handle(ctx));
  }

  static async start(): Promise<FakeNameServer> {
    return new FakeNameServer(await FakeRemotingServer.start());
  }

  get addr(): string {
    return this.server.addr;
  }

  routeRequests(topic?: string): RemotingCommand[] {
    return this.server.received.filter(
      (r) => r.code === RequestCode.GET_ROUTEINFO_BY_TOPIC && (topic === undefined || r.extFields?.topic === topic),
    );
  }

  /** Sets `topic`'s route: `queues` write/read queues with `perm` on each named broker's master. */
  setRoute(topic: string, brokers: FakeBroker[], queues = 4, perm = 6): void {
    this.routes.set(topic, {
      queueDatas: brokers.map((b) => ({ brokerName: b.name, readQueueNums: queues, writeQueueNums: queues, perm, topicSysFlag: 0 })),
      brokers: Object.fromEntries(brokers.map((b) => [b.name, { 0: b.addr }])),
    });
    this.failures.delete(topic);
  }

  routeJson(route: FakeRoute): string {
    const brokerDatas = Object.entries(route.brokers).map(([brokerName, addrs]) => ({
      brokerAddrs: Object.fromEntries(Object.entries(addrs)),
      brokerName,
      cluster: 'DefaultCluster',
      enableActingMaster: false,
    }));
    const body: Record<string, unknown> = { brokerDatas, filterServerTable: {}, queueDatas: route.queueDatas };
    if (route.orderTopicConf) body.orderTopicConf = route.orderTopicConf;
    let json = JSON.stringify(body);
    // Raw JSON text per field: values JSON.stringify itself could not write (too deep to recurse).
    for (const [k, raw] of Object.entries(route.extra ?? {})) json = `${json.slice(0, -1)},${JSON.stringify(k)}:${raw}}`;
    // fastjson's legacy form: Long map keys unquoted.
    return this.legacyJson ? json.replace(/"(\d+)":"/g, '$1:"') : json;
  }

  private handle(ctx: FakeRequestContext): void {
    const r = ctx.request;
    if (r.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      ctx.respond({ code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED });
      return;
    }
    const topic = r.extFields?.topic ?? '';
    const failure = this.failures.get(topic);
    const route = this.routes.get(topic);
    if (failure !== undefined || !route) {
      ctx.respond({
        code: failure ?? ResponseCode.TOPIC_NOT_EXIST,
        remark: `No topic route info in name server for the topic: ${topic}`,
      });
      return;
    }
    ctx.respond({ code: 0, body: Buffer.from(this.routeJson(route), 'utf8') });
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** A name server and `n` brokers named broker-a, broker-b, ... */
export async function startFakeCluster(n = 1): Promise<{ ns: FakeNameServer; brokers: FakeBroker[]; close(): Promise<void> }> {
  const ns = await FakeNameServer.start();
  const brokers: FakeBroker[] = [];
  for (let i = 0; i < n; i++) brokers.push(await FakeBroker.start(`broker-${String.fromCharCode(97 + i)}`));
  return {
    ns,
    brokers,
    close: async () => {
      await Promise.all([ns.close(), ...brokers.map((b) => b.close())]);
    },
  };
}

/** Waits until `cond` holds, polling every few ms (bounded by `maxTurns`). */
export async function until(cond: () => boolean, what: string, maxTurns = 2000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`condition never held: ${what}`);
}

/** Like `until`, but polls with setImmediate, so it also works under jest fake timers. */
export async function untilImmediate(cond: () => boolean, what: string, maxTurns = 200_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`condition never held: ${what}`);
}
