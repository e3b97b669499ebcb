import { RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/** Java `HeartbeatRequestHeader`: HEART_BEAT (34); only the inherited fields (the data is the body). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.HeartbeatRequestHeader')
export class HeartbeatRequestHeader extends RpcRequestHeader {}
