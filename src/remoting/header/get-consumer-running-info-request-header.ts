import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/**
 * Java `GetConsumerRunningInfoRequestHeader`: GET_CONSUMER_RUNNING_INFO (307), broker (for an admin) to
 * client.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetConsumerRunningInfoRequestHeader')
export class GetConsumerRunningInfoRequestHeader extends RpcRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string', { required: true }) clientId!: string;
  /** A Java primitive, so always sent. */
  @HeaderField('boolean') jstackEnable: boolean = false;
}
