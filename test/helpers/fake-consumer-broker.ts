/**
 * A fake broker (test/helpers/fake-rocketmq.ts) that serves a push consumer: the member list, no stored offsets,
 * three tagged messages per queue on the first pull from 0, then "no new message" after a short hold; or, for
 * several consumers that each read every queue, the messages of every queue up to a moving max offset.
 */
import { MessageExt } from '../../src/message/message-decoder';
import { encodeMessageExts } from '../../src/message/stored-message-encoder';
import { newExtFields } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../src/remoting/protocol/response-code';
import type { FakeBroker, startFakeCluster } from './fake-rocketmq';

export type Cluster = Awaited<ReturnType<typeof startFakeCluster>>;

export function ext(fields: Record<string, string>) {
  return Object.assign(newExtFields(), fields);
}

function stored(topic: string, queueId: number, offset: number): MessageExt {
  const m = new MessageExt(topic, Buffer.from(`m${queueId}-${offset}`));
  m.queueId = queueId;
  m.queueOffset = BigInt(offset);
  m.putProperty('UNIQ_KEY', `U${queueId}-${offset}`);
  m.tags = offset === 1 ? 'TagB' : 'TagA';
  return m;
}

/** A broker that serves 3 messages per queue once, then answers "no new message" after a short hold. */
export function serveConsumer(cluster: Cluster, members: () => string[]) {
  const broker = cluster.brokers[0]!;
  const served = new Set<number>();
  broker.handlers.set(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (ctx) => ctx.respond({ body: Buffer.from(JSON.stringify({ consumerIdList: members() })) }));
  broker.handlers.set(RequestCode.QUERY_CONSUMER_OFFSET, (ctx) => ctx.respond({ code: ResponseCode.QUERY_NOT_FOUND, remark: 'none' }));
  broker.handlers.set(RequestCode.UPDATE_CONSUMER_OFFSET, (ctx) => ctx.respond());
  broker.handlers.set(RequestCode.PULL_MESSAGE, (ctx) => {
    const queueId = Number(ctx.request.extFields!.queueId);
    const from = Number(ctx.request.extFields!.queueOffset);
    const offsets = ext({ suggestWhichBrokerId: '0', minOffset: '0', maxOffset: '3' });
    if (!served.has(queueId) && from === 0) {
      served.add(queueId);
      const body = encodeMessageExts([0, 1, 2].map((o) => stored(ctx.request.extFields!.topic!, queueId, o)));
      ctx.respond({ code: 0, body, extFields: Object.assign(offsets, { nextBeginOffset: '3' }) });
    } else {
      ctx.respondLater(100, { code: ResponseCode.PULL_NOT_FOUND, extFields: Object.assign(offsets, { nextBeginOffset: String(from) }) });
    }
  });
  return broker;
}


/**
 * A broker whose every queue holds messages at offsets 0 .. maxOffset()-1: each pull gets those from its offset on,
 * whoever asks (broadcasting members each read everything), else "no new message" after a short hold.
 */
export function serveStoredMessages(cluster: Cluster, maxOffset: () => number) {
  const broker = cluster.brokers[0]!;
  broker.handlers.set(RequestCode.PULL_MESSAGE, (ctx) => {
    const { topic, queueId, queueOffset } = ctx.request.extFields!;
    const from = Number(queueOffset);
    const max = maxOffset();
    const offsets = ext({ suggestWhichBrokerId: '0', minOffset: '0', maxOffset: String(max) });
    if (from < max) {
      const body = encodeMessageExts(Array.from({ length: max - from }, (_, i) => stored(topic!, Number(queueId), from + i)));
      ctx.respond({ code: 0, body, extFields: Object.assign(offsets, { nextBeginOffset: String(max) }) });
    } else {
      ctx.respondLater(100, { code: ResponseCode.PULL_NOT_FOUND, extFields: Object.assign(offsets, { nextBeginOffset: String(from) }) });
    }
  });
  return broker;
}
