import { BrokerResponseError, InvalidArgumentError, InvalidConfigError, RocketMQError } from '../errors';
import { responseCodeName } from '../remoting/protocol/response-code';

/** Exit codes of every command: 0 done, 1 the operation failed, 2 the input or the usage was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the user should read as one line: no stack trace, a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Invalid input or usage (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

/** One line for any error: ours as written, the client's with its response code name, others by message. */
export function describeError(e: unknown): string {
  if (e instanceof BrokerResponseError) {
    const remark = e.remark ? `: ${e.remark}` : '';
    return `${responseCodeName(e.responseCode)} (${e.responseCode})${remark}`;
  }
  if (e instanceof RocketMQError) {
    const cause = e.cause instanceof Error && !e.message.includes(e.cause.message) ? ` (${e.cause.message})` : '';
    return `${e.message}${cause}`;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Writes `rocketmq-ts <command>: <message>` on stderr (one line) and returns the exit code. */
export function reportError(command: string, e: unknown): number {
  const line = describeError(e).replace(/\s*\n\s*/g, ' ');
  process.stderr.write(`rocketmq-ts ${command}: ${line}\n`);
  if (e instanceof CliError) return e.exitCode;
  // The client refused the input before any I/O (bad topic, property, option value).
  if (e instanceof InvalidArgumentError || e instanceof InvalidConfigError) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** `host:port` with a port in 0..65535 (0 where `allowZero`: let the system choose). */
export function parseHostPort(text: string, what: string, allowZero = false): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535 || (port === 0 && !allowZero)) {
    throw usageError(`${what} ${JSON.stringify(text)} is not HOST:PORT`);
  }
  return { host: (m[1] ?? m[2])!, port };
}

/** A whole number within bounds, for option values. */
export function parseIntOption(text: string, what: string, min: number, max: number): number {
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usageError(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}
