/**
 * The `rocketmq-ts` command against the real broker, each command as a child process: route and
 * cluster read the real name server, send stores messages the broker acknowledges, tap sits between
 * a rocketmq-ts producer and the broker and its capture decodes back to the same frames.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeCapture } from '../../src/cli/capture/capture-decoder';
import { readPcap } from '../../src/cli/capture/pcap-reader';
import { jsonLines, runCli, startCli } from '../helpers/run-cli';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { recordBrokerExchange } from './helpers/wire-recording';

jest.setTimeout(120_000);

interface Route {
  brokerDatas: { brokerName: string; cluster: string; brokerAddrs: Record<string, string> }[];
  queueDatas: { brokerName: string; perm: number }[];
}

describeBroker('rocketmq-ts CLI against a real broker', () => {
  const topic = uniqueName('rmqts_cli');
  let dir: string;
  let route: Route;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cli-e2e-'));
    const r = await runCli(['route', 'TBW102', '--json', '-n', namesrvAddr()]);
    expect(r.stderr).toBe('');
    route = jsonLines<Route>(r.stdout)[0]!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('cluster lists the broker the route names', async () => {
    const broker = route.brokerDatas[0]!;
    const json = await runCli(['cluster', '--json', '-n', namesrvAddr()]);
    expect(json.code).toBe(0);
    const info = jsonLines(json.stdout)[0] as { clusterAddrTable: Record<string, string[]>; brokerAddrTable: Record<string, { brokerAddrs: Record<string, string> }> };
    expect(info.clusterAddrTable[broker.cluster]).toContain(broker.brokerName);
    expect(info.brokerAddrTable[broker.brokerName]!.brokerAddrs['0']).toBe(broker.brokerAddrs['0']);
    const text = await runCli(['cluster', '-n', namesrvAddr()]);
    expect(text.stdout).toContain(`cluster ${broker.cluster}\n  ${broker.brokerName}  master ${broker.brokerAddrs['0']}`);
  });

  it('send stores messages (auto-created topic), then route shows the topic', async () => {
    const r = await runCli(['send', topic, 'cli e2e', '--tags', 'T', '-p', 'k=v', '--count', '20', '--async-window', '4', '--json', '-n', namesrvAddr()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(21);
    const ids = new Set(lines.slice(0, 20).map((l) => l.msgId));
    expect(ids.size).toBe(20);
    expect(lines.slice(0, 20).every((l) => l.status === 'SEND_OK')).toBe(true);
    expect(lines[20]).toMatchObject({ summary: { sent: 20, failed: 0 } });
    const shown = await runCli(['route', topic, '-n', namesrvAddr()]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`topic ${topic}`);
    const unknown = await runCli(['route', uniqueName('rmqts_none'), '-n', namesrvAddr()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/TOPIC_NOT_EXIST \(17\)/);
  });

  it('tail --from first reads back what send stored: bodies, keys, tags, properties', async () => {
    const tailTopic = uniqueName('rmqts_tail');
    const sent: { msgId: string }[] = [];
    for (const [body, tags, keys] of [['tail one', 'A', 'k1'], ['tail two', 'B', 'k2,k3'], ['tail three', 'A', 'k4']] as const) {
      const r = await runCli(['send', tailTopic, body, '--tags', tags, '--keys', keys, '-p', `b=${body}`, '--json', '-n', namesrvAddr()]);
      expect(r.code).toBe(0);
      sent.push(jsonLines<{ msgId: string }>(r.stdout)[0]!);
    }
    const r = await runCli(['tail', tailTopic, '--from', 'first', '--count', '3', '-n', namesrvAddr()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = jsonLines<{ msgId: string; body: string; bodyEncoding: string; tags: string; keys: string; properties: Record<string, string>; topic: string }>(r.stdout);
    expect(got.map((m) => m.msgId).sort()).toEqual(sent.map((m) => m.msgId).sort());
    const byBody = new Map(got.map((m) => [m.body, m]));
    expect(byBody.get('tail one')).toMatchObject({ topic: tailTopic, tags: 'A', keys: 'k1', bodyEncoding: 'utf8', properties: expect.objectContaining({ b: 'tail one' }) });
    expect(byBody.get('tail two')).toMatchObject({ tags: 'B', keys: 'k2 k3', properties: expect.objectContaining({ b: 'tail two' }) });
    expect(byBody.get('tail three')).toMatchObject({ tags: 'A', keys: 'k4' });
    const filtered = await runCli(['tail', tailTopic, '--from', 'first', '--tag', 'A', '--timeout', '3000', '-n', namesrvAddr()]);
    expect(filtered.code).toBe(0);
    expect(jsonLines<{ body: string }>(filtered.stdout).map((m) => m.body).sort()).toEqual(['tail one', 'tail three']);
  });

  it('tail --pop --from first reads the same messages through a SimpleConsumer and acks them', async () => {
    const popTopic = uniqueName('rmqts_tailpop');
    const bodies = ['pop one', 'pop two', 'pop three'];
    for (const body of bodies) expect((await runCli(['send', popTopic, body, '--tags', 'P', '--keys', body.replace(' ', '_'), '-n', namesrvAddr()])).code).toBe(0);
    const group = uniqueName('rmqts_tailpop_g');
    const r = await runCli(['tail', popTopic, '--pop', '--from', 'first', '--count', '3', '--group', group, '-n', namesrvAddr()], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = jsonLines<{ body: string; tags: string; keys: string }>(r.stdout);
    expect(got.map((m) => m.body).sort()).toEqual([...bodies].sort());
    for (const m of got) expect(m).toMatchObject({ tags: 'P', keys: m.body.replace(' ', '_') });
    // Acked: the group gets nothing more.
    const again = await runCli(['tail', popTopic, '--pop', '--from', 'first', '--group', group, '--timeout', '3000', '-n', namesrvAddr()], { timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('tap in front of the name server: route through it is unchanged and every frame is printed', async () => {
    const tap = startCli(['tap', '--listen', '127.0.0.1:0', '--target', namesrvAddr(), '--json']);
    try {
      const addr = (await tap.waitForStderr(/listening on (\S+),/))[1]!;
      const viaTap = await runCli(['route', 'TBW102', '--json', '-n', addr]);
      expect(jsonLines(viaTap.stdout)[0]).toEqual(route);
      await tap.waitForStderr(/closed/);
    } finally {
      expect(await tap.stop()).toBe(0);
    }
    const frames = jsonLines(tap.stdout());
    expect(frames.map((f) => [f.dir, f.kind, f.name])).toEqual([
      ['client->server', 'request', 'GET_ROUTEINFO_BY_TOPIC'],
      ['server->client', 'response', 'SUCCESS'],
    ]);
    expect(frames[1]).toMatchObject({ language: 'JAVA', requestName: 'GET_ROUTEINFO_BY_TOPIC', body: { route: { queueDatas: [{ brokerName: route.brokerDatas[0]!.brokerName }] } } });
  });

  it('tap --write records a producer<->broker exchange that decode reads back frame for frame', async () => {
    const broker = route.brokerDatas[0]!;
    const pcap = path.join(dir, 'exchange.pcap');
    const rec = await recordBrokerExchange(broker.brokerAddrs['0']!, broker.brokerName, topic, pcap);
    expect(rec.tapExitCode).toBe(0);
    const printed = jsonLines(rec.tapOutput);
    const decoded: Record<string, unknown>[] = [];
    const problems = decodeCapture(readPcap(readFileSync(pcap)), {}, ({ record }) => decoded.push({ ...record }));
    expect(problems).toEqual([]);
    const strip = (r: Record<string, unknown>): Record<string, unknown> => {
      const { time: _t, latencyMs: _l, ...rest } = r;
      return rest;
    };
    expect(JSON.parse(JSON.stringify(decoded.map(strip), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))).toEqual(printed.map(strip));
    const cli = await runCli(['decode', pcap]);
    expect(cli.code).toBe(0);
    const frames = jsonLines(cli.stdout);
    const send = frames.find((f) => f.name === 'SEND_MESSAGE_V2')!;
    expect(send).toMatchObject({ dir: 'client->server', body: { message: { topic, body: { text: 'hello wire' } } } });
    const sendResp = frames.find((f) => f.requestName === 'SEND_MESSAGE_V2')!;
    expect(sendResp).toMatchObject({ name: 'SUCCESS', language: 'JAVA', header: { class: 'SendMessageResponseHeader' } });
    const pulled = frames.find((f) => f.requestName === 'PULL_MESSAGE')!.body as { messages: { msgId: string; body: { text: string } }[] };
    expect(pulled.messages[0]).toMatchObject({ msgId: rec.msgIds[0], body: { text: 'hello wire' } });
    const batch = frames.find((f) => f.name === 'SEND_BATCH_MESSAGE')!.body as { messages: { properties: { UNIQ_KEY: string } }[] };
    expect(batch.messages.map((m) => m.properties.UNIQ_KEY)).toEqual(rec.msgIds.slice(1));
  });
});
