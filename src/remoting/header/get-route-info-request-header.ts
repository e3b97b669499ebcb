import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** Java `GetRouteInfoRequestHeader` (namesrv): GET_ROUTEINFO_BY_TOPIC (105). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.namesrv.GetRouteInfoRequestHeader')
export class GetRouteInfoRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  /** Ask for a standard-JSON route body (quoted map keys). */
  @HeaderField('boolean') acceptStandardJsonOnly?: boolean;
}
