import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/**
 * Java `ConsumerSendMsgBackRequestHeader`: CONSUMER_SEND_MSG_BACK (36), a consumed message handed back
 * for a later retry (or the DLQ once `maxReconsumeTimes` is reached).
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.ConsumerSendMsgBackRequestHeader')
export class ConsumerSendMsgBackRequestHeader extends RpcRequestHeader {
  /** The commit-log offset of the message. */
  @HeaderField('long', { required: true }) offset!: bigint;
  @HeaderField('string', { required: true }) group!: string;
  /** 0: the broker picks 3 + reconsume times; -1: straight to the DLQ. */
  @HeaderField('int', { required: true }) delayLevel!: number;
  @HeaderField('string') originMsgId?: string;
  @HeaderField('string') originTopic?: string;
  /** A Java primitive, so always sent. */
  @HeaderField('boolean') unitMode: boolean = false;
  @HeaderField('int') maxReconsumeTimes?: number;
}
