import { RpcHookError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import type { ProducerOptions } from '../../../src/producer/producer-config';
import type { SendResult } from '../../../src/producer/send-result';
import type { RPCHook } from '../../../src/remoting/rpc-hook';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import type { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { startFakeCluster, type FakeBroker, type FakeNameServer } from '../../helpers/fake-rocketmq';

let ns: FakeNameServer;
let brokers: FakeBroker[];
let closeCluster: () => Promise<void>;
const producers: DefaultMQProducer[] = [];

const SEND_CODES = new Set<number>([RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2]);

/** A user hook that throws on send requests only, in the given phase. */
function throwingHook(phase: 'doBeforeRequest' | 'doAfterResponse', times = Infinity): RPCHook {
  let left = times;
  const maybeThrow = (request: RemotingCommand) => {
    if (SEND_CODES.has(request.code) && left-- > 0) throw new TypeError(`hook broke in ${phase}`);
  };
  return {
    doBeforeRequest: (_addr, request) => {
      if (phase === 'doBeforeRequest') maybeThrow(request);
    },
    doAfterResponse: (_addr, request) => {
      if (phase === 'doAfterResponse') maybeThrow(request);
    },
  };
}

async function started(options: Partial<ProducerOptions> = {}): Promise<DefaultMQProducer> {
  const p = new DefaultMQProducer({ producerGroup: 'pg_hook_retry', namesrvAddr: ns.addr, logger: silentLogger, ...options });
  producers.push(p);
  await p.start();
  return p;
}

function sendAsync(p: DefaultMQProducer, msg: Message): Promise<{ result?: SendResult; error?: Error }> {
  return new Promise((resolve) => {
    p.send(msg, { onSuccess: (result) => resolve({ result }), onException: (error) => resolve({ error }) });
  });
}

const storedCount = () => brokers.reduce((n, b) => n + b.sends().length, 0);

beforeEach(async () => {
  ({ ns, brokers, close: closeCluster } = await startFakeCluster(2));
  ns.setRoute('TopicTest', brokers);
});

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.shutdown()));
  await closeCluster();
});

describe('an RPC hook failing after the broker answered', () => {
  test('sync: fails at once with RpcHookError, the stored message is not sent again', async () => {
    const p = await started({ rpcHook: throwingHook('doAfterResponse') });
    const err = await p.send(new Message('TopicTest', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcHookError);
    expect((err as RpcHookError).phase).toBe('doAfterResponse');
    expect(storedCount()).toBe(1);
  });

  test('async: fails at once with RpcHookError, the stored message is not sent again', async () => {
    const p = await started({ rpcHook: throwingHook('doAfterResponse') });
    const r = await sendAsync(p, new Message('TopicTest', 'x'));
    expect(r.error).toBeInstanceOf(RpcHookError);
    expect((r.error as RpcHookError).phase).toBe('doAfterResponse');
    expect(storedCount()).toBe(1);
  });

  test('sync: a doBeforeRequest failure (nothing sent) is still retried', async () => {
    const p = await started({ rpcHook: throwingHook('doBeforeRequest', 1) });
    const r = await p.send(new Message('TopicTest', 'x'));
    expect(r.sendStatus).toBe('SEND_OK');
    expect(storedCount()).toBe(1);
  });
});
