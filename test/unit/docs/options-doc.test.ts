// docs/options.md is generated (npm run docs:options) from the options schema and the options' TSDoc; this fails
// when the committed file is stale, when an option lacks its meaning, default or Java name, and when the TSDoc
// states a default other than the schema's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPUTED_DEFAULTS, OPTIONS_DOC, readOptionDocs, renderOptionsDoc, schemaDefaultText, schemaOf } from '../../../scripts/docs-options';

// namesrvAddr's schema default is read from NAMESRV_ADDR, which the e2e global setup exports to every worker of
// the run: the documented default is the one of an unset variable.
const savedNamesrvAddr = process.env.NAMESRV_ADDR;
beforeAll(() => {
  delete process.env.NAMESRV_ADDR;
});
afterAll(() => {
  if (savedNamesrvAddr !== undefined) process.env.NAMESRV_ADDR = savedNamesrvAddr;
});

test('docs/options.md is what `npm run docs:options` writes', () => {
  expect(readFileSync(OPTIONS_DOC, 'utf8')).toBe(renderOptionsDoc());
});

test('every option documents its meaning, default and Java name', () => {
  const docs = readOptionDocs();
  expect(docs.length).toBeGreaterThan(45);
  for (const d of docs) {
    expect({ name: d.name, summary: d.summary.length > 10, defaultValue: d.defaultValue !== '', java: d.java !== '' }).toEqual({
      name: d.name,
      summary: true,
      defaultValue: true,
      java: true,
    });
  }
});

test("the TSDoc default is the schema's default", () => {
  for (const d of readOptionDocs()) {
    const expected = schemaDefaultText(schemaOf(d.name, d.schema));
    if (expected === undefined || COMPUTED_DEFAULTS.has(d.name)) continue;
    expect(`${d.name}: ${d.defaultValue}`).toContain(`${d.name}: \`${expected}\``);
  }
});

test('the push consumer and the simple consumer options are documented, each against its own schema', () => {
  const docs = readOptionDocs();
  const push = docs.filter((d) => d.schema === 'pushConsumer').map((d) => d.name);
  const simple = docs.filter((d) => d.schema === 'simpleConsumer').map((d) => d.name);
  expect(push).toEqual(expect.arrayContaining(['consumerGroup', 'messageModel', 'consumeThreadMax', 'pullThresholdForQueue', 'consumeMessageBatchMaxSize']));
  expect(simple).toEqual(expect.arrayContaining(['consumerGroup', 'subscriptions', 'awaitDurationMs']));
  const doc = readFileSync(OPTIONS_DOC, 'utf8');
  expect(doc).toContain('## Push consumer');
  expect(doc).toContain('| `pullThresholdForQueue` | integer 1…65535 | `1000` | `DefaultMQPushConsumer.pullThresholdForQueue` |');
  expect(doc).toContain('## Simple consumer');
});

test('the README links the options table', () => {
  expect(readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8')).toContain('(docs/options.md)');
});
