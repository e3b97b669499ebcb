import { HeaderField, RemotingHeader } from './decorators';

/**
 * Java `PullMessageResponseHeader` (a `FastCodesHeader`). Decoded from a broker's answer, so every field
 * may be absent: check at the point of use. `offsetDelta`, `topicSysFlag`, `groupSysFlag`, `forbiddenType`
 * are 5.x.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.PullMessageResponseHeader', { fastCodes: true })
export class PullMessageResponseHeader {
  /** The broker id to pull this queue from next time (1: a slave). */
  @HeaderField('long', { required: true }) suggestWhichBrokerId?: bigint;
  @HeaderField('long', { required: true }) nextBeginOffset?: bigint;
  @HeaderField('long', { required: true }) minOffset?: bigint;
  @HeaderField('long', { required: true }) maxOffset?: bigint;
  /** Added to the queue offsets of the returned records (5.x static topics). */
  @HeaderField('long') offsetDelta?: bigint;
  @HeaderField('int') topicSysFlag?: number;
  @HeaderField('int') groupSysFlag?: number;
  @HeaderField('int') forbiddenType?: number;
}
