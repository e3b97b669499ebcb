/**
 * FilterAPI subscription data and the consumer heartbeat body against what the Java implementation
 * produces (fixtures/golden/subscription-data.json, fixtures/remoting/java-heart-beat-consumer-request-*).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../../src/errors';
import { buildSubscriptionData, subscriptionDataJson } from '../../../src/client/subscription-data';
import { createHeartbeatData, encodeHeartbeatData } from '../../../src/client/heartbeat-data';

interface Case {
  topic: string;
  expression: string | null;
  type: string | null;
  subString?: string;
  expressionType?: string;
  tagsSet?: string[];
  codeSet?: number[];
  json?: string;
  error?: string;
}
const root = join(__dirname, '..', '..', '..', 'fixtures');
const golden = JSON.parse(readFileSync(join(root, 'golden', 'subscription-data.json'), 'utf8')) as { cases: Case[] };
const SUB_VERSION = 1700000000123;

describe('buildSubscriptionData (Java FilterAPI.build)', () => {
  it('has the edge cases: hash collisions, empty tags, lone separators, SQL92, non-ASCII', () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(20);
    expect(golden.cases.some((c) => c.error !== undefined)).toBe(true);
  });

  it.each(golden.cases.map((c) => [`${JSON.stringify(c.expression)} ${c.type ?? ''}`, c] as const))('%s', (_n, c) => {
    const run = (): ReturnType<typeof buildSubscriptionData> => buildSubscriptionData(c.topic, c.expression, c.type, SUB_VERSION);
    if (c.error !== undefined) {
      expect(run).toThrow(InvalidArgumentError);
      expect(run).toThrow(c.error.replace(/^[A-Za-z]+: /, ''));
      return;
    }
    const d = run();
    expect(d.subString).toBe(c.subString);
    expect(d.expressionType).toBe(c.expressionType);
    expect(d.tagsSet).toEqual(c.tagsSet);
    expect(d.codeSet).toEqual(c.codeSet);
    expect(JSON.stringify(subscriptionDataJson(d))).toBe(c.json);
  });
});

describe('consumer heartbeat body', () => {
  it.each(['json', 'rocketmq'])('is byte-identical to the Java client heartbeat (%s frame)', (type) => {
    const e = JSON.parse(readFileSync(join(root, 'remoting', `java-heart-beat-consumer-request-${type}.expected.json`), 'utf8')) as {
      bodyHex: string;
    };
    const data = createHeartbeatData(
      '127.0.0.1@12345#81234567890123',
      ['CLIENT_INNER_PRODUCER'],
      [
        {
          groupName: 'my_consumer_group',
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
          unitMode: false,
          subscriptionDataSet: [
            buildSubscriptionData('TopicTest', 'TagA || TagB || Aa || BB', 'TAG', SUB_VERSION),
            buildSubscriptionData('%RETRY%my_consumer_group', '*', 'TAG', SUB_VERSION + 1),
            buildSubscriptionData('SqlTopic', 'a > 5', 'SQL92', SUB_VERSION + 2),
          ],
        },
      ],
    );
    expect(encodeHeartbeatData(data).toString('hex')).toBe(e.bodyHex);
  });
});
