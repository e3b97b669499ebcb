import { MessageQueue } from '../../../src/client/message-queue';
import type { PullResponse } from '../../../src/client/pull-response';
import { buildSubscriptionData } from '../../../src/client/subscription-data';
import { MessageExt } from '../../../src/message/message-decoder';
import { encodeMessageExts } from '../../../src/message/stored-message-encoder';
import { BROKER_VERSION_5_0_0, PullAPIWrapper, type PullClient } from '../../../src/consumer/pull-api-wrapper';
import { BrokerResponseError } from '../../../src/errors';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { buildPullSysFlag } from '../../../src/consumer/pull-sys-flag';

const mq = new MessageQueue('T', 'broker-a', 1);

function stored(tags: string | undefined, offset: bigint, props: Record<string, string> = {}): MessageExt {
  const m = new MessageExt('T', Buffer.from(`body-${offset}`));
  if (tags) m.tags = tags;
  for (const [k, v] of Object.entries(props)) m.putProperty(k, v);
  m.queueOffset = offset;
  m.queueId = 7;
  return m;
}

function response(body: Buffer | undefined, extra: Partial<PullResponse> = {}): PullResponse {
  return { status: 'FOUND', nextBeginOffset: 10n, minOffset: 0n, maxOffset: 20n, suggestWhichBrokerId: 0, offsetDelta: undefined, body, ...extra };
}

function fakeClient(addrs: Record<number, string>) {
  const calls: Array<{ addr: string; fields: Record<string, unknown>; timeout: number; code?: number }> = [];
  let routeUpdates = 0;
  const client: PullClient = {
    api: {
      pullMessage: async (addr: string, fields: Record<string, unknown>, timeout: number, code?: number) => {
        calls.push({ addr, fields, timeout, code });
        return response(undefined, { status: 'NO_NEW_MSG' });
      },
    } as never,
    findBrokerAddressInSubscribe: (_name, id, onlyThis) => {
      const addr = addrs[id] ?? (onlyThis ? undefined : Object.values(addrs)[0]);
      if (!addr) return undefined;
      const realId = addrs[id] ? id : Number(Object.keys(addrs)[0]);
      return { brokerAddr: addr, slave: realId !== 0 };
    },
    updateTopicRouteInfoFromNameServer: async () => {
      routeUpdates++;
      return false;
    },
  };
  return { client, calls, routeUpdates: () => routeUpdates };
}

const spec = {
  mq, subExpression: 'TagA', expressionType: 'TAG', subVersion: 5, offset: 3n, maxNums: 32, sysFlag: buildPullSysFlag({ commitOffset: true, suspend: true }),
  commitOffset: 2n, brokerSuspendMaxTimeMillis: 15000, timeoutMillis: 30000,
};

