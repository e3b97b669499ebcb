import { decodeTopicRouteData } from '../client/route/topic-route-data';
import { parseRouteBody } from '../client/route/parse-route-body';
import {
  MessageSysFlag,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeaderV2,
  decodeCustomHeader,
  decodeMessageExt,
  decodeMessageExts,
  decodeMessages,
  decompress,
  getCompressionType,
  requestCodeName,
  responseCodeName,
  string2messageProperties,
  type MessageExt,
  type SendMessageRequestHeader,
} from '../wire';
import { bodyValue } from './output';

export type Direction = 'client->server' | 'server->client';

/** One decoded frame, as `decode` and `tap` print it (one JSON line each). */
export interface FrameRecord {
  time?: string;
  conn: string;
  dir?: Direction;
  kind: 'request' | 'oneway' | 'response';
  code: number;
  name: string;
  opaque: number;
  flag: number;
  language: string | undefined;
  version: number;
  serializeType: string;
  remark?: string;
  /** For a response: the request it answers (same opaque, other direction). */
  requestCode?: number;
  requestName?: string;
  latencyMs?: number;
  header: { class?: string; fields: Record<string, unknown>; note?: string };
  bodyBytes: number;
  body?: unknown;
  bodyError?: string;
}

const SEND_CODES: ReadonlySet<number> = new Set([
  RequestCode.SEND_MESSAGE,
  RequestCode.SEND_MESSAGE_V2,
  RequestCode.SEND_REPLY_MESSAGE,
  RequestCode.SEND_REPLY_MESSAGE_V2,
]);
/** Requests whose successful response body holds stored message records. */
const STORED_RECORD_RESPONSES: ReadonlySet<number> = new Set([
  RequestCode.PULL_MESSAGE,
  RequestCode.LITE_PULL_MESSAGE,
  RequestCode.QUERY_MESSAGE,
  RequestCode.VIEW_MESSAGE_BY_ID,
]);

function other(dir: Direction | undefined): Direction | undefined {
  if (dir === undefined) return undefined;
  return dir === 'client->server' ? 'server->client' : 'client->server';
}

function propertiesObject(s: string | undefined): Record<string, string> {
  return Object.fromEntries(string2messageProperties(s ?? ''));
}

function inflate(body: Buffer, sysFlag: number): Buffer {
  if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) === 0) return body;
  return decompress(body, getCompressionType(sysFlag));
}

function storedRecord(m: MessageExt): Record<string, unknown> {
  return {
    topic: m.topic,
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    commitLogOffset: m.commitLogOffset,
    sysFlag: m.sysFlag,
    flag: m.flag,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost.address,
    storeTimestamp: m.storeTimestamp,
    storeHost: m.storeHost.address,
    reconsumeTimes: m.reconsumeTimes,
    properties: Object.fromEntries(m.properties),
    body: bodyValue(m.body),
  };
}

function jsonBody(body: Buffer, requestCode: number | undefined): unknown {
  if (requestCode === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
    const route = decodeTopicRouteData(body);
    return { route: { ...route, brokerDatas: route.brokerDatas.map((b) => ({ ...b, brokerAddrs: Object.fromEntries(b.brokerAddrs) })) } };
  }
  return { json: parseRouteBody(body) };
}

/**
 * The body of a frame, decoded where its code says what it carries: send requests (one message),
 * batch bodies, stored records (pull / query / view responses, transaction check-backs), JSON bodies
 * (routes, cluster info, heartbeats); bytes otherwise.
 */
function describeBody(cmd: RemotingCommand, requestCode: number | undefined, header: object | undefined): unknown {
  const body = cmd.body;
  if (body === undefined || body.length === 0) return undefined;
  if (!cmd.isResponse && SEND_CODES.has(cmd.code) && header !== undefined) {
    const v1 =
      header instanceof SendMessageRequestHeaderV2
        ? SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1(header)
        : (header as SendMessageRequestHeader);
    return {
      message: {
        topic: v1.topic,
        queueId: v1.queueId,
        flag: v1.flag,
        sysFlag: v1.sysFlag,
        bornTimestamp: v1.bornTimestamp,
        properties: propertiesObject(v1.properties),
        body: bodyValue(inflate(body, v1.sysFlag ?? 0)),
      },
    };
  }
  if (!cmd.isResponse && cmd.code === RequestCode.SEND_BATCH_MESSAGE) {
    return {
      messages: decodeMessages(body).map((m) => ({ flag: m.flag, properties: Object.fromEntries(m.properties), body: bodyValue(m.body) })),
    };
  }
  if (!cmd.isResponse && cmd.code === RequestCode.CHECK_TRANSACTION_STATE) return { message: storedRecord(decodeMessageExt(body)) };
  if (cmd.isResponse && cmd.code === ResponseCode.SUCCESS && requestCode !== undefined && STORED_RECORD_RESPONSES.has(requestCode)) {
    return { messages: decodeMessageExts(body).map(storedRecord) };
  }
  const first = body[0];
  if (first === 0x7b || first === 0x5b) return jsonBody(body, cmd.isResponse ? requestCode : undefined);
  return bodyValue(body);
}

interface PendingRequest {
  code: number;
  timeMs: number | undefined;
}

/**
 * Frames of one connection: matches each response to the request with its opaque sent the other way
 * (so broker-to-client requests pair up too) and measures the latency when frames carry times.
 */
export class ConnectionFrames {
  private readonly pending = new Map<string, PendingRequest>();

  constructor(readonly conn: string) {}

  /** Requests still waiting for their response. */
  get pendingCount(): number {
    return this.pending.size;
  }

  describe(cmd: RemotingCommand, dir: Direction | undefined, timeMs?: number): FrameRecord {
    let requestCode: number | undefined;
    let latencyMs: number | undefined;
    if (cmd.isResponse) {
      const key = `${other(dir) ?? ''}#${cmd.opaque}`;
      const req = this.pending.get(key);
      if (req) {
        this.pending.delete(key);
        requestCode = req.code;
        if (req.timeMs !== undefined && timeMs !== undefined) latencyMs = Math.round((timeMs - req.timeMs) * 1000) / 1000;
      }
    } else if (!cmd.isOneway) {
      this.pending.set(`${dir ?? ''}#${cmd.opaque}`, { code: cmd.code, timeMs });
    }
    const decoded = decodeCustomHeader(cmd, requestCode);
    const record: FrameRecord = {
      ...(timeMs !== undefined ? { time: new Date(timeMs).toISOString() } : {}),
      conn: this.conn,
      ...(dir !== undefined ? { dir } : {}),
      kind: cmd.isResponse ? 'response' : cmd.isOneway ? 'oneway' : 'request',
      code: cmd.code,
      name: cmd.isResponse ? responseCodeName(cmd.code) : requestCodeName(cmd.code),
      opaque: cmd.opaque,
      flag: cmd.flag,
      language: cmd.language,
      version: cmd.version,
      serializeType: cmd.serializeType,
      ...(cmd.remark !== undefined ? { remark: cmd.remark } : {}),
      ...(requestCode !== undefined ? { requestCode, requestName: requestCodeName(requestCode) } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      header: decoded.typed
        ? { class: decoded.className, fields: { ...decoded.header } }
        : { fields: { ...decoded.header }, note: decoded.reason },
      bodyBytes: cmd.body?.length ?? 0,
    };
    try {
      const body = describeBody(cmd, requestCode, decoded.typed ? decoded.header : undefined);
      if (body !== undefined) record.body = body;
    } catch (e) {
      record.bodyError = (e as Error).message;
      if (cmd.body) record.body = bodyValue(cmd.body);
    }
    return record;
  }
}
