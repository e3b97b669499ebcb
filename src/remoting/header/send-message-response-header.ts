import { HeaderField, RemotingHeader } from './decorators';

/**
 * Java `SendMessageResponseHeader` (a `FastCodesHeader`). Decoded from a broker's answer, so every
 * field may be absent: check at the point of use.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.SendMessageResponseHeader', { fastCodes: true })
export class SendMessageResponseHeader {
  /** The broker's offset message id (for a batch: one per message, comma-separated). */
  @HeaderField('string', { required: true }) msgId?: string;
  @HeaderField('int', { required: true }) queueId?: number;
  @HeaderField('long', { required: true }) queueOffset?: bigint;
  @HeaderField('string') transactionId?: string;
  @HeaderField('string') batchUniqId?: string;
  @HeaderField('string') recallHandle?: string;
}
