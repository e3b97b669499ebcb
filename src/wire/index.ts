/**
 * `rocketmq-ts/wire`: the remoting codec as a toolkit for people who look at or fake RocketMQ traffic.
 * Pure: importing it opens no socket, starts no timer and logs nothing. The header decorators need
 * `reflect-metadata`, which adds its documented functions (`Reflect.defineMetadata`, ...) to the
 * global `Reflect`; nothing else global changes.
 *
 * Every export is listed (no `export *`); test/unit/wire/wire-exports.test.ts checks the list.
 * This is also the one file of the wire face that imports the message model.
 */

// Frames
export {
  RemotingCommand,
  RPC_TYPE_RESPONSE,
  RPC_ONEWAY,
  DEFAULT_REMOTING_VERSION,
  DEFAULT_LANGUAGE,
  markProtocolType,
  newExtFields,
  type RemotingCommandInit,
  type ExtFields,
} from '../remoting/protocol/remoting-command';
export { FrameDecoder, DEFAULT_MAX_FRAME_BYTES, type FrameDecoderOptions } from '../remoting/protocol/frame-decoder';
export { SerializeType, serializeTypeFromByte, type SerializeTypeName } from '../remoting/protocol/serialize-type';

// Code tables, names both ways
export {
  RequestCode,
  requestCodeName,
  requestCodeNameOf,
  requestCodeOf,
  type RequestCodeName,
} from '../remoting/protocol/request-code';
export {
  ResponseCode,
  responseCodeName,
  responseCodeNameOf,
  responseCodeOf,
  isRetriableResponseCode,
  type ResponseCodeName,
} from '../remoting/protocol/response-code';
export {
  LanguageCode,
  languageFromByte,
  languageFromName,
  isLanguageName,
  type LanguageName,
} from '../remoting/protocol/language-code';

// Custom headers
export {
  HeaderField,
  RemotingHeader,
  headerFieldsOf,
  headerClassInfo,
  toExtFields,
  fromExtFields,
  createHeader,
  createRequestCommand,
  createResponseCommand,
  decodeCommandCustomHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  GetRouteInfoRequestHeader,
  HeartbeatRequestHeader,
  UnregisterClientRequestHeader,
  EndTransactionRequestHeader,
  CheckTransactionStateRequestHeader,
  CheckTransactionStateResponseHeader,
  ReplyMessageRequestHeader,
  GetMaxOffsetRequestHeader,
  GetMaxOffsetResponseHeader,
  GetMinOffsetRequestHeader,
  GetMinOffsetResponseHeader,
  SearchOffsetRequestHeader,
  SearchOffsetResponseHeader,
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  QueryMessageRequestHeader,
  QueryMessageResponseHeader,
  ViewMessageRequestHeader,
  CreateTopicRequestHeader,
  RecallMessageRequestHeader,
  RecallMessageResponseHeader,
  type HeaderClass,
  type HeaderFieldType,
  type HeaderFieldOptions,
  type HeaderFieldDescriptor,
  type HeaderValues,
  type CommandCustomHeader,
  type CommandOptions,
} from '../remoting/header';
export {
  REQUEST_HEADER_CLASSES,
  RESPONSE_HEADER_CLASSES,
  decodeCustomHeader,
  type DecodedCustomHeader,
} from './header-table';

// Messages: model, stored records, batch bodies, properties, ids, flags, compression
export { Message, type MessageBody, type MessageOptions } from '../message/message';
export {
  MessageExt,
  MESSAGE_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V2,
  decodeMessageExt,
  decodeMessageExtAt,
  decodeMessageExts,
  type DecodeOptions,
  type HostAddress,
} from '../message/message-decoder';
export { encodeMessageExt, encodeMessageExts, bodyCrc32 } from '../message/stored-message-encoder';
export { encodeMessages, encodeMessage, decodeMessages } from '../message/message-batch';
export {
  messageProperties2String,
  string2messageProperties,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
  MAX_PROPERTIES_BYTES,
} from '../message/message-properties';
export { MessageConst, type MessageConstName } from '../message/message-const';
export {
  buildUniqId,
  decodeUniqId,
  createOffsetMessageId,
  decodeOffsetMessageId,
  ipToBytes,
  bytesToIp,
  type UniqIdParts,
  type OffsetMessageId,
} from '../message/message-id';
export { MessageSysFlag, getCompressionType, type CompressionType } from '../message/message-sys-flag';
export { compress, decompress } from '../message/compression';
