import * as net from 'node:net';
import { TcpFaultProxy } from '../helpers/tcp-fault-proxy';

/** Self-test of the fault proxy against a loopback echo server: each fault does what it says. */

let echo: net.Server;
let echoAddr: string;
const serverSockets = new Set<net.Socket>();

beforeAll(async () => {
  echo = net.createServer((s) => {
    serverSockets.add(s);
    s.on('error', () => {});
    s.on('close', () => serverSockets.delete(s));
    s.on('data', (d) => s.write(d));
    s.on('end', () => s.end());
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoAddr = `127.0.0.1:${(echo.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of serverSockets) s.destroy();
  await new Promise<void>((r) => echo.close(() => r()));
});

function connect(addr: string): Promise<net.Socket> {
  const [host, port] = addr.split(':');
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port: Number(port) }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends `text` and resolves with the echoed text, or 'timeout' after `ms`. */
function roundTrip(sock: net.Socket, text: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const timer = setTimeout(() => {
      sock.off('data', onData);
      resolve('timeout');
    }, ms);
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= text.length) {
        clearTimeout(timer);
        sock.off('data', onData);
        resolve(got);
      }
    };
    sock.on('data', onData);
    sock.write(text);
  });
}

function closed(sock: net.Socket): Promise<{ error?: string }> {
  return new Promise((resolve) => {
    let error: string | undefined;
    sock.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
    sock.on('close', () => resolve({ error }));
  });
}

describe('TcpFaultProxy', () => {
  let proxy: TcpFaultProxy;
  beforeEach(async () => {
    proxy = await TcpFaultProxy.start({ target: echoAddr });
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('forwards both ways and counts bytes', async () => {
    const s = await connect(proxy.addr);
    expect(await roundTrip(s, 'hello', 2000)).toBe('hello');
    expect(proxy.stats.bytesUp).toBe(5);
    expect(proxy.stats.bytesDown).toBe(5);
    s.destroy();
  });

  it('adds latency in each direction, keeping order', async () => {
    proxy.setLatency(80);
    const s = await connect(proxy.addr);
    const t0 = Date.now();
    expect(await roundTrip(s, 'abcdef', 3000)).toBe('abcdef');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    proxy.setLatency(0);
    s.destroy();
  });

  it('stall holds bytes until resume', async () => {
    const s = await connect(proxy.addr);
    proxy.stall();
    expect(await roundTrip(s, 'x', 150)).toBe('timeout');
    const later = roundTrip(s, 'y', 2000);
    proxy.resume();
    // The held 'x' comes first, then 'y'.
    expect(await later).toBe('xy');
    s.destroy();
  });

  it('blackhole swallows bytes and never closes', async () => {
    const s = await connect(proxy.addr);
    proxy.blackhole();
    expect(await roundTrip(s, 'lost', 200)).toBe('timeout');
    expect(proxy.stats.bytesDiscarded).toBeGreaterThan(0);
    expect(s.destroyed).toBe(false);
    proxy.blackhole('both', false);
    expect(await roundTrip(s, 'back', 2000)).toBe('back');
    s.destroy();
  });

  it('dropAll resets live connections', async () => {
    const s = await connect(proxy.addr);
    const done = closed(s);
    await proxy.waitForAccepted(1);
    expect(proxy.dropAll()).toBe(1);
    expect((await done).error).toBe('ECONNRESET');
  });

  it('halfClose(client) sends a FIN to the client', async () => {
    const s = await connect(proxy.addr);
    await proxy.waitForAccepted(1);
    const ended = new Promise<void>((r) => s.once('end', () => r()));
    proxy.halfClose('client');
    await ended;
    s.destroy();
  });

  it('refuse makes connects fail with ECONNREFUSED until allow', async () => {
    const addr = proxy.addr;
    await proxy.refuse();
    await expect(connect(addr)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.allow();
    expect(proxy.addr).toBe(addr);
    const s = await connect(addr);
    expect(await roundTrip(s, 'again', 2000)).toBe('again');
    s.destroy();
  });
});
