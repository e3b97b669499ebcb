/**
 * The life cycle every benchmark script shares: set up, measure, report, always tear down (workers and the
 * broker we started), and on SIGINT/SIGTERM stop what runs and exit 130.
 */
export interface BenchLifecycle<R> {
  setUp(): Promise<void>;
  measure(): Promise<R>;
  report(result: R, startedAt: Date): void;
  tearDown(): Promise<void>;
  /** Stops a run in progress (default: tearDown). */
  abort?(): Promise<void>;
}

export function runBenchMain<R>(make: () => BenchLifecycle<R>, log: (line: string) => void): void {
  const startedAt = new Date();
  let interrupted = false;
  let bench: BenchLifecycle<R> | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted || !bench) return;
    interrupted = true;
    const b = bench;
    log(`${sig}: stopping workers and broker`);
    (b.abort ?? b.tearDown).call(b).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const main = async (): Promise<void> => {
    // Bad options throw here and end as "failed: ..." with exit 1.
    const b = make();
    bench = b;
    try {
      await b.setUp();
      const result = await b.measure();
      if (!interrupted) b.report(result, startedAt);
    } finally {
      if (!interrupted) await b.tearDown();
    }
  };
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(1);
    },
  );
}
