import { HeaderField, RemotingHeader } from './decorators';

/**
 * Java `PopMessageResponseHeader`; decoded from the broker, so every field may be absent.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.PopMessageResponseHeader')
export class PopMessageResponseHeader {
  @HeaderField('long', { required: true }) popTime?: bigint;
  @HeaderField('long', { required: true }) invisibleTime?: bigint;
  @HeaderField('int', { required: true }) reviveQid?: number;
  @HeaderField('long', { required: true }) restNum?: bigint;
  @HeaderField('string') startOffsetInfo?: string;
  @HeaderField('string') msgOffsetInfo?: string;
  @HeaderField('string') orderCountInfo?: string;
}
