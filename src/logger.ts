import { REDACTED, REDACTED_EXT_FIELDS } from './redaction';
import { boundPeerText } from './peer-text';

/**
 * Injectable logging. The default is quiet (warn and above to stderr); `ROCKETMQ_LOG_LEVEL`
 * (debug|info|warn|error|silent) overrides it. Pass `logger` in the options to route logs elsewhere: a
 * rocketmq-ts `Logger`, a pino or winston logger, or `console` work as they are (see `adaptLogger`).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(namespace: string): Logger;
}

/**
 * What the `logger` option accepts: anything with the four level methods. A rocketmq-ts `Logger`; a pino logger
 * (called as `info(fields, msg)`, children via `child({ component })`); a winston logger (`info(msg, fields)`,
 * `child({ component })`); or a console-like object (`info('[component] msg', fields)`).
 */
export interface LoggerLike {
  debug(...args: never[]): unknown;
  info(...args: never[]): unknown;
  warn(...args: never[]): unknown;
  error(...args: never[]): unknown;
  child?: unknown;
}

/** Characters of one string field (or error message) a log line keeps. */
const MAX_LOGGED_CHARS = 2048;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function levelFromEnv(): LogLevel {
  const v = (process.env.ROCKETMQ_LOG_LEVEL ?? '').toLowerCase();
  return v in ORDER ? (v as LogLevel) : 'warn';
}

function render(fields: LogFields | undefined): string {
  if (!fields) return '';
  try {
    return ' ' + JSON.stringify(fields, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (REDACTED_EXT_FIELDS.includes(_k) && typeof v === 'string') return REDACTED;
      // Field values may be peer text (remarks, names from route bodies): bounded, length noted.
      if (typeof v === 'string') return boundPeerText(v, MAX_LOGGED_CHARS);
      if (v instanceof Error) return { name: v.name, message: boundPeerText(v.message, MAX_LOGGED_CHARS) };
      return v;
    });
  } catch {
    return '';
  }
}

export function createConsoleLogger(level: LogLevel = levelFromEnv(), namespace = 'rocketmq'): Logger {
  const min = ORDER[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void => {
    if (ORDER[lvl] < min) return;
    process.stderr.write(`${new Date().toISOString()} ${lvl.toUpperCase()} [${namespace}] ${boundPeerText(msg, MAX_LOGGED_CHARS)}${render(fields)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (ns) => createConsoleLogger(level, `${namespace}:${ns}`),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

let defaultLogger: Logger | undefined;
export function getDefaultLogger(): Logger {
  defaultLogger ??= createConsoleLogger();
  return defaultLogger;
}

type Level = Exclude<LogLevel, 'silent'>;
type AnyFn = (...args: unknown[]) => unknown;
const ADAPTED = Symbol('rocketmq-ts.adaptedLogger');
const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];

function fn(target: object, key: string): AnyFn | undefined {
  const v = (target as Record<string, unknown>)[key];
  return typeof v === 'function' ? (v as AnyFn) : undefined;
}

/** pino: `bindings()` and a `levels` table; takes `(fields, msg)`. */
function isPino(l: object): boolean {
  return fn(l, 'bindings') !== undefined && typeof (l as { levels?: unknown }).levels === 'object';
}

/** winston: `log()` plus a transports list; takes `(msg, fields)`. */
function isWinston(l: object): boolean {
  return fn(l, 'log') !== undefined && fn(l, 'add') !== undefined && 'transports' in l;
}

/** Whether `v` can be passed as the `logger` option. */
export function isLoggerLike(v: unknown): v is LoggerLike {
  return typeof v === 'object' && v !== null && LEVELS.every((m) => fn(v, m) !== undefined);
}

/**
 * A rocketmq-ts `Logger` over what the user passed. Our components name themselves with `child('producer')`
 * etc.; for pino and winston that becomes a child logger with a `component` field (`rocketmq:producer`), for a
 * console-like logger a `[rocketmq:producer]` prefix. Fields stay an object: structured, never interpolated.
 */
export function adaptLogger(target: LoggerLike, namespace = 'rocketmq'): Logger {
  if ((target as { [ADAPTED]?: boolean })[ADAPTED] === true) return target as unknown as Logger;
  const pino = isPino(target);
  const structured = pino || isWinston(target);
  if (!structured && fn(target, 'child') !== undefined && namespace === 'rocketmq') {
    // A rocketmq-ts Logger (child takes a name) is used as it is.
    return target as unknown as Logger;
  }
  const childFn = fn(target, 'child');
  const sink: object = structured && childFn !== undefined ? (childFn.call(target, { component: namespace }) as object) : target;
  const emit = (level: Level, msg: string, fields?: LogFields): void => {
    const method = fn(sink, level);
    if (method === undefined) return;
    if (pino) method.call(sink, fields ?? {}, msg);
    else if (structured) method.call(sink, msg, fields ?? {});
    else if (fields === undefined) method.call(sink, `[${namespace}] ${msg}`);
    else method.call(sink, `[${namespace}] ${msg}`, fields);
  };
  const logger: Logger & { [ADAPTED]: true } = {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (ns) => adaptLogger(target, `${namespace}:${ns}`),
    [ADAPTED]: true,
  };
  return logger;
}
