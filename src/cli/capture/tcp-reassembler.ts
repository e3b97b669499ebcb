/** Out-of-order segments held per direction before a gap is given up on. */
const MAX_HELD_SEGMENTS = 10_000;

/**
 * One direction of a TCP connection, put back in sequence order: retransmitted bytes are dropped,
 * overlapping segments trimmed, early segments held until the gap before them is filled. Sequence
 * numbers compare modulo 2^32.
 */
export class TcpStream {
  private next: number | undefined;
  private readonly held = new Map<number, Buffer>();
  /** Bytes held behind a gap that never filled (reported by the caller when the capture ends). */
  get heldBytes(): number {
    let n = 0;
    for (const b of this.held.values()) n += b.length;
    return n;
  }

  /** The in-order bytes this segment makes available (possibly several chunks, possibly none). */
  push(seq: number, syn: boolean, payload: Buffer): Buffer[] {
    if (syn) {
      this.next = (seq + 1) >>> 0;
      seq = this.next;
      if (payload.length === 0) return [];
    }
    if (payload.length === 0) return [];
    // A capture that starts mid-connection begins at the first byte it sees.
    if (this.next === undefined) this.next = seq;
    const out: Buffer[] = [];
    this.accept(seq, payload, out);
    let progressed = out.length > 0;
    while (progressed && this.held.size > 0) {
      progressed = false;
      for (const [s, b] of this.held) {
        if (((s - this.next!) | 0) <= 0) {
          this.held.delete(s);
          this.accept(s, b, out);
          progressed = true;
        }
      }
    }
    return out;
  }

  private accept(seq: number, payload: Buffer, out: Buffer[]): void {
    const delta = (seq - this.next!) | 0;
    if (delta > 0) {
      const have = this.held.get(seq);
      if ((!have || have.length < payload.length) && this.held.size < MAX_HELD_SEGMENTS) this.held.set(seq, payload);
      return;
    }
    if (-delta >= payload.length) return; // a retransmission of bytes already delivered
    const fresh = payload.subarray(-delta);
    out.push(fresh);
    this.next = (this.next! + fresh.length) >>> 0;
  }
}
