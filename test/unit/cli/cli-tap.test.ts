import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FrameDecoder, RemotingCommand, RequestCode } from '../../../src/wire';
import { closedPort } from '../../helpers/fake-remoting-server';
import { FakeRocketMQ } from '../../../src/testing';
import { jsonLines, runCli, startCli } from '../../helpers/run-cli';

// Each test starts child processes; on a loaded machine that alone can take seconds (no speed is asserted).
jest.setTimeout(60_000);

/** Writes `bytes` on a fresh connection and returns the first whole frame that comes back. */
function exchange(addr: string, bytes: Buffer): Promise<Buffer> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => s.write(bytes));
    const d = new FrameDecoder();
    s.on('data', (c: Buffer) => {
      const frames = d.push(c);
      if (frames.length > 0) {
        const p = frames[0]!;
        const len = Buffer.alloc(4);
        len.writeInt32BE(p.length);
        s.end();
        resolve(Buffer.concat([len, p]));
      }
    });
    s.on('error', reject);
  });
}

describe('rocketmq-ts tap (child process, fake name server)', () => {
  let fake: FakeRocketMQ;
  let dir: string;
  beforeAll(async () => {
    fake = await FakeRocketMQ.start({ topics: { TopicA: {} } });
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-tap-'));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards bytes unchanged, prints both directions with latency, writes a pcap that decode reads', async () => {
    const pcap = path.join(dir, 'tap.pcap');
    const tap = startCli(['tap', '--listen', '127.0.0.1:0', '--target', fake.namesrvAddr, '--json', '--write', pcap]);
    try {
      const addr = (await tap.waitForStderr(/listening on (\S+),/))[1]!;
      const req = RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA' });
      req.opaque = 42;
      const frame = req.encode();
      const viaTap = await exchange(addr, frame);
      const direct = await exchange(fake.namesrvAddr, frame);
      expect(viaTap).toEqual(direct);
      const received = fake.requests(RequestCode.GET_ROUTEINFO_BY_TOPIC).filter((r) => r.request.extFields?.topic === 'TopicA');
      expect(received.length).toBe(2);
      await tap.waitForStderr(/closed/);
    } finally {
      expect(await tap.stop()).toBe(0);
    }
    const recs = jsonLines(tap.stdout());
    expect(recs.map((r) => [r.dir, r.kind, r.name, r.opaque])).toEqual([
      ['client->server', 'request', 'GET_ROUTEINFO_BY_TOPIC', 42],
      ['server->client', 'response', 'SUCCESS', 42],
    ]);
    expect(recs[1]).toMatchObject({ requestName: 'GET_ROUTEINFO_BY_TOPIC', body: { route: { queueDatas: [{ brokerName: 'broker-a' }] } } });
    expect(recs[1]!.latencyMs).toBeGreaterThanOrEqual(0);
    const decoded = await runCli(['decode', pcap]);
    expect(decoded.code).toBe(0);
    const strip = (r: Record<string, unknown>): Record<string, unknown> => {
      const { time: _t, latencyMs: _l, ...rest } = r;
      return rest;
    };
    expect(jsonLines(decoded.stdout).map(strip)).toEqual(recs.map(strip));
  });

  it('prints readable frames by default', async () => {
    const tap = startCli(['tap', '--listen', '127.0.0.1:0', '--target', fake.namesrvAddr]);
    try {
      const addr = (await tap.waitForStderr(/listening on (\S+),/))[1]!;
      await exchange(addr, RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Nope' }).encode());
      await tap.waitForStderr(/closed/);
    } finally {
      await tap.stop();
    }
    expect(tap.stdout()).toMatch(/client->server REQUEST GET_ROUTEINFO_BY_TOPIC\(105\) opaque=0/);
    expect(tap.stdout()).toMatch(/server->client RESPONSE TOPIC_NOT_EXIST\(17\) opaque=0 to GET_ROUTEINFO_BY_TOPIC in [\d.]+ ms remark="No topic route info/);
  });

  it('a port in use, an unreachable target, bad addresses: one line, non-zero exit', async () => {
    const inUse = await runCli(['tap', '--listen', fake.namesrvAddr, '--target', fake.namesrvAddr]);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toBe(`rocketmq-ts tap: cannot listen on ${fake.namesrvAddr}: address already in use\n`);
    const port = await closedPort();
    const down = await runCli(['tap', '--listen', '127.0.0.1:0', '--target', `127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(new RegExp(`^rocketmq-ts tap: target 127.0.0.1:${port} is unreachable: .*ECONNREFUSED.*\\n$`));
    const bad = await runCli(['tap', '--listen', 'localhost', '--target', fake.namesrvAddr]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('rocketmq-ts tap: --listen "localhost" is not HOST:PORT\n');
    const unwritable = path.join(dir, 'no-such-dir', 'x.pcap');
    const noFile = await runCli(['tap', '--listen', '127.0.0.1:0', '--target', fake.namesrvAddr, '--write', unwritable]);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/^rocketmq-ts tap: cannot write .*x\.pcap: ENOENT/);
    expect(noFile.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await runCli(['tap', '--listen', '127.0.0.1:0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--target <host:port>' not specified/);
  });
});
