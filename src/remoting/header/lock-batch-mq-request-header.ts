import { RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/**
 * Java `LockBatchMqRequestHeader`: LOCK_BATCH_MQ (41). No fields of its own (the queues travel in the
 * body); it exists to carry `bname`, which the 5.x proxy needs.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.LockBatchMqRequestHeader')
export class LockBatchMqRequestHeader extends RpcRequestHeader {}

/** Java `UnlockBatchMqRequestHeader`: UNLOCK_BATCH_MQ (42), likewise. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.UnlockBatchMqRequestHeader')
export class UnlockBatchMqRequestHeader extends RpcRequestHeader {}
