import type { Logger } from '../logger';
import type { ClientGroups } from './client-groups';

/**
 * Java `RebalanceService` plus the instance's consumer-wide chores: rebalance every consumer group
 * (periodically and on demand, overlapping requests merged into one more run) and persist offsets.
 */
export class RebalanceService {
  private run: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly groups: ClientGroups,
    private readonly isRunning: () => boolean,
    private readonly log: Logger,
  ) {}

  /** The run in progress, if any (shutdown waits for it). */
  get inFlight(): Promise<void> | undefined {
    return this.run;
  }

  /** Java `RebalanceService.wakeup` / `rebalanceImmediately`: one rebalance now (runs that overlap are merged). */
  rebalanceImmediately(): Promise<void> {
    if (this.run) {
      this.again = true;
      return this.run;
    }
    this.run = (async () => {
      do {
        this.again = false;
        await this.doRebalance();
      } while (this.again && this.isRunning());
    })().finally(() => (this.run = undefined));
    return this.run;
  }

  /** Java `doRebalance`: every consumer, errors logged. */
  async doRebalance(): Promise<void> {
    for (const [group, c] of [...this.groups.consumerTable]) {
      try {
        await c.doRebalance();
      } catch (err) {
        this.log.error('doRebalance failed', { group, err });
      }
    }
  }

  /** Java `persistAllConsumerOffset`. */
  async persistAllConsumerOffset(): Promise<void> {
    for (const c of [...this.groups.consumerTable.values()]) await c.persistConsumerOffset();
  }
}
