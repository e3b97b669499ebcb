import type { MQConsumerInner } from './mq-consumer-inner';
import type { MQProducerInner } from './mq-producer-inner';

/** The producer and consumer groups registered in one instance: what routes, heartbeats and rebalances serve. */
export interface ClientGroups {
  readonly producerTable: ReadonlyMap<string, MQProducerInner>;
  readonly consumerTable: ReadonlyMap<string, MQConsumerInner>;
}
