import { InvalidArgumentError } from '../../../../src/errors';
import {
  headerClassInfo,
  headerFieldsOf,
  HeaderField,
  RemotingHeader,
  RpcRequestHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  TopicRequestHeader,
  toExtFields,
} from '../../../../src/remoting/header';

describe('header decorators', () => {
  test('a field records type, required flag, wire name and declaring class', () => {
    class H {
      @HeaderField('int', { required: true }) count!: number;
      @HeaderField('string', { wireName: 'n' }) name?: string;
    }
    expect(headerFieldsOf(H)).toEqual([
      { property: 'count', wireName: 'count', type: 'int', required: true, declaringClass: H },
      { property: 'name', wireName: 'n', type: 'string', required: false, declaringClass: H },
    ]);
  });

  test('inherited fields come first; the parent\'s list is copied, never changed', () => {
    const rpc = headerFieldsOf(RpcRequestHeader);
    const topic = headerFieldsOf(TopicRequestHeader);
    expect(rpc.map((f) => f.wireName)).toEqual(['ns', 'nsd', 'bname', 'oway']);
    expect(topic.map((f) => f.wireName)).toEqual(['ns', 'nsd', 'bname', 'oway', 'lo']);
    const v1 = headerFieldsOf(SendMessageRequestHeader).map((f) => f.wireName);
    expect(v1.slice(0, 5)).toEqual(['ns', 'nsd', 'bname', 'oway', 'lo']);
    expect(v1).toHaveLength(5 + 13);
    // Siblings do not see each other's fields.
    expect(headerFieldsOf(SendMessageRequestHeaderV2).map((f) => f.wireName)).not.toContain('producerGroup');
    expect(headerFieldsOf(TopicRequestHeader)).toBe(topic);
    expect(topic).toHaveLength(5);
  });

  test('a subclass without own fields sees its parent\'s', () => {
    class Base {
      @HeaderField('string') a?: string;
    }
    class Child extends Base {}
    expect(headerFieldsOf(Child).map((f) => f.property)).toEqual(['a']);
  });

  test('an inherited field is sent and read back with the subclass', () => {
    const h = new SendMessageRequestHeaderV2();
    Object.assign(h, { a: 'g', b: 't', c: 'TBW102', d: 4, e: 0, f: 0, g: 1n, h: 0 });
    h.brokerName = 'broker-a';
    h.lo = true;
    expect(toExtFields(h)).toMatchObject({ bname: 'broker-a', lo: 'true' });
  });

  test('a wire name declared twice, or a dangerous name, is refused at class definition', () => {
    expect(() => {
      class Twice {
        @HeaderField('string') a?: string;
        @HeaderField('string', { wireName: 'a' }) b?: string;
      }
      return Twice;
    }).toThrow(InvalidArgumentError);
    expect(() => {
      class Bad {
        @HeaderField('string', { wireName: '__proto__' }) a?: string;
      }
      return Bad;
    }).toThrow(InvalidArgumentError);
    expect(() => {
      class Shadow extends RpcRequestHeader {
        @HeaderField('string') ns?: string;
      }
      return Shadow;
    }).toThrow(/declared twice/);
  });

  test('@RemotingHeader names the Java class; it is not inherited', () => {
    expect(headerClassInfo(SendMessageRequestHeaderV2)).toEqual({
      javaName: 'org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2',
      fastCodes: true,
    });
    @RemotingHeader('x.Y')
    class Y {}
    class Z extends Y {}
    expect(headerClassInfo(Y).javaName).toBe('x.Y');
    expect(headerClassInfo(Z).javaName).toBe('Z');
  });
});
