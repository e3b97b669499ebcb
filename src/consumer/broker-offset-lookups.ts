import { ClientError, ClientErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import type { OffsetLookups } from './compute-pull-from-where';
import type { OffsetStore } from './store/offset-store';

/** The master address of a queue's broker, the route of its topic looked up once more when it is not known yet. */
export async function masterAddressOf(factory: MQClientInstance, mq: Pick<MessageQueue, 'topic' | 'brokerName'>): Promise<string> {
  let addr = factory.findBrokerAddressInPublish(mq.brokerName);
  if (addr === undefined) {
    await factory.updateTopicRouteInfoFromNameServer(mq.topic);
    addr = factory.findBrokerAddressInPublish(mq.brokerName);
  }
  if (addr === undefined) throw new ClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${mq.brokerName}] not exist`);
  return addr;
}

/** Java `MQAdminImpl.minOffset` / `maxOffset` / `searchOffset`, asked of the queue's master. */
export function brokerOffsetLookups(factory: MQClientInstance): OffsetLookups & { minOffset(mq: MessageQueue): Promise<bigint> } {
  const timeout = (): number => factory.config.mqClientApiTimeoutMs;
  return {
    minOffset: async (q) => factory.api.getMinOffset(await masterAddressOf(factory, q), q, timeout()),
    maxOffset: async (q) => factory.api.getMaxOffset(await masterAddressOf(factory, q), q.topic, q.queueId, timeout()),
    searchOffset: async (q, ts) => factory.api.searchOffset(await masterAddressOf(factory, q), q, ts, timeout()),
  };
}

/** A queue leaving this member (Java `removeUnnecessaryMessageQueue`): its offset persisted (checked, failure logged), then forgotten. */
export async function persistAndForgetOffset(store: OffsetStore, mq: MessageQueue, log: Logger): Promise<boolean> {
  try {
    await store.persist(mq);
  } catch (err) {
    log.warn('persist the offset of a released queue failed', { mq: mq.toString(), err });
  }
  store.removeOffset(mq);
  return true;
}
