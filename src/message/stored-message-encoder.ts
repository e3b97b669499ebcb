import { InvalidArgumentError } from '../errors';
import { MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2, type MessageExt } from './message-decoder';
import { ipToBytes } from './message-id';
import { MAX_PROPERTIES_BYTES, messageProperties2String } from './message-properties';
import { MessageSysFlag } from './message-sys-flag';

/** Java `UtilAll.crc32`: CRC-32 of the body, masked to a non-negative int. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function bodyCrc32(body: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < body.length; i++) c = CRC_TABLE[(c ^ body[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) & 0x7fffffff;
}

function hostBytes(ip: string, what: string): Buffer {
  const b = ipToBytes(ip);
  if (b === undefined) throw new InvalidArgumentError(`${what} ${JSON.stringify(ip)} is not an IPv4 or IPv6 address`);
  return b;
}

/**
 * One stored message record as a broker writes it to the commit log and returns it in PULL_MESSAGE,
 * QUERY_MESSAGE and VIEW_MESSAGE_BY_ID bodies (Java `MessageDecoder.encode` / `CommitLog`, protocol.md
 * 5.6); the inverse of `decodeMessageExt`. The host IPv6 bits of `sysFlag` follow the host addresses,
 * `storeSize` and `bodyCRC` are computed, and the V2 magic is used when the topic exceeds 127 bytes.
 * The body is written as it is (compress it first and set the flag bits to store it compressed).
 */
export function encodeMessageExt(m: MessageExt): Buffer {
  const body = m.body;
  const topic = Buffer.from(m.topic, 'utf8');
  const props = Buffer.from(messageProperties2String(m.properties), 'utf8');
  if (props.length > MAX_PROPERTIES_BYTES) {
    throw new InvalidArgumentError(`properties of ${props.length} bytes exceed ${MAX_PROPERTIES_BYTES}`);
  }
  if (topic.length > 0x7fff) throw new InvalidArgumentError(`topic of ${topic.length} bytes is too long`);
  const v2 = topic.length > 127;
  const born = hostBytes(m.bornHost.ip, 'bornHost');
  const store = hostBytes(m.storeHost.ip, 'storeHost');
  let sysFlag = m.sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (born.length === 16) sysFlag |= MessageSysFlag.BORNHOST_V6_FLAG;
  if (store.length === 16) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  const size =
    4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + (born.length + 4) + 8 + (store.length + 4) + 4 + 8 +
    4 + body.length + (v2 ? 2 : 1) + topic.length + 2 + props.length;
  const out = Buffer.alloc(size);
  let p = out.writeInt32BE(size, 0);
  p = out.writeInt32BE(v2 ? MESSAGE_MAGIC_CODE_V2 : MESSAGE_MAGIC_CODE, p);
  p = out.writeInt32BE(bodyCrc32(body), p);
  p = out.writeInt32BE(m.queueId, p);
  p = out.writeInt32BE(m.flag, p);
  p = out.writeBigInt64BE(m.queueOffset, p);
  p = out.writeBigInt64BE(m.commitLogOffset, p);
  p = out.writeInt32BE(sysFlag, p);
  p = out.writeBigInt64BE(BigInt(m.bornTimestamp), p);
  p += born.copy(out, p);
  p = out.writeInt32BE(m.bornHost.port, p);
  p = out.writeBigInt64BE(BigInt(m.storeTimestamp), p);
  p += store.copy(out, p);
  p = out.writeInt32BE(m.storeHost.port, p);
  p = out.writeInt32BE(m.reconsumeTimes, p);
  p = out.writeBigInt64BE(m.preparedTransactionOffset, p);
  p = out.writeInt32BE(body.length, p);
  p += body.copy(out, p);
  p = v2 ? out.writeInt16BE(topic.length, p) : out.writeInt8(topic.length, p);
  p += topic.copy(out, p);
  p = out.writeInt16BE(props.length, p);
  props.copy(out, p);
  return out;
}

/** Several records back to back: a PULL_MESSAGE response body. */
export function encodeMessageExts(messages: Iterable<MessageExt>): Buffer {
  return Buffer.concat([...messages].map(encodeMessageExt));
}
