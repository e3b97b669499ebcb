import { RemotingProtocolError } from '../errors';
import { ByteReader } from '../remoting/protocol/byte-reader';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_TOTAL_DECOMPRESSED_BYTES, decompress } from './compression';
import { unwrapInnerBatches } from './inner-batch';
import { MessageExt, type HostAddress } from './message-ext';
import { bytesToIp, offsetMessageIdOf } from './message-id';
import { string2messageProperties } from './message-properties';
import { MessageSysFlag, getCompressionType } from './message-sys-flag';
import { FrameInflateBudget } from './inflate-budget';

export { MessageExt, type HostAddress } from './message-ext';

/** Stored-message magic of V1 records: the topic length is one byte. */
export const MESSAGE_MAGIC_CODE = -626843481;
/** Stored-message magic of V2 records (topics longer than 127 bytes): the topic length is two bytes. */
export const MESSAGE_MAGIC_CODE_V2 = -626843477;

/** Bytes of a record with an empty body, topic and properties, IPv4 hosts, V1 magic. */
const MIN_RECORD_BYTES = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 1 + 2;

/**
 * The strings of the last IPv4 host formatted, one slot for born hosts and one for store hosts: the
 * records of one body come from a few hosts, so most reuse them. Each record still gets its own object.
 */
class HostStrings {
  ip4 = -1;
  port = 0;
  ip = '';
  address = '';
}
const BORN_HOSTS = new HostStrings();
const STORE_HOSTS = new HostStrings();

