import {
  AccessDeniedError,
  BrokerResponseError,
  ClientError,
  ClientErrorCode,
  InvalidArgumentError,
  RemotingClosedError,
  RemotingConnectError,
  RemotingProtocolError,
  RemotingSendError,
  RemotingTimeoutError,
  RemotingTooManyRequestsError,
  RequestAbortedError,
  RpcHookError,
  SendRetriesExhaustedError,
} from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { Message } from '../../../src/message/message';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import {
  classifySendError,
  maxSendAttempts,
  SEND_SUCCEEDED,
  type SendErrorStage,
  type SendRetryPolicy,
} from '../../../src/producer/send-error-classifier';
import type { CommunicationMode } from '../../../src/producer/send-hooks';
import { startFakeCluster, type FakeBroker, type FakeNameServer } from '../../helpers/fake-rocketmq';

// Java 5.3.3 DefaultMQProducerImpl.sendDefaultImpl and MQClientAPIImpl.onExceptionImpl, as a table.
// Columns: retry (go on to the next attempt), keep (return an earlier non-OK result instead of the
// error), isolation and reachable (the fault item update of the failed broker).

const RETRY_CODES: SendRetryPolicy = { retryResponseCodes: new Set([17, 14, 1, 2, 16, 204, 205, 1500]), startDetectorEnable: false };
const WITH_DETECTOR: SendRetryPolicy = { ...RETRY_CODES, startDetectorEnable: true };

type Row = [name: string, err: unknown, retry: boolean, keep: boolean, isolation: boolean, reachable: boolean];

const timeout = new RemotingTimeoutError({ addr: 'b:1', timeoutMs: 10 });
const errors = {
  connect: new RemotingConnectError('b:1', 'refused'),
  timeout,
  sendFailed: new RemotingSendError('b:1', 'write failed'),
  closed: new RemotingClosedError('b:1', 'closed'),
  protocol: new RemotingProtocolError('bad frame'),
  throttled: new RemotingTooManyRequestsError(10, 'async'),
  aborted: new RequestAbortedError(),
  busy: new BrokerResponseError(2, 'busy', 'b:1'),
  illegal: new BrokerResponseError(13, 'illegal', 'b:1'),
  denied: new AccessDeniedError('AUTHORIZATION', 'ak', 'no permission', 'b:1'),
  hookBefore: new RpcHookError('doBeforeRequest', new Error('x')),
  hookAfter: new RpcHookError('doAfterResponse', new Error('x')),
  brokerUnknown: new ClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, 'The broker[b] not exist'),
  invalid: new InvalidArgumentError('bad'),
  vetoed: new Error('check forbidden'),
  notAnError: 'a string',
};

/** sendDefaultImpl's catch ladder: one attempt of sync, oneway, or async before the hand-over. */
const ATTEMPT: Row[] = [
  ['RemotingConnectError', errors.connect, true, false, true, true],
  ['RemotingTimeoutError', errors.timeout, true, false, true, true],
  ['RemotingSendError', errors.sendFailed, true, false, true, true],
  ['RemotingClosedError', errors.closed, true, false, true, true],
  ['RemotingProtocolError', errors.protocol, true, false, true, true],
  ['RemotingTooManyRequestsError', errors.throttled, true, false, true, true],
  ['RequestAbortedError (Java InterruptedException)', errors.aborted, false, false, false, true],
  ['BrokerResponseError, code in retryResponseCodes', errors.busy, true, false, true, false],
  ['BrokerResponseError, other code', errors.illegal, false, true, true, false],
  ['AccessDeniedError (code 16, retry listed, never retried)', errors.denied, false, false, true, false],
  ['RpcHookError doBeforeRequest', errors.hookBefore, true, false, false, true],
  ['RpcHookError doAfterResponse (broker has it: no resend)', errors.hookAfter, false, false, false, true],
  ['ClientError BROKER_NOT_EXIST (Java MQClientException)', errors.brokerUnknown, true, false, false, true],
  ['InvalidArgumentError', errors.invalid, false, false, false, true],
  ['a plain Error (check-forbidden veto)', errors.vetoed, true, false, false, true],
  ['a thrown non-Error', errors.notAnError, false, false, false, true],
];

/** onExceptionImpl: an async send failed in flight. Every failure isolates; only some are resent. */
const ASYNC_TRANSPORT: Row[] = [
  ['RemotingConnectError', errors.connect, true, false, true, true],
  ['RemotingTimeoutError', errors.timeout, true, false, true, true],
  ['RemotingSendError', errors.sendFailed, true, false, true, true],
  ['RemotingClosedError', errors.closed, true, false, true, true],
  ['RemotingProtocolError', errors.protocol, true, false, true, true],
  ['RemotingTooManyRequestsError (flow control)', errors.throttled, false, false, true, true],
  ['RequestAbortedError', errors.aborted, false, false, true, true],
  ['RpcHookError doBeforeRequest', errors.hookBefore, true, false, true, true],
  ['RpcHookError doAfterResponse (no resend)', errors.hookAfter, false, false, true, true],
];

