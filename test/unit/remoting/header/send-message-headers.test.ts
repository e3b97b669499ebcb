import { InvalidArgumentError } from '../../../../src/errors';
import {
  createHeader,
  createRequestCommand,
  createResponseCommand,
  decodeCommandCustomHeader,
  fastHeaderKeysOf,
  HeartbeatRequestHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  toExtFields,
} from '../../../../src/remoting/header';
import { RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../../../src/remoting/protocol/request-code';

function v1(): SendMessageRequestHeader {
  return createHeader(SendMessageRequestHeader, {
    producerGroup: 'G',
    topic: 'T',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 2,
    sysFlag: 1,
    bornTimestamp: 1700000000123n,
    flag: 7,
    properties: 'TAGS\u0001a\u0002',
    brokerName: 'broker-a',
  });
}

describe('SendMessageRequestHeader and its V2 letter form', () => {
  test('V1 to V2 maps fields to letters; unset reconsumeTimes, unitMode, batch become 0, false, false', () => {
    const v2 = SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(v1());
    expect({ ...toExtFields(v2) }).toEqual({
      a: 'G',
      b: 'T',
      c: 'TBW102',
      d: '4',
      e: '2',
      f: '1',
      g: '1700000000123',
      h: '7',
      i: 'TAGS\u0001a\u0002',
      j: '0',
      k: 'false',
      m: 'false',
      n: 'broker-a',
    });
    expect(v2.brokerName).toBeUndefined(); // the broker name travels in n, not bname
  });

  test('V2 back to V1 keeps every value', () => {
    const src = v1();
    src.maxReconsumeTimes = 16;
    src.reconsumeTimes = 3;
    src.unitMode = true;
    src.batch = true;
    const back = SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1(
      SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(src),
    );
    expect(back).toEqual(src);
  });

  test('V2 is a FastCodesHeader: its own letters, in order, lead a ROCKETMQ header', () => {
    expect(fastHeaderKeysOf(SendMessageRequestHeaderV2)).toEqual('abcdefghijklmn'.split(''));
    expect(fastHeaderKeysOf(SendMessageResponseHeader)).toEqual([
      'msgId',
      'queueId',
      'queueOffset',
      'transactionId',
      'batchUniqId',
      'recallHandle',
    ]);
    expect(fastHeaderKeysOf(SendMessageRequestHeader)).toBeUndefined();
  });
});

describe('createRequestCommand', () => {
  test('builds the command with extFields, fast keys and body', () => {
    const v2 = SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(v1());
    const body = Buffer.from('hello');
    const cmd = createRequestCommand(RequestCode.SEND_MESSAGE_V2, v2, body, { serializeType: 'ROCKETMQ', opaque: 9 });
    expect(cmd).toMatchObject({ code: 310, opaque: 9, serializeType: 'ROCKETMQ', body, flag: 0 });
    expect(cmd.fastHeaderKeys).toEqual('abcdefghijklmn'.split(''));
    const decoded = RemotingCommand.decodeFrame(cmd.encode());
    expect(Object.keys(decoded.extFields!)).toEqual('abcdefghijkmn'.split(''));
    expect(decodeCommandCustomHeader(decoded, SendMessageRequestHeaderV2)).toEqual(v2);
  });

  test('refuses a header with a missing required field before any I/O', () => {
    const h = v1();
    delete (h as Partial<SendMessageRequestHeader>).producerGroup;
    expect(() => createRequestCommand(RequestCode.SEND_MESSAGE, h)).toThrow(InvalidArgumentError);
  });

  test('no header: no extFields; an empty header: an empty map, as Java sends it', () => {
    expect(createRequestCommand(RequestCode.GET_BROKER_CLUSTER_INFO).extFields).toBeUndefined();
    const hb = createRequestCommand(RequestCode.HEART_BEAT, new HeartbeatRequestHeader(), Buffer.from('{}'));
    expect(hb.extFields).toEqual({});
    expect(hb.encode().toString()).toContain('"extFields":{}');
  });

  test('a response command with a header', () => {
    const header = createHeader(SendMessageResponseHeader, { msgId: 'M', queueId: 1, queueOffset: 2n });
    const res = createResponseCommand(0, undefined, header, { opaque: 5 });
    expect(res).toMatchObject({ code: 0, flag: 1, opaque: 5, isResponse: true });
    const back = RemotingCommand.decodeFrame(res.encode());
    expect(decodeCommandCustomHeader(back, SendMessageResponseHeader)).toEqual(header);
    expect(createResponseCommand(1, 'boom').remark).toBe('boom');
  });
});
