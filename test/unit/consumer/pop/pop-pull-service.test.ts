import { silentLogger } from '../../../../src/logger';
import { MessageQueue } from '../../../../src/client/message-queue';
import { buildSubscriptionData } from '../../../../src/client/subscription-data';
import { MessageExt } from '../../../../src/message/message-decoder';
import { encodeMessageExts } from '../../../../src/message/stored-message-encoder';
import { newExtFields, RemotingCommand, RPC_TYPE_RESPONSE } from '../../../../src/remoting/protocol/remoting-command';
import { ResponseCode } from '../../../../src/remoting/protocol/response-code';
import type { RemotingClient } from '../../../../src/remoting/remoting-client';
import { PopPullService, type PopLoopHost } from '../../../../src/consumer/pop/pop-pull-service';
import { PopProcessQueue } from '../../../../src/consumer/pop/pop-process-queue';
import { until } from '../../../helpers/fake-rocketmq';

const mq = new MessageQueue('T', 'broker-a', -1);

function record(offset: bigint, tags: string, reconsumeTimes = 0): MessageExt {
  const m = new MessageExt('T', Buffer.from(`b${offset}`));
  m.queueId = 0;
  m.queueOffset = offset;
  m.tags = tags;
  m.reconsumeTimes = reconsumeTimes;
  m.bornHost = { ip: '127.0.0.1', port: 1, address: '127.0.0.1:1' };
  m.storeHost = { ip: '127.0.0.1', port: 10911, address: '127.0.0.1:10911' };
  return m;
}

function found(records: MessageExt[]): RemotingCommand {
  const extFields = newExtFields();
  Object.assign(extFields, { popTime: String(Date.now()), invisibleTime: '60000', reviveQid: '0', restNum: '0' });
  return new RemotingCommand({ code: ResponseCode.SUCCESS, flag: RPC_TYPE_RESPONSE, extFields, body: encodeMessageExts(records) });
}

function setup(answers: RemotingCommand[], opts: { threshold?: number; expr?: string } = {}) {
  const requests: Array<Record<string, string>> = [];
  const submitted: MessageExt[] = [];
  const ackedFiltered: string[] = [];
  let i = 0;
  const remoting = {
    invoke: async (_addr: string, req: RemotingCommand) => {
      requests.push({ ...(req.extFields as Record<string, string>) });
      if (i < answers.length) return answers[i++]!;
      // Then the broker holds the pop until the client gives up (shutdown aborts it).
      return new Promise<RemotingCommand>(() => undefined);
    },
  } as unknown as RemotingClient;
  const host: PopLoopHost = {
    log: silentLogger,
    remoting,
    namespace: undefined,
    settings: {
      popBatchNums: 32,
      popInvisibleTimeMs: 60_000,
      popThresholdForQueue: opts.threshold ?? 96,
      pullIntervalMs: 0,
      brokerSuspendMaxTimeMs: 15_000,
      pullTimeDelayMsWhenException: 3000,
      maxReconsumeTimes: 16,
    },
    isRunning: () => true,
    isPaused: () => false,
    subscriptionOf: () => buildSubscriptionData('T', opts.expr ?? 'TagA', 'TAG'),
    brokerAddr: async () => '127.0.0.1:10911',
    submit: (msgs) => submitted.push(...msgs),
    ackFiltered: (m) => ackedFiltered.push(`${m.queueOffset}`),
  };
  const service = new PopPullService(host);
  const pq = new PopProcessQueue();
  return { service, pq, requests, submitted, ackedFiltered };
}

describe('PopPullService (push consumer, pop mode)', () => {
  test('POP_MESSAGE per loop; tags re-checked and over-retried messages acked, not handed over', async () => {
    const { service, pq, requests, submitted, ackedFiltered } = setup([found([record(1n, 'TagA'), record(2n, 'TagB'), record(3n, 'TagA', 17)])]);
    service.executePopRequestImmediately({ consumerGroup: 'G', messageQueue: mq, processQueue: pq, initMode: 1 });
    await until(() => requests.length === 2, 'the next pop after the answer');
    service.shutdown();
    expect(requests[0]).toEqual(
      expect.objectContaining({ consumerGroup: 'G', topic: 'T', queueId: '-1', maxMsgNums: '32', invisibleTime: '60000', initMode: '1', expType: 'TAG', exp: 'TagA', bname: 'broker-a' }),
    );
    expect(submitted.map((m) => m.queueOffset)).toEqual([1n]);
    expect(ackedFiltered.sort()).toEqual(['2', '3']);
    expect(pq.waitAckCount).toBe(1);
  });

  test('no pop while more messages than popThresholdForQueue await their ack', async () => {
    const { service, pq, requests } = setup([], { threshold: 2 });
    pq.incFoundMsg(3);
    service.executePopRequestImmediately({ consumerGroup: 'G', messageQueue: mq, processQueue: pq, initMode: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(requests).toHaveLength(0);
    pq.ack();
    await until(() => requests.length === 1, 'a pop once under the threshold');
    service.shutdown();
  });

  test('a dropped queue ends its loop', async () => {
    const { service, pq, requests } = setup([
      new RemotingCommand({ code: ResponseCode.POLLING_TIMEOUT, flag: RPC_TYPE_RESPONSE, extFields: newExtFields() }),
    ]);
    service.executePopRequestImmediately({ consumerGroup: 'G', messageQueue: mq, processQueue: pq, initMode: 0 });
    await until(() => requests.length === 2, 'pops again after POLLING_NOT_FOUND');
    pq.dropped = true;
    service.shutdown();
    expect(requests).toHaveLength(2);
  });
});
