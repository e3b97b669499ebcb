import { BrokerFeatureNotSupportedError, BrokerResponseError, RemotingProtocolError } from '../../../../src/errors';
import { processPopResponse, type PopResponseContext } from '../../../../src/consumer/pop/pop-response';
import { MessageExt } from '../../../../src/message/message-decoder';
import { encodeMessageExts } from '../../../../src/message/stored-message-encoder';
import { newExtFields, RemotingCommand, RPC_TYPE_RESPONSE } from '../../../../src/remoting/protocol/remoting-command';

const CTX: PopResponseContext = {
  brokerName: 'broker-a',
  brokerAddr: '127.0.0.1:10911',
  topic: 'T',
  order: false,
  namespace: undefined,
  feature: 'POP_MESSAGE',
};

function record(topic: string, queueId: number, queueOffset: bigint, props: Record<string, string> = {}): MessageExt {
  const m = new MessageExt(topic, Buffer.from(`body-${queueOffset}`));
  m.queueId = queueId;
  m.queueOffset = queueOffset;
  m.bornHost = { ip: '127.0.0.1', port: 1, address: '127.0.0.1:1' };
  m.storeHost = { ip: '127.0.0.1', port: 10911, address: '127.0.0.1:10911' };
  for (const [k, v] of Object.entries(props)) m.putProperty(k, v);
  return m;
}

function response(code: number, header: Record<string, string>, records: MessageExt[] = []): RemotingCommand {
  const extFields = newExtFields();
  Object.assign(extFields, header);
  return new RemotingCommand({ code, flag: RPC_TYPE_RESPONSE, extFields, body: records.length ? encodeMessageExts(records) : undefined, remark: 'r' });
}

const HEADER = { popTime: '1700000000000', invisibleTime: '15000', reviveQid: '2', restNum: '4' };

describe('processPopResponse (Java MQClientAPIImpl.processPopResponse)', () => {
  test('receipt handles from startOffsetInfo / msgOffsetInfo; a broker-set POP_CK (retry record) is kept', () => {
    const brokerCk = '3 1700000000000 15000 2 1 broker-a 0 3';
    const r = processPopResponse(
      response(0, { ...HEADER, startOffsetInfo: '0 1 10;1 0 3', msgOffsetInfo: '0 1 10,12;1 0 3' }, [
        record('T', 1, 10n),
        record('T', 1, 12n),
        record('T', 0, 3n, { POP_CK: brokerCk, RETRY_TOPIC: '%RETRY%g_T' }),
      ]),
      CTX,
    );
    expect(r.status).toBe('FOUND');
    expect(r.restNum).toBe(4n);
    expect(r.popTime).toBe(1700000000000n);
    expect(r.messages.map((m) => m.getProperty('POP_CK'))).toEqual([
      '10 1700000000000 15000 2 0 broker-a 1 10',
      '10 1700000000000 15000 2 0 broker-a 1 12',
      brokerCk,
    ]);
    for (const m of r.messages) {
      expect(m.getProperty('1ST_POP_TIME')).toBe('1700000000000');
      expect(m.brokerName).toBe('broker-a');
      expect(m.topic).toBe('T');
    }
  });

  test('records popped from the retry topic (not re-encoded by the broker) get the retry mark and show the request topic', () => {
    const r = processPopResponse(
      response(0, { ...HEADER, startOffsetInfo: '1 0 7', msgOffsetInfo: '1 0 7' }, [record('%RETRY%g_T', 0, 7n)]),
      CTX,
    );
    expect(r.messages[0]!.getProperty('POP_CK')).toBe('7 1700000000000 15000 2 1 broker-a 0 7');
    expect(r.messages[0]!.topic).toBe('T');
  });

  test('an old broker without startOffsetInfo: the first record of each queue is the checkpoint', () => {
    const r = processPopResponse(response(0, HEADER, [record('T', 1, 10n), record('T', 1, 11n), record('T', 2, 4n)]), CTX);
    expect(r.messages.map((m) => m.getProperty('POP_CK'))).toEqual([
      '10 1700000000000 15000 2 0 broker-a 1 10',
      '10 1700000000000 15000 2 0 broker-a 1 11',
      '4 1700000000000 15000 2 0 broker-a 2 4',
    ]);
  });

  test('orderly pop: reconsumeTimes from orderCountInfo (per offset first, then per queue)', () => {
    const r = processPopResponse(
      response(0, { ...HEADER, reviveQid: '999', startOffsetInfo: '0 1 10', msgOffsetInfo: '0 1 10,11', orderCountInfo: '0 qo1%11 3;0 1 1' }, [
        record('T', 1, 10n),
        record('T', 1, 11n),
      ]),
      { ...CTX, order: true },
    );
    expect(r.messages.map((m) => m.reconsumeTimes)).toEqual([1, 3]);
  });

  test('the namespace is stripped from the topic handed over', () => {
    const r = processPopResponse(response(0, { ...HEADER, startOffsetInfo: '0 0 1', msgOffsetInfo: '0 0 1' }, [record('ns%T', 0, 1n)]), {
      ...CTX,
      topic: 'ns%T',
      namespace: 'ns',
    });
    expect(r.messages[0]!.topic).toBe('T');
  });

  test.each([
    [209, 'POLLING_FULL'],
    [210, 'POLLING_NOT_FOUND'],
    [19, 'POLLING_NOT_FOUND'],
  ])('code %d is status %s with no messages', (code, status) => {
    const r = processPopResponse(response(code, HEADER), CTX);
    expect(r).toEqual({ status, messages: [], restNum: 4n });
  });

  test('REQUEST_CODE_NOT_SUPPORTED (a 4.9 broker) is BrokerFeatureNotSupportedError; other codes BrokerResponseError', () => {
    const notSupported = (() => {
      try {
        processPopResponse(new RemotingCommand({ code: 3, flag: RPC_TYPE_RESPONSE, remark: ' request type 200050 not supported' }), CTX);
      } catch (e) {
        return e;
      }
    })();
    expect(notSupported).toBeInstanceOf(BrokerFeatureNotSupportedError);
    expect(notSupported).toBeInstanceOf(BrokerResponseError);
    expect(notSupported).toMatchObject({ code: 'ERR_BROKER_FEATURE_NOT_SUPPORTED', responseCode: 3, feature: 'POP_MESSAGE', retriable: false });
    expect((notSupported as Error).message).toMatch(/POP_MESSAGE is not supported by the broker at 127\.0\.0\.1:10911/);
    expect(() => processPopResponse(response(17, HEADER), CTX)).toThrow(BrokerResponseError);
    expect(() => processPopResponse(response(17, HEADER), CTX)).not.toThrow(BrokerFeatureNotSupportedError);
  });

  test('a SUCCESS without the offsets of a record, or without popTime, is a protocol error', () => {
    expect(() => processPopResponse(response(0, { ...HEADER, startOffsetInfo: '0 2 1', msgOffsetInfo: '0 2 1' }, [record('T', 1, 10n)]), CTX)).toThrow(
      RemotingProtocolError,
    );
    expect(() => processPopResponse(response(0, { restNum: '0' }, [record('T', 1, 10n)]), CTX)).toThrow(RemotingProtocolError);
  });
});
