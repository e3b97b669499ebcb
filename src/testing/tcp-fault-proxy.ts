import * as net from 'node:net';

/**
 * A TCP proxy on loopback that sits between a client and a server (broker or name server) and injects
 * network faults on command while a test runs: added latency, stalls, dropped connections, half-close,
 * a blackhole, refused connections. Every method applies at once to the live connections and to the
 * ones accepted afterwards, so a test can script a fault sequence with plain awaits.
 */

export type Direction = 'up' | 'down' | 'both';

export interface TcpFaultProxyOptions {
  /** `host:port` of the server behind the proxy. */
  target: string;
  /** Port to listen on (default: an ephemeral port). */
  listenPort?: number;
}

export interface ProxyStats {
  accepted: number;
  open: number;
  bytesUp: number;
  bytesDown: number;
  /** Bytes thrown away by the blackhole. */
  bytesDiscarded: number;
}

/** One direction of one proxied connection: reads from `from`, writes to `to`, with the current faults. */
class Pipe {
  private queue: { due: number; chunk: Buffer }[] = [];
  private timer: NodeJS.Timeout | undefined;
  stalled = false;
  private held: Buffer[] = [];

  constructor(
    private readonly proxy: TcpFaultProxy,
    readonly dir: 'up' | 'down',
    private readonly from: net.Socket,
    private readonly to: net.Socket,
  ) {
    from.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onData(chunk: Buffer): void {
    if (this.proxy.isBlackholed(this.dir)) {
      this.proxy.countDiscarded(chunk.length);
      return;
    }
    if (this.stalled) {
      this.held.push(chunk);
      return;
    }
    const latency = this.proxy.latencyFor(this.dir);
    if (latency <= 0 && this.queue.length === 0) {
      this.forward(chunk);
      return;
    }
    this.queue.push({ due: Date.now() + latency, chunk });
    this.schedule();
  }

  private forward(chunk: Buffer): void {
    if (this.to.destroyed || !this.to.writable) return;
    this.proxy.countBytes(this.dir, chunk.length);
    this.to.write(chunk);
  }

  /** Delivers queued chunks in order once each one's delay has passed. */
  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.due - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0]!.due <= now && !this.stalled) {
        this.forward(this.queue.shift()!.chunk);
      }
      if (!this.stalled) this.schedule();
    }, wait);
    this.timer.unref();
  }

  stall(): void {
    this.stalled = true;
  }

  resume(): void {
    if (!this.stalled) return;
    this.stalled = false;
    const held = this.held;
    this.held = [];
    for (const c of held) this.onData(c);
    this.schedule();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.held = [];
  }
}

class ProxiedConnection {
  readonly up: Pipe;
  readonly down: Pipe;
  closed = false;

  constructor(
    proxy: TcpFaultProxy,
    readonly client: net.Socket,
    readonly server: net.Socket,
  ) {
    this.up = new Pipe(proxy, 'up', client, server);
    this.down = new Pipe(proxy, 'down', server, client);
  }

  pipes(direction: Direction): Pipe[] {
    if (direction === 'up') return [this.up];
    if (direction === 'down') return [this.down];
    return [this.up, this.down];
  }

  destroy(reset: boolean): void {
    this.closed = true;
    this.up.dispose();
    this.down.dispose();
    for (const s of [this.client, this.server]) {
      if (s.destroyed) continue;
      if (reset && typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening') s.resetAndDestroy();
      else s.destroy();
    }
  }
}

export class TcpFaultProxy {
  private readonly server: net.Server;
  private readonly targetHost: string;
  private readonly targetPort: number;
  private readonly listenPort: number;
  private readonly conns = new Set<ProxiedConnection>();
  private latencyUp = 0;
  private latencyDown = 0;
  private blackholeUp = false;
  private blackholeDown = false;
  private stalledDirs: Direction | undefined;
  private refusing = false;
  private listening = false;
  private closedForGood = false;
  private readonly counters = { accepted: 0, bytesUp: 0, bytesDown: 0, bytesDiscarded: 0 };
  private port = 0;

  private constructor(options: TcpFaultProxyOptions) {
    const i = options.target.lastIndexOf(':');
    this.targetHost = options.target.slice(0, i);
    this.targetPort = Number(options.target.slice(i + 1));
    this.listenPort = options.listenPort ?? 0;
    this.server = net.createServer({ noDelay: true }, (sock) => this.accept(sock));
    this.server.on('error', () => {
      /* listen errors surface through listen(); nothing else is expected */
    });
  }

  static async start(options: TcpFaultProxyOptions): Promise<TcpFaultProxy> {
    const p = new TcpFaultProxy(options);
    await p.listen(p.listenPort);
    return p;
  }

