import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/**
 * Java `NotifyConsumerIdsChangedRequestHeader`: NOTIFY_CONSUMER_IDS_CHANGED (40), broker to client,
 * one-way: the members of the group changed, rebalance now.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.NotifyConsumerIdsChangedRequestHeader')
export class NotifyConsumerIdsChangedRequestHeader extends RpcRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
}
