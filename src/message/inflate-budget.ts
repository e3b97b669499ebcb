/** Default for `FrameInflateBudget`: bytes all the bodies of one frame may inflate to. */
export const DEFAULT_MAX_INFLATED_BYTES_PER_FRAME = 64 * 1024 * 1024;

/**
 * Bytes the bodies of one frame may still inflate to. An inflate reserves its whole allowance before
 * it starts and gives back what it did not use, so concurrent inflates never overrun the budget.
 */
export class FrameInflateBudget {
  private available: number;

  constructor(readonly maxBytes: number = DEFAULT_MAX_INFLATED_BYTES_PER_FRAME) {
    this.available = maxBytes;
  }

  get remaining(): number {
    return this.available;
  }

  /** Takes up to `want` bytes; returns how many were taken. */
  reserve(want: number): number {
    const got = Math.min(want, this.available);
    this.available -= got;
    return got;
  }

  /** Returns `bytes` of a reservation that were not used. */
  release(bytes: number): void {
    this.available = Math.min(this.maxBytes, this.available + bytes);
  }
}
