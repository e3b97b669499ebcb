import { HeaderField, RemotingHeader } from './decorators';

/** Java `RecallMessageResponseHeader`; decoded from the broker, so `msgId` may be absent. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.RecallMessageResponseHeader')
export class RecallMessageResponseHeader {
  @HeaderField('string', { required: true }) msgId?: string;
}
