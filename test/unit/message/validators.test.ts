import { sep } from 'node:path';
import { InvalidArgumentError } from '../../../src/errors';
import { Message } from '../../../src/message/message';
import {
  checkGroup,
  checkMessage,
  checkNotAllowedSendTopic,
  checkProducerGroup,
  checkSystemTopic,
  checkTopic,
  isBlank,
  isNotAllowedSendTopic,
  isPredefinedGroup,
  isSysGroup,
  isSystemTopic,
  isTopicOrGroupIllegal,
} from '../../../src/message/validators';

function thrown(fn: () => void): InvalidArgumentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return e as InvalidArgumentError;
  }
  throw new Error('expected a throw');
}

describe('checkTopic', () => {
  it('accepts the Java character set up to 127 chars', () => {
    expect(() => checkTopic('Topic_A-1%|x')).not.toThrow();
    expect(() => checkTopic('a'.repeat(127))).not.toThrow();
  });

  it('refuses blank, too long and illegal topics with Java\'s wording and no client code', () => {
    expect(thrown(() => checkTopic('')).message).toBe('The specified topic is blank');
    expect(thrown(() => checkTopic('  ')).message).toBe('The specified topic is blank');
    expect(thrown(() => checkTopic(undefined)).message).toBe('The specified topic is blank');
    const long = thrown(() => checkTopic('a'.repeat(128)));
    expect(long.message).toBe('The specified topic is longer than topic max length 127.');
    expect(long.clientCode).toBeUndefined();
    expect(thrown(() => checkTopic('a b')).message).toBe(
      'The specified topic[a b] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$',
    );
    expect(() => checkTopic('tópico')).toThrow(InvalidArgumentError);
    expect(() => checkTopic('a.b')).toThrow(InvalidArgumentError);
  });
});

describe('system topics and groups', () => {
  it('knows TopicValidator\'s sets', () => {
    for (const t of ['TBW102', 'SCHEDULE_TOPIC_XXXX', 'BenchmarkTest', 'RMQ_SYS_TRACE_TOPIC', 'CHECKPOINT_TOPIC', 'rmq_sys_anything']) {
      expect(isSystemTopic(t)).toBe(true);
    }
    expect(isSystemTopic('MyTopic')).toBe(false);
    for (const t of ['SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRANS_HALF_TOPIC', 'RMQ_SYS_TRANS_OP_HALF_TOPIC', 'TRANS_CHECK_MAX_TIME_TOPIC', 'SELF_TEST_TOPIC', 'OFFSET_MOVED_EVENT']) {
      expect(isNotAllowedSendTopic(t)).toBe(true);
    }
    expect(isNotAllowedSendTopic('TBW102')).toBe(false);
    expect(thrown(() => checkNotAllowedSendTopic('SCHEDULE_TOPIC_XXXX')).message).toBe(
      'Sending message to topic[SCHEDULE_TOPIC_XXXX] is forbidden.',
    );
    expect(thrown(() => checkSystemTopic('TBW102')).message).toBe('The topic[TBW102] is conflict with system topic.');
    expect(isSysGroup('CID_RMQ_SYS_TRANS')).toBe(true);
    expect(isSysGroup('CID_X')).toBe(false);
    expect(isPredefinedGroup('DEFAULT_PRODUCER')).toBe(true);
    expect(isPredefinedGroup('CID_ONS-HTTP-PROXY')).toBe(true);
    expect(isPredefinedGroup('mine')).toBe(false);
  });
});

describe('checkGroup / checkProducerGroup', () => {
  it('applies the 5.3.3 rules', () => {
    expect(() => checkGroup('g'.repeat(255))).not.toThrow();
    expect(thrown(() => checkGroup('g'.repeat(256))).message).toBe('the specified group is longer than group max length 255.');
    expect(thrown(() => checkGroup('')).message).toBe('the specified group is blank');
    expect(thrown(() => checkGroup('a/b')).message).toBe(
      'the specified group[a/b] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$',
    );
  });

  it('refuses DEFAULT_PRODUCER for a producer', () => {
    expect(thrown(() => checkProducerGroup('DEFAULT_PRODUCER')).message).toBe(
      'producerGroup can not equal DEFAULT_PRODUCER, please specify another one.',
    );
    expect(() => checkProducerGroup('my_group')).not.toThrow();
  });
});

describe('checkMessage', () => {
  it('passes a good message', () => {
    expect(() => checkMessage(new Message('T', 'body'), 4)).not.toThrow();
  });

  it('refuses body problems with client code 13 and Java\'s wording', () => {
    const empty = thrown(() => checkMessage(new Message('T', Buffer.alloc(0)), 10));
    expect(empty.message).toBe('the message body length is zero');
    expect(empty.clientCode).toBe(13);
    const big = thrown(() => checkMessage(new Message('T', 'hello'), 4));
    expect(big.message).toBe('the message body size over max value, MAX: 4');
    expect(big.clientCode).toBe(13);
    expect(thrown(() => checkMessage(null, 4)).message).toBe('the message is null');
    const noBody = { topic: 'T', body: null, getUserProperty: () => undefined };
    expect(thrown(() => checkMessage(noBody, 4)).message).toBe('the message body is null');
  });

  it('checks the topic first, then forbidden topics', () => {
    expect(thrown(() => checkMessage(new Message('bad topic', ''), 4)).message).toMatch(/illegal characters/);
    expect(thrown(() => checkMessage(new Message('SELF_TEST_TOPIC', 'x'), 4)).message).toBe(
      'Sending message to topic[SELF_TEST_TOPIC] is forbidden.',
    );
  });

  it('refuses an INNER_MULTI_DISPATCH value containing the path separator', () => {
    const m = new Message('T', 'x').putUserProperty('INNER_MULTI_DISPATCH', `a${sep}b`);
    const e = thrown(() => checkMessage(m, 10));
    expect(e.clientCode).toBe(13);
    expect(e.message).toBe(`INNER_MULTI_DISPATCH a${sep}b can not contains ${sep} character`);
  });
});

describe('helpers', () => {
  it('isBlank follows Character.isWhitespace, not JS trim', () => {
    expect(isBlank(' \t\n\u001c')).toBe(true);
    expect(isBlank('\u00a0')).toBe(false);
    expect(isBlank(null)).toBe(true);
    expect(isTopicOrGroupIllegal('%RETRY%g|x')).toBe(false);
    expect(isTopicOrGroupIllegal('\u0080')).toBe(true);
  });
});
