/**
 * Watches the test process for what must never happen under faults: unhandled rejections and
 * uncaught exceptions. Jest would report some of them late or not at all; this counts them.
 */
export class ProcessWatch {
  readonly unhandled: unknown[] = [];
  readonly uncaught: unknown[] = [];
  private readonly onRejection = (reason: unknown): void => {
    this.unhandled.push(reason);
  };
  private readonly onException = (err: unknown): void => {
    this.uncaught.push(err);
  };

  start(): this {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    return this;
  }

  stop(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }
}

/** Polls `cond` every 5 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
