import { InvalidArgumentError, RemotingConnectError, RemotingTimeoutError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { NameServerSelector } from '../../../src/remoting/name-server-selector';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { closedPort, FakeRemotingServer } from '../../helpers/fake-remoting-server';

describe('NameServerSelector', () => {
  const addrs = ['10.0.0.1:9876', '10.0.0.2:9876', '10.0.0.3:9876'];

  test('round-robin over the shuffled list, each address once per cycle', () => {
    const s = new NameServerSelector();
    s.update(addrs);
    const list = s.addresses;
    expect([...list].sort()).toEqual(addrs);
    const first = s.next()!;
    const start = list.indexOf(first);
    const seq = [first, s.next(), s.next(), s.next()];
    expect(seq).toEqual([0, 1, 2, 3].map((i) => list[(start + i) % 3]));
    expect(s.chosen).toBe(seq[3]);
  });

  test('the list is replaced only when its content changes; an empty list is ignored', () => {
    const s = new NameServerSelector();
    expect(s.update(addrs).changed).toBe(true);
    expect(s.update([...addrs].reverse()).changed).toBe(false);
    expect(s.update([]).changed).toBe(false);
    expect(s.addresses).toHaveLength(3);
    expect(s.update(addrs.slice(0, 2)).changed).toBe(true);
  });

  test('reports the chosen address when the new list drops it', () => {
    const s = new NameServerSelector();
    s.update(addrs);
    const chosen = s.next()!;
    const rest = addrs.filter((a) => a !== chosen);
    expect(s.update(rest).dropped).toBe(chosen);
    expect(s.update(addrs).dropped).toBeUndefined();
  });

  test('the start index is random: over many selectors every address gets picked first', () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 200 && firsts.size < 3; i++) {
      const s = new NameServerSelector();
      s.update(['a:1', 'b:1', 'c:1']);
      firsts.add(s.next()!);
    }
    expect(firsts.size).toBe(3);
  });

  test('malformed addresses are refused', () => {
    expect(() => new NameServerSelector().update(['nope'])).toThrow(InvalidArgumentError);
    expect(() => new NameServerSelector().update(['h:99999'])).toThrow(InvalidArgumentError);
  });
});

