import { HeaderField, RemotingHeader } from './decorators';

/**
 * Java `RpcRequestHeader`, base of most request headers. Its fields are sent only when set; the
 * Java client leaves them unset except where a call names the broker (`bname`).
 */
@RemotingHeader('org.apache.rocketmq.remoting.rpc.RpcRequestHeader')
export abstract class RpcRequestHeader {
  /** The namespace. */
  @HeaderField('string', { wireName: 'ns' }) namespace?: string;
  /** Whether resources are already namespaced. */
  @HeaderField('boolean', { wireName: 'nsd' }) namespaced?: boolean;
  /** The (physical) broker name the request is for. */
  @HeaderField('string', { wireName: 'bname' }) brokerName?: string;
  @HeaderField('boolean', { wireName: 'oway' }) oneway?: boolean;
}
