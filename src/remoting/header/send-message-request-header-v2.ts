import { HeaderField, RemotingHeader } from './decorators';
import type { HeaderFields } from './header-codec';
import { SendMessageRequestHeader } from './send-message-request-header';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `SendMessageRequestHeaderV2` (a `FastCodesHeader`): SEND_MESSAGE_V2 (310),
 * SEND_BATCH_MESSAGE (320) and SEND_REPLY_MESSAGE_V2 (325). The V1 fields under the letters a..n,
 * which keeps the header small; brokers turn it back into V1.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2', { fastCodes: true })
export class SendMessageRequestHeaderV2 extends TopicRequestHeader {
  /** producerGroup */
  @HeaderField('string', { required: true }) a!: string;
  /** topic */
  @HeaderField('string', { required: true }) b!: string;
  /** defaultTopic */
  @HeaderField('string', { required: true }) c!: string;
  /** defaultTopicQueueNums */
  @HeaderField('int', { required: true }) d!: number;
  /** queueId */
  @HeaderField('int', { required: true }) e!: number;
  /** sysFlag */
  @HeaderField('int', { required: true }) f!: number;
  /** bornTimestamp */
  @HeaderField('long', { required: true }) g!: bigint;
  /** flag */
  @HeaderField('int', { required: true }) h!: number;
  /** properties */
  @HeaderField('string') i?: string;
  /** reconsumeTimes */
  @HeaderField('int') j?: number;
  /** unitMode */
  @HeaderField('boolean') k?: boolean;
  /** maxReconsumeTimes */
  @HeaderField('int') l?: number;
  /** batch */
  @HeaderField('boolean') m?: boolean;
  /** brokerName */
  @HeaderField('string') n?: string;

  /** Java `createSendMessageRequestHeaderV2`: unset reconsumeTimes, unitMode, batch become 0, false, false. */
  static createSendMessageRequestHeaderV2(v1: HeaderFields<SendMessageRequestHeader>): SendMessageRequestHeaderV2 {
    // Field by field, as Java writes it: a loop over a letter table would make every property access
    // keyed by a varying name, which V8 answers slowly, and this runs once per send.
    const v2 = new SendMessageRequestHeaderV2();
    v2.a = v1.producerGroup!;
    v2.b = v1.topic!;
    v2.c = v1.defaultTopic!;
    v2.d = v1.defaultTopicQueueNums!;
    v2.e = v1.queueId!;
    v2.f = v1.sysFlag!;
    v2.g = v1.bornTimestamp!;
    v2.h = v1.flag!;
    v2.i = v1.properties;
    v2.j = v1.reconsumeTimes ?? 0;
    v2.k = v1.unitMode ?? false;
    v2.l = v1.maxReconsumeTimes;
    v2.m = v1.batch ?? false;
    v2.n = v1.brokerName;
    return v2;
  }

  /** Java `createSendMessageRequestHeaderV1`: every field as it is, `n` as the broker name. */
  static createSendMessageRequestHeaderV1(v2: SendMessageRequestHeaderV2): SendMessageRequestHeader {
    const v1 = new SendMessageRequestHeader();
    v1.producerGroup = v2.a;
    v1.topic = v2.b;
    v1.defaultTopic = v2.c;
    v1.defaultTopicQueueNums = v2.d;
    v1.queueId = v2.e;
    v1.sysFlag = v2.f;
    v1.bornTimestamp = v2.g;
    v1.flag = v2.h;
    v1.properties = v2.i;
    v1.reconsumeTimes = v2.j;
    v1.unitMode = v2.k;
    v1.maxReconsumeTimes = v2.l;
    v1.batch = v2.m;
    v1.brokerName = v2.n;
    return v1;
  }
}
