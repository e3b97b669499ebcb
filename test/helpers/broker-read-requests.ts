/**
 * Requests the tests use to read a topic back from a real broker: GET_MAX_OFFSET and a plain
 * PULL_MESSAGE (32 messages, no long polling, every tag). Shared by the e2e feature helpers and the
 * fault suite's store reader.
 */
import { newExtFields, RemotingCommand, type ExtFields } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';

/** `PullSysFlag.FLAG_SUBSCRIPTION`: the request carries its own subscription expression. */
const PULL_FLAG_SUBSCRIPTION = 0x4;

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
  return RemotingCommand.createRequest(
    RequestCode.PULL_MESSAGE,
    ext({
      consumerGroup,
      topic,
      queueId,
      queueOffset,
      maxMsgNums: 32,
      sysFlag: PULL_FLAG_SUBSCRIPTION,
      commitOffset: 0,
      suspendTimeoutMillis: 0,
      subscription: '*',
      subVersion: 0,
      expressionType: 'TAG',
    }),
  );
}
