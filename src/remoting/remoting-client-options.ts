import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { InvalidConfigError, type ConfigIssue } from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import { DEFAULT_MAX_FRAME_BYTES } from './protocol/frame-decoder';
import { DEFAULT_HEADER_LIMITS, type HeaderLimits } from './protocol/header-limits';
import { LanguageCode, type LanguageName } from './protocol/language-code';
import { DEFAULT_LANGUAGE, DEFAULT_REMOTING_VERSION } from './protocol/remoting-command';
import type { SerializeTypeName } from './protocol/serialize-type';
import type { RPCHook } from './rpc-hook';
import { protectTlsOptions } from './tls-secrets';

/** Where to connect; `tls` is the client's TLS setting, already resolved. */
export interface SocketTarget {
  host: string;
  port: number;
  addr: string;
  tls: tls.ConnectionOptions | undefined;
}

/**
 * Makes the socket for one connection (tests inject sockets that never connect). The socket must
 * emit `connect` (or `secureConnect` for a `tls.TLSSocket`) when usable, and `close` when gone.
 */
export type SocketFactory = (target: SocketTarget) => net.Socket;

export interface RemotingClientOptions {
  /** Name servers for calls made with a null address (`host:port` each). */
  namesrvAddrs?: string[];
  /** Header encoding of every frame this client writes. Default `JSON` (Java's default). */
  serializeType?: SerializeTypeName;
  /** Applied to outgoing commands still carrying the codec default (`OTHER`). */
  language?: LanguageName;
  /** Applied to outgoing commands still carrying the codec default (479). */
  version?: number;
  /** Java `connectTimeoutMillis`: 3000. */
  connectTimeoutMs?: number;
  /** Largest frame accepted from a peer, length prefix included. 16 MiB. */
  maxFrameBytes?: number;
  /** Ext fields one received header may carry (default 4096); more closes the connection. */
  maxExtFields?: number;
  /** Total key and value size of one received header's ext fields (default 4 MiB). */
  maxExtFieldsBytes?: number;
  /** Java `clientAsyncSemaphoreValue`: requests awaiting a response, beyond which calls are refused. */
  maxAsyncInflight?: number;
  /** Java `clientOnewaySemaphoreValue`: oneway requests not yet written. */
  maxOnewayInflight?: number;
  /** Java `clientChannelMaxIdleTimeSeconds` (120 s): a connection with no read or write this long is closed. 0 disables. */
  idleTimeoutMs?: number;
  /**
   * Java `clientCloseSocketIfTimeout` (true): when an `invoke()` times out after its request was
   * written, and more than 100 ms or a quarter of the budget was left after connecting, the
   * connection is closed so the next call gets a fresh one (and a name-server call moves on).
   */
  closeSocketIfTimeout?: boolean;
  rpcHooks?: RPCHook[];
  logger?: Logger;
  /** `true` uses Node's TLS defaults (certificates verified); an object is passed to `tls.connect`. */
  tls?: boolean | tls.ConnectionOptions;
  socketFactory?: SocketFactory;
  /** Append the caller's stack to errors of failed calls (costs a stack capture per call). */
  captureStack?: boolean;
}

export interface ResolvedRemotingClientOptions {
  namesrvAddrs: string[];
  serializeType: SerializeTypeName;
  language: LanguageName;
  version: number;
  connectTimeoutMs: number;
  maxFrameBytes: number;
  headerLimits: HeaderLimits;
  maxAsyncInflight: number;
  maxOnewayInflight: number;
  idleTimeoutMs: number;
  closeSocketIfTimeout: boolean;
  rpcHooks: RPCHook[];
  logger: Logger;
  tls: tls.ConnectionOptions | undefined;
  socketFactory: SocketFactory | undefined;
  captureStack: boolean;
}

const KNOWN_KEYS = new Set([
  'namesrvAddrs',
  'serializeType',
  'language',
  'version',
  'connectTimeoutMs',
  'maxFrameBytes',
  'maxExtFields',
  'maxExtFieldsBytes',
  'maxAsyncInflight',
  'maxOnewayInflight',
  'idleTimeoutMs',
  'closeSocketIfTimeout',
  'rpcHooks',
  'logger',
  'tls',
  'socketFactory',
  'captureStack',
]);

function intIn(issues: ConfigIssue[], path: string, v: unknown, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    issues.push({ path, message: `must be an integer in [${min}, ${max}]` });
    return fallback;
  }
  return v;
}

