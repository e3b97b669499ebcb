import type { Logger } from '../logger';
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../message/compression';
import { DEFAULT_MAX_INFLATED_BYTES_PER_FRAME, FrameInflateBudget } from '../message/inflate-budget';
import { inflateBody } from '../message/inflate-off-loop';
import { MessageConst } from '../message/message-const';
import { MessageExt, type HostAddress } from '../message/message-decoder';
import { string2messageProperties } from '../message/message-properties';
import { getCompressionType, MessageSysFlag } from '../message/message-sys-flag';
import { boundPeerText } from '../peer-text';
import { decodeCommandCustomHeader } from '../remoting/header/create-command';
import { ReplyMessageRequestHeader } from '../remoting/header/reply-message-request-header';
import { RemotingCommand } from '../remoting/protocol/remoting-command';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { ProcessorContext } from '../remoting/request-processor';
import { RequestFutureHolder } from './request-response-future';

/**
 * Java `ClientRemotingProcessor.receiveReplyMessage` (PUSH_REPLY_MESSAGE_TO_CLIENT, 326), ordered so
 * that a peer cannot make the client do work nobody asked for: the waiting request is looked up from
 * the header's properties first, and a reply nobody waits for is answered without its body being
 * touched. Only a wanted body is inflated, large ones in the zlib thread pool, within a per-frame cap.
 */

export interface ReplyInflateLimits {
  /** Bound on one reply body once inflated. Default 64 MiB. */
  maxDecompressedBytes?: number;
  /** Bytes all the bodies of one PUSH_REPLY frame may inflate to. Default 64 MiB. */
  maxInflatedBytesPerFrame?: number;
}

/** Peer text kept in the debug line of an unmatched reply: it may come by the thousand. */
const UNMATCHED_LOG_CHARS = 64;

/** `ip:port` (IPv6 in brackets) as Java's `NetworkUtil.string2SocketAddress` reads it. */
function hostAddressOf(s: string | undefined): HostAddress | undefined {
  if (s === undefined) return undefined;
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const ip = s.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(s.slice(colon + 1));
  return { ip, port: Number.isInteger(port) ? port : 0, address: s };
}

function unmatched(log: Logger, why: string, correlationId: string, ctx: ProcessorContext | undefined): RemotingCommand {
  log.debug(why, { correlationId: boundPeerText(correlationId, UNMATCHED_LOG_CHARS), addr: ctx?.addr });
  // Java answers SUCCESS whether or not a request matched: the broker has nothing to retry.
  return RemotingCommand.createResponse(ResponseCode.SUCCESS);
}

/**
 * The body as the requester should see it, and its sysFlag. A body this client cannot inflate
 * (LZ4/ZSTD) stays compressed, flag kept. A new body is never copied again: it shares nothing with the frame.
 */
async function replyBody(body: Buffer, sysFlag: number, limits: ReplyInflateLimits, log: Logger): Promise<{ body: Buffer; sysFlag: number }> {
  if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) === 0) return { body: Buffer.from(body), sysFlag };
  const maxOutputBytes = limits.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const perFrame = limits.maxInflatedBytesPerFrame ?? DEFAULT_MAX_INFLATED_BYTES_PER_FRAME;
  const type = getCompressionType(sysFlag);
  // zlib goes to the thread pool; LZ4 and ZSTD have no async form here and are bounded by the same caps.
  const inflated =
    type === 'ZLIB'
      ? await inflateBody(body, { maxOutputBytes, budget: new FrameInflateBudget(perFrame) })
      : decompress(body, type, Math.min(maxOutputBytes, perFrame));
  return { body: inflated, sysFlag: sysFlag & ~MessageSysFlag.COMPRESSED_FLAG };
}

/**
 * Answers one PUSH_REPLY_MESSAGE_TO_CLIENT: SUCCESS when the reply completed its request or nobody
 * waited for it (then its body is never read), SYSTEM_ERROR when the reply could not be rebuilt (a
 * corrupt body, or one inflating past the limits); the request then stays waiting until its timeout.
 * A header that cannot be decoded throws, which the processor table answers SYSTEM_ERROR.
 */
export async function receiveReplyMessage(
  log: Logger,
  request: RemotingCommand,
  ctx?: ProcessorContext,
  limits: ReplyInflateLimits = {},
): Promise<RemotingCommand> {
  const receiveTime = Date.now();
  const header = decodeCommandCustomHeader(request, ReplyMessageRequestHeader);
  const holder = RequestFutureHolder.getInstance();
  let correlationId = '';
  try {
    const props = string2messageProperties(header.properties ?? '');
    correlationId = props.get(MessageConst.PROPERTY_CORRELATION_ID) ?? '';
    if (holder.get(correlationId) === undefined) {
      return unmatched(log, 'receive reply message, but not matched any request', correlationId, ctx);
    }
    const { body, sysFlag } = await replyBody(request.body ?? Buffer.alloc(0), header.sysFlag ?? 0, limits, log);
    // The request may have timed out while the body inflated.
    const future = holder.get(correlationId);
    if (future === undefined) {
      return unmatched(log, 'reply message arrived after its request ended', correlationId, ctx);
    }
    const msg = new MessageExt(header.topic ?? '', body);
    msg.queueId = header.queueId ?? 0;
    msg.storeTimestamp = Number(header.storeTimestamp ?? 0n);
    const born = hostAddressOf(header.bornHost);
    if (born) msg.bornHost = born;
    const store = hostAddressOf(header.storeHost);
    if (store) msg.storeHost = store;
    msg.sysFlag = sysFlag;
    msg.flag = header.flag ?? 0;
    props.set(MessageConst.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME, String(receiveTime));
    msg.setPropertiesUnchecked(props);
    msg.bornTimestamp = Number(header.bornTimestamp ?? 0n);
    msg.reconsumeTimes = header.reconsumeTimes ?? 0;
    future.putResponseMessage(msg);
    holder.remove(correlationId);
    // The callback form of request() awaits the same future, so its callback runs off this turn.
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  } catch (err) {
    log.warn('unknown err when receiveReplyMsg', { correlationId: boundPeerText(correlationId, UNMATCHED_LOG_CHARS), addr: ctx?.addr, err });
    return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'process reply message fail');
  }
}
