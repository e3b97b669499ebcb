import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/**
 * Java `GetConsumerListByGroupRequestHeader`: GET_CONSUMER_LIST_BY_GROUP (38); the body of the answer
 * is `GetConsumerListByGroupResponseBody` (JSON).
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetConsumerListByGroupRequestHeader')
export class GetConsumerListByGroupRequestHeader extends RpcRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
}
