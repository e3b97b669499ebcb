/**
 * Repeated identical log events, logged once and then summarised. A dead or hostile peer fails every
 * send the same way; one line per failure buries the first, useful one (a broker outage under four
 * senders once wrote 139,352 warnings). The callers still get every failure as a typed error: only the
 * log is condensed.
 */
import type { LogFields, Logger } from './logger';

type DedupLevel = 'info' | 'warn' | 'error';

/** One event kind and what was held back of it since its last line. */
interface Repeats {
  readonly out: Logger;
  readonly level: DedupLevel;
  readonly msg: string;
  /** Fields of the latest occurrence held back (the summary carries them). */
  fields: LogFields | undefined;
  /** Occurrences held back since the last line. */
  count: number;
  firstAt: number;
  lastAt: number;
}

/** The peer an event is about, from the field names this client logs with. */
function peerOf(fields: LogFields | undefined): unknown {
  if (!fields) return undefined;
  return fields.addr ?? fields.brokerAddr ?? fields.remoteAddr ?? fields.broker ?? fields.brokerName ?? fields.topic;
}

/** The error code (typed errors) or name of the event's error, else its request/response code. */
function codeOf(fields: LogFields | undefined): unknown {
  if (!fields) return undefined;
  const err = fields.err ?? fields.error;
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? code : (err as { name?: unknown }).name;
  }
  return fields.code;
}

/**
 * A logger wrapper: info, warn and error events are keyed by (logger namespace, level, message,
 * peer, error code). The first of a kind is logged at once; later identical ones are counted, and every
 * `intervalMs` (an unref'd timer) each kind that repeated gets one line at its level,
 * `<message> (repeated N times between <first> and <last>)`, with the latest occurrence's fields plus
 * `repeated`, `firstAt`, `lastAt`. A kind quiet for a whole interval is forgotten, so its next
 * occurrence is logged at once again. `flush()` writes the pending summaries (at shutdown). Debug
 * events pass through. `intervalMs` 0 turns it off.
 */
export class LogDeduplicator {
  /** The deduplicating logger; its children share this deduplicator. */
  readonly logger: Logger;
  private readonly kinds = new Map<string, Repeats>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    base: Logger,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.logger = this.wrap(base, '');
  }

  /** Event kinds being watched (for tests). */
  get size(): number {
    return this.kinds.size;
  }

  private wrap(out: Logger, ns: string): Logger {
    return {
      debug: (msg, fields) => out.debug(msg, fields),
      info: (msg, fields) => this.log(out, ns, 'info', msg, fields),
      warn: (msg, fields) => this.log(out, ns, 'warn', msg, fields),
      error: (msg, fields) => this.log(out, ns, 'error', msg, fields),
      child: (name) => this.wrap(out.child(name), `${ns}/${name}`),
    };
  }

  private log(out: Logger, ns: string, level: DedupLevel, msg: string, fields: LogFields | undefined): void {
    if (this.intervalMs <= 0) {
      out[level](msg, fields);
      return;
    }
    const key = `${ns}\u0000${level}\u0000${msg}\u0000${String(peerOf(fields))}\u0000${String(codeOf(fields))}`;
    const now = this.now();
    const seen = this.kinds.get(key);
    if (seen === undefined) {
      this.kinds.set(key, { out, level, msg, fields: undefined, count: 0, firstAt: now, lastAt: now });
      this.arm();
      out[level](msg, fields);
      return;
    }
    if (seen.count === 0) seen.firstAt = now;
    seen.count++;
    seen.lastAt = now;
    seen.fields = fields;
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** One summary line per kind that repeated since its last line; forgets kinds quiet for an interval. */
  flush(): void {
    const now = this.now();
    for (const [key, r] of this.kinds) {
      if (r.count > 0) {
        const firstAt = new Date(r.firstAt).toISOString();
        const lastAt = new Date(r.lastAt).toISOString();
        const fields = { ...r.fields, repeated: r.count, firstAt, lastAt };
        const line = `${r.msg} (repeated ${r.count} times between ${firstAt} and ${lastAt})`;
        r.count = 0;
        r.fields = undefined;
        try {
          r.out[r.level](line, fields);
        } catch {
          // A user logger that throws must not break the timer.
        }
      } else if (now - r.lastAt >= this.intervalMs) {
        this.kinds.delete(key);
      }
    }
    if (this.kinds.size === 0) this.stop();
  }

  /** Writes the pending summaries and stops the timer (a later event starts it again). */
  close(): void {
    this.flush();
    this.stop();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
