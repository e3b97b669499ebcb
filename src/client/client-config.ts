import type * as tls from 'node:tls';
import type { z } from 'zod';
import { InvalidConfigError, type ConfigIssue } from '../errors';
import { lazy, zod } from '../lazy-zod';
import { adaptLogger, isLoggerLike, type LoggerLike } from '../logger';
import { DEFAULT_MAX_FRAME_BYTES } from '../remoting/protocol/frame-decoder';
import { DEFAULT_HEADER_LIMITS } from '../remoting/protocol/header-limits';
import { LanguageCode, type LanguageName } from '../remoting/protocol/language-code';
import { DEFAULT_LANGUAGE, DEFAULT_REMOTING_VERSION } from '../remoting/protocol/remoting-command';
import { protectTlsOptions } from '../remoting/tls-secrets';
import { nameSrvAddrFromEndpoint, resolveNamespace } from '../message/namespace';

/**
 * Client settings shared by every producer (Java `ClientConfig` plus the remoting settings of
 * `NettyClientConfig`), validated once with zod. Strict: an unknown or misspelt key is an error that
 * names it. What each option means, its unit, default and Java name: `ClientOptions` (client-options.ts) and
 * docs/options.md, generated from both.
 */

const INT32_MAX = 0x7fffffff;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `host:port` with a port in 1..65535 (an IPv6 host may be bracketed). */
function isHostPort(addr: string): boolean {
  const colon = addr.lastIndexOf(':');
  if (colon <= 0) return false;
  const port = addr.slice(colon + 1);
  return /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535;
}

/** The fields of ClientConfigSchema, for schemas that extend it (built on first use: see lazy-zod.ts). */
export const clientConfigShape = lazy(() => {
  const z = zod();
  const positiveMs = (def: number) => z.number().int().min(1).max(INT32_MAX).default(def);
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
    });
  return {
    namesrvAddr: namesrvAddrSchema,
    clientIP: z.string().min(1).optional(),
    instanceName: z.string().min(1).default('DEFAULT'),
    unitMode: z.boolean().default(false),
    unitName: z.string().optional(),
    namespace: z.string().optional(),
    namespaceV2: z.string().optional(),
    pollNameServerIntervalMs: positiveMs(30_000),
    heartbeatBrokerIntervalMs: positiveMs(30_000),
    mqClientApiTimeoutMs: positiveMs(3000),
    vipChannelEnabled: z.boolean().default(false),
    useTLS: z.boolean().default(false),
    tls: z
      .custom<boolean | tls.ConnectionOptions>((v) => typeof v === 'boolean' || isPlainObject(v), {
        error: 'expected a boolean or a node:tls options object',
      })
      .transform((v) => (typeof v === 'boolean' ? v : protectTlsOptions(v)))
      .optional(),
    enableHeartbeatChannelEventListener: z.boolean().default(true),
    sendLatencyFaultEnable: z.boolean().default(false),
    startDetectorEnable: z.boolean().default(false),
    detectTimeoutMs: positiveMs(200),
    detectIntervalMs: positiveMs(2000),
    connectTimeoutMs: positiveMs(3000),
    maxAsyncInflight: z.number().int().min(1).max(INT32_MAX).default(65535),
    maxOnewayInflight: z.number().int().min(1).max(INT32_MAX).default(65535),
    idleTimeoutMs: z.number().int().min(0).max(INT32_MAX).default(120_000),
    closeSocketIfTimeout: z.boolean().default(true),
    maxFrameBytes: z.number().int().min(64).max(INT32_MAX).default(DEFAULT_MAX_FRAME_BYTES),
    maxExtFields: z.number().int().min(1).max(INT32_MAX).default(DEFAULT_HEADER_LIMITS.maxExtFields),
    maxExtFieldsBytes: z.number().int().min(1).max(INT32_MAX).default(DEFAULT_HEADER_LIMITS.maxExtFieldsBytes),
    serializeType: z.enum(['JSON', 'ROCKETMQ']).default('JSON'),
    language: z
      .custom<LanguageName>((v) => typeof v === 'string' && Object.hasOwn(LanguageCode, v), {
        error: `expected one of ${Object.keys(LanguageCode).join(', ')}`,
      })
      .default(DEFAULT_LANGUAGE),
    version: z.number().int().min(-32768).max(INT32_MAX).default(DEFAULT_REMOTING_VERSION),
    logger: z
      .custom<LoggerLike>(isLoggerLike, { error: 'expected a logger (debug, info, warn, error): rocketmq-ts, pino, winston or console' })
      .transform((l) => adaptLogger(l))
      .optional(),
    logRepeatSummaryIntervalMs: z.number().int().min(0).max(INT32_MAX).default(10_000),
  };
});

/**
 * Cross-field rules of the client options: `useTLS: true` with `tls: false` asks for TLS and for
 * plaintext at once; picking one silently (plaintext, before) is how credentials leak.
 */
export function refineClientConfig(o: { useTLS: boolean; tls?: unknown }, ctx: z.RefinementCtx): void {
  if (o.useTLS && o.tls === false) {
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'is false while useTLS is true: choose TLS or plaintext' });
  }
}

export const ClientConfigSchema = lazy(() => zod().strictObject(clientConfigShape()).superRefine(refineClientConfig));

/** What users pass (every key optional). */
export type ClientConfigInput = z.input<ReturnType<typeof ClientConfigSchema>>;
/** The validated settings, defaults filled in. */
export type ClientConfig = z.output<ReturnType<typeof ClientConfigSchema>>;

/** Java `ClientConfig.getNamespace`: the namespace option, else the id of an `MQ_INST_` name-server endpoint. */
export function effectiveNamespace(config: Pick<ClientConfig, 'namespace' | 'namesrvAddr'>): string | undefined {
  return resolveNamespace(config.namespace, config.namesrvAddr.join(';'));
}

/** Whether connections use TLS, and with which options. */
export function effectiveTls(config: Pick<ClientConfig, 'useTLS' | 'tls'>): tls.ConnectionOptions | undefined {
  if (config.tls === false) {
    if (config.useTLS) {
      throw new InvalidConfigError('Invalid client options: tls is false while useTLS is true', [
        { path: 'tls', message: 'is false while useTLS is true: choose TLS or plaintext' },
      ]);
    }
    return undefined;
  }
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
  const known = schema instanceof zod().ZodObject ? Object.keys(schema.shape as object) : [];
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
  return parseConfig(ClientConfigSchema(), input, 'client options');
}
