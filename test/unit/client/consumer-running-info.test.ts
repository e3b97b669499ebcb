import { encodeConsumerRunningInfo } from '../../../src/client/body/consumer-running-info';
import { MessageQueue } from '../../../src/client/message-queue';
import { buildSubscriptionData } from '../../../src/client/subscription-data';

const pq = (commitOffset: bigint) => ({
  commitOffset, cachedMsgMinOffset: 1n, cachedMsgMaxOffset: 2n, cachedMsgCount: 2, cachedMsgSizeInMiB: 0, droped: false, lastPullTimestamp: 5, lastConsumeTimestamp: 6,
  transactionMsgMinOffset: 0, transactionMsgMaxOffset: 0, transactionMsgCount: 0, locked: false, tryUnlockTimes: 0, lastLockTimestamp: 0,
});

test('fastjson shape: MessageQueue objects as map keys in TreeMap order, beans alphabetical, subscriptions by topic@expression', () => {
  const body = encodeConsumerRunningInfo({
    properties: [['PROP_CONSUME_TYPE', 'CONSUME_PASSIVELY']],
    subscriptionSet: [buildSubscriptionData('T', 'a', 'TAG', 1), buildSubscriptionData('%RETRY%G', '*', 'TAG', 1)],
    mqTable: [
      [new MessageQueue('T', 'broker-a', 1), pq(9n)],
      [new MessageQueue('T', 'broker-a', 0), pq(7n)],
    ],
    statusTable: ['T', '%RETRY%G', 'T'].map((t) => [t, { pullRT: 0, pullTPS: 0, consumeRT: 0, consumeOKTPS: 0, consumeFailedTPS: 0, consumeFailedMsgs: 0 }] as const),
  }).toString();
  expect(body.startsWith('{"mqPopTable":{},"mqTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"cachedMsgCount":2,')).toBe(true);
  expect(body).toContain('"commitOffset":7,');
  expect(body.indexOf('"queueId":0')).toBeLessThan(body.indexOf('"queueId":1'));
  expect(body).toContain('"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY"}');
  expect(body).toContain('"statusTable":{"%RETRY%G":{"consumeFailedMsgs":0,');
  const subs = /"subscriptionSet":(\[.*?\]),"userConsumerInfo"/.exec(body)![1]!;
  expect(JSON.parse(subs).map((s: { topic: string }) => s.topic)).toEqual(['%RETRY%G', 'T']);
  expect(body.endsWith('"userConsumerInfo":{}}')).toBe(true);
});
