import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `QueryMessageRequestHeader`: QUERY_MESSAGE (12). A query by unique key also sets the ext
 * field `_UNIQUE_KEY_QUERY` to "true" beside the header.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.QueryMessageRequestHeader')
export class QueryMessageRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('string', { required: true }) key!: string;
  @HeaderField('int', { required: true }) maxNum!: number;
  @HeaderField('long', { required: true }) beginTimestamp!: bigint;
  @HeaderField('long', { required: true }) endTimestamp!: bigint;
}