/** The host whose `ipLen`-byte ip is at `buf[at]` (no view of it made unless it is new). */
function cachedHostAddress(buf: Buffer, at: number, ipLen: number, port: number, last: HostStrings): HostAddress {
  if (ipLen === 4) {
    const ip4 = ((buf[at]! << 24) | (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!) >>> 0;
    if (ip4 !== last.ip4 || port !== last.port) {
      last.ip4 = ip4;
      last.port = port;
      last.ip = bytesToIp(buf.subarray(at, at + 4));
      last.address = `${last.ip}:${port}`;
    }
    return { ip: last.ip, port, address: last.address };
  }
  const ip = bytesToIp(buf.subarray(at, at + ipLen));
  return { ip, port, address: `[${ip}]:${port}` };
}

/** The body of a record decoded without one: zero bytes, so sharing it is safe. */
const EMPTY_BODY = Buffer.alloc(0);

export interface DecodeOptions {
  /** Java `decodeReadBody`. Default true. */
  readBody?: boolean;
  /** Java `decodeDecompressBody`. Default true. */
  decompressBody?: boolean;
  /** Bound on an inflated body. Default 64 MiB. */
  maxDecompressedBytes?: number;
  /** Bound on all bodies of one call inflated together (a frame: the consumer's hot path). Default 128 MiB. */
  maxTotalDecompressedBytes?: number;
  /** `decodeMessageExts` only: replace inner-batch records by their members (Java's pull path). Default true. */
  unwrapInnerBatch?: boolean;
}

function inflateBody(body: Buffer, sysFlag: number, options: DecodeOptions, budget: FrameInflateBudget): Buffer {
  const perBody = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const limit = budget.reserve(perBody);
  try {
    if (limit === 0) throw new RemotingProtocolError('no inflate allowance left');
    const inflated = decompress(body, getCompressionType(sysFlag), limit);
    budget.release(limit - inflated.length);
    return inflated;
  } catch (err) {
    budget.release(limit);
    // What was left of the frame's bound was the tighter one: overrunning it names the total.
    if (limit === perBody) throw err;
    throw new RemotingProtocolError(`compressed bodies of one frame inflate to more than ${budget.maxBytes} bytes in total`, { cause: err });
  }
}

function frameBudget(options: DecodeOptions): FrameInflateBudget {
  return new FrameInflateBudget(options.maxTotalDecompressedBytes ?? DEFAULT_MAX_TOTAL_DECOMPRESSED_BYTES);
}

/**
 * Decodes the record at `offset` (Java `MessageDecoder.decode`, protocol.md 5.6) and returns it with
 * the offset of the next record. Every field is read within the record's own TOTALSIZE, so malformed
 * input gives a `RemotingProtocolError` and never reads past the buffer.
 */
export function decodeMessageExtAt(
  buf: Buffer,
  offset: number,
  options: DecodeOptions = {},
  budget: FrameInflateBudget = frameBudget(options),
): { message: MessageExt; next: number } {
  const available = buf.length - offset;
  if (available < 4) throw new RemotingProtocolError(`truncated stored message: ${available} bytes at ${offset}`);
  const storeSize = buf.readInt32BE(offset);
  if (storeSize < MIN_RECORD_BYTES || storeSize > available) {
    throw new RemotingProtocolError(
      `bad stored message TOTALSIZE ${storeSize} at ${offset} (${available} bytes left, minimum ${MIN_RECORD_BYTES})`,
    );
  }
  const r = new ByteReader(buf, offset + 4, offset + storeSize);
  const magic = r.int32('MAGICCODE');
  if (magic !== MESSAGE_MAGIC_CODE && magic !== MESSAGE_MAGIC_CODE_V2) {
    throw new RemotingProtocolError(`Invalid magicCode ${magic} at ${offset}`);
  }
  const m = new MessageExt('', EMPTY_BODY);
  m.storeSize = storeSize;
  m.bodyCRC = r.int32('BODYCRC');
  m.queueId = r.int32('QUEUEID');
  m.flag = r.int32('FLAG');
  m.queueOffset = r.int64('QUEUEOFFSET');
  // Read as a bigint here and as two int32 for the offset message id below (no bigint arithmetic).
  const physicalAt = offset + 28;
  m.commitLogOffset = r.int64('PHYSICALOFFSET');
  let sysFlag = r.int32('SYSFLAG');
  m.bornTimestamp = r.int64Number('BORNTIMESTAMP');
  const bornIpLen = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? 4 : 16;
  const bornIpAt = r.skip(bornIpLen, 'BORNHOST');
  m.bornHost = cachedHostAddress(buf, bornIpAt, bornIpLen, r.int32('BORNHOST port'), BORN_HOSTS);
  m.storeTimestamp = r.int64Number('STORETIMESTAMP');
  const storeIpLen = (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) === 0 ? 4 : 16;
  const storeIpAt = r.skip(storeIpLen, 'STOREHOST');
  const storePort = r.int32('STOREHOST port');
  m.storeHost = cachedHostAddress(buf, storeIpAt, storeIpLen, storePort, STORE_HOSTS);
  m.reconsumeTimes = r.int32('RECONSUMETIMES');
  m.preparedTransactionOffset = r.int64('PREPARED TRANSACTION OFFSET');

  const bodyLen = r.int32('BODYLEN');
  if (bodyLen < 0) throw new RemotingProtocolError(`negative BODYLEN ${bodyLen} at ${offset}`);
  if (options.readBody !== false && bodyLen > 0) {
    let body = r.copy(bodyLen, 'BODY');
    if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0 && options.decompressBody !== false) {
      body = inflateBody(body, sysFlag, options, budget);
      sysFlag &= ~MessageSysFlag.COMPRESSED_FLAG;
    }
    m.body = body;
  } else r.bytes(bodyLen, 'BODY');
  m.sysFlag = sysFlag;

  const topicLen = magic === MESSAGE_MAGIC_CODE ? r.int8('TOPICLEN') : r.int16('TOPICLEN');
  if (topicLen < 0) throw new RemotingProtocolError(`negative TOPICLEN ${topicLen} at ${offset}`);
  m.topic = r.utf8(topicLen, 'TOPIC');
  const propLen = r.int16('PROPERTIESLEN');
  if (propLen < 0) throw new RemotingProtocolError(`negative PROPERTIESLEN ${propLen} at ${offset}`);
  m.setPropertiesUnchecked(string2messageProperties(propLen > 0 ? r.utf8(propLen, 'PROPERTIES') : ''));
  m.offsetMsgId = offsetMessageIdOf(
    buf,
    storePort,
    buf.readInt32BE(physicalAt),
    buf.readUInt32BE(physicalAt + 4),
    storeIpAt,
    storeIpAt + storeIpLen,
  );
  return { message: m, next: offset + storeSize };
}

/** Exactly one stored message at the start of `buf`. */
export function decodeMessageExt(buf: Buffer, options: DecodeOptions = {}): MessageExt {
  return decodeMessageExtAt(buf, 0, options).message;
}

/**
 * Every stored message of a body, in order (Java `MessageDecoder.decodesBatch`), inner batches unwrapped
 * unless `unwrapInnerBatch` is false. All bodies together inflate to at most `maxTotalDecompressedBytes`.
 */
export function decodeMessageExts(buf: Buffer, options: DecodeOptions = {}): MessageExt[] {
  const out: MessageExt[] = [];
  const budget = frameBudget(options);
  let pos = 0;
  while (pos < buf.length) {
    const { message, next } = decodeMessageExtAt(buf, pos, options, budget);
    out.push(message);
    pos = next;
  }
  return options.unwrapInnerBatch === false ? out : unwrapInnerBatches(out);
}
