/**
 * A stub NameServer + Broker for `npm run bench:producer -- --stub`: it answers route lookups with one broker
 * and acknowledges every send at once, without storing anything, so a client run against it measures the
 * client's own cost per message. Sends take a fast path (code, opaque and flag are read straight from the
 * header bytes and the response is a prebuilt template with the opaque patched in), and all the responses to
 * one read go out in one write: the stub must stay cheaper than the client it serves.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { FrameDecoder } from '../../src/remoting/protocol/frame-decoder';
import { RemotingCommand, newExtFields, RPC_ONEWAY } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../src/remoting/protocol/response-code';

const SEND_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE,
  RequestCode.SEND_MESSAGE_V2,
  RequestCode.SEND_BATCH_MESSAGE,
]);

export interface StubBrokerOptions {
  /** Write queues in every route (default 8). */
  queues?: number;
  brokerName?: string;
  clusterName?: string;
}

export interface StubStats {
  /** Send requests acknowledged (a batch counts once). */
  sends: number;
  oneways: number;
  otherRequests: number;
  connections: number;
}

const JSON_TYPE = 0;
const ROCKETMQ_TYPE = 1;

/** Digits of a non-negative or negative integer at `pos` in an ASCII buffer. */
function readIntAt(buf: Buffer, pos: number, end: number): number | undefined {
  let neg = false;
  if (buf[pos] === 0x2d) {
    neg = true;
    pos++;
  }
  let v = 0;
  let any = false;
  while (pos < end) {
    const c = buf[pos]!;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    any = true;
    pos++;
  }
  if (!any) return undefined;
  return neg ? -v : v;
}

const CODE_KEY = Buffer.from('{"code":');
const OPAQUE_KEY = Buffer.from('"opaque":');
const FLAG_KEY = Buffer.from('"flag":');

interface FastHeader {
  code: number;
  opaque: number;
  flag: number;
  serialize: number;
}

/**
 * Code, opaque and flag of a request without decoding it. A JSON header is scanned for its top-level keys
 * (a JSON string cannot contain an unescaped `"opaque":`, so the last match is the real field); undefined when
 * the header does not look as expected, and the caller decodes it fully.
 */
function fastHeader(payload: Buffer): FastHeader | undefined {
  if (payload.length < 4) return undefined;
  const info = payload.readInt32BE(0);
  const serialize = (info >>> 24) & 0xff;
  const headerLen = info & 0xffffff;
  const end = 4 + headerLen;
  if (end > payload.length) return undefined;
  if (serialize === ROCKETMQ_TYPE) {
    if (headerLen < 21) return undefined;
    return { code: payload.readInt16BE(4), opaque: payload.readInt32BE(9), flag: payload.readInt32BE(13), serialize };
  }
  if (serialize !== JSON_TYPE) return undefined;
  const header = payload.subarray(4, end);
  if (!header.subarray(0, CODE_KEY.length).equals(CODE_KEY)) return undefined;
  const code = readIntAt(header, CODE_KEY.length, header.length);
  const o = header.lastIndexOf(OPAQUE_KEY);
  const f = header.lastIndexOf(FLAG_KEY);
  if (code === undefined || o < 0 || f < 0) return undefined;
  const opaque = readIntAt(header, o + OPAQUE_KEY.length, header.length);
  const flag = readIntAt(header, f + FLAG_KEY.length, header.length);
  if (opaque === undefined || flag === undefined) return undefined;
  return { code, opaque, flag, serialize };
}

/** A send response of either serialize type, with only the opaque varying. */
class SendAckTemplate {
  private readonly jsonHead: string;
  private readonly jsonTail: string;
  private readonly binary: Buffer;

  constructor() {
    const ext = newExtFields();
    ext.msgId = '7F00000100002A9F0000000000000000';
    ext.queueId = '0';
    ext.queueOffset = '0';
    ext.MSG_REGION = 'DefaultRegion';
    ext.TRACE_ON = 'false';
    const cmd = new RemotingCommand({ code: ResponseCode.SUCCESS, language: 'JAVA', flag: 1, opaque: 0, extFields: ext });
    const json = cmd.encode().subarray(8).toString('utf8');
    const at = json.indexOf('"opaque":0') + '"opaque":'.length;
    this.jsonHead = json.slice(0, at);
    this.jsonTail = json.slice(at + 1);
    cmd.serializeType = 'ROCKETMQ';
    this.binary = cmd.encode();
  }

