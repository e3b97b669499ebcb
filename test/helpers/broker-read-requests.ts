/**
 * Requests the tests use to read a topic back from a real broker: GET_MAX_OFFSET and a plain
 * PULL_MESSAGE (32 messages, no long polling, every tag). Shared by the e2e feature helpers and the
 * fault suite's store reader.
 */
import { createRequestCommand, PullMessageRequestHeader } from '../../src/remoting/header';
import { newExtFields, RemotingCommand, type ExtFields } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { buildPullSysFlag } from '../../src/consumer/pull-sys-flag';

/** A null-prototype ext-field map with every value stringified. */
export function ext(fields: Record<string, string | number>): ExtFields {
  const out = newExtFields();
  for (const [k, v] of Object.entries(fields)) out[k] = String(v);
  return out;
}

export function getMaxOffsetRequest(topic: string, queueId: number): RemotingCommand {
  return RemotingCommand.createRequest(RequestCode.GET_MAX_OFFSET, ext({ topic, queueId }));
}

export function pullMessageRequest(consumerGroup: string, topic: string, queueId: number, queueOffset: number): RemotingCommand {
  // The consumer's own header class, so every read-back also checks it against the real broker.
  const h = new PullMessageRequestHeader();
  h.consumerGroup = consumerGroup;
  h.topic = topic;
  h.queueId = queueId;
  h.queueOffset = BigInt(queueOffset);
  h.maxMsgNums = 32;
  h.sysFlag = buildPullSysFlag({ subscription: true }); // the request carries its own expression
  h.commitOffset = 0n;
  h.suspendTimeoutMillis = 0n;
  h.subscription = '*';
  h.subVersion = 0n;
  h.expressionType = 'TAG';
  return createRequestCommand(RequestCode.PULL_MESSAGE, h);
}
