import { InvalidArgumentError } from '../../../src/errors';
import { Message } from '../../../src/message/message';
import { MessageConst, STRING_HASH_SET } from '../../../src/message/message-const';

describe('Message', () => {
  it('defaults like the Java convenience constructors: WAIT=true, flag 0, no tags or keys', () => {
    const m = new Message('T', 'hello');
    expect(m.topic).toBe('T');
    expect(m.body).toEqual(Buffer.from('hello'));
    expect(m.flag).toBe(0);
    expect(m.tags).toBeUndefined();
    expect(m.keys).toBeUndefined();
    expect(m.waitStoreMsgOK).toBe(true);
    expect([...m.properties]).toEqual([['WAIT', 'true']]);
    expect(m.delayTimeLevel).toBe(0);
    expect(m.transactionId).toBeUndefined();
  });

  it('takes Buffer, Uint8Array (without copying) and string bodies', () => {
    const u8 = new Uint8Array([9, 1, 2, 3]).subarray(1);
    const m = new Message('T', u8);
    expect(Buffer.isBuffer(m.body)).toBe(true);
    expect([...m.body]).toEqual([1, 2, 3]);
    u8[0] = 7;
    expect(m.body[0]).toBe(7);
    expect(new Message('T', Buffer.from([0xff])).body).toEqual(Buffer.from([0xff]));
    expect(new Message('T', '世界').body).toEqual(Buffer.from('世界', 'utf8'));
    expect(() => new Message('T', 42 as never)).toThrow(InvalidArgumentError);
    expect(() => new Message(7 as never, 'x')).toThrow(InvalidArgumentError);
  });

  it('stores tags, keys, WAIT and the delay settings under the Java property keys', () => {
    const m = new Message('T', 'b', {
      tags: 'TagA',
      keys: ['k1', 'k2'],
      flag: 7,
      waitStoreMsgOK: false,
      delayTimeLevel: 3,
      delayTimeSec: 10,
      delayTimeMs: 1500,
      deliverTimeMs: 1700000000000,
      properties: { color: 'blue' },
    });
    expect(m.getProperty(MessageConst.PROPERTY_TAGS)).toBe('TagA');
    expect(m.getProperty(MessageConst.PROPERTY_KEYS)).toBe('k1 k2');
    expect(m.keyList).toEqual(['k1', 'k2']);
    expect(m.getProperty(MessageConst.PROPERTY_WAIT_STORE_MSG_OK)).toBe('false');
    expect(m.waitStoreMsgOK).toBe(false);
    expect(m.getProperty('DELAY')).toBe('3');
    expect(m.getProperty('TIMER_DELAY_SEC')).toBe('10');
    expect(m.getProperty('TIMER_DELAY_MS')).toBe('1500');
    expect(m.getProperty('TIMER_DELIVER_MS')).toBe('1700000000000');
    expect(m.delayTimeLevel).toBe(3);
    expect(m.delayTimeSec).toBe(10);
    expect(m.delayTimeMs).toBe(1500);
    expect(m.deliverTimeMs).toBe(1700000000000);
    expect(m.flag).toBe(7);
    expect(m.getUserProperty('color')).toBe('blue');
    expect(m.getUserProperties()).toEqual(new Map([['color', 'blue']]));
    // insertion order: tags, keys, WAIT, then the rest (as Java's constructor and setters)
    expect([...m.properties.keys()].slice(0, 3)).toEqual(['TAGS', 'KEYS', 'WAIT']);
  });

  it('leaves out empty tags and keys, as Java does', () => {
    const m = new Message('T', 'b', { tags: '', keys: '' });
    expect(m.hasProperty('TAGS')).toBe(false);
    expect(m.hasProperty('KEYS')).toBe(false);
    m.tags = 'x';
    m.tags = undefined;
    expect(m.tags).toBeUndefined();
    m.keys = 'a b';
    expect(m.keyList).toEqual(['a', 'b']);
  });

  it('accepts user properties as a Map', () => {
    const m = new Message('T', 'b', { properties: new Map([['a', '1']]) });
    expect(m.getUserProperty('a')).toBe('1');
  });

  it('refuses unknown options, naming them', () => {
    expect(() => new Message('T', 'b', { tag: 'x' } as never)).toThrow('Unknown message option "tag"');
  });

  it('validates flag, delay level and the timer values', () => {
    expect(() => new Message('T', 'b', { flag: 2 ** 31 })).toThrow(InvalidArgumentError);
    expect(() => new Message('T', 'b', { flag: 1.5 })).toThrow(InvalidArgumentError);
    expect(new Message('T', 'b', { flag: -(2 ** 31) }).flag).toBe(-(2 ** 31));
    expect(() => new Message('T', 'b', { delayTimeLevel: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Message('T', 'b', { delayTimeLevel: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new Message('T', 'b', { delayTimeMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Message('T', 'b', { deliverTimeMs: Number.MAX_SAFE_INTEGER + 2 })).toThrow(InvalidArgumentError);
    expect(() => new Message('T', 'b', { delayTimeSec: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new Message('T', 'b', { waitStoreMsgOK: 'yes' as never })).toThrow(InvalidArgumentError);
    const m = new Message('T', 'b');
    expect(() => (m.flag = 'x' as never)).toThrow(InvalidArgumentError);
  });

  it('reads WAIT like Boolean.parseBoolean and unparsable numbers as 0', () => {
    const m = new Message('T', 'b');
    m.putProperty('WAIT', 'TRUE');
    expect(m.waitStoreMsgOK).toBe(true);
    m.putProperty('WAIT', 'yes');
    expect(m.waitStoreMsgOK).toBe(false);
    m.clearProperty('WAIT');
    expect(m.waitStoreMsgOK).toBe(true);
    m.putProperty('DELAY', 'abc');
    expect(m.delayTimeLevel).toBe(0);
  });

  describe('putUserProperty', () => {
    it('refuses every reserved name with Java\'s message', () => {
      const m = new Message('T', 'b');
      for (const name of STRING_HASH_SET) {
        expect(() => m.putUserProperty(name, 'v')).toThrow(
          new InvalidArgumentError(`The Property<${name}> is used by system, input another please`),
        );
      }
    });

    it('refuses blank names and values (Java String.trim rules)', () => {
      const m = new Message('T', 'b');
      const msg = 'The name or value of property can not be null or blank string!';
      expect(() => m.putUserProperty('', 'v')).toThrow(msg);
      expect(() => m.putUserProperty(' \t', 'v')).toThrow(msg);
      expect(() => m.putUserProperty('k', '')).toThrow(msg);
      expect(() => m.putUserProperty('k', '\u0000 ')).toThrow(msg);
      expect(() => m.putUserProperty('k', undefined as never)).toThrow(msg);
      expect(() => m.putUserProperty(undefined as never, 'v')).toThrow(msg);
    });

    it('refuses the two separator characters, which the wire format cannot carry', () => {
      const m = new Message('T', 'b');
      expect(() => m.putUserProperty('k', 'a\u0001b')).toThrow(InvalidArgumentError);
      expect(() => m.putUserProperty('k\u0002', 'v')).toThrow(InvalidArgumentError);
      expect(() => (m.tags = 'a\u0002')).toThrow(InvalidArgumentError);
    });

    it('allows names Java leaves settable, and chains', () => {
      const m = new Message('T', 'b').putUserProperty('__SHARDINGKEY', 's').putUserProperty('x', ' y ');
      expect(m.getUserProperty('__SHARDINGKEY')).toBe('s');
      expect(m.getUserProperty('x')).toBe(' y ');
    });
  });

  it('lets internal code set reserved properties and replace the body and topic', () => {
    const m = new Message('T', 'b');
    m.putProperty('UNIQ_KEY', 'ABC');
    expect(m.getProperty('UNIQ_KEY')).toBe('ABC');
    m.topic = 'ns%T';
    m.body = 'new';
    expect(m.topic).toBe('ns%T');
    expect(m.body.toString()).toBe('new');
    expect(String(m)).toContain("topic='ns%T'");
  });
});
