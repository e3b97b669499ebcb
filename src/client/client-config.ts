import type * as tls from 'node:tls';
import { z } from 'zod';
import { InvalidConfigError, type ConfigIssue } from '../errors';
import type { Logger } from '../logger';
import { DEFAULT_MAX_FRAME_BYTES } from '../remoting/protocol/frame-decoder';
import { LanguageCode, type LanguageName } from '../remoting/protocol/language-code';
import { DEFAULT_LANGUAGE, DEFAULT_REMOTING_VERSION } from '../remoting/protocol/remoting-command';
import { nameSrvAddrFromEndpoint, resolveNamespace } from '../message/namespace';

/**
 * Client settings shared by every producer (Java `ClientConfig` plus the remoting settings of
 * `NettyClientConfig`), validated once with zod. Strict: an unknown or misspelt key is an error that
 * names it. Durations end in `Ms`, sizes in `Bytes`.
 *
 * Java 5.3.3 defaults, checked against `ClientConfig`, `NettyClientConfig` and `NettySystemConfig`:
 * | option | default | Java |
 * |---|---|---|
 * | namesrvAddr | env `NAMESRV_ADDR` | system property `rocketmq.namesrv.addr`, then env `NAMESRV_ADDR` |
 * | instanceName | `DEFAULT` | system property `rocketmq.client.name`, then `DEFAULT` |
 * | clientIP | computed by the client instance | `NetworkUtil.getLocalAddress()` |
 * | unitMode / unitName | false / none | same |
 * | namespace (deprecated) / namespaceV2 | none | same |
 * | pollNameServerIntervalMs | 30000 | `pollNameServerInterval` |
 * | heartbeatBrokerIntervalMs | 30000 | `heartbeatBrokerInterval` |
 * | mqClientApiTimeoutMs | 3000 | `mqClientApiTimeout` |
 * | vipChannelEnabled | false | `com.rocketmq.sendMessageWithVIPChannel` |
 * | useTLS | false | `tls.enable` |
 * | enableHeartbeatChannelEventListener | true | same |
 * | sendLatencyFaultEnable | false | `sendLatencyEnable` (`com.rocketmq.sendLatencyEnable`) |
 * | startDetectorEnable | false | `com.rocketmq.startDetectorEnable` |
 * | detectTimeoutMs / detectIntervalMs | 200 / 2000 | `detectTimeout` / `detectInterval` |
 * | connectTimeoutMs | 3000 | `connectTimeoutMillis` |
 * | maxAsyncInflight / maxOnewayInflight | 65535 / 65535 | `clientAsyncSemaphoreValue` / `clientOnewaySemaphoreValue` |
 * | idleTimeoutMs | 120000 | `clientChannelMaxIdleTimeSeconds` 120 |
 * | closeSocketIfTimeout | true | `clientCloseSocketIfTimeout` |
 * | maxFrameBytes | 16 MiB | `NettyDecoder.FRAME_MAX_LENGTH` |
 * | serializeType | `JSON` | `rocketmq.serialize.type` |
 * | language | `OTHER` | Java sends `JAVA`; OTHER is known to every broker version (NODE_JS only to 5.3.2+) |
 * | version | 479 | `MQVersion.CURRENT_VERSION` of 5.3.3 |
 * | logRepeatSummaryIntervalMs | 10000 | none (Java logs every occurrence) |
 */

const INT32_MAX = 0x7fffffff;
const positiveMs = (def: number) => z.number().int().min(1).max(INT32_MAX).default(def);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isLogger(v: unknown): v is Logger {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error', 'child'].every((m) => typeof l[m] === 'function');
}

