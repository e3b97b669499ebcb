import diagnosticsChannel from 'node:diagnostics_channel';
import { inflateSync } from 'node:zlib';
import { BrokerResponseError, ClientError, InvalidArgumentError, RequestAbortedError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import { decodeMessages } from '../../../src/message/message-batch';
import { lz4Decompress } from '../../../src/message/lz4';
import type { ProducerOptions } from '../../../src/producer/producer-config';
import { createRoundRobinSelector, selectMessageQueueByHash } from '../../../src/producer/queue-selector';
import type { SendMessageContext } from '../../../src/producer/send-hooks';
import type { SendResult } from '../../../src/producer/send-result';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { javaStringHashCode } from '../../../src/remoting/protocol/java-hash';
import { FakeRocketMQ } from '../../../src/testing';
import { until } from '../../helpers/fake-rocketmq';

let fake: FakeRocketMQ;
const producers: DefaultMQProducer[] = [];

async function started(options: Partial<ProducerOptions> = {}): Promise<DefaultMQProducer> {
  const p = new DefaultMQProducer({ producerGroup: 'pg_modes', namesrvAddr: fake.namesrvAddr, logger: silentLogger, ...options });
  producers.push(p);
  await p.start();
  return p;
}

function sendAsync(p: DefaultMQProducer, msg: Message | Message[], options?: Parameters<DefaultMQProducer['sendOneway']>[1]) {
  return new Promise<{ result?: SendResult; error?: Error; calls: number }>((resolve) => {
    let calls = 0;
    let outcome: { result?: SendResult; error?: Error } = {};
    p.send(
      msg,
      {
        onSuccess: (result) => {
          calls++;
          outcome = { result };
          setTimeout(() => resolve({ ...outcome, calls }), 20);
        },
        onException: (error) => {
          calls++;
          outcome = { error };
          setTimeout(() => resolve({ ...outcome, calls }), 20);
        },
      },
      options,
    );
  });
}

const SEND_CODES = new Set<number>([RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE]);

/** Send requests as the brokers received them (one broker's only, when named). */
function allSends(brokerName?: string) {
  return fake
    .requests()
    .filter((r) => SEND_CODES.has(r.request.code) && (brokerName === undefined || r.target === brokerName))
    .map((r) => r.request);
}

beforeEach(async () => {
  fake = await FakeRocketMQ.start({ brokers: ['broker-a', 'broker-b'], topics: { TopicTest: {} } });
});

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.shutdown()));
  await fake.close();
});

describe('async send (callback form)', () => {
  test('calls onSuccess exactly once, never synchronously', async () => {
    const p = await started();
    let sync = true;
    const done = sendAsync(p, new Message('TopicTest', 'async'));
    const inline = { value: false };
    p.send(new Message('TopicTest', 'x'), { onSuccess: () => (inline.value = sync), onException: () => (inline.value = sync) });
    sync = false;
    const r = await done;
    expect(r.calls).toBe(1);
    expect(r.result?.sendStatus).toBe('SEND_OK');
    expect(inline.value).toBe(false);
  });

  test('a broker error code goes to onException once and is not retried', async () => {
    const p = await started();
    fake.script(RequestCode.SEND_MESSAGE_V2, { action: { type: 'respond', code: 2, remark: '[REJECTREQUEST]system busy' } });
    const r = await sendAsync(p, new Message('TopicTest', 'busy'));
    expect(r.calls).toBe(1);
    expect(r.error).toBeInstanceOf(BrokerResponseError);
    expect((r.error as BrokerResponseError).responseCode).toBe(2);
    expect(allSends()).toHaveLength(1);
  });

  test('a transport failure is retried on another broker (retryTimesWhenSendAsyncFailed)', async () => {
    const p = await started();
    // Every send's connection is closed under it.
    const closing = fake.script(RequestCode.SEND_MESSAGE_V2, { action: { type: 'close' } });
    const r = await sendAsync(p, new Message('TopicTest', 'dropped'));
    expect(r.calls).toBe(1);
    expect(r.error).toBeDefined();
    // 1 + 2 retries, moving between brokers.
    expect(allSends()).toHaveLength(3);
    closing.remove();
    fake.script(RequestCode.SEND_MESSAGE_V2, { times: 1, target: 'broker-a', action: { type: 'close' } });
    fake.script(RequestCode.SEND_MESSAGE_V2, { times: 1, target: 'broker-b', action: { type: 'close' } });
    const ok = await sendAsync(p, new Message('TopicTest', 'then ok'));
    expect(ok.result?.sendStatus).toBe('SEND_OK');
  });

  test('validation errors and a callback that throws are handled', async () => {
    const p = await started();
    const r = await sendAsync(p, new Message('bad topic!', 'x'));
    expect(r.error).toBeInstanceOf(InvalidArgumentError);
    let calls = 0;
    p.send(new Message('TopicTest', 'x'), {
      onSuccess: () => {
        calls++;
        throw new Error('user bug');
      },
      onException: () => calls++,
    });
    await until(() => calls > 0, 'callback');
    await new Promise((r2) => setTimeout(r2, 20));
    expect(calls).toBe(1);
  });
});

