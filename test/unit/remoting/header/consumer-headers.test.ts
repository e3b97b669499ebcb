/**
 * Consumer-path headers and bodies against the frames the Java client and broker write
 * (fixtures/remoting/java-*, RocketMQ 5.3.3); the request headers' byte identity is in
 * java-golden-headers.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, RemotingProtocolError } from '../../../../src/errors';
import { MessageQueue } from '../../../../src/client/message-queue';
import { encodeLockBatchRequestBody, parseLockBatchResponseBody } from '../../../../src/client/body/lock-batch-body';
import { parseConsumerIdList } from '../../../../src/client/body/consumer-list-body';
import {
  encodeCheckClientRequestBody,
  encodeQueryAssignmentRequestBody,
  encodeSetMessageRequestModeRequestBody,
  parseQueryAssignmentResponseBody,
} from '../../../../src/client/body/assignment-body';
import { buildSubscriptionData } from '../../../../src/client/subscription-data';
import {
  AckMessageRequestHeader,
  ChangeInvisibleTimeRequestHeader,
  ConsumerSendMsgBackRequestHeader,
  GetConsumerRunningInfoRequestHeader,
  PopMessageRequestHeader,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  ResetOffsetRequestHeader,
  fromExtFields,
  toExtFields,
} from '../../../../src/remoting/header';
import { RequestCode } from '../../../../src/remoting/protocol/request-code';

const DIR = join(__dirname, '..', '..', '..', '..', 'fixtures', 'remoting');
const expected = (name: string): { code: number; extFields: Record<string, string>; bodyHex: string | null } =>
  JSON.parse(readFileSync(join(DIR, `java-${name}.expected.json`), 'utf8'));

describe('PullMessageResponseHeader', () => {
  it.each(['json', 'rocketmq'])('decodes the broker answer (%s)', (type) => {
    const h = fromExtFields(PullMessageResponseHeader, expected(`pull-message-response-${type}`).extFields);
    expect(h).toMatchObject({ suggestWhichBrokerId: 1n, nextBeginOffset: 160n, minOffset: 0n, maxOffset: 200n, topicSysFlag: 0, groupSysFlag: 0 });
    expect(h.offsetDelta).toBeUndefined();
  });
});

describe('PullMessageRequestHeader', () => {
  it('refuses a pull without a required field before any I/O', () => {
    const h = new PullMessageRequestHeader();
    h.consumerGroup = 'g';
    h.topic = 'T';
    expect(() => toExtFields(h)).toThrow(InvalidArgumentError);
  });

  it('carries the push consumer flags and bname as Java sets them', () => {
    const e = expected('pull-message-request-rocketmq');
    expect(e.code).toBe(RequestCode.PULL_MESSAGE);
    const h = fromExtFields(PullMessageRequestHeader, e.extFields);
    expect(h).toMatchObject({ sysFlag: 0x3, suspendTimeoutMillis: 15000n, brokerName: 'broker-a', maxMsgBytes: 262144 });
    expect(expected('lite-pull-message-request-json').code).toBe(RequestCode.LITE_PULL_MESSAGE);
  });
});

describe('headers with Java primitives send their defaults', () => {
  it('ConsumerSendMsgBack unitMode, ResetOffset queueId/timestamp/isForce, running info jstackEnable, pop order', () => {
    const back = Object.assign(new ConsumerSendMsgBackRequestHeader(), { offset: 1n, group: 'g', delayLevel: 0 });
    expect(toExtFields(back)).toMatchObject({ unitMode: 'false' });
    const reset = Object.assign(new ResetOffsetRequestHeader(), { group: 'g', topic: 'T' });
    expect(toExtFields(reset)).toMatchObject({ queueId: '-1', timestamp: '0', isForce: 'false' });
    const info = Object.assign(new GetConsumerRunningInfoRequestHeader(), { consumerGroup: 'g', clientId: 'c' });
    expect(toExtFields(info)).toMatchObject({ jstackEnable: 'false' });
    const pop = Object.assign(new PopMessageRequestHeader(), {
      consumerGroup: 'g', topic: 'T', queueId: -1, maxMsgNums: 32, invisibleTime: 60000n, pollTime: 20000n, bornTime: 1n, initMode: 0,
    });
    expect(toExtFields(pop)).toMatchObject({ order: 'false', queueId: '-1', initMode: '0' });
  });

  it('pop acks and invisible-time changes need their receipt fields', () => {
    expect(() => toExtFields(Object.assign(new AckMessageRequestHeader(), { consumerGroup: 'g', topic: 'T', queueId: 0, offset: 1n }))).toThrow(/extraInfo/);
    const c = Object.assign(new ChangeInvisibleTimeRequestHeader(), { consumerGroup: 'g', topic: 'T', queueId: 0, extraInfo: 'x', offset: 1n, invisibleTime: 5000n });
    expect(toExtFields(c)).toMatchObject({ extraInfo: 'x', invisibleTime: '5000' });
  });
});

describe('LOCK_BATCH_MQ body', () => {
  it('is byte-identical to the Java client body (fastjson field order, HashSet order of MessageQueue)', () => {
    const e = expected('lock-batch-mq-request-json');
    expect(e.code).toBe(RequestCode.LOCK_BATCH_MQ);
    const body = encodeLockBatchRequestBody({
      consumerGroup: 'my_consumer_group',
      clientId: '127.0.0.1@12345#81234567890123',
      onlyThisBroker: true,
      mqSet: [2, 0, 1, 0].map((q) => new MessageQueue('TopicTest', 'broker-a', q)),
    });
    expect(body.toString('hex')).toBe(e.bodyHex);
  });

  it('UNLOCK_BATCH_MQ: the same body, HashSet order past a resize (20 queues, 3 brokers, 2 topics)', () => {
    const e = expected('unlock-batch-mq-request-json');
    expect(e.code).toBe(RequestCode.UNLOCK_BATCH_MQ);
    const mqSet = Array.from({ length: 20 }, (_, i) =>
      new MessageQueue(i % 2 === 0 ? 'TopicTest' : '%RETRY%my_consumer_group', `broker-${'abc'[i % 3]}`, i));
    const body = encodeLockBatchRequestBody({ consumerGroup: 'my_consumer_group', clientId: '127.0.0.1@12345#81234567890123', mqSet });
    expect(body.toString('hex')).toBe(e.bodyHex);
  });

  it('parses the answer leniently and refuses a malformed one', () => {
    const ok = Buffer.from('{"lockOKMQSet":[{"brokerName":"b","queueId":1,"topic":"T","extra":1}],"more":true}');
    expect(parseLockBatchResponseBody(ok)).toEqual([new MessageQueue('T', 'b', 1)]);
    expect(parseLockBatchResponseBody(Buffer.from('{}'))).toEqual([]);
    expect(() => parseLockBatchResponseBody(Buffer.from('{"lockOKMQSet":[{"topic":1}]}'))).toThrow(RemotingProtocolError);
  });
});

describe('GET_CONSUMER_LIST_BY_GROUP body', () => {
  it('reads consumerIdList, tolerating unknown fields and a null list', () => {
    expect(parseConsumerIdList(Buffer.from('{"consumerIdList":["a@1","b@2"],"x":1}'))).toEqual(['a@1', 'b@2']);
    expect(parseConsumerIdList(Buffer.from('{"consumerIdList":null}'))).toEqual([]);
    expect(() => parseConsumerIdList(Buffer.from('not json'))).toThrow(RemotingProtocolError);
    expect(() => parseConsumerIdList(undefined)).toThrow(RemotingProtocolError);
    expect(() => parseConsumerIdList(Buffer.from('{"consumerIdList":[1]}'))).toThrow(RemotingProtocolError);
  });
});

describe('assignment and client-check bodies (5.x)', () => {
  const client = '127.0.0.1@12345#81234567890123';
  it('QUERY_ASSIGNMENT, SET_MESSAGE_REQUEST_MODE and CHECK_CLIENT_CONFIG bodies are byte-identical to Java', () => {
    expect(
      encodeQueryAssignmentRequestBody({ topic: 'TopicTest', consumerGroup: 'my_consumer_group', clientId: client, strategyName: 'AVG', messageModel: 'CLUSTERING' }).toString('hex'),
    ).toBe(expected('query-assignment-request-json').bodyHex);
    expect(encodeSetMessageRequestModeRequestBody({ topic: 'TopicTest', consumerGroup: 'my_consumer_group', mode: 'POP', popShareQueueNum: 2 }).toString('hex')).toBe(
      expected('set-message-request-mode-request-json').bodyHex,
    );
    const sub = buildSubscriptionData('SqlTopic', "a > 5 AND b = 'x'", 'SQL92', 1700000000123);
    expect(encodeCheckClientRequestBody({ clientId: client, group: 'my_consumer_group', subscriptionData: sub }).toString('hex')).toBe(
      expected('check-client-config-request-json').bodyHex,
    );
    for (const [name, code] of [
      ['query-assignment-request-json', RequestCode.QUERY_ASSIGNMENT],
      ['set-message-request-mode-request-json', RequestCode.SET_MESSAGE_REQUEST_MODE],
      ['check-client-config-request-json', RequestCode.CHECK_CLIENT_CONFIG],
    ] as const) {
      expect(expected(name).code).toBe(code);
    }
  });

  it('reads a QUERY_ASSIGNMENT answer leniently', () => {
    const body = Buffer.from(
      '{"messageQueueAssignments":[{"messageQueue":{"topic":"T","brokerName":"b","queueId":3},"mode":"POP","attachments":{}},' +
        '{"messageQueue":{"topic":"T","brokerName":"b","queueId":4},"x":1}]}',
    );
    expect(parseQueryAssignmentResponseBody(body)).toEqual([
      { messageQueue: new MessageQueue('T', 'b', 3), mode: 'POP', attachments: {} },
      { messageQueue: new MessageQueue('T', 'b', 4), mode: 'PULL', attachments: {} },
    ]);
    expect(() => parseQueryAssignmentResponseBody(Buffer.from('{"messageQueueAssignments":[{"mode":"POP"}]}'))).toThrow(RemotingProtocolError);
  });
});
