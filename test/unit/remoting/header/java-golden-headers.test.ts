/**
 * Requests built from header classes must be byte-identical to the frames the Java client writes
 * (fixtures/remoting/java-*.hex, RocketMQ 5.3.3): field order of Java's reflection, HashMap order,
 * fastjson's form, FastCodesHeader key order in ROCKETMQ headers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConsumerSendMsgBackRequestHeader,
  createRequestCommand,
  EndTransactionRequestHeader,
  GetConsumerListByGroupRequestHeader,
  LockBatchMqRequestHeader,
  UnlockBatchMqRequestHeader,
  PullMessageRequestHeader,
  QueryConsumerOffsetRequestHeader,
  UpdateConsumerOffsetRequestHeader,
  fromExtFields,
  GetRouteInfoRequestHeader,
  HeartbeatRequestHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  UnregisterClientRequestHeader,
} from '../../../../src/remoting/header';
import type { LanguageName } from '../../../../src/remoting/protocol/language-code';

const DIR = join(__dirname, '..', '..', '..', '..', 'fixtures', 'remoting');

interface Expected {
  serializeType: 'JSON' | 'ROCKETMQ';
  code: number;
  language: LanguageName;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  bodyHex: string | null;
}

const CASES: Array<[string, new () => object]> = [
  ['get-routeinfo-by-topic-request', GetRouteInfoRequestHeader],
  ['heart-beat-request', HeartbeatRequestHeader],
  ['send-message-request', SendMessageRequestHeader],
  ['send-message-v2-request', SendMessageRequestHeaderV2],
  ['send-batch-message-request', SendMessageRequestHeaderV2],
  ['end-transaction-commit-request', EndTransactionRequestHeader],
  ['end-transaction-rollback-request', EndTransactionRequestHeader],
  ['unregister-client-request', UnregisterClientRequestHeader],
  ['pull-message-request', PullMessageRequestHeader],
  ['lite-pull-message-request', PullMessageRequestHeader],
  ['query-consumer-offset-request', QueryConsumerOffsetRequestHeader],
  ['update-consumer-offset-request', UpdateConsumerOffsetRequestHeader],
  ['get-consumer-list-by-group-request', GetConsumerListByGroupRequestHeader],
  ['consumer-send-msg-back-request', ConsumerSendMsgBackRequestHeader],
  ['lock-batch-mq-request', LockBatchMqRequestHeader],
  ['unlock-batch-mq-request', UnlockBatchMqRequestHeader],
];

const present = CASES.flatMap(([name, ctor]) =>
  (['json', 'rocketmq'] as const)
    .map((type) => [`java-${name}-${type}`, ctor] as const)
    .filter(([file]) => existsSync(join(DIR, `${file}.hex`))),
);

describe('requests built from headers equal the Java client frames', () => {
  test('the Java fixtures are present', () => {
    expect(present.length).toBe(CASES.length * 2);
  });

  test.each(present)('%s', (file, ctor) => {
    const expected = JSON.parse(readFileSync(join(DIR, `${file}.expected.json`), 'utf8')) as Expected;
    const wire = Buffer.from(readFileSync(join(DIR, `${file}.hex`), 'utf8').replace(/\s+/g, ''), 'hex');
    const header = fromExtFields(ctor, expected.extFields);
    const cmd = createRequestCommand(
      expected.code,
      header,
      expected.bodyHex === null ? undefined : Buffer.from(expected.bodyHex, 'hex'),
      {
        serializeType: expected.serializeType,
        language: expected.language,
        version: expected.version,
        opaque: expected.opaque,
        remark: expected.remark ?? undefined,
      },
    );
    cmd.flag = expected.flag;
    expect(cmd.encode().toString('hex')).toBe(wire.toString('hex'));
  });
});
