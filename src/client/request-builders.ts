import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import {
  createHeader,
  createRequestCommand,
  CreateTopicRequestHeader,
  GetMaxOffsetRequestHeader,
  GetRouteInfoRequestHeader,
  HeartbeatRequestHeader,
  type SendMessageRequestHeader,
  type HeaderFields,
  SendMessageRequestHeaderV2,
  UnregisterClientRequestHeader,
} from '../remoting/header';
import type { TopicFilterType } from '../remoting/header';

/** What UPDATE_AND_CREATE_TOPIC sends (Java `TopicConfig` as `MQAdminImpl.createTopic` fills it). */
export interface TopicConfigFields {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  /** Java `AttributeParser.parseToString`: '' or `+k=v,...`. */
  attributes: string;
}

/** The fields of Java `SendMessageRequestHeader`, as the header class declares them. */
export type SendMessageHeaderFields = HeaderFields<SendMessageRequestHeader>;

/** What a send response header carries (`SendMessageResponseHeader`), required fields checked. */
export interface SendResponseHeader {
  msgId: string;
  queueId: number;
  queueOffset: bigint;
  transactionId?: string;
  batchUniqId?: string;
  recallHandle?: string;
}

/** Request commands of the producer's calls, through the header classes (Java field order and formatting). */
export const buildHeader = {
  /** The Java client sends `topic` only; `acceptStandardJsonOnly` asks new name servers for quoted keys. */
  getRouteInfo(topic: string): RemotingCommand {
    const h = createHeader(GetRouteInfoRequestHeader, { topic, acceptStandardJsonOnly: true });
    return createRequestCommand(RequestCode.GET_ROUTEINFO_BY_TOPIC, h);
  },

  /** V1 fields, converted as Java's `createSendMessageRequestHeaderV2` does (single-letter keys). */
  sendMessageV2(code: number, f: SendMessageHeaderFields, body: Buffer): RemotingCommand {
    return createRequestCommand(code, SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(f), body);
  },

  heartbeat(body: Buffer): RemotingCommand {
    return createRequestCommand(RequestCode.HEART_BEAT, new HeartbeatRequestHeader(), body);
  },

  unregisterClient(clientID: string, producerGroup: string | undefined, consumerGroup: string | undefined): RemotingCommand {
    const h = createHeader(UnregisterClientRequestHeader, { clientID });
    if (producerGroup !== undefined) h.producerGroup = producerGroup;
    if (consumerGroup !== undefined) h.consumerGroup = consumerGroup;
    return createRequestCommand(RequestCode.UNREGISTER_CLIENT, h);
  },

  createTopic(
    defaultTopic: string,
    t: TopicConfigFields,
  ): RemotingCommand {
    const h = createHeader(CreateTopicRequestHeader, {
      topic: t.topicName,
      defaultTopic,
      readQueueNums: t.readQueueNums,
      writeQueueNums: t.writeQueueNums,
      perm: t.perm,
      topicFilterType: t.topicFilterType,
      topicSysFlag: t.topicSysFlag,
      order: t.order,
      attributes: t.attributes,
    });
    return createRequestCommand(RequestCode.UPDATE_AND_CREATE_TOPIC, h);
  },

  getMaxOffset(topic: string, queueId: number): RemotingCommand {
    return createRequestCommand(RequestCode.GET_MAX_OFFSET, createHeader(GetMaxOffsetRequestHeader, { topic, queueId }));
  },
};

