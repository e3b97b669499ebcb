import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/**
 * Java `CheckTransactionStateRequestHeader`: CHECK_TRANSACTION_STATE (39), broker to client, with the
 * half message as body. Decoded from the broker, so every field may be absent.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.CheckTransactionStateRequestHeader')
export class CheckTransactionStateRequestHeader extends RpcRequestHeader {
  @HeaderField('string') topic?: string;
  @HeaderField('long', { required: true }) tranStateTableOffset?: bigint;
  @HeaderField('long', { required: true }) commitLogOffset?: bigint;
  @HeaderField('string') msgId?: string;
  @HeaderField('string') transactionId?: string;
  @HeaderField('string') offsetMsgId?: string;
}
