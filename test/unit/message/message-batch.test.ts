import { InvalidArgumentError, RemotingProtocolError } from '../../../src/errors';
import { Message } from '../../../src/message/message';
import { MessageBatch, createBatch, decodeMessages, encodeMessage, encodeMessages } from '../../../src/message/message-batch';
import { decodeUniqId } from '../../../src/message/message-id';
import { string2messageProperties } from '../../../src/message/message-properties';

describe('encodeMessages (protocol.md 5.5)', () => {
  it('writes TOTALSIZE, MAGICCODE 0, BODYCRC 0, FLAG, BODYLEN, BODY, PROPLEN, PROPERTIES', () => {
    const m = new Message('T', Buffer.from([0xaa, 0xbb]), { flag: 5, waitStoreMsgOK: true });
    const b = encodeMessage(m);
    const props = Buffer.from('WAIT\u0001true\u0002');
    expect(b.length).toBe(22 + 2 + props.length);
    expect(b.readInt32BE(0)).toBe(b.length);
    expect(b.readInt32BE(4)).toBe(0);
    expect(b.readInt32BE(8)).toBe(0);
    expect(b.readInt32BE(12)).toBe(5);
    expect(b.readInt32BE(16)).toBe(2);
    expect(b.subarray(20, 22)).toEqual(Buffer.from([0xaa, 0xbb]));
    expect(b.readInt16BE(22)).toBe(props.length);
    expect(b.subarray(24)).toEqual(props);
  });

  it('concatenates records in list order and decodes back', () => {
    const list = [new Message('T', 'one', { tags: 'A' }), new Message('T', Buffer.alloc(0)), new Message('T', '世界', { flag: -1 })];
    const body = encodeMessages(list);
    expect(body).toEqual(Buffer.concat(list.map(encodeMessage)));
    const back = decodeMessages(body);
    expect(back.map((m) => [m.body.toString(), m.flag, m.tags])).toEqual([
      ['one', 0, 'A'],
      ['', 0, undefined],
      ['世界', -1, undefined],
    ]);
  });

  it('refuses properties longer than 32767 UTF-8 bytes instead of wrapping the short', () => {
    const m = new Message('T', 'x').putUserProperty('big', 'é'.repeat(16400));
    let e: unknown;
    try {
      encodeMessage(m);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as InvalidArgumentError).clientCode).toBe(13);
  });

  it('decodeMessages refuses truncated input', () => {
    const body = encodeMessage(new Message('T', 'hello'));
    for (const cut of [1, 19, 22, body.length - 1]) {
      expect(() => decodeMessages(body.subarray(0, cut))).toThrow(RemotingProtocolError);
    }
    const neg = Buffer.from(body);
    neg.writeInt32BE(-1, 16);
    expect(() => decodeMessages(neg)).toThrow(RemotingProtocolError);
  });
});

describe('MessageBatch.generateFromList (Java rules)', () => {
  const msg = (topic = 'T', opts = {}) => new Message(topic, 'b', opts);

  it('takes the topic and WAIT of the first message', () => {
    const batch = MessageBatch.generateFromList([msg('T', { waitStoreMsgOK: false }), msg('T', { waitStoreMsgOK: false })]);
    expect(batch.topic).toBe('T');
    expect(batch.waitStoreMsgOK).toBe(false);
    expect([...batch].length).toBe(2);
    expect(batch.encode()).toEqual(encodeMessages(batch.messages));
    expect(batch).toBeInstanceOf(Message);
  });

  it.each([
    ['an empty list', [], 'the batch is empty'],
    ['a delay level', [new Message('T', 'b', { delayTimeLevel: 2 })], 'TimeDelayLevel is not supported for batching'],
    ['a retry topic', [new Message('%RETRY%g', 'b')], 'Retry Group is not supported for batching'],
    ['two topics', [new Message('T', 'b'), new Message('U', 'b')], 'The topic of the messages in one batch should be the same'],
    [
      'mixed WAIT',
      [new Message('T', 'b'), new Message('T', 'b', { waitStoreMsgOK: false })],
      'The waitStoreMsgOK of the messages in one batch should the same',
    ],
    ['a non-message', [{} as Message], 'every element must be a Message'],
  ])('refuses %s', (_name, list, reason) => {
    expect(() => MessageBatch.generateFromList(list as Message[])).toThrow(
      new InvalidArgumentError(`Failed to initiate the MessageBatch: ${reason}`),
    );
  });

  it('accepts delay level 0 and timer messages, as Java does', () => {
    expect(() => MessageBatch.generateFromList([new Message('T', 'b', { delayTimeLevel: 0, delayTimeMs: 10 })])).not.toThrow();
  });
});

describe('createBatch (DefaultMQProducer.batch)', () => {
  it('gives every message and the batch a UNIQ_KEY, keeps existing ones, and namespaces the batch topic', () => {
    const keep = new Message('T', 'a');
    keep.putProperty('UNIQ_KEY', 'ABCDEF');
    const fresh = new Message('T', 'b', { keys: 'k' });
    const batch = createBatch([keep, fresh], { maxMessageSize: 1024, namespace: 'ns' });
    expect(keep.getProperty('UNIQ_KEY')).toBe('ABCDEF');
    expect(() => decodeUniqId(fresh.getProperty('UNIQ_KEY')!)).not.toThrow();
    expect(batch.getProperty('UNIQ_KEY')).toMatch(/^[0-9A-F]{32,56}$/);
    expect([...batch.properties.keys()]).toEqual(['WAIT', 'UNIQ_KEY']);
    expect(batch.topic).toBe('ns%T');
    expect(fresh.topic).toBe('T');
    const inner = decodeMessages(batch.body);
    expect(inner.map((m) => m.getProperty('UNIQ_KEY'))).toEqual(['ABCDEF', fresh.getProperty('UNIQ_KEY')]);
    expect(string2messageProperties('')).toEqual(new Map());
  });

  it('checks each message like Validators.checkMessage', () => {
    expect(() => createBatch([new Message('T', Buffer.alloc(0))], { maxMessageSize: 10 })).toThrow(
      'Failed to initiate the MessageBatch: the message body length is zero',
    );
    let e: unknown;
    try {
      createBatch([new Message('T', 'hello world')], { maxMessageSize: 4 });
    } catch (err) {
      e = err;
    }
    expect((e as InvalidArgumentError).clientCode).toBe(13);
    expect(() => createBatch([new Message('bad topic', 'x')], { maxMessageSize: 10 })).toThrow(InvalidArgumentError);
  });
});
