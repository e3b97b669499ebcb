import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RemotingCommand, RequestCode } from '../../../src/wire';
import { jsonLines, runCli } from '../../helpers/run-cli';

// Each test starts child processes; on a loaded machine that alone can take seconds (no speed is asserted).
jest.setTimeout(60_000);

const FIXTURE = path.join(__dirname, '..', '..', '..', 'fixtures', 'pcap', 'producer-broker.pcap');

interface Rec {
  conn: string;
  dir?: string;
  kind: string;
  name: string;
  code: number;
  opaque: number;
  requestName?: string;
  latencyMs?: number;
  header: { class?: string; fields: Record<string, unknown> };
  body?: Record<string, unknown>;
}

describe('rocketmq-ts decode (child process)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'cli-decode-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes the recorded producer<->broker pcap: directions, pairing, headers, messages', async () => {
    const r = await runCli(['decode', FIXTURE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const recs = jsonLines<Rec>(r.stdout);
    const send = recs.find((x) => x.name === 'SEND_MESSAGE_V2')!;
    expect(send).toMatchObject({ dir: 'client->server', kind: 'request', header: { class: 'SendMessageRequestHeaderV2' } });
    expect(send.body).toMatchObject({
      message: { topic: 'WireFixtureTopic', properties: { TAGS: 'TagA', KEYS: 'order-1', source: 'recording' }, body: { text: 'hello wire' } },
    });
    const sendResp = recs.find((x) => x.kind === 'response' && x.opaque === send.opaque && x.conn === send.conn)!;
    expect(sendResp).toMatchObject({ dir: 'server->client', requestName: 'SEND_MESSAGE_V2', header: { class: 'SendMessageResponseHeader' } });
    expect(sendResp.latencyMs).toBeGreaterThanOrEqual(0);
    const batch = recs.find((x) => x.name === 'SEND_BATCH_MESSAGE')!;
    expect((batch.body!.messages as { body: { text: string } }[]).map((m) => m.body.text)).toEqual(['batch one', 'batch two']);
    const pull = recs.find((x) => x.kind === 'response' && x.requestName === 'PULL_MESSAGE')!;
    const pulled = pull.body!.messages as { topic: string; body: { text: string }; storeHost: string }[];
    expect(pulled[0]).toMatchObject({ topic: 'WireFixtureTopic', body: { text: 'hello wire' } });
    expect(recs.filter((x) => x.name === 'HEART_BEAT')[0]!.body).toHaveProperty('json.producerDataSet');
  });

  it('decodes --hex and --base64 frames and pairs a response with its request', async () => {
    const req = RemotingCommand.createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'T' });
    req.opaque = 9;
    const resp = RemotingCommand.createResponse(17, 'no route', 9);
    const bytes = Buffer.concat([req.encode(), resp.encode()]);
    const hex = await runCli(['decode', '--hex', bytes.toString('hex').replace(/(.{16})/g, '$1 ')]);
    expect(hex.code).toBe(0);
    const recs = jsonLines<Rec>(hex.stdout);
    expect(recs.map((x) => [x.kind, x.name])).toEqual([
      ['request', 'GET_ROUTEINFO_BY_TOPIC'],
      ['response', 'TOPIC_NOT_EXIST'],
    ]);
    expect(recs[0]!.header).toEqual({ class: 'GetRouteInfoRequestHeader', fields: { topic: 'T' } });
    expect(recs[1]!.requestName).toBe('GET_ROUTEINFO_BY_TOPIC');
    const b64 = await runCli(['decode', '--base64', bytes.toString('base64')]);
    expect(jsonLines(b64.stdout)).toEqual(recs);
    const file = path.join(dir, 'stream.bin');
    writeFileSync(file, bytes);
    const raw = await runCli(['decode', file, '--readable']);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain('REQUEST GET_ROUTEINFO_BY_TOPIC(105) opaque=9');
    const stdin = await runCli(['decode', '-'], { input: bytes });
    expect(jsonLines(stdin.stdout)).toEqual(recs);
  });

  it('shows binary bodies as a hex dump in readable output', async () => {
    const req = RemotingCommand.createRequest(4242, { x: '1' }, Buffer.from([0, 1, 2, 0x41, 0x42]));
    const r = await runCli(['decode', '--hex', req.encode().toString('hex'), '--readable']);
    expect(r.stdout).toContain('header (raw) {x="1"}');
    expect(r.stdout).toMatch(/<00 01 02 41 42>\s+\.\.\.AB/);
  });

  const bad: [string, string[], RegExp, number][] = [
    ['bad hex', ['--hex', '00zz'], /^rocketmq-ts decode: --hex has a non-hex character "z" at position 2\n$/, 2],
    ['odd hex', ['--hex', '000'], /odd number of digits/, 2],
    ['bad base64', ['--base64', '@@@'], /not valid base64/, 2],
    ['two inputs', ['--hex', '00', '--base64', 'AA=='], /exactly one input/, 2],
    ['missing file', ['no-such-file.pcap'], /cannot read no-such-file.pcap: no such file/, 2],
    ['truncated frame', ['--hex', '0000002000000010'], /truncated input: \d+ bytes of an incomplete frame/, 1],
    ['bad frame length', ['--hex', '00000001aa'], /not a remoting frame: frame length 1/, 1],
  ];
  it.each(bad)('%s: one line on stderr, non-zero exit', async (_name, args, re, code) => {
    const r = await runCli(['decode', ...args]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a truncated pcap and a pcapng file with one line', async () => {
    const pcap = readFileSync(FIXTURE);
    const cut = path.join(dir, 'cut.pcap');
    writeFileSync(cut, pcap.subarray(0, pcap.length - 7));
    const r = await runCli(['decode', cut]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rocketmq-ts decode: truncated pcap: record \d+ at byte \d+ needs \d+ bytes, \d+ remain\n$/);
    expect(r.stdout).toBe('');
    const ng = path.join(dir, 'x.pcapng');
    writeFileSync(ng, Buffer.from('0a0d0d0a000000004d3c2b1a', 'hex'));
    const n = await runCli(['decode', ng, '--format', 'pcap']);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/pcapng files are not supported/);
  });
});
