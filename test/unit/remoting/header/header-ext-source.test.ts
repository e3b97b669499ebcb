import { InvalidArgumentError } from '../../../../src/errors';
import {
  createHeader,
  createRequestCommand,
  GetMaxOffsetRequestHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  toExtFields,
  UnregisterClientRequestHeader,
} from '../../../../src/remoting/header';
import { headerExtSource } from '../../../../src/remoting/header/header-ext-source';
import { RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import type { SerializeTypeName } from '../../../../src/remoting/protocol/serialize-type';

function v2(over: Partial<SendMessageRequestHeader> = {}): SendMessageRequestHeaderV2 {
  const v1 = createHeader(SendMessageRequestHeader, {
    producerGroup: 'G',
    topic: 'T\u00e9"\\',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 2,
    sysFlag: 1,
    bornTimestamp: 1700000000123n,
    flag: 7,
    properties: 'TAGS\u0001a\u0002KEYS\u0001k1 k2\u0002',
    brokerName: 'broker-a',
    ...over,
  });
  return SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(v1);
}

/** The same command built the old way: the header copied into an extFields map first. */
function viaMap(code: number, header: object, serializeType: SerializeTypeName): Buffer {
  const cmd = createRequestCommand(code, header, Buffer.from('body'), { serializeType, opaque: 9 });
  cmd.extFields = toExtFields(header);
  return cmd.encode();
}

const headers: [string, object][] = [
  ['V2, all fields', v2()],
  ['V2, maxReconsumeTimes set (14 keys)', v2({ maxReconsumeTimes: 16 })],
  ['V2, fewest fields (smaller HashMap table)', (() => {
    const h = v2();
    h.i = undefined;
    h.j = undefined;
    h.k = undefined;
    h.m = undefined;
    h.n = undefined;
    return h;
  })()],
  ['V1', createHeader(SendMessageRequestHeader, { producerGroup: 'G', topic: 'T', defaultTopic: 'D', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: 1n, flag: 0 })],
  ['no fields set', createHeader(UnregisterClientRequestHeader, { clientID: 'c' })],
  ['plain header', createHeader(GetMaxOffsetRequestHeader, { topic: 'T', queueId: 3 })],
];

describe('request headers written straight into the frame', () => {
  for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
    test.each(headers)(`${serializeType}: %s gives the bytes of the extFields map path`, (_name, header) => {
      const direct = createRequestCommand(310, header, Buffer.from('body'), { serializeType, opaque: 9 }).encode();
      expect(direct.equals(viaMap(310, header, serializeType))).toBe(true);
      const back = RemotingCommand.decode(direct.subarray(4));
      expect({ ...back.extFields }).toEqual({ ...toExtFields(header) });
    });
  }

  test('extFields reads as the map the header makes, in the same key order', () => {
    const h = v2();
    const cmd = createRequestCommand(310, h);
    expect(Object.keys(cmd.extFields!)).toEqual(Object.keys(toExtFields(h)));
    expect({ ...cmd.extFields }).toEqual({ ...toExtFields(h) });
    expect(Object.getPrototypeOf(Object.getPrototypeOf(cmd.extFields))).toBeNull();
  });

  test('a change to extFields after creation is what gets encoded', () => {
    for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
      const cmd = createRequestCommand(310, v2(), undefined, { serializeType });
      cmd.addExtField('Signature', 'abc');
      const back = RemotingCommand.decode(cmd.encode().subarray(4));
      expect(back.extFields?.Signature).toBe('abc');
      expect(back.extFields?.a).toBe('G');
      const replaced = createRequestCommand(310, v2(), undefined, { serializeType });
      replaced.extFields = undefined;
      expect(RemotingCommand.decode(replaced.encode().subarray(4)).extFields).toBeUndefined();
    }
  });

  test('values are taken when the command is created: later header changes are not sent', () => {
    const h = v2();
    const cmd = createRequestCommand(310, h);
    h.b = 'Other';
    expect(RemotingCommand.decode(cmd.encode().subarray(4)).extFields?.b).toBe('T\u00e9"\\');
  });

  test('a missing required field or a bad value throws at creation', () => {
    const h = v2();
    (h as { a?: string }).a = undefined;
    expect(() => headerExtSource(h)).toThrow(InvalidArgumentError);
    const bad = v2();
    (bad as unknown as { d: unknown }).d = 'four';
    expect(() => createRequestCommand(310, bad)).toThrow(InvalidArgumentError);
  });
});
