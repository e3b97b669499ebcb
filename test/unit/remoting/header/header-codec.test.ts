import { InvalidArgumentError } from '../../../../src/errors';
import {
  CheckTransactionStateRequestHeader,
  CreateTopicRequestHeader,
  createHeader,
  EndTransactionRequestHeader,
  fromExtFields,
  GetMaxOffsetRequestHeader,
  GetRouteInfoRequestHeader,
  HeaderField,
  ReplyMessageRequestHeader,
  SearchOffsetRequestHeader,
  SendMessageRequestHeader,
  SendMessageResponseHeader,
  toExtFields,
  ViewMessageRequestHeader,
} from '../../../../src/remoting/header';
import type { HeaderClass } from '../../../../src/remoting/header/decorators';
import { interpretedToExt, planOf } from '../../../../src/remoting/header/header-plan';
import { newExtFields } from '../../../../src/remoting/protocol/remoting-command';

class AllTypes {
  @HeaderField('string') s?: string;
  @HeaderField('int') i?: number;
  @HeaderField('long') l?: bigint;
  @HeaderField('boolean') b?: boolean;
  @HeaderField('double') d?: number;
}

function sendHeader(): SendMessageRequestHeader {
  return createHeader(SendMessageRequestHeader, {
    producerGroup: 'G',
    topic: 'T',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 1,
    sysFlag: 0,
    bornTimestamp: 1700000000000n,
    flag: 0,
  });
}

describe('toExtFields (Java makeCustomHeaderToNet)', () => {
  test('formats every type as Java does', () => {
    const h = createHeader(AllTypes, { s: 'x', i: -5, l: -(2n ** 63n), b: false, d: 1e7 });
    expect({ ...toExtFields(h) }).toEqual({ s: 'x', i: '-5', l: '-9223372036854775808', b: 'false', d: '1.0E7' });
  });

  test('leaves out null and undefined fields; an all-empty header is an empty map', () => {
    const h = new AllTypes();
    h.s = undefined;
    (h as { i: unknown }).i = null;
    expect(Object.keys(toExtFields(h))).toEqual([]);
  });

  test('Java primitives and initialized fields are always sent', () => {
    const max = createHeader(GetMaxOffsetRequestHeader, { topic: 'T', queueId: 0 });
    expect(toExtFields(max)).toMatchObject({ committed: 'true' });
    const create = createHeader(CreateTopicRequestHeader, {
      topic: 'T',
      defaultTopic: 'TBW102',
      readQueueNums: 8,
      writeQueueNums: 8,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
    });
    expect(toExtFields(create)).toMatchObject({ order: 'false', force: 'false', perm: '6' });
  });

  test('a missing required field is refused, naming class and field', () => {
    const h = sendHeader();
    delete (h as Partial<SendMessageRequestHeader>).queueId;
    expect(() => toExtFields(h)).toThrow(InvalidArgumentError);
    expect(() => toExtFields(h)).toThrow('SendMessageRequestHeader.queueId is required');
    expect(() => toExtFields(new GetRouteInfoRequestHeader())).toThrow('GetRouteInfoRequestHeader.topic is required');
  });

  test.each([
    ['an int that is not an integer', { i: 1.5 }],
    ['an int out of range', { i: 2 ** 31 }],
    ['a long out of range', { l: 2n ** 63n }],
    ['a long given as an unsafe number', { l: 2 ** 60 }],
    ['a boolean given as a string', { b: 'true' }],
    ['a string given as a number', { s: 5 }],
  ])('%s is refused', (_name, values) => {
    const h = Object.assign(new AllTypes(), values);
    expect(() => toExtFields(h)).toThrow(InvalidArgumentError);
  });

  test('a long may be a safe-integer number', () => {
    expect(toExtFields(createHeader(AllTypes, { l: 5 as unknown as bigint }))).toEqual({ l: '5' });
  });

  test('checkFields runs before anything is built', () => {
    const end = createHeader(EndTransactionRequestHeader, {
      producerGroup: 'G',
      tranStateTableOffset: 1n,
      commitLogOffset: 2n,
      commitOrRollback: 7,
      msgId: 'M',
    });
    expect(() => toExtFields(end)).toThrow('commitOrRollback must be 0, 8 or 12');
    for (const ok of [0, 8, 12]) {
      end.commitOrRollback = ok;
      expect(toExtFields(end)).toMatchObject({ commitOrRollback: String(ok), fromTransactionCheck: 'false' });
    }
    const topic = createHeader(CreateTopicRequestHeader, {
      topic: 'T',
      defaultTopic: 'D',
      readQueueNums: 1,
      writeQueueNums: 1,
      perm: 6,
      topicFilterType: 'ANY' as 'SINGLE_TAG',
    });
    expect(() => toExtFields(topic)).toThrow('topicFilterType = [ANY] value invalid');
  });

  test('adds to an existing map, header fields overwriting', () => {
    const into = Object.assign(newExtFields(), { topic: 'old', _UNIQUE_KEY_QUERY: 'true' });
    const out = toExtFields(createHeader(ViewMessageRequestHeader, { topic: 'new', offset: 5n }), into);
    expect(out).toBe(into);
    expect({ ...out }).toEqual({ topic: 'new', _UNIQUE_KEY_QUERY: 'true', offset: '5' });
  });

  test('refuses an object that is not a header', () => {
    expect(() => toExtFields({ a: 1 })).toThrow(/not a header class/);
  });
});

