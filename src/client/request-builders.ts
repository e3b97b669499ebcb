import { RemotingProtocolError } from '../errors';
import { newExtFields, RemotingCommand, type ExtFields } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';

/** `TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`. */
export const AUTO_CREATE_TOPIC_KEY_TOPIC_NAME = 'TBW102';

/** The fields of Java `SendMessageRequestHeader` as `DefaultMQProducerImpl.sendKernelImpl` fills them. */
export interface SendMessageHeaderFields {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: bigint;
  flag: number;
  properties: string;
  reconsumeTimes: number;
  unitMode: boolean;
  maxReconsumeTimes?: number;
  batch: boolean;
  brokerName: string;
}

/** What a send response header carries (`SendMessageResponseHeader`). */
export interface SendResponseHeader {
  msgId: string;
  queueId: number;
  queueOffset: bigint;
  transactionId?: string;
  batchUniqId?: string;
  recallHandle?: string;
}

function ext(entries: Array<[string, string | number | bigint | boolean | undefined]>): ExtFields {
  const out = newExtFields();
  for (const [k, v] of entries) if (v !== undefined) out[k] = String(v);
  return out;
}

/** Request commands of the producer's calls. */
export const buildHeader = {
  getRouteInfo(topic: string): RemotingCommand {
    return RemotingCommand.createRequest(
      RequestCode.GET_ROUTEINFO_BY_TOPIC,
      ext([
        ['topic', topic],
        ['acceptStandardJsonOnly', true],
      ]),
    );
  },

  /** `SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2`: the V1 fields under letters a..n. */
  sendMessageV2(code: number, f: SendMessageHeaderFields, body: Buffer): RemotingCommand {
    const fields = ext([
      ['a', f.producerGroup],
      ['b', f.topic],
      ['c', f.defaultTopic],
      ['d', f.defaultTopicQueueNums],
      ['e', f.queueId],
      ['f', f.sysFlag],
      ['g', f.bornTimestamp],
      ['h', f.flag],
      ['i', f.properties],
      ['j', f.reconsumeTimes],
      ['k', f.unitMode],
      ['l', f.maxReconsumeTimes],
      ['m', f.batch],
      ['n', f.brokerName],
    ]);
    return new RemotingCommand({
      code,
      extFields: fields,
      body,
      fastHeaderKeys: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n'],
    });
  },

  heartbeat(body: Buffer): RemotingCommand {
    return RemotingCommand.createRequest(RequestCode.HEART_BEAT, newExtFields(), body);
  },

  unregisterClient(clientID: string, producerGroup: string | undefined, consumerGroup: string | undefined): RemotingCommand {
    return RemotingCommand.createRequest(
      RequestCode.UNREGISTER_CLIENT,
      ext([
        ['clientID', clientID],
        ['producerGroup', producerGroup],
        ['consumerGroup', consumerGroup],
      ]),
    );
  },

  createTopic(
    defaultTopic: string,
    t: {
      topicName: string;
      readQueueNums: number;
      writeQueueNums: number;
      perm: number;
      topicFilterType: string;
      topicSysFlag: number;
      order: boolean;
      attributes: string;
    },
  ): RemotingCommand {
    return RemotingCommand.createRequest(
      RequestCode.UPDATE_AND_CREATE_TOPIC,
      ext([
        ['topic', t.topicName],
        ['defaultTopic', defaultTopic],
        ['readQueueNums', t.readQueueNums],
        ['writeQueueNums', t.writeQueueNums],
        ['perm', t.perm],
        ['topicFilterType', t.topicFilterType],
        ['topicSysFlag', t.topicSysFlag],
        ['order', t.order],
        ['attributes', t.attributes],
        ['force', false],
      ]),
    );
  },

  getMaxOffset(topic: string, queueId: number): RemotingCommand {
    return RemotingCommand.createRequest(
      RequestCode.GET_MAX_OFFSET,
      ext([
        ['topic', topic],
        ['queueId', queueId],
      ]),
    );
  },
};

function required(e: ExtFields | undefined, key: string): string {
  const v = e?.[key];
  if (v === undefined) throw new RemotingProtocolError(`send response has no ${key}`);
  return v;
}

/** Decodes `SendMessageResponseHeader` (msgId, queueId, queueOffset required). */
export function parseSendResponseHeader(e: ExtFields | undefined): SendResponseHeader {
  const msgId = required(e, 'msgId');
  const queueIdText = required(e, 'queueId');
  const offsetText = required(e, 'queueOffset');
  if (!/^-?\d+$/.test(queueIdText) || !/^-?\d+$/.test(offsetText)) {
    throw new RemotingProtocolError('send response has a non-numeric queueId or queueOffset');
  }
  const out: SendResponseHeader = { msgId, queueId: Number(queueIdText), queueOffset: BigInt(offsetText) };
  if (e?.transactionId !== undefined) out.transactionId = e.transactionId;
  if (e?.batchUniqId !== undefined) out.batchUniqId = e.batchUniqId;
  if (e?.recallHandle !== undefined) out.recallHandle = e.recallHandle;
  return out;
}
