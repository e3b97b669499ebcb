import { REDACTED, REDACTED_EXT_FIELDS } from './redaction';
import { boundPeerText } from './peer-text';

/**
 * Injectable logging. The default is quiet (warn and above to stderr); `ROCKETMQ_LOG_LEVEL`
 * (debug|info|warn|error|silent) overrides it. Pass `logger` in the options to route logs elsewhere.
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
