import { BrokerResponseError } from '../errors';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { ResponseCode } from '../remoting/protocol/response-code';
import { fromExtFields, PullMessageResponseHeader } from '../remoting/header';

/** Java `PullStatus`. */
export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

/**
 * A PULL_MESSAGE answer as `MQClientAPIImpl.processPullResponse` reads it: the status, the offsets of
 * the response header and the undecoded body (stored records).
 */
export interface PullResponse {
  status: PullStatus;
  nextBeginOffset: bigint;
  minOffset: bigint;
  maxOffset: bigint;
  suggestWhichBrokerId: number;
  /** 5.x static topics: added to every record's queue offset. */
  offsetDelta: bigint | undefined;
  body: Buffer | undefined;
}

function statusOf(code: number): PullStatus | undefined {
  switch (code) {
    case ResponseCode.SUCCESS:
      return 'FOUND';
    case ResponseCode.PULL_NOT_FOUND:
      return 'NO_NEW_MSG';
    case ResponseCode.PULL_RETRY_IMMEDIATELY:
      return 'NO_MATCHED_MSG';
    case ResponseCode.PULL_OFFSET_MOVED:
      return 'OFFSET_ILLEGAL';
    default:
      return undefined;
  }
}

/** SUCCESS/PULL_NOT_FOUND/PULL_RETRY_IMMEDIATELY/PULL_OFFSET_MOVED map to a status; anything else is a `BrokerResponseError`. */
export function processPullResponse(response: RemotingCommand, addr: string): PullResponse {
  const status = statusOf(response.code);
  if (status === undefined) throw new BrokerResponseError(response.code, response.remark, addr);
  const h = fromExtFields(PullMessageResponseHeader, response.extFields);
  const body = response.body;
  return {
    status,
    nextBeginOffset: h.nextBeginOffset ?? 0n,
    minOffset: h.minOffset ?? 0n,
    maxOffset: h.maxOffset ?? 0n,
    suggestWhichBrokerId: Number(h.suggestWhichBrokerId ?? 0n),
    offsetDelta: h.offsetDelta,
    body: body && body.length > 0 ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined,
  };
}
