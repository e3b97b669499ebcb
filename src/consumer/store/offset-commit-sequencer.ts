import type { MessageQueue } from '../../client/message-queue';

/**
 * How long after it was sent a pull still carrying another commit offset is waited for by the final commit
 * of its queue; older, it is taken as processed (suspended in a long poll). Counted from the send, so that
 * releases of many queues one after another do not add up their waits.
 */
export const FINAL_COMMIT_PULL_WAIT_MS = 2000;

/** A pull in flight that carries a commit offset (PullSysFlag COMMIT_OFFSET): the broker stores it when it takes the pull. */
interface PullCommit {
  readonly commitOffset: bigint;
  readonly sentAt: number;
  /** Final commits waiting for this pull's answer (only they need a promise: none is made per pull). */
  waiters?: Array<() => void>;
}

/** One queue's commits in flight: the UPDATE_CONSUMER_OFFSET being sent, and the pulls carrying an offset. */
interface QueueCommits {
  sending?: { offset: bigint; done: Promise<boolean> };
  readonly pulls: Set<PullCommit>;
}

/**
 * The order in which one queue's offsets reach the broker. The broker takes the last value it processes,
 * and an UPDATE_CONSUMER_OFFSET and a PULL_MESSAGE run on different broker executors, so two requests in
 * flight at once can land in either order, and the group's offset could move back. Here:
 * - one UPDATE_CONSUMER_OFFSET per queue at a time (checked requests, so "answered" means "processed");
 *   a commit that finds one in flight waits for it, then reads the value again (the last requested value
 *   wins) and sends it only if the one it waited for did not already take it;
 * - the final commit of a released queue first waits (bounded) for the answers of the queue's pulls that
 *   carry another offset (older; or newer, when a reset moves the offset back): the broker stores a pull's
 *   offset when it first takes the pull, before a long poll, so an answered or long-suspended pull cannot
 *   land after the final commit.
 *
 * @internal
 */
export class OffsetCommitSequencer {
  private readonly queues = new Map<string, QueueCommits>();

  constructor(private readonly pullWaitMs = FINAL_COMMIT_PULL_WAIT_MS) {}

  /** A pull of `mq` carrying `commitOffset` is about to be sent; the answer to call once it is answered or failed. */
  pullStarted(mq: MessageQueue, commitOffset: bigint): () => void {
    const key = mq.key();
    const q = this.of(key);
    const entry: PullCommit = { commitOffset, sentAt: Date.now() };
    q.pulls.add(entry);
    return () => {
      q.pulls.delete(entry);
      for (const w of entry.waiters ?? []) w();
      this.forgetIfIdle(key);
    };
  }

  /**
   * Sends the value `current()` gives at send time with `send`, in order with the queue's other commits.
   * Resolves without sending when the value is gone (the queue was forgotten) or was just sent; rejects
   * with `send`'s error.
   */
  async commit(mq: MessageQueue, current: () => bigint | undefined, send: (offset: bigint) => Promise<void>, final: boolean): Promise<void> {
    const key = mq.key();
    if (final) await this.pullsAnswered(key, current());
    let covered: bigint | undefined;
    for (;;) {
      const q = this.of(key);
      if (q.sending) {
        const { offset, done } = q.sending;
        covered = (await done) ? offset : undefined;
        continue;
      }
      // No await between the check above and taking the slot: one sender per queue.
      const offset = current();
      if (offset === undefined || offset === covered) return this.forgetIfIdle(key);
      const sent = send(offset);
      const done = sent.then(
        () => true,
        () => false,
      );
      q.sending = { offset, done };
      try {
        return await sent;
      } finally {
        if (q.sending?.done === done) q.sending = undefined;
        this.forgetIfIdle(key);
      }
    }
  }

  /** Waits for the answers of the pulls of the queue carrying an offset other than `offset`, each until `pullWaitMs` after its send. */
  private async pullsAnswered(key: string, offset: bigint | undefined): Promise<void> {
    const pulls = this.queues.get(key)?.pulls;
    if (offset === undefined || !pulls) return;
    const other = [...pulls].filter((p) => p.commitOffset !== offset);
    const waitMs = Math.max(0, ...other.map((p) => p.sentAt)) + this.pullWaitMs - Date.now();
    if (other.length === 0 || waitMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => {
      timer = setTimeout(r, waitMs);
      timer.unref?.();
    });
    const answered = other.map((p) => new Promise<void>((r) => (p.waiters ??= []).push(r)));
    await Promise.race([Promise.all(answered), bound]);
    clearTimeout(timer);
  }

  private of(key: string): QueueCommits {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = { pulls: new Set() }));
    return q;
  }

  private forgetIfIdle(key: string): void {
    const q = this.queues.get(key);
    if (q && !q.sending && q.pulls.size === 0) this.queues.delete(key);
  }
}
