import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import type { ExtFields } from '../remoting/protocol/command-fields';
import { RequestCode } from '../remoting/protocol/request-code';
import {
  CheckTransactionStateRequestHeader,
  CheckTransactionStateResponseHeader,
  CreateTopicRequestHeader,
  EndTransactionRequestHeader,
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  GetMaxOffsetRequestHeader,
  GetMaxOffsetResponseHeader,
  GetMinOffsetRequestHeader,
  GetMinOffsetResponseHeader,
  GetRouteInfoRequestHeader,
  HeartbeatRequestHeader,
  QueryMessageRequestHeader,
  QueryMessageResponseHeader,
  RecallMessageRequestHeader,
  RecallMessageResponseHeader,
  ReplyMessageRequestHeader,
  SearchOffsetRequestHeader,
  SearchOffsetResponseHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  UnregisterClientRequestHeader,
  ViewMessageRequestHeader,
  fromExtFields,
  headerClassInfo,
  type HeaderClass,
} from '../remoting/header';

type HeaderCtor = HeaderClass & (new () => object);

/**
 * Request code -> the custom header class of that request (Java `RequestCode` -> the header its
 * processor decodes). Codes this package has no header class for decode to their raw ext fields.
 */
export const REQUEST_HEADER_CLASSES: ReadonlyMap<number, HeaderCtor> = new Map<number, HeaderCtor>([
  [RequestCode.SEND_MESSAGE, SendMessageRequestHeader],
  [RequestCode.SEND_MESSAGE_V2, SendMessageRequestHeaderV2],
  [RequestCode.SEND_BATCH_MESSAGE, SendMessageRequestHeaderV2],
  [RequestCode.SEND_REPLY_MESSAGE, SendMessageRequestHeader],
  [RequestCode.SEND_REPLY_MESSAGE_V2, SendMessageRequestHeaderV2],
  [RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, ReplyMessageRequestHeader],
  [RequestCode.QUERY_MESSAGE, QueryMessageRequestHeader],
  [RequestCode.UPDATE_AND_CREATE_TOPIC, CreateTopicRequestHeader],
  [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, SearchOffsetRequestHeader],
  [RequestCode.GET_MAX_OFFSET, GetMaxOffsetRequestHeader],
  [RequestCode.GET_MIN_OFFSET, GetMinOffsetRequestHeader],
  [RequestCode.GET_EARLIEST_MSG_STORETIME, GetEarliestMsgStoretimeRequestHeader],
  [RequestCode.VIEW_MESSAGE_BY_ID, ViewMessageRequestHeader],
  [RequestCode.HEART_BEAT, HeartbeatRequestHeader],
  [RequestCode.UNREGISTER_CLIENT, UnregisterClientRequestHeader],
  [RequestCode.END_TRANSACTION, EndTransactionRequestHeader],
  [RequestCode.CHECK_TRANSACTION_STATE, CheckTransactionStateRequestHeader],
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader],
  [RequestCode.RECALL_MESSAGE, RecallMessageRequestHeader],
]);

/**
 * Request code -> the custom header class of its response. A response frame carries a response
 * code (SUCCESS, ...), so its header type follows from the request it answers (matched by opaque).
 */
export const RESPONSE_HEADER_CLASSES: ReadonlyMap<number, HeaderCtor> = new Map<number, HeaderCtor>([
  [RequestCode.SEND_MESSAGE, SendMessageResponseHeader],
  [RequestCode.SEND_MESSAGE_V2, SendMessageResponseHeader],
  [RequestCode.SEND_BATCH_MESSAGE, SendMessageResponseHeader],
  [RequestCode.SEND_REPLY_MESSAGE, SendMessageResponseHeader],
  [RequestCode.SEND_REPLY_MESSAGE_V2, SendMessageResponseHeader],
  [RequestCode.QUERY_MESSAGE, QueryMessageResponseHeader],
  [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, SearchOffsetResponseHeader],
  [RequestCode.GET_MAX_OFFSET, GetMaxOffsetResponseHeader],
  [RequestCode.GET_MIN_OFFSET, GetMinOffsetResponseHeader],
  [RequestCode.GET_EARLIEST_MSG_STORETIME, GetEarliestMsgStoretimeResponseHeader],
  [RequestCode.CHECK_TRANSACTION_STATE, CheckTransactionStateResponseHeader],
  [RequestCode.RECALL_MESSAGE, RecallMessageResponseHeader],
]);

/** A custom header as decoded from a frame's ext fields. */
export type DecodedCustomHeader =
  | {
      typed: true;
      /** Simple Java class name, e.g. `SendMessageRequestHeaderV2`. */
      className: string;
      /** The header object, fields parsed to their types (`long` as bigint). */
      header: object;
    }
  | {
      typed: false;
      /** Why no class applied: no class for the code, or the class refused the fields. */
      reason: string;
      header: Readonly<ExtFields>;
    };

function simpleName(ctor: HeaderClass): string {
  const javaName = headerClassInfo(ctor).javaName;
  return javaName.slice(javaName.lastIndexOf('.') + 1);
}

function decodeWith(ctor: HeaderCtor | undefined, ext: Readonly<ExtFields>, what: string): DecodedCustomHeader {
  if (ctor === undefined) return { typed: false, reason: `no header class for ${what}`, header: ext };
  try {
    return { typed: true, className: simpleName(ctor), header: fromExtFields(ctor, ext) };
  } catch (e) {
    return { typed: false, reason: `${simpleName(ctor)}: ${(e as Error).message}`, header: ext };
  }
}

/**
 * The custom header of a frame as its header class. For a response pass the code of the request it
 * answers. Codes without a class, or fields the class refuses, give the raw ext fields (`typed: false`).
 */
export function decodeCustomHeader(cmd: RemotingCommand, requestCode?: number): DecodedCustomHeader {
  const ext: Readonly<ExtFields> = cmd.extFields ?? Object.create(null);
  if (!cmd.isResponse) return decodeWith(REQUEST_HEADER_CLASSES.get(cmd.code), ext, `request code ${cmd.code}`);
  if (requestCode === undefined) return { typed: false, reason: 'response to an unknown request', header: ext };
  return decodeWith(RESPONSE_HEADER_CLASSES.get(requestCode), ext, `responses to request code ${requestCode}`);
}