describe('fromExtFields (Java decodeCommandCustomHeader)', () => {
  test('parses each declared field by its type', () => {
    const h = fromExtFields(AllTypes, { s: 'x', i: '+42', l: '-9223372036854775808', b: 'TRUE', d: ' 2.5e3d ' });
    expect(h).toEqual(Object.assign(new AllTypes(), { s: 'x', i: 42, l: -(2n ** 63n), b: true, d: 2500 }));
    expect(h).toBeInstanceOf(AllTypes);
  });

  test('a value Java cannot parse leaves the field unset; booleans follow Boolean.parseBoolean', () => {
    const h = fromExtFields(AllTypes, { i: '2147483648', l: '12x', b: 'yes', d: '0x1p3' });
    expect(h.i).toBeUndefined();
    expect(h.l).toBeUndefined();
    expect(h.b).toBe(false);
    expect(h.d).toBeUndefined();
  });

  test('tolerates missing fields, required ones included', () => {
    const res = fromExtFields(SendMessageResponseHeader, { msgId: 'ABC' });
    expect(res.msgId).toBe('ABC');
    expect(res.queueId).toBeUndefined();
    expect(res.queueOffset).toBeUndefined();
  });

  test('reads a send response', () => {
    const res = fromExtFields(SendMessageResponseHeader, {
      msgId: '7F00000100002A9F0000000000000000',
      queueId: '3',
      queueOffset: '9007199254740993',
      transactionId: 'T',
      MSG_REGION: 'DefaultRegion',
    });
    expect(res).toMatchObject({ queueId: 3, queueOffset: 9007199254740993n, transactionId: 'T' });
    expect(Object.keys(res)).not.toContain('MSG_REGION');
  });

  test('keeps defaults for missing fields and uses wire names', () => {
    const reply = fromExtFields(ReplyMessageRequestHeader, { bname: 'b', storeHost: '1.2.3.4:10911' });
    expect(reply).toMatchObject({ brokerName: 'b', storeHost: '1.2.3.4:10911', unitMode: false, storeTimestamp: 0n });
  });

  test('copies nothing but declared fields: wire keys never reach objects or prototypes', () => {
    const ext = JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":"x","topic":"T","tranStateTableOffset":"1","extra":"e"}');
    const h = fromExtFields(CheckTransactionStateRequestHeader, ext);
    expect(Object.keys(h).sort()).toEqual(['topic', 'tranStateTableOffset']);
    expect((h as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(h)).toBe(CheckTransactionStateRequestHeader.prototype);
    expect(h.constructor).toBe(CheckTransactionStateRequestHeader);
  });

  test('only own keys of the map are read', () => {
    const ext = Object.create({ topic: 'inherited' }) as Record<string, string>;
    expect(fromExtFields(CheckTransactionStateRequestHeader, ext).topic).toBeUndefined();
  });

  test('no map: a default header, and checkFields is not run (as in Java)', () => {
    expect(fromExtFields(EndTransactionRequestHeader, undefined)).toBeInstanceOf(EndTransactionRequestHeader);
    expect(() => fromExtFields(EndTransactionRequestHeader, {})).toThrow(InvalidArgumentError);
  });

  test('checkFields normalizes a boundary type as Java reads it', () => {
    expect(fromExtFields(SearchOffsetRequestHeader, { boundaryType: 'upper' }).boundaryType).toBe('UPPER');
    expect(fromExtFields(SearchOffsetRequestHeader, { boundaryType: 'whatever' }).boundaryType).toBe('LOWER');
    expect(fromExtFields(SearchOffsetRequestHeader, {}).boundaryType).toBeUndefined();
  });

  test('to and from ext fields is the identity for set fields', () => {
    const h = sendHeader();
    h.properties = 'KEYS\u0001a\u0002';
    h.unitMode = false;
    h.brokerName = 'broker-a';
    expect(fromExtFields(SendMessageRequestHeader, toExtFields(h))).toEqual(h);
  });
});

describe('createHeader', () => {
  test('assigns declared fields and refuses unknown ones', () => {
    expect(createHeader(GetRouteInfoRequestHeader, { topic: 'T', acceptStandardJsonOnly: true })).toMatchObject({
      topic: 'T',
      acceptStandardJsonOnly: true,
    });
    expect(() => createHeader(GetRouteInfoRequestHeader, { topik: 'T' } as never)).toThrow(
      'GetRouteInfoRequestHeader has no header field topik',
    );
  });

  test('keeps each class to its own fields when called repeatedly (parent before subclass)', () => {
    class Extended extends AllTypes {
      @HeaderField('string') extra?: string;
    }
    for (let round = 0; round < 2; round++) {
      expect(() => createHeader(AllTypes, { extra: 'x' } as never)).toThrow('AllTypes has no header field extra');
      expect(createHeader(Extended, { s: 'a', extra: 'x' })).toMatchObject({ s: 'a', extra: 'x' });
      expect(createHeader(AllTypes, { s: 'b' })).toMatchObject({ s: 'b' });
    }
  });
});

describe('the generated encoder and the plain loop agree', () => {
  test.each([
    ['all types', createHeader(AllTypes, { s: 'x', i: 3, l: 5n, b: true, d: 0.5 })],
    ['a send header', sendHeader()],
    ['an empty header', new AllTypes()],
  ])('%s', (_name, header) => {
    const plan = planOf(header.constructor as HeaderClass);
    const plain = interpretedToExt(plan.name, plan.javaOrder);
    expect(Object.entries(plan.toExt(header as never))).toEqual(Object.entries(plain(header as never)));
  });

  test.each([
    ['a missing required field', () => Object.assign(sendHeader(), { topic: undefined })],
    ['an int that is not one', () => Object.assign(sendHeader(), { queueId: '1' })],
    ['a long given as a string', () => Object.assign(sendHeader(), { bornTimestamp: '1' })],
    ['a boolean given as a number', () => Object.assign(sendHeader(), { unitMode: 1 })],
  ])('both refuse %s the same way', (_name, make) => {
    const header = make();
    const plan = planOf(SendMessageRequestHeader);
    const plain = interpretedToExt(plan.name, plan.javaOrder);
    let a: unknown;
    let b: unknown;
    try {
      plan.toExt(header as never);
    } catch (err) {
      a = err;
    }
    try {
      plain(header as never);
    } catch (err) {
      b = err;
    }
    expect(a).toBeInstanceOf(InvalidArgumentError);
    expect((a as Error).message).toBe((b as Error).message);
  });

  test('a subclass gets its own plan, not its parent\'s', () => {
    class Parent {
      @HeaderField('string') p?: string;
    }
    class Child extends Parent {
      @HeaderField('string') c?: string;
    }
    expect({ ...toExtFields(Object.assign(new Parent(), { p: '1' })) }).toEqual({ p: '1' });
    expect({ ...toExtFields(Object.assign(new Child(), { p: '1', c: '2' })) }).toEqual({ p: '1', c: '2' });
    expect(planOf(Child)).not.toBe(planOf(Parent));
  });
});
