/**
 * Broker-to-client bodies against fixtures/golden/consumer-bodies.json, written by the Java classes
 * themselves (ConsumerRunningInfo, ConsumeMessageDirectlyResult, ResetOffsetBody through fastjson).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageQueue } from '../../../../src/client/message-queue';
import { buildSubscriptionData } from '../../../../src/client/subscription-data';
import { encodeConsumeMessageDirectlyResult, parseConsumeMessageDirectlyResult, type CMResult } from '../../../../src/client/body/consume-message-directly-result';
import {
  encodeConsumerRunningInfo,
  type ConsumeStatus,
  type ProcessQueueInfo,
} from '../../../../src/client/body/consumer-running-info';
import { FastjsonObject, javaDoubleJson, messageQueueMapOf, parseFastjson } from '../../../../src/client/body/fastjson-map';
import { parseResetOffsetBody } from '../../../../src/client/body/reset-offset-body';
import { RemotingProtocolError } from '../../../../src/errors';

const golden = JSON.parse(readFileSync(join(__dirname, '../../../../fixtures/golden/consumer-bodies.json'), 'utf8')) as {
  runningInfo: Array<{ name: string; propertiesOrder: Array<[string, string]>; json: string }>;
  directlyResults: Array<{ order: boolean; autoCommit: boolean; consumeResult: CMResult; remark: string | null; spentTimeMills: number; json: string }>;
  resetOffset: Array<{ entries: Array<[string, string, number, string]>; json: string }>;
};

const SUB_VERSION = 1700000000123;
const ts = (n: number) => 1700000000000 + n;

/** The inputs ConsumerBodyGoldens.runningInfo(full) gave the Java class. */
function inputs(full: boolean, properties: Array<[string, string]>) {
  if (!full) return { properties, subscriptionSet: [], mqTable: [], statusTable: [] };
  const pq = (i: number): ProcessQueueInfo => ({
    commitOffset: 100 + i,
    cachedMsgMinOffset: 101 + i,
    cachedMsgMaxOffset: 140n + BigInt(i),
    cachedMsgCount: 40 - i,
    cachedMsgSizeInMiB: i,
    transactionMsgMinOffset: i,
    transactionMsgMaxOffset: 2 * i,
    transactionMsgCount: i,
    locked: i === 1,
    tryUnlockTimes: i,
    lastLockTimestamp: ts(i),
    droped: i === 2,
    lastPullTimestamp: ts(1000 + i),
    lastConsumeTimestamp: ts(2000 + i),
  });
  const status = (s: Partial<ConsumeStatus>): ConsumeStatus => ({ pullRT: 0, pullTPS: 0, consumeRT: 0, consumeOKTPS: 0, consumeFailedTPS: 0, consumeFailedMsgs: 0, ...s });
  return {
    properties,
    // given out of order and with a duplicate: the TreeSet orders and dedups
    subscriptionSet: [
      buildSubscriptionData('Topic_SQL', "a > 5 AND b = 'x'", 'SQL92', SUB_VERSION),
      buildSubscriptionData('TopicTest', 'TagA || TagB || Aa || BB', 'TAG', SUB_VERSION),
      buildSubscriptionData('%RETRY%my_consumer_group', '*', 'TAG', SUB_VERSION),
      buildSubscriptionData('Topic_SQL', "a > 5 AND b = 'x'", 'SQL92', SUB_VERSION + 1),
    ],
    mqTable: [0, 1, 2].map((i) => [new MessageQueue(i === 2 ? '%RETRY%my_consumer_group' : 'TopicTest', `broker-${'abc'[i]}`, i), pq(i)] as const),
    mqPopTable: [[new MessageQueue('TopicPop', 'broker-a', 1), { waitAckCount: 3, droped: false, lastPopTimestamp: ts(3000) }] as const],
    statusTable: [
      ['TopicTest', status({ pullRT: 12.5, pullTPS: 100.25, consumeRT: 3, consumeOKTPS: 99.5, consumeFailedTPS: 0, consumeFailedMsgs: 7 })] as const,
      ['%RETRY%my_consumer_group', status({ pullTPS: 12345678.5, consumeRT: 0.0005 })] as const,
    ],
    userConsumerInfo: [['owner', 'team ü']] as const,
    jstack: '"main" #1 prio=5\n\tat java.lang.Thread.sleep(Native Method)\n',
  };
}

