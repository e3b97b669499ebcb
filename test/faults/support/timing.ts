/**
 * Deadline checks that hold on a loaded machine. Each measured call runs next to a control: a plain
 * timer of the same length started at the same moment. Whatever stalls the process (GC, a starved
 * CPU, other test suites) delays the control as much as the client's own timer, so the client is
 * judged on what it adds: `lateMs` is how far it settled after max(deadline, control).
 */

export interface Timed<T> {
  ok: boolean;
  value?: T;
  err?: unknown;
  /** From start to settle. */
  ms: number;
  /** When the control timer fired (ms from start). */
  controlMs: number;
  /** Lateness attributable to the client: ms - max(deadlineMs, controlMs), never below 0. */
  lateMs: number;
  /** Lateness of the process itself: controlMs - deadlineMs. */
  loopLagMs: number;
}

export async function timedAgainstControl<T>(deadlineMs: number, fn: () => Promise<T>): Promise<Timed<T>> {
  const t0 = performance.now();
  let controlAt: number | undefined;
  const control = new Promise<void>((resolve) => {
    setTimeout(() => {
      controlAt = performance.now();
      resolve();
    }, deadlineMs);
  });
  let ok = false;
  let value: T | undefined;
  let err: unknown;
  try {
    value = await fn();
    ok = true;
  } catch (e) {
    err = e;
  }
  const settledAt = performance.now();
  // The control fires at most once the deadline is reached; a call that ended early need not wait for it.
  if (settledAt - t0 >= deadlineMs) await control;
  const ms = settledAt - t0;
  const controlMs = controlAt === undefined ? deadlineMs : controlAt - t0;
  return {
    ok,
    value,
    err,
    ms,
    controlMs,
    lateMs: Math.max(0, ms - Math.max(deadlineMs, controlMs)),
    loopLagMs: Math.max(0, controlMs - deadlineMs),
  };
}
