import { HeaderField, RemotingHeader } from './decorators';

/** Java `ViewMessageRequestHeader`: VIEW_MESSAGE_BY_ID (33), by commit-log offset. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.ViewMessageRequestHeader')
export class ViewMessageRequestHeader {
  @HeaderField('string') topic?: string;
  @HeaderField('long', { required: true }) offset!: bigint;
}
