/**
 * RemotingClient round trips against an in-process stub server that answers at once.
 *   node -r ./scripts/ts-register.cjs bench/pipeline.bench.ts
 * Prints one JSON line per case:
 *   pipeline-256: request/response round trips per second with 256 calls in flight on one connection,
 *                 plus process CPU per round trip and the main loop's utilization (a shared machine
 *                 lowers frames_per_s but hardly cpu_us_per_call);
 *   ping-pong:    latency percentiles with one call in flight.
 * The stub runs in a worker thread so its CPU does not share the client's event loop; it parses only
 * the length prefix and the opaque, and answers with a JSON header as a broker would.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { RemotingCommand } from '../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../src/remoting/remoting-client';
import { silentLogger } from '../src/logger';

const PIPELINE_CALLS = Number(process.env.BENCH_PIPELINE_CALLS ?? 300_000);
const PING_PONG_CALLS = Number(process.env.BENCH_PING_PONG_CALLS ?? 20_000);
const IN_FLIGHT = 256;

const STUB_SOURCE = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
const OPAQUE_KEY = Buffer.from('"opaque":');
function respond(opaque) {
  const header = Buffer.from('{"code":0,"flag":1,"language":"JAVA","opaque":' + opaque +
    ',"serializeTypeCurrentRPC":"JSON","version":479}');
  const out = Buffer.allocUnsafe(8 + header.length);
  out.writeInt32BE(4 + header.length, 0);
  out.writeInt32BE(header.length, 4);
  header.copy(out, 8);
  return out;
}
function opaqueOf(buf, start, end) {
  const info = buf.readInt32BE(start);
  const type = (info >>> 24) & 0xff;
  const h = start + 4;
  if (type === 1) return buf.readInt32BE(h + 5);
  const at = buf.indexOf(OPAQUE_KEY, h);
  let i = at + OPAQUE_KEY.length, n = 0, neg = false;
  if (buf[i] === 45) { neg = true; i++; }
  while (i < end && buf[i] >= 48 && buf[i] <= 57) { n = n * 10 + (buf[i] - 48); i++; }
  return neg ? -n : n;
}
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let pos = 0;
    const out = [];
    while (buf.length - pos >= 4) {
      const len = buf.readInt32BE(pos);
      if (buf.length - pos - 4 < len) break;
      out.push(respond(opaqueOf(buf, pos + 4, pos + 4 + len)));
      pos += 4 + len;
    }
    pending = buf.subarray(pos);
    if (out.length) socket.write(out.length === 1 ? out[0] : Buffer.concat(out));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'stop') server.close(() => process.exit(0)); });
`;

function request(): RemotingCommand {
  return RemotingCommand.createRequest(105).addExtField('topic', 'BenchmarkTopic');
}

interface PipelineResult {
  framesPerS: number;
  /** Process CPU (both threads, user + system) per round trip: robust to a busy machine. */
  cpuUsPerCall: number;
  /** Main event-loop utilization: near 1 means the client thread was the bottleneck. */
  elu: number;
}

async function pipeline(client: RemotingClient, addr: string, calls: number): Promise<PipelineResult> {
  let issued = 0;
  const lane = async () => {
    while (issued < calls) {
      issued++;
      await client.invoke(addr, request(), 10_000);
    }
  };
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  return { framesPerS: calls / seconds, cpuUsPerCall: (cpu.user + cpu.system) / calls, elu };
}

async function pingPong(client: RemotingClient, addr: string, calls: number): Promise<{ p50: number; p99: number }> {
  const samples = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await client.invoke(addr, request(), 10_000);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort();
  return { p50: samples[Math.floor(calls * 0.5)]!, p99: samples[Math.floor(calls * 0.99)]! };
}

async function main(): Promise<void> {
  const worker = new Worker(STUB_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const addr = `127.0.0.1:${port}`;
  const client = new RemotingClient({ logger: silentLogger });
  try {
    await pipeline(client, addr, Math.min(50_000, PIPELINE_CALLS)); // warm-up (JIT, connection)
    const r = await pipeline(client, addr, PIPELINE_CALLS);
    console.log(
      JSON.stringify({
        case: 'pipeline-256',
        impl: 'rocketmq-ts',
        serializeType: 'JSON',
        calls: PIPELINE_CALLS,
        frames_per_s: Math.round(r.framesPerS),
        cpu_us_per_call: Number(r.cpuUsPerCall.toFixed(2)),
        event_loop_utilization: Number(r.elu.toFixed(2)),
      }),
    );
    await pingPong(client, addr, 2_000);
    const { p50, p99 } = await pingPong(client, addr, PING_PONG_CALLS);
    console.log(
      JSON.stringify({
        case: 'ping-pong',
        impl: 'rocketmq-ts',
        serializeType: 'JSON',
        calls: PING_PONG_CALLS,
        p50_us: Math.round(p50),
        p99_us: Math.round(p99),
      }),
    );
  } finally {
    await client.shutdown();
    worker.postMessage('stop');
    await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