describe('PullAPIWrapper', () => {
  test('pulls from the master first, then from the broker the answer suggested; no commit offset to a slave', async () => {
    const f = fakeClient({ 0: 'm:1', 1: 's:1' });
    const w = new PullAPIWrapper(f.client, 'G');
    await w.pullKernelImpl(spec);
    expect(f.calls[0]).toMatchObject({ addr: 'm:1', timeout: 30000 });
    expect(f.calls[0]!.fields).toMatchObject({ consumerGroup: 'G', topic: 'T', queueId: 1, queueOffset: 3n, sysFlag: 3, commitOffset: 2n, suspendTimeoutMillis: 15000n, subVersion: 5n, brokerName: 'broker-a', expressionType: 'TAG' });
    w.processPullResult(mq, response(undefined, { status: 'NO_NEW_MSG', suggestWhichBrokerId: 1 }), buildSubscriptionData('T', '*'));
    await w.pullKernelImpl(spec);
    expect(f.calls[1]).toMatchObject({ addr: 's:1' });
    expect(f.calls[1]!.fields.sysFlag).toBe(2);
    // Another queue of the same broker keeps its own choice.
    expect(w.recalculatePullFromWhichNode(new MessageQueue('T', 'broker-a', 2))).toBe(0);
  });

  test('an unknown broker triggers a route update and then a typed error', async () => {
    const f = fakeClient({});
    const w = new PullAPIWrapper(f.client, 'G');
    await expect(w.pullKernelImpl(spec)).rejects.toMatchObject({ clientCode: 10003 });
    expect(f.routeUpdates()).toBe(1);
  });

  test('tags are re-checked on the client ("Aa" and "BB" share a hash code); MIN/MAX_OFFSET, broker and queue set', () => {
    const w = new PullAPIWrapper(fakeClient({ 0: 'm:1' }).client, 'G');
    const body = encodeMessageExts([stored('Aa', 3n), stored('BB', 4n), stored(undefined, 5n), stored('Aa', 6n)]);
    const r = w.processPullResult(mq, response(body), buildSubscriptionData('T', 'Aa'));
    expect(r.msgFoundList.map((m) => m.queueOffset)).toEqual([3n, 6n]);
    const m = r.msgFoundList[0]!;
    expect(m.getProperty('MIN_OFFSET')).toBe('0');
    expect(m.getProperty('MAX_OFFSET')).toBe('20');
    expect(m.brokerName).toBe('broker-a');
    expect(m.queueId).toBe(1);
    expect(r).toMatchObject({ pullStatus: 'FOUND', nextBeginOffset: 10n });
  });

  test('"*" keeps every record; offsetDelta shifts queue offsets; prepared messages get their transaction id', () => {
    const w = new PullAPIWrapper(fakeClient({ 0: 'm:1' }).client, 'G');
    const body = encodeMessageExts([stored('X', 3n, { TRAN_MSG: 'true', UNIQ_KEY: 'U1' }), stored(undefined, 4n)]);
    const r = w.processPullResult(mq, response(body, { offsetDelta: 100n }), buildSubscriptionData('T', '*'));
    expect(r.msgFoundList.map((m) => m.queueOffset)).toEqual([103n, 104n]);
    expect(r.msgFoundList[0]!.transactionId).toBe('U1');
  });

  test.each(['NO_NEW_MSG', 'NO_MATCHED_MSG', 'OFFSET_ILLEGAL'] as const)('%s carries no messages', (status) => {
    const w = new PullAPIWrapper(fakeClient({ 0: 'm:1' }).client, 'G');
    const r = w.processPullResult(mq, response(undefined, { status, nextBeginOffset: 42n }), buildSubscriptionData('T', '*'));
    expect(r).toEqual({ pullStatus: status, nextBeginOffset: 42n, minOffset: 0n, maxOffset: 20n, msgFoundList: [] });
  });

  test('the LITE_PULL bit picks LITE_PULL_MESSAGE, unless the heartbeat said the broker is older than 5.0', async () => {
    const lite = { ...spec, sysFlag: buildPullSysFlag({ suspend: true, subscription: true, litePull: true }), commitOffset: 0n };
    const f = fakeClient({ 0: 'm:1' });
    const versions = new Map<string, Map<string, number>>();
    const w = new PullAPIWrapper({ ...f.client, brokerVersionTable: versions }, 'G');
    await w.pullKernelImpl(spec);
    await w.pullKernelImpl(lite);
    versions.set('broker-a', new Map([['m:1', BROKER_VERSION_5_0_0 - 6]])); // V4_9_7
    await w.pullKernelImpl(lite);
    versions.set('broker-a', new Map([['m:1', 479]])); // V5_3_3
    await w.pullKernelImpl(lite);
    expect(f.calls.map((c) => c.code)).toEqual([RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE, RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE]);
    expect(f.calls[2]!.fields.sysFlag).toBe(0x16);
  });

  test('REQUEST_CODE_NOT_SUPPORTED to LITE_PULL_MESSAGE: the same pull again as PULL_MESSAGE, and so on for that broker', async () => {
    const lite = { ...spec, sysFlag: buildPullSysFlag({ suspend: true, subscription: true, litePull: true }), commitOffset: 0n };
    const codes: Array<number | undefined> = [];
    const client: PullClient = {
      ...fakeClient({ 0: 'm:1' }).client,
      api: {
        pullMessage: async (_addr: string, _fields: unknown, _timeout: number, code?: number) => {
          codes.push(code);
          if (code === RequestCode.LITE_PULL_MESSAGE) throw new BrokerResponseError(3, 'request type 361 not supported', 'm:1');
          return response(undefined, { status: 'NO_NEW_MSG' });
        },
      } as never,
    };
    const w = new PullAPIWrapper(client, 'G');
    await expect(w.pullKernelImpl(lite)).resolves.toMatchObject({ status: 'NO_NEW_MSG' });
    await w.pullKernelImpl(lite);
    expect(codes).toEqual([RequestCode.LITE_PULL_MESSAGE, RequestCode.PULL_MESSAGE, RequestCode.PULL_MESSAGE]);
  });
});