  frame(serialize: number, opaque: number): Buffer {
    if (serialize === ROCKETMQ_TYPE) {
      const out = Buffer.allocUnsafe(this.binary.length);
      this.binary.copy(out);
      out.writeInt32BE(opaque, 8 + 5);
      return out;
    }
    const header = this.jsonHead + String(opaque) + this.jsonTail;
    const len = Buffer.byteLength(header);
    const out = Buffer.allocUnsafe(8 + len);
    out.writeInt32BE(4 + len, 0);
    out.writeInt32BE(len, 4);
    out.write(header, 8, 'latin1');
    return out;
  }
}

export class StubBroker {
  readonly stats: StubStats = { sends: 0, oneways: 0, otherRequests: 0, connections: 0 };
  private readonly queues: number;
  private readonly brokerName: string;
  private readonly clusterName: string;
  private readonly ack = new SendAckTemplate();
  private readonly sockets = new Set<Socket>();
  private namesrv: Server | undefined;
  private broker: Server | undefined;
  private brokerAddr = '';
  bytesIn = 0;

  constructor(options: StubBrokerOptions = {}) {
    this.queues = options.queues ?? 8;
    this.brokerName = options.brokerName ?? 'stub-broker';
    this.clusterName = options.clusterName ?? 'StubCluster';
  }

  /** Listens on two ephemeral loopback ports; returns the NameServer address. */
  async start(): Promise<string> {
    this.broker = await this.listen();
    this.brokerAddr = `127.0.0.1:${(this.broker.address() as AddressInfo).port}`;
    this.namesrv = await this.listen();
    return `127.0.0.1:${(this.namesrv.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await Promise.all(
      [this.namesrv, this.broker].map(
        (srv) => new Promise<void>((resolve) => (srv ? srv.close(() => resolve()) : resolve())),
      ),
    );
    this.namesrv = undefined;
    this.broker = undefined;
  }

  private listen(): Promise<Server> {
    return new Promise((resolve, reject) => {
      const srv = createServer((sock) => this.serve(sock));
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    });
  }

  private serve(sock: Socket): void {
    this.stats.connections++;
    this.sockets.add(sock);
    sock.setNoDelay(true);
    const decoder = new FrameDecoder();
    sock.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      let out: Buffer[] = [];
      try {
        for (const payload of decoder.push(chunk)) {
          const r = this.handle(payload);
          if (r) out.push(r);
        }
      } catch (err) {
        if (process.env.BENCH_STUB_DEBUG) process.stderr.write(`stub: closing a connection: ${String(err)}\n`);
        sock.destroy();
        return;
      }
      if (out.length === 1) sock.write(out[0]!);
      else if (out.length > 1) sock.write(Buffer.concat(out));
      out = [];
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => this.sockets.delete(sock));
  }

  private handle(payload: Buffer): Buffer | undefined {
    const fast = fastHeader(payload);
    if (fast && SEND_CODES.has(fast.code)) {
      if ((fast.flag & RPC_ONEWAY) !== 0) {
        this.stats.oneways++;
        return undefined;
      }
      this.stats.sends++;
      return this.ack.frame(fast.serialize, fast.opaque);
    }
    const req = RemotingCommand.decode(payload);
    if (req.isOneway) {
      if (SEND_CODES.has(req.code)) this.stats.oneways++;
      else this.stats.otherRequests++;
      return undefined;
    }
    const res = this.answer(req);
    res.opaque = req.opaque;
    res.serializeType = req.serializeType;
    res.language = 'JAVA';
    return res.encode();
  }

  private answer(req: RemotingCommand): RemotingCommand {
    if (SEND_CODES.has(req.code)) {
      this.stats.sends++;
      const ext = newExtFields();
      ext.msgId = '7F00000100002A9F0000000000000000';
      ext.queueId = '0';
      ext.queueOffset = '0';
      const res = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      res.extFields = ext;
      return res;
    }
    this.stats.otherRequests++;
    if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      const res = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      res.body = Buffer.from(JSON.stringify(this.route()));
      return res;
    }
    if (req.code === RequestCode.GET_BROKER_CLUSTER_INFO) {
      const res = RemotingCommand.createResponse(ResponseCode.SUCCESS);
      res.body = Buffer.from(
        JSON.stringify({
          brokerAddrTable: { [this.brokerName]: this.brokerData() },
          clusterAddrTable: { [this.clusterName]: [this.brokerName] },
        }),
      );
      return res;
    }
    // Heartbeats, unregister, topic creation and anything else: plain success.
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  }

  private brokerData(): Record<string, unknown> {
    return { cluster: this.clusterName, brokerName: this.brokerName, brokerAddrs: { '0': this.brokerAddr } };
  }

  private route(): Record<string, unknown> {
    return {
      brokerDatas: [this.brokerData()],
      queueDatas: [
        { brokerName: this.brokerName, readQueueNums: this.queues, writeQueueNums: this.queues, perm: 6, topicSysFlag: 0 },
      ],
      filterServerTable: {},
    };
  }
}
