import type { Logger } from '../../logger';
import type { MessageModel } from '../../client/heartbeat-data';
import type { MQClientInstance } from '../../client/mq-client-instance';
import { LocalFileOffsetStore } from './local-file-offset-store';
import type { OffsetStore } from './offset-store';
import { RemoteBrokerOffsetStore } from './remote-broker-offset-store';

/**
 * Java's choice of offset store in `start()` (push and lite pull alike): the broker keeps a clustering group's
 * offsets; a broadcasting member keeps its own in a local file named by its client id.
 */
export function createOffsetStore(
  factory: MQClientInstance,
  group: string,
  config: { readonly messageModel: MessageModel; readonly localOffsetStoreDir?: string | undefined },
  log: Logger,
): OffsetStore {
  return config.messageModel === 'CLUSTERING'
    ? new RemoteBrokerOffsetStore(factory, group, log)
    : new LocalFileOffsetStore({ clientId: factory.clientId, groupName: group, storeDir: config.localOffsetStoreDir, logger: log });
}
