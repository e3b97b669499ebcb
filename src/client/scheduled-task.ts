import type { Logger } from '../logger';

/**
 * Java `scheduleAtFixedRate` for async work: first run after `initialDelayMs`, then every `periodMs`
 * measured from the previous start; a run that overruns delays the next one, runs never overlap.
 * Every failure is caught and logged; every timer is unref'd so it never keeps the process alive.
 */
export class ScheduledTask {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private running: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly initialDelayMs: number,
    private readonly periodMs: number,
    private readonly task: () => unknown,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.arm(this.initialDelayMs, this.now() + this.initialDelayMs);
  }

  /** Stops future runs; resolves when a run in progress (if any) has finished. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.running ?? Promise.resolve();
  }

  private arm(delayMs: number, dueAt: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        const next = dueAt + this.periodMs;
        this.arm(Math.max(0, next - this.now()), Math.max(next, this.now()));
      });
    }, delayMs);
    this.timer.unref?.();
  }

  private async runOnce(): Promise<void> {
    try {
      await this.task();
    } catch (err) {
      this.logger.error(`scheduled task ${this.name} failed`, { err });
    }
  }
}
