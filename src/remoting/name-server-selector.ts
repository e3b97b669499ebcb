import { InvalidArgumentError } from '../errors';
import { parseAddress } from './address';

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = list[i]!;
    list[i] = list[j]!;
    list[j] = t;
  }
  return list;
}

/**
 * Java's name-server choice (protocol.md 11.2): the list is shuffled when it changes, the index
 * starts at a random value in [0, 999), the chosen address is kept while its connection is usable,
 * and otherwise the next one round-robin becomes the chosen one. A failed call closes its connection
 * and the next call moves on; a name server that refuses the connection is also skipped within the
 * same call (RemotingClient.toNameServer), which Java does not do.
 */
export class NameServerSelector {
  private list: string[] = [];
  private index = Math.floor(Math.random() * 999);
  private chosenAddr: string | undefined;

  /** Validates every entry; refuses the whole list if one is malformed. */
  static validate(addrs: readonly string[]): void {
    if (!Array.isArray(addrs)) throw new InvalidArgumentError('name server list must be an array of host:port strings');
    for (const a of addrs) parseAddress(a);
  }

  /**
   * Replaces the list when its content changed (Java ignores an empty list). Returns the chosen
   * address when it is no longer listed, so the caller closes its connection.
   */
  update(addrs: readonly string[]): { changed: boolean; dropped: string | undefined } {
    NameServerSelector.validate(addrs);
    if (addrs.length === 0) return { changed: false, dropped: undefined };
    const old = this.list;
    const changed = addrs.length !== old.length || addrs.some((a) => !old.includes(a));
    if (!changed) return { changed: false, dropped: undefined };
    this.list = shuffle([...addrs]);
    let dropped: string | undefined;
    if (this.chosenAddr !== undefined && !this.list.includes(this.chosenAddr)) dropped = this.chosenAddr;
    return { changed: true, dropped };
  }

  get addresses(): string[] {
    return [...this.list];
  }

  get chosen(): string | undefined {
    return this.chosenAddr;
  }

  /**
   * The order a name-server call tries: the chosen address first while `keepChosen` (its connection is
   * usable), else the next one round-robin (which becomes the chosen one); then the rest of the list.
   */
  candidates(keepChosen: boolean): string[] {
    if (this.list.length === 0) return [];
    const chosen = this.chosenAddr;
    const first = keepChosen && chosen !== undefined && this.list.includes(chosen) ? chosen : this.next()!;
    const i = this.list.indexOf(first);
    return [...this.list.slice(i), ...this.list.slice(0, i)];
  }

  /** The name server that answered becomes the chosen one (if still listed). */
  choose(addr: string): void {
    if (this.list.includes(addr)) this.chosenAddr = addr;
  }

  /** The next address round-robin, which becomes the chosen one; `undefined` when the list is empty. */
  next(): string | undefined {
    if (this.list.length === 0) return undefined;
    this.index = (this.index + 1) | 0;
    // Java: Math.abs(index) % size; abs of int32 min stays negative there, so guard it here.
    const i = Math.abs(this.index) % this.list.length;
    this.chosenAddr = this.list[i]!;
    return this.chosenAddr;
  }
}