describe('RemotingClient name-server failover (protocol.md 11.2)', () => {
  let servers: FakeRemotingServer[];
  let client: RemotingClient | undefined;

  beforeEach(async () => {
    servers = await Promise.all([0, 1, 2].map(() => FakeRemotingServer.start()));
  });

  afterEach(async () => {
    await client?.shutdown();
    client = undefined;
    await Promise.all(servers.map((s) => s.close()));
  });

  const byAddr = (addr: string) => servers.find((s) => s.addr === addr)!;
  const req = () => RemotingCommand.createRequest(105);

  test('sticks to the chosen name server while its connection is usable', async () => {
    client = new RemotingClient({ logger: silentLogger, namesrvAddrs: servers.map((s) => s.addr) });
    for (let i = 0; i < 5; i++) await client.invoke(null, req(), 3000);
    const used = servers.filter((s) => s.received.length > 0);
    expect(used).toHaveLength(1);
    expect(used[0]!.received).toHaveLength(5);
    expect(used[0]!.acceptedCount).toBe(1);
  });

  test('concurrent first calls share one name server connection', async () => {
    client = new RemotingClient({ logger: silentLogger, namesrvAddrs: servers.map((s) => s.addr) });
    await Promise.all(Array.from({ length: 10 }, () => client!.invoke(null, req(), 3000)));
    expect(servers.reduce((n, s) => n + s.acceptedCount, 0)).toBe(1);
  });

  test('a timed-out call closes the channel; the next call moves to the next address round-robin', async () => {
    client = new RemotingClient({ logger: silentLogger, namesrvAddrs: servers.map((s) => s.addr) });
    const list = client.getNameServerAddressList();
    await client.invoke(null, req(), 3000);
    const first = servers.findIndex((s) => s.received.length === 1);
    const firstAddr = servers[first]!.addr;
    servers[first]!.setHandler(() => {}); // goes silent
    await expect(client.invoke(null, req(), 50)).rejects.toBeInstanceOf(RemotingTimeoutError);
    await client.invoke(null, req(), 3000);
    const expectedNext = list[(list.indexOf(firstAddr) + 1) % list.length]!;
    expect(byAddr(expectedNext).received).toHaveLength(1);
  });

  test('a name server that refuses connections is skipped within the same call', async () => {
    const dead = `127.0.0.1:${await closedPort()}`;
    // The start index is random, so about half of these fresh clients try the dead address first;
    // without the in-call failover those first calls would fail (all 20 passing by luck: 2^-20).
    for (let attempt = 0; attempt < 20; attempt++) {
      const c = new RemotingClient({ logger: silentLogger, namesrvAddrs: [dead, servers[0]!.addr] });
      try {
        expect((await c.invoke(null, req(), 3000)).code).toBe(0);
        expect((await c.invoke(null, req(), 3000)).code).toBe(0);
      } finally {
        await c.shutdown();
      }
    }
  });

  test('when every name server refuses, the call fails with a RemotingConnectError', async () => {
    const deadA = `127.0.0.1:${await closedPort()}`;
    const deadB = `127.0.0.1:${await closedPort()}`;
    const c = new RemotingClient({ logger: silentLogger, namesrvAddrs: [deadA, deadB] });
    try {
      const err = await c.invoke(null, req(), 3000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemotingConnectError);
      expect([deadA, deadB]).toContain((err as RemotingConnectError).addr);
    } finally {
      await c.shutdown();
    }
  });

  test('updating the list without the chosen address closes its connection', async () => {
    client = new RemotingClient({ logger: silentLogger, namesrvAddrs: servers.map((s) => s.addr) });
    const gone: string[] = [];
    client.on('disconnected', (a) => gone.push(a));
    await client.invoke(null, req(), 3000);
    const chosen = servers.find((s) => s.received.length === 1)!;
    const rest = servers.filter((s) => s !== chosen).map((s) => s.addr);
    client.updateNameServerAddressList(rest);
    expect([...client.getNameServerAddressList()].sort()).toEqual([...rest].sort());
    await client.invoke(null, req(), 3000);
    expect(chosen.received).toHaveLength(1);
    for (let i = 0; i < 50 && gone.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(gone).toEqual([chosen.addr]);
  });

  test('invokeNameServer: a silent name server is bypassed for the next one within the timeout; the one that answered becomes the chosen one', async () => {
    const [silent, live] = servers;
    silent!.setHandler(() => {});
    client = new RemotingClient({ logger: silentLogger, namesrvAddrs: [silent!.addr, live!.addr] });
    // Whichever comes first in the shuffled list, every call is answered, well inside its 1 s.
    for (let i = 0; i < 4; i++) {
      const begin = Date.now();
      const res = await client.invokeNameServer(req, 1000);
      expect(res.code).toBe(0);
      expect(Date.now() - begin).toBeLessThan(1000);
    }
    // After the first answer the live one is chosen: later calls go straight to it.
    expect(silent!.received.length).toBeLessThanOrEqual(1);
    expect(live!.received).toHaveLength(4);
  });

  test('invokeNameServer: every name server silent or refusing: the call fails at its timeout, typed', async () => {
    const [silent] = servers;
    silent!.setHandler(() => {});
    client = new RemotingClient({ logger: silentLogger, namesrvAddrs: [silent!.addr, `127.0.0.1:${await closedPort()}`] });
    const begin = Date.now();
    const err = await client.invokeNameServer(req, 400).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemotingTimeoutError);
    expect(Date.now() - begin).toBeLessThan(400 + 1000);
  });

  test('no name server configured: a non-retriable RemotingConnectError', async () => {
    client = new RemotingClient({ logger: silentLogger });
    const err = (await client.invoke(null, req(), 1000).catch((e: unknown) => e)) as RemotingConnectError;
    expect(err).toBeInstanceOf(RemotingConnectError);
    expect(err.retriable).toBe(false);
  });
});
