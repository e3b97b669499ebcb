import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/** Java `UnregisterClientRequestHeader`: UNREGISTER_CLIENT (35). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.UnregisterClientRequestHeader')
export class UnregisterClientRequestHeader extends RpcRequestHeader {
  @HeaderField('string', { required: true }) clientID!: string;
  @HeaderField('string') producerGroup?: string;
  @HeaderField('string') consumerGroup?: string;
}
