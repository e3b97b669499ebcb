import { RequestCode } from '../remoting/protocol/request-code';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import {
  ConsumerSendMsgBackRequestHeader,
  createHeader,
  createRequestCommand,
  GetConsumerListByGroupRequestHeader,
  GetMinOffsetRequestHeader,
  LockBatchMqRequestHeader,
  PullMessageRequestHeader,
  QueryConsumerOffsetRequestHeader,
  SearchOffsetRequestHeader,
  UnlockBatchMqRequestHeader,
  UpdateConsumerOffsetRequestHeader,
  type HeaderValues,
} from '../remoting/header';
import { encodeCheckClientRequestBody, type CheckClientRequestBody } from './body/assignment-body';
import { encodeLockBatchRequestBody, type LockBatchRequestBody } from './body/lock-batch-body';

/** The fields of a PULL_MESSAGE request (Java `PullMessageRequestHeader`), `brokerName` sent as `bname`. */
export type PullRequestFields = HeaderValues<PullMessageRequestHeader>;

/** The two request codes that carry a `PullMessageRequestHeader`. */
export type PullRequestCode = typeof RequestCode.PULL_MESSAGE | typeof RequestCode.LITE_PULL_MESSAGE;

/** What CONSUMER_SEND_MSG_BACK carries (Java `ConsumerSendMsgBackRequestHeader`). */
export interface SendBackFields {
  brokerName: string;
  commitLogOffset: bigint;
  group: string;
  delayLevel: number;
  originMsgId: string;
  originTopic: string;
  maxReconsumeTimes: number;
  unitMode?: boolean;
}

/**
 * Request commands of the consumer's calls, through the header classes. Every broker request names
 * its broker (`bname`): the 5.x proxy refuses consumer requests without it.
 */
export const consumerRequest = {
  /** PULL_MESSAGE, or LITE_PULL_MESSAGE (5.x; same header) for the lite pull consumer. */
  pullMessage(f: PullRequestFields, code: PullRequestCode = RequestCode.PULL_MESSAGE): RemotingCommand {
    return createRequestCommand(code, createHeader(PullMessageRequestHeader, f));
  },

  queryConsumerOffset(brokerName: string, consumerGroup: string, topic: string, queueId: number): RemotingCommand {
    const h = createHeader(QueryConsumerOffsetRequestHeader, { consumerGroup, topic, queueId, brokerName });
    return createRequestCommand(RequestCode.QUERY_CONSUMER_OFFSET, h);
  },

  updateConsumerOffset(brokerName: string, consumerGroup: string, topic: string, queueId: number, commitOffset: bigint): RemotingCommand {
    const h = createHeader(UpdateConsumerOffsetRequestHeader, { consumerGroup, topic, queueId, commitOffset, brokerName });
    return createRequestCommand(RequestCode.UPDATE_CONSUMER_OFFSET, h);
  },

  getConsumerListByGroup(consumerGroup: string): RemotingCommand {
    return createRequestCommand(RequestCode.GET_CONSUMER_LIST_BY_GROUP, createHeader(GetConsumerListByGroupRequestHeader, { consumerGroup }));
  },

  consumerSendMessageBack(f: SendBackFields): RemotingCommand {
    const h = createHeader(ConsumerSendMsgBackRequestHeader, {
      offset: f.commitLogOffset,
      group: f.group,
      delayLevel: f.delayLevel,
      originMsgId: f.originMsgId,
      originTopic: f.originTopic,
      unitMode: f.unitMode ?? false,
      maxReconsumeTimes: f.maxReconsumeTimes,
      brokerName: f.brokerName,
    });
    return createRequestCommand(RequestCode.CONSUMER_SEND_MSG_BACK, h);
  },

  searchOffset(brokerName: string, topic: string, queueId: number, timestamp: number): RemotingCommand {
    const h = createHeader(SearchOffsetRequestHeader, { topic, queueId, timestamp: BigInt(timestamp), brokerName });
    return createRequestCommand(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, h);
  },

  getMinOffset(brokerName: string, topic: string, queueId: number): RemotingCommand {
    return createRequestCommand(RequestCode.GET_MIN_OFFSET, createHeader(GetMinOffsetRequestHeader, { topic, queueId, brokerName }));
  },

  lockBatchMQ(brokerName: string, body: LockBatchRequestBody): RemotingCommand {
    const h = createHeader(LockBatchMqRequestHeader, { brokerName });
    return createRequestCommand(RequestCode.LOCK_BATCH_MQ, h, encodeLockBatchRequestBody(body));
  },

  /** No header, as Java sends it: the body names the client, the group and the subscription. */
  checkClientConfig(body: CheckClientRequestBody): RemotingCommand {
    return createRequestCommand(RequestCode.CHECK_CLIENT_CONFIG, undefined, encodeCheckClientRequestBody(body));
  },

  unlockBatchMQ(brokerName: string, body: LockBatchRequestBody): RemotingCommand {
    const h = createHeader(UnlockBatchMqRequestHeader, { brokerName });
    return createRequestCommand(RequestCode.UNLOCK_BATCH_MQ, h, encodeLockBatchRequestBody(body));
  },
};
