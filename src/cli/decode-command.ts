import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FrameDecoder, RemotingCommand } from '../wire';
import { decodeCapture } from './capture/capture-decoder';
import { isPcap, readPcap } from './capture/pcap-reader';
import { CliError, EXIT_FAILURE, EXIT_OK, parseIntOption, usageError } from './cli-error';
import { ConnectionFrames, type FrameRecord } from './frame-describer';
import { writeJsonLine, writeLine } from './output';
import { formatRecord } from './readable-format';

interface DecodeOptions {
  hex?: string;
  base64?: string;
  format: string;
  serverPort: string[];
  readable?: boolean;
}

/** Hex as people paste it: whitespace, `0x` and `:` separators are allowed, anything else is refused. */
export function parseHex(text: string): Buffer {
  const clean = text.replace(/0x/gi, '').replace(/[\s:]/g, '');
  if (clean.length === 0) throw usageError('--hex is empty');
  const bad = /[^0-9a-fA-F]/.exec(clean);
  if (bad) throw usageError(`--hex has a non-hex character ${JSON.stringify(bad[0])} at position ${bad.index}`);
  if (clean.length % 2 !== 0) throw usageError(`--hex has an odd number of digits (${clean.length})`);
  return Buffer.from(clean, 'hex');
}

export function parseBase64(text: string): Buffer {
  const clean = text.replace(/\s/g, '');
  if (clean.length === 0) throw usageError('--base64 is empty');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw usageError('--base64 is not valid base64');
  return Buffer.from(clean, 'base64');
}

function readInput(file: string): Buffer {
  try {
    return file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw usageError(`cannot read ${file === '-' ? 'stdin' : file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

/** Frames back to back, each with its length prefix (what a TCP stream of one direction carries). */
function decodeStream(bytes: Buffer, print: (r: FrameRecord, c: RemotingCommand) => void): void {
  const decoder = new FrameDecoder();
  const frames = new ConnectionFrames('input');
  let payloads: Buffer[];
  try {
    payloads = decoder.push(bytes);
  } catch (e) {
    throw new CliError(`not a remoting frame: ${(e as Error).message}`);
  }
  let n = 0;
  for (const p of payloads) {
    n++;
    let cmd: RemotingCommand;
    try {
      cmd = RemotingCommand.decode(p);
    } catch (e) {
      throw new CliError(`frame ${n}: ${(e as Error).message}`);
    }
    print(frames.describe(cmd, undefined), cmd);
  }
  if (decoder.error) throw new CliError(`after frame ${n}: ${decoder.error.message}`);
  if (decoder.bufferedBytes > 0) {
    throw new CliError(`truncated input: ${decoder.bufferedBytes} bytes of an incomplete frame at the end${n === 0 ? ' (is the 4-byte length prefix included?)' : ''}`);
  }
}

async function run(file: string | undefined, o: DecodeOptions): Promise<number> {
  const sources = [o.hex !== undefined, o.base64 !== undefined, file !== undefined].filter(Boolean).length;
  if (sources !== 1) throw usageError('give exactly one input: --hex, --base64, or a file (- for stdin)');
  if (!['auto', 'pcap', 'raw'].includes(o.format)) throw usageError(`--format must be auto, pcap or raw, got ${JSON.stringify(o.format)}`);
  const serverPorts = new Set(o.serverPort.map((p) => parseIntOption(p, '--server-port', 1, 65535)));
  const bytes = o.hex !== undefined ? parseHex(o.hex) : o.base64 !== undefined ? parseBase64(o.base64) : readInput(file!);
  const print = (r: FrameRecord, c: RemotingCommand): void => {
    if (o.readable) writeLine(formatRecord(r, c.body));
    else writeJsonLine(r);
  };
  const asPcap = o.format === 'pcap' || (o.format === 'auto' && isPcap(bytes));
  if (!asPcap) {
    decodeStream(bytes, print);
    return EXIT_OK;
  }
  const problems = decodeCapture(readPcap(bytes), { serverPorts }, ({ record, command }) => print(record, command));
  for (const p of problems) process.stderr.write(`rocketmq-ts decode: ${p}\n`);
  return problems.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

export function registerDecode(program: Command, action: (name: string, fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('decode')
    .description('decode remoting frames from hex, base64, a raw byte stream or a pcap capture into one JSON line per frame')
    .argument('[file]', 'a pcap capture (classic libpcap) or a raw stream of length-prefixed frames; - reads stdin')
    .option('--hex <hex>', 'whole frames as hex, length prefix included (whitespace allowed)')
    .option('--base64 <base64>', 'whole frames as base64, length prefix included')
    .option('--format <format>', 'input format of the file: auto, pcap or raw', 'auto')
    .option('--server-port <port>', 'a port that is a server (name server, broker) when the capture lacks the handshake; repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--readable', 'print frames for people (hex dumps of binary bodies) instead of JSON lines')
    .addHelpText(
      'after',
      `
Output: one JSON object per frame: time, conn (client-server), dir (client->server or server->client),
kind (request, oneway, response), code and name, opaque, the response's request and latencyMs, the
custom header decoded by its class (raw ext fields for codes without one), and the body: messages of
send, batch and pull frames, JSON of routes and other JSON bodies, else text or base64.
pcap: link types Ethernet, Linux SLL and SLL2, null/loopback and raw IP; IPv4 and IPv6; TCP streams
are reassembled by sequence number (retransmissions and reordering handled).
Exit codes: 0 decoded, 1 a frame or stream could not be decoded, 2 invalid input or usage.`,
    )
    .action((file: string | undefined, o: DecodeOptions) => action('decode', () => run(file, o)));
}
