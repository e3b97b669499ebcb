import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/** Java `TopicRequestHeader` (and `TopicQueueRequestHeader`, which adds no field). */
@RemotingHeader('org.apache.rocketmq.remoting.rpc.TopicRequestHeader')
export abstract class TopicRequestHeader extends RpcRequestHeader {
  /** Logical queue. */
  @HeaderField('boolean') lo?: boolean;
}
