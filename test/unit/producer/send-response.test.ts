import { BrokerResponseError, RemotingProtocolError } from '../../../src/errors';
import { Message } from '../../../src/message/message';
import { createBatch } from '../../../src/message/message-batch';
import { setUniqId } from '../../../src/message/message-id';
import { newExtFields, RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { processSendResponse } from '../../../src/producer/send-response';

// processSendResponse moved from MQClientAPI to the producer; `api(ns)` keeps the calls as they were.
function api(namespace?: string): { processSendResponse: (...a: Parameters<typeof processSendResponse> extends [unknown, ...infer R] ? R : never) => ReturnType<typeof processSendResponse> } {
  return { processSendResponse: (...a) => processSendResponse(namespace, ...a) };
}

function response(code: number, ext?: Record<string, string>): RemotingCommand {
  const e = ext ? Object.assign(newExtFields(), ext) : undefined;
  return new RemotingCommand({ code, extFields: e, flag: 1 });
}

const OK_EXT = { msgId: '7F00000100002A9F0000000000000001', queueId: '3', queueOffset: '9007199254740993' };

describe('processSendResponse (protocol 3.3 / 4.3)', () => {
  test('codes 0, 10, 12, 11 give a status; others throw BrokerResponseError with code, remark and address', () => {
    const msg = new Message('T', 'x');
    setUniqId(msg);
    const a = api();
    expect(a.processSendResponse('b', msg, 'T', response(0, OK_EXT), 'addr').sendStatus).toBe('SEND_OK');
    expect(a.processSendResponse('b', msg, 'T', response(10, OK_EXT), 'addr').sendStatus).toBe('FLUSH_DISK_TIMEOUT');
    expect(a.processSendResponse('b', msg, 'T', response(12, OK_EXT), 'addr').sendStatus).toBe('FLUSH_SLAVE_TIMEOUT');
    expect(a.processSendResponse('b', msg, 'T', response(11, OK_EXT), 'addr').sendStatus).toBe('SLAVE_NOT_AVAILABLE');
    const r = new RemotingCommand({ code: 13, remark: 'too big', flag: 1 });
    let err: unknown;
    try {
      a.processSendResponse('b', msg, 'T', r, '1.2.3.4:10911');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect(err).toMatchObject({ responseCode: 13, remark: 'too big', brokerAddr: '1.2.3.4:10911' });
  });

  test('result fields: ids, queue without namespace, bigint offset, region default, traceOn, transaction and recall', () => {
    const msg = new Message('T', 'x');
    setUniqId(msg);
    const r = api('ns').processSendResponse(
      'broker-a',
      msg,
      'ns%T',
      response(0, { ...OK_EXT, TRACE_ON: 'false', transactionId: 'tx', recallHandle: 'rh' }),
      'addr',
    );
    expect(r.msgId).toBe(msg.getProperty('UNIQ_KEY'));
    expect(r.offsetMsgId).toBe(OK_EXT.msgId);
    expect(r.messageQueue.toJSON()).toEqual({ topic: 'T', brokerName: 'broker-a', queueId: 3 });
    expect(r.queueOffset).toBe(9007199254740993n);
    expect(r.regionId).toBe('DefaultRegion');
    expect(r.traceOn).toBe(false);
    expect(r.transactionId).toBe('tx');
    expect(r.recallHandle).toBe('rh');
    const r2 = api().processSendResponse('b', msg, 'T', response(0, { ...OK_EXT, MSG_REGION: 'r1', TRACE_ON: 'FALSE' }), 'addr');
    expect(r2.regionId).toBe('r1');
    expect(r2.traceOn).toBe(true);
  });

  test('a batch: msgId is the inner UNIQ_KEYs unless the broker sent batchUniqId', () => {
    const batch = createBatch([new Message('T', 'a'), new Message('T', 'b')], { maxMessageSize: 4 << 20 });
    const inner = batch.messages.map((m) => m.getProperty('UNIQ_KEY')).join(',');
    expect(api().processSendResponse('b', batch, 'T', response(0, OK_EXT), 'addr').msgId).toBe(inner);
    const r = api().processSendResponse('b', batch, 'T', response(0, { ...OK_EXT, batchUniqId: 'X' }), 'addr');
    expect(r.msgId).toBe(batch.getProperty('UNIQ_KEY'));
  });

  test('a success without the required header fields is a protocol error', () => {
    expect(() => api().processSendResponse('b', new Message('T', 'x'), 'T', response(0), 'addr')).toThrow(RemotingProtocolError);
  });

  test('a required field that does not parse (queueId, queueOffset) is a protocol error', () => {
    const msg = new Message('T', 'x');
    expect(() => api().processSendResponse('b', msg, 'T', response(0, { ...OK_EXT, queueId: 'three' }), 'addr')).toThrow(RemotingProtocolError);
    expect(() => api().processSendResponse('b', msg, 'T', response(0, { ...OK_EXT, queueOffset: '1.5' }), 'addr')).toThrow(RemotingProtocolError);
    expect(() => api().processSendResponse('b', msg, 'T', response(0, { queueId: '1', queueOffset: '2' }), 'addr')).toThrow(RemotingProtocolError);
  });
});