/** An async send's answer: an error code or a malformed header is never retried. */
const ASYNC_RESPONSE: Row[] = [
  ['BrokerResponseError, retry-listed code', errors.busy, false, false, true, true],
  ['BrokerResponseError, other code', errors.illegal, false, false, true, true],
  ['RemotingProtocolError (header missing)', errors.protocol, false, false, true, true],
];

function expectRows(stage: SendErrorStage, rows: Row[], policy = RETRY_CODES): void {
  for (const [name, err, retry, keepEarlierResult, isolation, reachable] of rows) {
    expect({ name, ...classifySendError(err, stage, policy) }).toEqual({ name, retry, keepEarlierResult, isolation, reachable });
  }
}

describe('classifySendError: the table', () => {
  test('attempt stage (sendDefaultImpl) for every error class', () => {
    expectRows('attempt', ATTEMPT);
  });

  test('with the latency detector on, a transport failure leaves the broker reachable=false only when it is off', () => {
    expect(classifySendError(errors.connect, 'attempt', RETRY_CODES).reachable).toBe(true);
    expect(classifySendError(errors.connect, 'attempt', WITH_DETECTOR).reachable).toBe(false);
    expect(classifySendError(errors.busy, 'attempt', WITH_DETECTOR).reachable).toBe(false);
  });

  test('async in flight (onExceptionImpl) for every transport error class', () => {
    expectRows('async-transport', ASYNC_TRANSPORT);
  });

  test('async answer', () => {
    expectRows('async-response', ASYNC_RESPONSE);
  });

  test('a broker success clears the isolation', () => {
    expect(SEND_SUCCEEDED).toEqual({ retry: false, keepEarlierResult: false, isolation: false, reachable: true });
  });

  test('a code leaves the retry list: not retried', () => {
    const policy: SendRetryPolicy = { retryResponseCodes: new Set(), startDetectorEnable: false };
    expect(classifySendError(errors.busy, 'attempt', policy)).toMatchObject({ retry: false, keepEarlierResult: true });
  });
});

describe('maxSendAttempts: retryTimesWhenSendFailed applies to sync only', () => {
  const rows: Array<[CommunicationMode, number, number]> = [
    ['SYNC', 0, 1],
    ['SYNC', 2, 3],
    ['SYNC', 5, 6],
    ['ASYNC', 0, 1],
    ['ASYNC', 2, 1],
    ['ASYNC', 5, 1],
    ['ONEWAY', 0, 1],
    ['ONEWAY', 2, 1],
    ['ONEWAY', 5, 1],
  ];
  test.each(rows)('%s with retryTimesWhenSendFailed=%i: %i attempt(s)', (mode, retries, attempts) => {
    expect(maxSendAttempts(mode, retries)).toBe(attempts);
  });
});

describe('the attempt loop follows the table (a retried pre-send failure on a two-broker route)', () => {
  let ns: FakeNameServer;
  let brokers: FakeBroker[];
  let close: () => Promise<void>;
  let producer: DefaultMQProducer;
  let vetoes: number;

  beforeEach(async () => {
    ({ ns, brokers, close } = await startFakeCluster(2));
    ns.setRoute('TopicTest', brokers);
    producer = new DefaultMQProducer({ producerGroup: 'pg_table', namesrvAddr: ns.addr, logger: silentLogger, retryTimesWhenSendFailed: 2 });
    await producer.start();
    vetoes = 0;
    // A check-forbidden veto is a retried error class: the attempt count alone decides how often it runs.
    producer.registerCheckForbiddenHook({
      checkForbidden: () => {
        vetoes++;
        throw new Error('vetoed');
      },
    });
  });

  afterEach(async () => {
    await producer.shutdown();
    await close();
  });

  test('sync: 1 + retryTimesWhenSendFailed attempts', async () => {
    const err = await producer.send(new Message('TopicTest', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendRetriesExhaustedError);
    expect(vetoes).toBe(3);
  });

  test('async: one attempt', async () => {
    const err = await new Promise<Error>((resolve) => {
      producer.send(new Message('TopicTest', 'x'), { onSuccess: () => resolve(new Error('sent')), onException: resolve });
    });
    expect(err).toBeInstanceOf(SendRetriesExhaustedError);
    expect(vetoes).toBe(1);
  });

  test('oneway: one attempt', async () => {
    const err = await producer.sendOneway(new Message('TopicTest', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendRetriesExhaustedError);
    expect(vetoes).toBe(1);
    expect(brokers.flatMap((b) => b.sends())).toHaveLength(0);
  });
});
