import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** Java `BoundaryType`, sent by name. */
export type BoundaryType = 'LOWER' | 'UPPER';

/** Java `SearchOffsetRequestHeader`: SEARCH_OFFSET_BY_TIMESTAMP (29). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.SearchOffsetRequestHeader')
export class SearchOffsetRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
  /** Epoch milliseconds. */
  @HeaderField('long', { required: true }) timestamp!: bigint;
  /** Which end of equal timestamps; the broker reads unset as LOWER. */
  @HeaderField('string') boundaryType?: BoundaryType;

  checkFields(): void {
    // Java's BoundaryType.getType: "upper" in any case is UPPER, anything else LOWER.
    const v: unknown = this.boundaryType;
    if (v !== undefined) this.boundaryType = typeof v === 'string' && v.toLowerCase() === 'upper' ? 'UPPER' : 'LOWER';
  }
}
