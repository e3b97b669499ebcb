/**
 * Writes docs/options.md: every option of the producer, the push consumer and the simple consumer, generated so
 * that it cannot drift from the code. The list of options, what each accepts and its bounds come from the zod
 * schemas (ProducerOptionsSchema, PushConsumerOptionsSchema, SimpleConsumerOptionsSchema); meaning, default and
 * Java name from the TSDoc of the options interfaces (what editors show), which compile-time checks keep equal to
 * the schemas. A unit test fails when the committed file differs from this output.
 *
 *   npm run docs:options            (writes docs/options.md)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zod } from '../src/lazy-zod';
import { PushConsumerOptionsSchema } from '../src/consumer/consumer-config';
import { SimpleConsumerOptionsSchema } from '../src/consumer/pop/simple-consumer-config';
import { ProducerOptionsSchema } from '../src/producer/producer-config';

const ROOT = path.join(__dirname, '..');
export const OPTIONS_DOC = path.join(ROOT, 'docs', 'options.md');
/** The options schemas, each the client options plus its own. */
const SCHEMAS = {
  producer: ProducerOptionsSchema,
  pushConsumer: PushConsumerOptionsSchema,
  simpleConsumer: SimpleConsumerOptionsSchema,
} as const;
export type SchemaName = keyof typeof SCHEMAS;

/** One documented interface: its file, its name there, its section, and the schema(s) its options belong to. */
const SOURCES: ReadonlyArray<{ file: string; iface: string; group: string; schemas: readonly SchemaName[] }> = [
  {
    file: 'src/client/client-options.ts',
    iface: 'ClientOptions',
    group: 'Client (every producer and consumer: connection, name servers, heartbeats)',
    schemas: ['producer', 'pushConsumer', 'simpleConsumer'],
  },
  { file: 'src/producer/producer-options.ts', iface: 'ProducerOptions', group: 'Producer (sending, retries, compression, trace)', schemas: ['producer'] },
  {
    file: 'src/consumer/push-consumer-options.ts',
    iface: 'PushConsumerOptions',
    group: 'Push consumer (DefaultMQPushConsumer: pulling, flow control, retries, offsets)',
    schemas: ['pushConsumer'],
  },
  {
    file: 'src/consumer/pop/simple-consumer-options.ts',
    iface: 'SimpleConsumerOptions',
    group: 'Simple consumer (SimpleConsumer: POP receive, ack, invisibility)',
    schemas: ['simpleConsumer'],
  },
];
/** Options whose default is computed when the client is created (the TSDoc says how, the schema has no fixed value). */
export const COMPUTED_DEFAULTS: ReadonlySet<string> = new Set(['consumeTimestamp']);
const INT32_MAX = 0x7fffffff;

export interface OptionDoc {
  name: string;
  group: string;
  /** The schema that validates it (for client options, the producer's: every schema shares them). */
  schema: SchemaName;
  tsType: string;
  summary: string;
  defaultValue: string;
  java: string;
}

/** The text between the braces of `export interface <name> ... { ... }` (nested braces included). */
function interfaceBody(text: string, name: string, file: string): string {
  const start = text.search(new RegExp(`export interface ${name}\\b[^{]*\\{`));
  if (start < 0) throw new Error(`no interface ${name} in ${file}`);
  const open = text.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error(`unbalanced braces in ${name} (${file})`);
}

/** The TSDoc of each property of the options interfaces, in source order. */
export function readOptionDocs(): OptionDoc[] {
  const out: OptionDoc[] = [];
  for (const { file, iface, group, schemas } of SOURCES) {
    const text = interfaceBody(readFileSync(path.join(ROOT, file), 'utf8'), iface, file);
    const prop = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*\n\s*(\w+)\??: ([^;]+);/g;
    for (let m = prop.exec(text); m; m = prop.exec(text)) {
      const lines = m[1]!
        .split('\n')
        .map((l) => l.replace(/^\s*\* ?/, '').trim())
        .filter((l) => l !== '');
      const tag = (name: string): string => {
        const l = lines.find((x) => x.startsWith(`@${name} `));
        return l ? l.slice(name.length + 2).trim() : '';
      };
      out.push({
        name: m[2]!,
        group,
        schema: schemas[0]!,
        tsType: m[3]!.trim(),
        summary: lines.filter((l) => !l.startsWith('@')).join(' '),
        defaultValue: tag('defaultValue'),
        java: tag('java'),
      });
    }
  }
  return out;
}

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  default?: unknown;
}

function schemaKeys(schema: SchemaName): string[] {
  return Object.keys(SCHEMAS[schema]().shape);
}

