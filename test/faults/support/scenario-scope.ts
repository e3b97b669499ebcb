import { ensureBrokerPair, healPair } from './broker-pair';
import { ProcessWatch } from './process-watch';

/**
 * The frame of a consumer fault scenario: before it, the broker pair is up and healed and the process
 * watch counts unhandled rejections; after it, everything the scenario started is closed (last first,
 * each failure ignored) and, with `healAfter`, the pair is healed again for the next scenario.
 */
export class ScenarioScope {
  readonly watch = new ProcessWatch();
  private readonly closers: (() => Promise<unknown>)[] = [];

  /** Registers `close(thing)` for afterAll; returns `thing`. */
  own<T>(thing: T, close: (t: T) => Promise<unknown> | unknown): T {
    this.closers.push(async () => close(thing));
    return thing;
  }

  async closeAll(): Promise<void> {
    for (const c of this.closers.splice(0).reverse()) await c().catch(() => {});
  }
}

export function scenarioScope(opts: { healAfter?: boolean } = {}): ScenarioScope {
  const scope = new ScenarioScope();
  beforeAll(async () => {
    scope.watch.start();
    await ensureBrokerPair();
    await healPair();
  }, 600_000);
  afterAll(async () => {
    await scope.closeAll();
    scope.watch.stop();
    if (opts.healAfter) await healPair();
  }, 600_000);
  return scope;
}