/** Validates once, in the constructor; every later call trusts the result. */
export function resolveRemotingClientOptions(input: RemotingClientOptions = {}): ResolvedRemotingClientOptions {
  const issues: ConfigIssue[] = [];
  if (typeof input !== 'object' || input === null) {
    throw new InvalidConfigError('RemotingClient options must be an object', [{ path: '', message: 'not an object' }]);
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) issues.push({ path: key, message: 'option is not supported' });
  }
  const o = input;
  const namesrvAddrs = o.namesrvAddrs ?? [];
  if (!Array.isArray(namesrvAddrs) || namesrvAddrs.some((a) => typeof a !== 'string' || a.length === 0)) {
    issues.push({ path: 'namesrvAddrs', message: 'must be an array of host:port strings' });
  }
  const serializeType = o.serializeType ?? 'JSON';
  if (serializeType !== 'JSON' && serializeType !== 'ROCKETMQ') {
    issues.push({ path: 'serializeType', message: "must be 'JSON' or 'ROCKETMQ'" });
  }
  const language = o.language ?? DEFAULT_LANGUAGE;
  if (typeof language !== 'string' || !Object.hasOwn(LanguageCode, language)) {
    issues.push({ path: 'language', message: 'must be a LanguageCode name' });
  }
  const version = intIn(issues, 'version', o.version, -32768, 0x7fffffff, DEFAULT_REMOTING_VERSION);
  if (serializeType === 'ROCKETMQ' && version > 32767) {
    issues.push({ path: 'version', message: 'does not fit the ROCKETMQ header (int16)' });
  }
  const out: ResolvedRemotingClientOptions = {
    namesrvAddrs: Array.isArray(namesrvAddrs) ? [...namesrvAddrs] : [],
    serializeType,
    language,
    version,
    connectTimeoutMs: intIn(issues, 'connectTimeoutMs', o.connectTimeoutMs, 1, 0x7fffffff, 3000),
    maxFrameBytes: intIn(issues, 'maxFrameBytes', o.maxFrameBytes, 64, 0x7fffffff, DEFAULT_MAX_FRAME_BYTES),
    headerLimits: {
      maxExtFields: intIn(issues, 'maxExtFields', o.maxExtFields, 1, 0x7fffffff, DEFAULT_HEADER_LIMITS.maxExtFields),
      maxExtFieldsBytes: intIn(issues, 'maxExtFieldsBytes', o.maxExtFieldsBytes, 1, 0x7fffffff, DEFAULT_HEADER_LIMITS.maxExtFieldsBytes),
    },
    maxAsyncInflight: intIn(issues, 'maxAsyncInflight', o.maxAsyncInflight, 1, 0x7fffffff, 65535),
    maxOnewayInflight: intIn(issues, 'maxOnewayInflight', o.maxOnewayInflight, 1, 0x7fffffff, 65535),
    idleTimeoutMs: intIn(issues, 'idleTimeoutMs', o.idleTimeoutMs, 0, 0x7fffffff, 120_000),
    closeSocketIfTimeout: o.closeSocketIfTimeout ?? true,
    rpcHooks: [],
    logger: o.logger ?? getDefaultLogger().child('remoting'),
    tls: o.tls === true ? {} : o.tls === false || o.tls === undefined || typeof o.tls !== 'object' ? undefined : protectTlsOptions(o.tls),
    socketFactory: o.socketFactory,
    captureStack: o.captureStack ?? false,
  };
  if (typeof out.closeSocketIfTimeout !== 'boolean') issues.push({ path: 'closeSocketIfTimeout', message: 'must be a boolean' });
  if (typeof out.captureStack !== 'boolean') issues.push({ path: 'captureStack', message: 'must be a boolean' });
  if (o.rpcHooks !== undefined) {
    if (!Array.isArray(o.rpcHooks)) issues.push({ path: 'rpcHooks', message: 'must be an array' });
    else {
      o.rpcHooks.forEach((h, i) => {
        if (!h || typeof h.doBeforeRequest !== 'function' || typeof h.doAfterResponse !== 'function') {
          issues.push({ path: `rpcHooks.${i}`, message: 'must implement doBeforeRequest and doAfterResponse' });
        } else out.rpcHooks.push(h);
      });
    }
  }
  if (o.tls !== undefined && typeof o.tls !== 'boolean' && (typeof o.tls !== 'object' || o.tls === null)) {
    issues.push({ path: 'tls', message: 'must be a boolean or tls.ConnectionOptions' });
  }
  if (o.socketFactory !== undefined && typeof o.socketFactory !== 'function') {
    issues.push({ path: 'socketFactory', message: 'must be a function' });
  }
  if (o.logger !== undefined && (typeof o.logger !== 'object' || typeof o.logger.debug !== 'function')) {
    issues.push({ path: 'logger', message: 'must implement the Logger interface' });
  }
  if (issues.length > 0) {
    const detail = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidConfigError(`invalid RemotingClient options: ${detail}`, issues);
  }
  return out;
}