/** The option's schema as JSON Schema (input side): type, bounds, default. */
export function schemaOf(name: string, schema: SchemaName = 'producer'): JsonSchema {
  const field = (SCHEMAS[schema]().shape as Record<string, unknown>)[name];
  if (field === undefined) throw new Error(`no option ${name} in the ${schema} options schema`);
  return zod().toJSONSchema(field as Parameters<ReturnType<typeof zod>['toJSONSchema']>[0], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function range(s: JsonSchema): string {
  const lo = s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER ? s.minimum : undefined;
  const hi = s.maximum;
  if (lo === undefined) return '';
  if (hi === undefined || hi >= INT32_MAX) return ` ≥ ${lo}`;
  return ` ${lo}…${hi}`;
}

function accepts(s: JsonSchema, tsType: string): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.type === 'integer' || s.type === 'number') return `${s.type}${range(s)}`;
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'string') return s.minLength ? 'non-empty string' : 'string';
  if (s.type === 'array' && s.items) return `array of ${accepts(s.items, '')}${s.minItems ? ` (≥ ${s.minItems} entries)` : ''}`;
  if (s.type === 'object' && tsType === '') return 'object';
  if (s.anyOf && s.anyOf.every((x) => x.type !== undefined)) return s.anyOf.map((x) => accepts(x, '')).join(', or ');
  return `\`${tsType.replace(/\|/g, '\\|')}\``;
}

/** The schema's default as the TSDoc should state it, when it is a plain value (else undefined). */
export function schemaDefaultText(s: JsonSchema): string | undefined {
  const d = s.default;
  if (typeof d === 'number' || typeof d === 'string' || typeof d === 'boolean') return String(d);
  if (Array.isArray(d) && d.length > 0 && d.every((x) => typeof x === 'number')) return d.join(', ');
  return undefined;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderOptionsDoc(): string {
  const docs = readOptionDocs();
  // Each schema accepts exactly the options documented for it: the client's and its own.
  for (const schema of Object.keys(SCHEMAS) as SchemaName[]) {
    const keys = schemaKeys(schema);
    const documented = SOURCES.filter((src) => src.schemas.includes(schema)).flatMap((src) => docs.filter((d) => d.group === src.group).map((d) => d.name));
    const missing = keys.filter((k) => !documented.includes(k));
    const extra = documented.filter((k) => !keys.includes(k));
    if (missing.length || extra.length) throw new Error(`${schema}: options without TSDoc: ${missing.join(', ')}; TSDoc without option: ${extra.join(', ')}`);
  }
  const out: string[] = [
    '# Options',
    '',
    '<!-- Generated by `npm run docs:options` (scripts/docs-options.ts) from the options schemas and the TSDoc of',
    '     ClientOptions / ProducerOptions / PushConsumerOptions / SimpleConsumerOptions. Do not edit: a unit test',
    '     fails when this file differs from its output. -->',
    '',
    '`new DefaultMQProducer({ ... })` and `new TransactionMQProducer({ ... })` take the client and producer options;',
    '`new DefaultMQPushConsumer({ ... })` the client and push consumer options; `new SimpleConsumer({ ... })` the client',
    'and simple consumer options. Every one is validated when the client is created: a wrong type, an out-of-range',
    'value, a missing required one or an unknown key (with a "did you mean" suggestion) is an `InvalidConfigError`',
    'naming it. Defaults are those of the Java client 5.3.3. Durations end in `Ms` (milliseconds), sizes in `Bytes`',
    'unless the name says MiB. Your editor shows the same text on each option.',
    '',
  ];
  for (const { group } of SOURCES) {
    out.push(`## ${group}`, '', '| option | accepts | default | Java | meaning |', '|---|---|---|---|---|');
    for (const d of docs.filter((x) => x.group === group)) {
      const s = schemaOf(d.name, d.schema);
      out.push(`| \`${d.name}\` | ${accepts(s, d.tsType)} | ${cell(d.defaultValue)} | ${cell(d.java)} | ${cell(d.summary)} |`);
    }
    out.push('');
  }
  out.push(
    '## TransactionMQProducer only',
    '',
    '`transactionListener` (runs the local transaction and answers the broker\'s checks), `checkConcurrency`',
    '(Java `checkThreadPoolMaxSize`, default 1) and `checkRequestHoldMax` (Java `checkRequestHoldMax`, default 2000):',
    'see `TransactionProducerOptions`.',
    '',
    '## `DefaultMQPushConsumer.messages()`',
    '',
    '`messages({ signal })` takes one option, strict like the others: `signal`, an `AbortSignal` whose abort ends the',
    '`for await` loop and shuts the consumer down, as `break` does.',
    '',
  );
  return out.join('\n');
}

if (require.main === module) {
  writeFileSync(OPTIONS_DOC, renderOptionsDoc());
  console.log(`wrote ${path.relative(ROOT, OPTIONS_DOC)}`);
}