describe('golden: ConsumerRunningInfo (GET_CONSUMER_RUNNING_INFO)', () => {
  it.each(golden.runningInfo.map((c) => [c.name, c] as const))('%s: the same bytes as Java', (name, c) => {
    const ours = encodeConsumerRunningInfo(inputs(name === 'full', c.propertiesOrder)).toString('utf8');
    expect(ours).toBe(c.json);
  });

  it('reads back: mqTable keys are MessageQueue beans', () => {
    const full = golden.runningInfo.find((c) => c.name === 'full')!;
    const root = parseFastjson(full.json, 'running info') as FastjsonObject;
    expect(messageQueueMapOf(root.get('mqTable'), 'mqTable').map(([mq]) => mq.toString())).toEqual([
      'MessageQueue [topic=%RETRY%my_consumer_group, brokerName=broker-c, queueId=2]',
      'MessageQueue [topic=TopicTest, brokerName=broker-a, queueId=0]',
      'MessageQueue [topic=TopicTest, brokerName=broker-b, queueId=1]',
    ]);
  });

  it('writes doubles as Java does', () => {
    expect([0, -0, 3, 12.5, 0.0005, 12345678.5, 1e7, 0.001, 1e-7, NaN, Infinity].map(javaDoubleJson)).toEqual([
      '0.0', '-0.0', '3.0', '12.5', '5.0E-4', '1.23456785E7', '1.0E7', '0.001', '1.0E-7', 'null', 'null',
    ]);
  });
});

describe('golden: ConsumeMessageDirectlyResult (CONSUME_MESSAGE_DIRECTLY)', () => {
  it.each(golden.directlyResults.map((c) => [c.consumeResult, c] as const))('%s: the same bytes as Java', (_n, c) => {
    const ours = encodeConsumeMessageDirectlyResult({
      order: c.order,
      autoCommit: c.autoCommit,
      consumeResult: c.consumeResult,
      spentTimeMills: c.spentTimeMills,
      ...(c.remark === null ? {} : { remark: c.remark }),
    });
    expect(ours.toString('utf8')).toBe(c.json);
    expect(parseConsumeMessageDirectlyResult(Buffer.from(c.json))).toEqual(parseConsumeMessageDirectlyResult(ours));
    expect(parseConsumeMessageDirectlyResult(Buffer.from(c.json)).consumeResult).toBe(c.consumeResult);
  });

  it('a malformed answer is a protocol error', () => {
    expect(() => parseConsumeMessageDirectlyResult(Buffer.from('{"consumeResult":"CR_MAYBE"}'))).toThrow(RemotingProtocolError);
    expect(() => parseConsumeMessageDirectlyResult(undefined)).toThrow(RemotingProtocolError);
  });

  it('defaults as Java: autoCommit true, order false', () => {
    expect(JSON.parse(encodeConsumeMessageDirectlyResult({ consumeResult: 'CR_LATER', spentTimeMills: 3 }).toString())).toEqual({
      autoCommit: true,
      consumeResult: 'CR_LATER',
      order: false,
      spentTimeMills: 3,
    });
  });
});

describe('golden: ResetOffsetBody (RESET_CONSUMER_CLIENT_OFFSET)', () => {
  it.each(golden.resetOffset.map((c) => [c.entries.length, c] as const))('%d queues: read as Java wrote them', (_n, c) => {
    const ours = parseResetOffsetBody(Buffer.from(c.json)).map(([mq, off]) => [mq.topic, mq.brokerName, mq.queueId, off.toString()]);
    const sort = (a: unknown[], b: unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect(ours.sort(sort)).toEqual([...c.entries].sort(sort));
  });

  it('refuses an empty or malformed body with a protocol error', () => {
    for (const bad of ['', '[]', '{"offsetTable":[1]}', '{"offsetTable":{{"topic":"t","brokerName":"b","queueId":0}:"x"}}']) {
      expect(() => parseResetOffsetBody(Buffer.from(bad))).toThrow(RemotingProtocolError);
    }
  });
});
