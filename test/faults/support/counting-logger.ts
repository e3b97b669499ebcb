import type { LogFields, Logger } from '../../../src/logger';

/**
 * A Logger that counts what the client logs (by level and by message) and keeps the last few
 * entries, instead of printing a million lines during a fuzz run. Set `echo` to see them live.
 */
export class CountingLogger implements Logger {
  readonly byLevel = { debug: 0, info: 0, warn: 0, error: 0 };
  readonly byMessage = new Map<string, number>();
  readonly recent: { level: string; msg: string; fields?: LogFields }[] = [];

  constructor(private readonly echo = process.env.ROCKETMQ_FAULTS_ECHO_LOGS === '1') {}

  private add(level: keyof CountingLogger['byLevel'], msg: string, fields?: LogFields): void {
    this.byLevel[level]++;
    this.byMessage.set(msg, (this.byMessage.get(msg) ?? 0) + 1);
    this.recent.push({ level, msg, fields });
    if (this.recent.length > 50) this.recent.shift();
    if (this.echo && level !== 'debug') process.stderr.write(`${new Date().toISOString().slice(11, 23)} [${level}] ${msg} ${fields ? safeJson(fields) : ''}\n`);
  }

  /** How many logged messages contain `text` (any level). */
  count(text: string | RegExp): number {
    let n = 0;
    for (const [m, c] of this.byMessage) if (typeof text === 'string' ? m.includes(text) : text.test(m)) n += c;
    return n;
  }

  debug(msg: string, fields?: LogFields): void {
    this.add('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.add('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.add('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.add('error', msg, fields);
  }
  child(): Logger {
    return this;
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (x instanceof Error ? `${x.name}: ${x.message}` : typeof x === 'bigint' ? String(x) : x));
  } catch {
    return '';
  }
}
