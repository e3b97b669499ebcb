import { messageProperties2String } from '../../src/message/message-properties';
import { newExtFields, RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';

/** The compressed bit of a message's sysFlag (zlib when no type bits are set). */
export const SYSFLAG_COMPRESSED = 0x1;

/** The properties of a reply to the request `correlationId`, as a responder's createReplyMessage sets them. */
export function replyProperties(correlationId: string): Map<string, string> {
  return new Map([
    ['MSG_TYPE', 'reply'],
    ['CORRELATION_ID', correlationId],
    ['REPLY_TO_CLIENT', 'client-1'],
    ['TTL', '3000'],
  ]);
}

/**
 * PUSH_REPLY_MESSAGE_TO_CLIENT (326) as a broker sends it to the requester: a ReplyMessageRequestHeader
 * whose properties (`props`, with the reply's CORRELATION_ID) come with the reply's body.
 */
export function pushReplyCommand(props: Map<string, string> | string, body: Buffer, sysFlag = 0, opaque = 0): RemotingCommand {
  if (typeof props === 'string') props = replyProperties(props);
  const ext = newExtFields();
  Object.assign(ext, {
    producerGroup: 'responder',
    topic: 'DefaultCluster_REPLY_TOPIC',
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: '4',
    queueId: '0',
    sysFlag: String(sysFlag),
    bornTimestamp: '1700000000000',
    flag: '0',
    properties: messageProperties2String(props),
    reconsumeTimes: '0',
    unitMode: 'false',
    bornHost: '127.0.0.1:50000',
    storeHost: '127.0.0.1:10911',
    storeTimestamp: '1700000000001',
  });
  const cmd = RemotingCommand.createRequest(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, ext, body);
  cmd.opaque = opaque;
  return cmd;
}