/** `host:port` with a port in 1..65535 (an IPv6 host may be bracketed). */
function isHostPort(addr: string): boolean {
  const colon = addr.lastIndexOf(':');
  if (colon <= 0) return false;
  const port = addr.slice(colon + 1);
  return /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

/**
 * Name servers as `'a:9876;b:9876'` or `['a:9876', 'b:9876']`; absent means env `NAMESRV_ADDR`.
 * Java's `http://` endpoint rule applies (the text after the last `/`). Output: the list.
 */
const namesrvAddrSchema = z
  .union([z.string(), z.array(z.string())])
  .default(() => process.env.NAMESRV_ADDR ?? [])
  .transform((v, ctx) => {
    const raw = Array.isArray(v) ? v.join(';') : v;
    const list = nameSrvAddrFromEndpoint(raw.trim())
      .split(';')
      .map((a) => a.trim())
      .filter((a) => a.length > 0);
    for (const a of list) {
      if (!isHostPort(a)) ctx.issues.push({ code: 'custom', message: `"${a}" is not host:port`, input: v });
    }
    return list;
  })
  .describe("Name servers, 'host:port;host:port' or an array; default env NAMESRV_ADDR");

/** The fields of ClientConfigSchema, for schemas that extend it. */
export const clientConfigShape = {
  namesrvAddr: namesrvAddrSchema,
  clientIP: z.string().min(1).optional().describe('IP in the clientId; default chosen like Java NetworkUtil'),
  instanceName: z.string().min(1).default('DEFAULT').describe("'DEFAULT' becomes 'pid#hrtime' when a producer starts"),
  unitMode: z.boolean().default(false),
  unitName: z.string().optional(),
  namespace: z.string().optional().describe('Deprecated client-side namespace: resources go as ns%resource'),
  namespaceV2: z.string().optional().describe('Server-side namespace: sent as ns/nsd ext fields on every request'),
  pollNameServerIntervalMs: positiveMs(30_000),
  heartbeatBrokerIntervalMs: positiveMs(30_000),
  mqClientApiTimeoutMs: positiveMs(3000).describe('Timeout of name-server and admin calls'),
  vipChannelEnabled: z.boolean().default(false).describe('Send to the broker VIP port (listen port - 2)'),
  useTLS: z.boolean().default(false),
  tls: z
    .custom<boolean | tls.ConnectionOptions>((v) => typeof v === 'boolean' || isPlainObject(v), {
      error: 'expected a boolean or a node:tls options object',
    })
    .optional()
    .describe("true or node:tls connect options; implies useTLS. Certificates are verified unless rejectUnauthorized is false"),
  enableHeartbeatChannelEventListener: z.boolean().default(true),
  sendLatencyFaultEnable: z.boolean().default(false).describe('Isolate slow or failing brokers when choosing a queue'),
  startDetectorEnable: z.boolean().default(false),
  detectTimeoutMs: positiveMs(200),
  detectIntervalMs: positiveMs(2000),
  connectTimeoutMs: positiveMs(3000),
  maxAsyncInflight: z.number().int().min(1).max(INT32_MAX).default(65535),
  maxOnewayInflight: z.number().int().min(1).max(INT32_MAX).default(65535),
  idleTimeoutMs: z.number().int().min(0).max(INT32_MAX).default(120_000).describe('0 disables'),
  closeSocketIfTimeout: z.boolean().default(true),
  maxFrameBytes: z.number().int().min(64).max(INT32_MAX).default(DEFAULT_MAX_FRAME_BYTES),
  serializeType: z.enum(['JSON', 'ROCKETMQ']).default('JSON'),
  language: z
    .custom<LanguageName>((v) => typeof v === 'string' && Object.hasOwn(LanguageCode, v), {
      error: `expected one of ${Object.keys(LanguageCode).join(', ')}`,
    })
    .default(DEFAULT_LANGUAGE),
  version: z.number().int().min(-32768).max(INT32_MAX).default(DEFAULT_REMOTING_VERSION),
  logger: z.custom<Logger>(isLogger, { error: 'expected a Logger (debug, info, warn, error, child)' }).optional(),
  /**
   * Identical info/warn/error events (same message, peer and error code) are logged once, then
   * summarised with their count ("repeated N times between t1 and t2") every this many milliseconds,
   * and at shutdown. 0 logs every occurrence. Default 10000. No Java equivalent (Java logs each one).
   */
  logRepeatSummaryIntervalMs: z
    .number()
    .int()
    .min(0)
    .max(INT32_MAX)
    .default(10_000)
    .describe('Identical log events are logged once, then summarised with their count every this many ms; 0 logs each'),
};

export const ClientConfigSchema = z.strictObject(clientConfigShape);

/** What users pass (every key optional). */
export type ClientConfigInput = z.input<typeof ClientConfigSchema>;
/** The validated settings, defaults filled in. */
export type ClientConfig = z.output<typeof ClientConfigSchema>;

/** Java `ClientConfig.getNamespace`: the namespace option, else the id of an `MQ_INST_` name-server endpoint. */
export function effectiveNamespace(config: Pick<ClientConfig, 'namespace' | 'namesrvAddr'>): string | undefined {
  return resolveNamespace(config.namespace, config.namesrvAddr.join(';'));
}

/** Whether connections use TLS, and with which options. */
export function effectiveTls(config: Pick<ClientConfig, 'useTLS' | 'tls'>): tls.ConnectionOptions | undefined {
  if (config.tls === false) return undefined;
  if (config.tls === true) return {};
  if (config.tls !== undefined) return config.tls;
  return config.useTLS ? {} : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function suggest(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    const d = levenshtein(key, k);
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.ceil(key.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function describeIssue(issue: z.core.$ZodIssue, path: string): string {
  if (issue.code === 'invalid_type') return `${path || 'options'}: expected ${issue.expected}`;
  return `${path || 'options'}: ${issue.message}`;
}

/**
 * Parses options with a strict schema, turning a ZodError into one `InvalidConfigError` that names
 * every bad or unknown key, e.g. `Unknown option "sendTimeotMs"` or `sendMsgTimeoutMs: expected number`.
 */
export function parseConfig<S extends z.ZodType>(schema: S, input: unknown, what = 'options'): z.output<S> {
  const r = schema.safeParse(input === undefined ? {} : input);
  if (r.success) return r.data;
  const known = schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
  const issues: ConfigIssue[] = [];
  const messages: string[] = [];
  for (const issue of r.error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const full = path ? `${path}.${key}` : key;
        const message = `Unknown option "${full}"${path ? '' : suggest(key, known)}`;
        issues.push({ path: full, message });
        messages.push(message);
      }
    } else {
      const message = describeIssue(issue, path);
      issues.push({ path, message });
      messages.push(message);
    }
  }
  return throwConfig(what, messages, issues);
}

function throwConfig(what: string, messages: string[], issues: ConfigIssue[]): never {
  throw new InvalidConfigError(`Invalid ${what}: ${messages.join('; ')}`, issues);
}

/** `ClientConfigSchema` through `parseConfig`. */
export function parseClientConfig(input: unknown): ClientConfig {
  return parseConfig(ClientConfigSchema, input, 'client options');
}
