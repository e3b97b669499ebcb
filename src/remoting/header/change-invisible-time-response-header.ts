import { HeaderField, RemotingHeader } from './decorators';

/**
 * Java `ChangeInvisibleTimeResponseHeader`; decoded from the broker, so every field may be absent.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.ChangeInvisibleTimeResponseHeader')
export class ChangeInvisibleTimeResponseHeader {
  @HeaderField('long', { required: true }) popTime?: bigint;
  @HeaderField('long', { required: true }) invisibleTime?: bigint;
  @HeaderField('int', { required: true }) reviveQid?: number;
}
