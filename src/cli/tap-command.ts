import { createWriteStream, type WriteStream } from 'node:fs';
import * as net from 'node:net';
import type { Command } from 'commander';
import { FrameDecoder, RemotingCommand } from '../wire';
import { PcapWriter, type PcapConnection } from './capture/pcap-writer';
import { CliError, EXIT_OK, parseHostPort } from './cli-error';
import { ConnectionFrames, type Direction } from './frame-describer';
import { writeJsonLine, writeLine } from './output';
import { formatRecord } from './readable-format';

interface TapOptions {
  listen: string;
  target: string;
  json?: boolean;
  write?: string;
}

const now = (): number => performance.timeOrigin + performance.now();

function probe(host: string, port: number, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => s.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve();
    });
    s.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

function listen(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** One proxied connection: bytes pass through untouched; a copy is split into frames and printed. */
function relay(client: net.Socket, target: { host: string; port: number }, o: TapOptions, pcap: PcapWriter | undefined): void {
  const upstream = net.connect({ host: target.host, port: target.port });
  const clientEnd = `${client.remoteAddress}:${client.remotePort}`;
  const conn = new ConnectionFrames(`${clientEnd}-${target.host}:${target.port}`);
  // The capture starts at accept: the client may write before the target has answered.
  const capture: PcapConnection | undefined = pcap?.open(client.remoteAddress ?? '127.0.0.1', client.remotePort ?? 0, target.host, target.port, now());
  const decoders = { 'client->server': new FrameDecoder(), 'server->client': new FrameDecoder() };
  const failed = new Set<Direction>();

  const observe = (dir: Direction, chunk: Buffer): void => {
    const t = now();
    capture?.data(dir === 'client->server', chunk, t);
    if (failed.has(dir)) return;
    try {
      for (const payload of decoders[dir].push(chunk)) {
        const cmd = RemotingCommand.decode(payload);
        const record = conn.describe(cmd, dir, t);
        if (o.json) writeJsonLine(record);
        else writeLine(formatRecord(record, cmd.body));
      }
      const err = decoders[dir].error;
      if (err) throw err;
    } catch (e) {
      // Decoding is only for display: the bytes are still forwarded unchanged.
      failed.add(dir);
      process.stderr.write(`rocketmq-ts tap: ${conn.conn} ${dir}: not decodable from here on (${(e as Error).message}); still forwarding\n`);
    }
  };

  upstream.once('connect', () => process.stderr.write(`rocketmq-ts tap: ${conn.conn} open\n`));
  client.on('data', (chunk: Buffer) => {
    if (!upstream.write(chunk)) client.pause();
    observe('client->server', chunk);
  });
  upstream.on('data', (chunk: Buffer) => {
    if (!client.write(chunk)) upstream.pause();
    observe('server->client', chunk);
  });
  // Flow control: a slow side pauses the other.
  upstream.on('drain', () => client.resume());
  client.on('drain', () => upstream.resume());
  const close = (why: string): void => {
    if (client.destroyed && upstream.destroyed) return;
    capture?.close(now());
    client.destroy();
    upstream.destroy();
    process.stderr.write(`rocketmq-ts tap: ${conn.conn} closed (${why})\n`);
  };
  client.on('end', () => upstream.end());
  upstream.on('end', () => client.end());
  client.on('close', () => close('client closed'));
  upstream.on('close', () => close('server closed'));
  client.on('error', (e) => close(`client: ${e.message}`));
  upstream.on('error', (e) => close(`target ${target.host}:${target.port}: ${e.message}`));
}

async function run(o: TapOptions): Promise<number> {
  const at = parseHostPort(o.listen, '--listen', true);
  const target = parseHostPort(o.target, '--target');
  try {
    await probe(target.host, target.port);
  } catch (e) {
    throw new CliError(`target ${o.target} is unreachable: ${(e as Error).message}`);
  }
  let file: WriteStream | undefined;
  let pcap: PcapWriter | undefined;
  const server = net.createServer((socket) => relay(socket, target, o, pcap));
  try {
    await listen(server, at.host, at.port);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? 'address already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new CliError(`cannot listen on ${o.listen}: ${why}`);
  }
  if (o.write) {
    const out = createWriteStream(o.write);
    file = out;
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', (e) => reject(new CliError(`cannot write ${o.write}: ${e.message}`)));
    }).catch((e) => {
      server.close();
      throw e;
    });
    out.on('error', (e) => process.stderr.write(`rocketmq-ts tap: writing ${o.write}: ${e.message}\n`));
    pcap = new PcapWriter((chunk) => out.write(chunk));
  }
  const addr = server.address() as net.AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
  process.stderr.write(`rocketmq-ts tap: listening on ${shown}, forwarding to ${o.target}${o.write ? `, writing ${o.write}` : ''}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close();
      for (const s of sockets) s.destroy();
      resolve();
    };
    const sockets = new Set<net.Socket>();
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Let the relays write their closing segments, then finish the capture file.
  await new Promise((r) => setImmediate(r));
  if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  return EXIT_OK;
}

export function registerTap(program: Command, action: (name: string, fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('tap')
    .description('a transparent TCP proxy that forwards bytes unchanged and prints every remoting frame both ways')
    .requiredOption('--listen <host:port>', 'where clients connect (port 0: any free port, printed on stderr)')
    .requiredOption('--target <host:port>', 'the name server or broker to forward to')
    .option('--json', 'one JSON line per frame (as decode prints them) instead of readable text')
    .option('--write <file>', 'also write a pcap capture (Ethernet/IPv4/TCP synthesized) that decode and Wireshark read')
    .addHelpText(
      'after',
      `
Responses are matched to requests by opaque; each shows the request it answers and the latency.
Nothing is rewritten: pointed at a name server, clients get the broker addresses it sends, so only
name-server traffic passes through unless clients are also pointed at a tap of the broker.
Runs until SIGINT or SIGTERM (exit 0). Exit codes: 1 cannot listen or the target is unreachable, 2 usage.`,
    )
    .action((o: TapOptions) => action('tap', () => run(o)));
}