describe('oneway, batch, compression', () => {
  test('sendOneway writes with the oneway flag and gets no answer', async () => {
    const p = await started();
    await p.sendOneway(new Message('TopicTest', 'oneway'));
    await until(() => allSends().length === 1, 'oneway received');
    expect(allSends()[0]!.isOneway).toBe(true);
  });

  test('an array goes as one SEND_BATCH_MESSAGE; msgId lists the inner UNIQ_KEYs', async () => {
    const p = await started();
    const msgs = [0, 1, 2].map((i) => new Message('TopicTest', `m${i}`, { keys: `k${i}` }));
    const r = await p.send(msgs);
    const req = allSends()[0]!;
    expect(req.code).toBe(RequestCode.SEND_BATCH_MESSAGE);
    expect(req.extFields?.m).toBe('true');
    const inner = decodeMessages(req.body!);
    expect(inner.map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2']);
    expect(r.msgId.split(',')).toEqual(msgs.map((m) => m.getProperty('UNIQ_KEY')));
    expect(req.extFields?.i).toContain('UNIQ_KEY');
  });

  test('bodies of 4 KiB or more go zlib-compressed with sysFlag 0x301; the message keeps its body', async () => {
    const p = await started();
    const big = Buffer.alloc(5000, 'a');
    const msg = new Message('TopicTest', big);
    await p.send(msg);
    const req = allSends()[0]!;
    expect(Number(req.extFields?.f)).toBe(0x301);
    expect(req.body!.length).toBeLessThan(big.length);
    expect(inflateSync(req.body!).equals(big)).toBe(true);
    expect(msg.body.equals(big)).toBe(true);
    await p.send(new Message('TopicTest', Buffer.alloc(4095, 'a')));
    // allSends() lists broker by broker, not in time order: pick the second send by its body.
    const small = allSends().filter((r) => r.body?.length === 4095);
    expect(small).toHaveLength(1);
    expect(Number(small[0]!.extFields?.f)).toBe(0);
  });

  test('compressType LZ4 sends an LZ4 frame with sysFlag 0x101, as Java\'s producer does', async () => {
    const p = await started({ compressType: 'LZ4' });
    const big = Buffer.from('LZ4 body line, repeated\n'.repeat(300));
    await p.send(new Message('TopicTest', big));
    const req = allSends()[0]!;
    expect(Number(req.extFields?.f)).toBe(0x101);
    expect(req.body!.readUInt32LE(0)).toBe(0x184d2204);
    expect(lz4Decompress(req.body!, 1 << 20).equals(big)).toBe(true);
  });

  test('batches are never compressed', async () => {
    const p = await started();
    await p.send([new Message('TopicTest', Buffer.alloc(5000, 'b')), new Message('TopicTest', 'small')]);
    expect(Number(allSends()[0]!.extFields?.f)).toBe(0);
  });
});

describe('queue and selector', () => {
  test('send to a given queue: that broker and queue id, no retry', async () => {
    const p = await started();
    const r = await p.send(new Message('TopicTest', 'q'), { queue: new MessageQueue('TopicTest', 'broker-b', 3) });
    expect(r.messageQueue.brokerName).toBe('broker-b');
    expect(allSends('broker-b')[0]!.extFields?.e).toBe('3');
    fake.script(RequestCode.SEND_MESSAGE_V2, { times: 1, target: 'broker-b', action: { type: 'respond', code: 14, remark: 'service not available' } });
    await expect(p.send(new Message('TopicTest', 'q'), { queue: { topic: 'TopicTest', brokerName: 'broker-b', queueId: 1 } })).rejects.toThrow(
      BrokerResponseError,
    );
    expect(allSends('broker-b')).toHaveLength(2);
    await expect(p.send(new Message('TopicTest', 'q'), { queue: new MessageQueue('Other', 'broker-b', 1) })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  test('hash selector: Java String.hashCode parity; selector gets the user queue list', async () => {
    const p = await started();
    const seen: MessageQueue[][] = [];
    const r = await p.send(new Message('TopicTest', 'order'), {
      selector: (mqs, msg, arg) => {
        seen.push([...mqs]);
        return selectMessageQueueByHash(mqs, msg, arg);
      },
      arg: 'order-42',
    });
    expect(seen[0]).toHaveLength(8);
    const expected = seen[0]![Math.abs(javaStringHashCode('order-42') % 8)]!;
    expect(r.messageQueue.brokerName).toBe(expected.brokerName);
    expect(r.messageQueue.queueId).toBe(expected.queueId);
    const rr = createRoundRobinSelector();
    const a = await p.send(new Message('TopicTest', '1'), { selector: rr });
    const b = await p.send(new Message('TopicTest', '2'), { selector: rr });
    expect(a.messageQueue.equals(b.messageQueue)).toBe(false);
  });

  test('a selector returning nothing or throwing is a ClientError', async () => {
    const p = await started();
    await expect(p.send(new Message('TopicTest', 'x'), { selector: () => undefined as never })).rejects.toThrow(
      'select message queue return null.',
    );
    const err = await p
      .send(new Message('TopicTest', 'x'), {
        selector: () => {
          throw new Error('boom');
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).cause).toBeInstanceOf(Error);
  });
});

describe('hooks, abort, namespace', () => {
  test('send hooks see before/after; a check-forbidden hook vetoes the send', async () => {
    const p = await started({ retryTimesWhenSendFailed: 0 });
    const events: string[] = [];
    p.registerSendMessageHook({
      sendMessageBefore: (c: SendMessageContext) => events.push(`before:${c.mq.brokerName}:${c.communicationMode}`),
      sendMessageAfter: (c: SendMessageContext) => events.push(`after:${c.sendResult?.sendStatus}`),
    });
    await p.send(new Message('TopicTest', 'h'));
    expect(events).toEqual([expect.stringMatching(/^before:broker-.:SYNC$/), 'after:SEND_OK']);
    p.registerCheckForbiddenHook({
      checkForbidden: () => {
        throw new InvalidArgumentError('forbidden by policy');
      },
    });
    await expect(p.send(new Message('TopicTest', 'h'))).rejects.toThrow('forbidden by policy');
    expect(allSends()).toHaveLength(1);
  });

  test('an aborted signal fails the send with RequestAbortedError', async () => {
    const p = await started();
    const ac = new AbortController();
    ac.abort();
    await expect(p.send(new Message('TopicTest', 'x'), { signal: ac.signal })).rejects.toThrow(RequestAbortedError);
    // Sends are held: never answered.
    fake.script(RequestCode.SEND_MESSAGE_V2, { action: { type: 'drop' } });
    const ac2 = new AbortController();
    const pending = p.send(new Message('TopicTest', 'x'), { signal: ac2.signal });
    await until(() => allSends().length === 1, 'held');
    ac2.abort();
    await expect(pending).rejects.toThrow(RequestAbortedError);
  });

  test('deprecated namespace: wire topic and group wrapped, results unwrapped, INSTANCE_ID set', async () => {
    fake.createTopic('ns1%TopicTest');
    const p = await started({ namespace: 'ns1' });
    const msg = new Message('TopicTest', 'n');
    const r = await p.send(msg);
    const h = allSends()[0]!.extFields!;
    expect(h.a).toBe('ns1%pg_modes');
    expect(h.b).toBe('ns1%TopicTest');
    expect(h.i).toContain('INSTANCE_ID\u0001ns1\u0002');
    expect(r.messageQueue.topic).toBe('TopicTest');
    expect(msg.topic).toBe('TopicTest');
    const qs = await p.fetchPublishMessageQueues('TopicTest');
    expect(qs.every((q) => q.topic === 'TopicTest')).toBe(true);
  });

  test('namespaceV2 adds ns/nsd to every request and leaves resources unwrapped', async () => {
    const p = await started({ namespaceV2: 'v2ns' });
    await p.send(new Message('TopicTest', 'v2'));
    const req = allSends()[0]!;
    expect(req.extFields?.b).toBe('TopicTest');
    expect(req.extFields?.ns).toBe('v2ns');
    expect(req.extFields?.nsd).toBe('true');
    const routeRequests = fake.requests(RequestCode.GET_ROUTEINFO_BY_TOPIC).filter((r) => r.request.extFields?.topic === 'TopicTest');
    expect(routeRequests[0]!.request.extFields?.ns).toBe('v2ns');
  });
});

describe('diagnostics channel', () => {
  test('rocketmq:producer:send traces each send with its result or error', async () => {
    const p = await started();
    const seen: Array<{ event: string; mode: string; topic: string; status?: string; error?: boolean }> = [];
    const handlers = {
      start: (c: any) => seen.push({ event: 'start', mode: c.mode, topic: c.topic }),
      asyncEnd: (c: any) => seen.push({ event: 'asyncEnd', mode: c.mode, topic: c.topic, status: c.result?.sendStatus }),
      error: (c: any) => seen.push({ event: 'error', mode: c.mode, topic: c.topic, error: c.error !== undefined }),
    };
    const tc = diagnosticsChannel.tracingChannel('rocketmq:producer:send');
    tc.subscribe(handlers as never);
    try {
      await p.send(new Message('TopicTest', 'traced'));
      await expect(p.send(new Message('bad topic!', 'x'))).rejects.toThrow();
    } finally {
      tc.unsubscribe(handlers as never);
    }
    expect(seen).toEqual([
      { event: 'start', mode: 'SYNC', topic: 'TopicTest' },
      { event: 'asyncEnd', mode: 'SYNC', topic: 'TopicTest', status: 'SEND_OK' },
      { event: 'start', mode: 'SYNC', topic: 'bad topic!' },
      { event: 'error', mode: 'SYNC', topic: 'bad topic!', error: true },
      { event: 'asyncEnd', mode: 'SYNC', topic: 'bad topic!', status: undefined },
    ]);
  });
});
