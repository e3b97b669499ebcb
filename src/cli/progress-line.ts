/**
 * A one-line progress bar on stderr for long sends, redrawn at most every 100 ms and only when stderr
 * is a terminal (pipes and files get nothing).
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private done = 0;
  private readonly start = performance.now();

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (this.stream.isTTY && total > 1) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
  }

  tick(n = 1): void {
    this.done += n;
  }

  private draw(): void {
    const width = 30;
    const frac = Math.min(1, this.done / this.total);
    const filled = Math.round(frac * width);
    const secs = (performance.now() - this.start) / 1000;
    const rate = secs > 0 ? Math.round(this.done / secs) : 0;
    this.stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${this.done}/${this.total} ${rate} msg/s\x1b[K`);
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.stream.write('\n');
  }
}