  /** `127.0.0.1:<port>`: give this to the client instead of the target address. */
  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  get stats(): ProxyStats {
    return { ...this.counters, open: this.conns.size };
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
        this.server.off('error', onError);
        this.port = (this.server.address() as net.AddressInfo).port;
        this.listening = true;
        resolve();
      });
    });
  }

  private accept(client: net.Socket): void {
    this.counters.accepted++;
    client.setNoDelay(true);
    client.on('error', () => {});
    const server = net.connect({ host: this.targetHost, port: this.targetPort, noDelay: true });
    server.on('error', () => {});
    const conn = new ProxiedConnection(this, client, server);
    this.conns.add(conn);
    if (this.stalledDirs) for (const p of conn.pipes(this.stalledDirs)) p.stall();
    // Bytes the client writes before the upstream connect completes are buffered by the upstream socket.
    const drop = (): void => {
      if (conn.closed) return;
      this.conns.delete(conn);
      conn.destroy(false);
    };
    // A FIN from one side is passed on as a FIN to the other (true half-close), unless blackholed.
    client.on('end', () => {
      if (!this.blackholeUp && !server.destroyed) server.end();
    });
    server.on('end', () => {
      if (!this.blackholeDown && !client.destroyed) client.end();
    });
    client.on('close', drop);
    server.on('close', drop);
  }

  /** @internal used by the pipes */
  isBlackholed(dir: 'up' | 'down'): boolean {
    return dir === 'up' ? this.blackholeUp : this.blackholeDown;
  }

  /** @internal */
  latencyFor(dir: 'up' | 'down'): number {
    return dir === 'up' ? this.latencyUp : this.latencyDown;
  }

  /** @internal */
  countBytes(dir: 'up' | 'down', n: number): void {
    if (dir === 'up') this.counters.bytesUp += n;
    else this.counters.bytesDown += n;
  }

  /** @internal */
  countDiscarded(n: number): void {
    this.counters.bytesDiscarded += n;
  }

  /** Adds `ms` of one-way delay to every chunk in the given direction (order is preserved). 0 removes it. */
  setLatency(ms: number, direction: Direction = 'both'): void {
    if (direction !== 'down') this.latencyUp = ms;
    if (direction !== 'up') this.latencyDown = ms;
  }

  /**
   * Stops forwarding in the given direction: bytes are held, not lost, and delivered by `resume()`.
   * Connections stay open. New connections start stalled too.
   */
  stall(direction: Direction = 'both'): void {
    this.stalledDirs = direction;
    for (const c of this.conns) for (const p of c.pipes(direction)) p.stall();
  }

  resume(): void {
    this.stalledDirs = undefined;
    for (const c of this.conns) for (const p of c.pipes('both')) p.resume();
  }

  /**
   * Accepts and reads, but forwards nothing in the given direction, ever: bytes vanish and no FIN
   * passes. A peer behind a dead router looks like this.
   */
  blackhole(direction: Direction = 'both', on = true): void {
    if (direction !== 'down') this.blackholeUp = on;
    if (direction !== 'up') this.blackholeDown = on;
  }

  /** Abruptly drops every open connection: RST to both sides when `reset`, otherwise a plain close. */
  dropAll(reset = true): number {
    const n = this.conns.size;
    for (const c of [...this.conns]) {
      this.conns.delete(c);
      c.destroy(reset);
    }
    return n;
  }

  /**
   * Half-close: sends a FIN to the client (`'client'`) or to the server (`'server'`) on every open
   * connection while the opposite direction stays open.
   */
  halfClose(side: 'client' | 'server'): void {
    for (const c of this.conns) {
      if (side === 'client') {
        c.down.stall();
        c.client.end();
      } else {
        c.up.stall();
        c.server.end();
      }
    }
  }

  /**
   * Closes the listening socket and drops every connection, so that connects get ECONNREFUSED: a server
   * that is down. `allow()` listens again on the same port.
   */
  async refuse(): Promise<void> {
    this.refusing = true;
    this.dropAll(true);
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }

  async allow(): Promise<void> {
    if (this.closedForGood) return;
    this.refusing = false;
    if (!this.listening) await this.listen(this.port);
  }

  get isRefusing(): boolean {
    return this.refusing;
  }

  /** Removes every fault; connections stay as they are. */
  heal(): void {
    this.latencyUp = 0;
    this.latencyDown = 0;
    this.blackholeUp = false;
    this.blackholeDown = false;
    this.resume();
  }

  /** Waits until at least `n` connections were accepted in total (bounded). */
  async waitForAccepted(n: number, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.counters.accepted < n) {
      if (Date.now() > until) {
        throw new RangeError(`proxy accepted ${this.counters.accepted} connections, wanted ${n} within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async close(): Promise<void> {
    this.closedForGood = true;
    this.dropAll(false);
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
  }
}
