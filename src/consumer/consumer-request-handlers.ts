import type { Logger } from '../logger';
import { encodeConsumeMessageDirectlyResult } from '../client/body/consume-message-directly-result';
import type { MQClientInstance } from '../client/mq-client-instance';
import { decodeMessageExt } from '../message/message-decoder';
import { ConsumerRunningInfoProps, encodeConsumerRunningInfo } from '../client/body/consumer-running-info';
import {
  ConsumeMessageDirectlyResultRequestHeader,
  createResponseCommand,
  decodeCommandCustomHeader,
  GetConsumerRunningInfoRequestHeader,
  ResetOffsetRequestHeader,
} from '../remoting/header';
import { MessageQueue } from '../client/message-queue';
import { parseResetOffsetBody } from '../client/body/reset-offset-body';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';

/**
 * The broker-to-client requests a consumer answers (Java `ClientRemotingProcessor`), registered with the
 * instance's registry at start. They dispatch by group over the instance's consumers, so one registration
 * serves every consumer of the instance.
 */
export function registerConsumerRequestHandlers(factory: MQClientInstance, log: Logger): void {
  const processor = factory.clientRemotingProcessor;
  processor.registerHandler(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, () => {
    void factory.rebalanceImmediately();
    return null;
  });
  processor.registerHandler(RequestCode.CONSUME_MESSAGE_DIRECTLY, (req) => consumeMessageDirectly(factory, log, req));
  processor.registerHandler(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => consumerRunningInfo(factory, req));
  processor.registerHandler(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (req) => {
    void resetOffset(factory, log, req);
    return null;
  });
}

/** Java `ClientRemotingProcessor.resetOffset` (oneway): the body's offset table, or (5.x) one queue in the header. */
async function resetOffset(factory: MQClientInstance, log: Logger, request: RemotingCommand): Promise<void> {
  try {
    const header = decodeCommandCustomHeader(request, ResetOffsetRequestHeader);
    const consumer = factory.consumerTable.get(header.group);
    if (!consumer?.resetOffset) return;
    let offsets: Array<{ mq: MessageQueue; offset: bigint }> = [];
    if (request.body && request.body.length > 0) offsets = parseResetOffsetBody(request.body).map(([mq, offset]) => ({ mq, offset }));
    else if (header.queueId >= 0 && header.offset !== undefined && header.brokerName !== undefined) {
      offsets = [{ mq: new MessageQueue(header.topic, header.brokerName, header.queueId), offset: header.offset }];
    }
    log.info('reset offset requested by the broker', { topic: header.topic, group: header.group, queues: offsets.length });
    await consumer.resetOffset(header.topic, offsets);
  } catch (err) {
    log.warn('reset offset failed', { err });
  }
}

/** Java's `CURRENT_VERSION` as `MQVersion.getVersionDesc` names it (the client speaks 5.3.3's protocol). */
const CLIENT_VERSION_DESC = 'V5_3_3';

/** Java `MQClientInstance.consumerRunningInfo`: the consumer's info plus the instance's properties. */
function consumerRunningInfo(factory: MQClientInstance, request: RemotingCommand): RemotingCommand {
  const header = decodeCommandCustomHeader(request, GetConsumerRunningInfoRequestHeader);
  const consumer = factory.consumerTable.get(header.consumerGroup);
  if (!consumer?.consumerRunningInfo) {
    return createResponseCommand(ResponseCode.SYSTEM_ERROR, `The Consumer Group <${header.consumerGroup}> not exist in this consumer`);
  }
  const info = consumer.consumerRunningInfo();
  const properties: Array<readonly [string, string]> = [
    ...info.properties,
    [ConsumerRunningInfoProps.PROP_NAMESERVER_ADDR, factory.config.namesrvAddr.join(';')],
    [ConsumerRunningInfoProps.PROP_CONSUME_TYPE, consumer.consumeType()],
    [ConsumerRunningInfoProps.PROP_CLIENT_VERSION, CLIENT_VERSION_DESC],
  ];
  const response = createResponseCommand(ResponseCode.SUCCESS);
  response.body = encodeConsumerRunningInfo({ ...info, properties });
  return response;
}

async function consumeMessageDirectly(factory: MQClientInstance, log: Logger, request: RemotingCommand): Promise<RemotingCommand> {
  const header = decodeCommandCustomHeader(request, ConsumeMessageDirectlyResultRequestHeader);
  const consumer = factory.consumerTable.get(header.consumerGroup);
  if (!consumer?.consumeMessageDirectly) {
    return createResponseCommand(ResponseCode.SYSTEM_ERROR, `The Consumer Group <${header.consumerGroup}> not exist in this consumer`);
  }
  try {
    const msg = decodeMessageExt(request.body ?? Buffer.alloc(0));
    const result = await consumer.consumeMessageDirectly(msg, header.msgBrokerName);
    const response = createResponseCommand(ResponseCode.SUCCESS);
    response.body = encodeConsumeMessageDirectlyResult(result);
    return response;
  } catch (err) {
    log.warn('consumeMessageDirectly failed', { group: header.consumerGroup, err });
    return createResponseCommand(ResponseCode.SYSTEM_ERROR, `consumeMessageDirectly failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
