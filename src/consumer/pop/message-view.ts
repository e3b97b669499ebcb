import type { HostAddress, MessageExt } from '../../message/message-decoder';
import { MessageConst } from '../../message/message-const';

/**
 * A received message, in the shape of the gRPC clients' `MessageView`, over the decoded `MessageExt`
 * (`messageExt`, every stored field). `topic` is the subscribed topic even when the broker served the
 * message from the pop retry topic. `receiptHandle` is what `ack` and `changeInvisibleDuration` send;
 * `changeInvisibleDuration` replaces it, since the broker no longer accepts the old one.
 */
export class MessageView {
  /** @internal */
  constructor(
    readonly messageExt: MessageExt,
    /** @internal The topic as sent to the broker (namespaced); acks name it. */
    readonly wireTopic: string,
  ) {}

  /** The pop checkpoint handle (Java's `POP_CK` property). */
  get receiptHandle(): string {
    return this.messageExt.getProperty(MessageConst.PROPERTY_POP_CK) ?? '';
  }

  /** @internal */
  set receiptHandle(handle: string) {
    this.messageExt.putProperty(MessageConst.PROPERTY_POP_CK, handle);
  }

  /** The client-side unique id (`UNIQ_KEY`), else the broker's offset id. */
  get messageId(): string {
    return this.messageExt.msgId;
  }

  get topic(): string {
    return this.messageExt.topic;
  }

  get body(): Buffer {
    return this.messageExt.body;
  }

  get tag(): string | undefined {
    return this.messageExt.tags;
  }

  get keys(): string[] {
    return this.messageExt.keyList;
  }

  /** User properties (system ones excluded). */
  get properties(): Map<string, string> {
    return this.messageExt.getUserProperties();
  }

  get bornHost(): HostAddress {
    return this.messageExt.bornHost;
  }

  get bornTimestamp(): number {
    return this.messageExt.bornTimestamp;
  }

  get storeTimestamp(): number {
    return this.messageExt.storeTimestamp;
  }

  /** How many times the message was delivered before (0 the first time). */
  get reconsumeTimes(): number {
    return this.messageExt.reconsumeTimes;
  }

  /** 1 for the first delivery (gRPC `deliveryAttempt`). */
  get deliveryAttempt(): number {
    return this.messageExt.reconsumeTimes + 1;
  }

  get brokerName(): string | undefined {
    return this.messageExt.brokerName;
  }

  get queueId(): number {
    return this.messageExt.queueId;
  }

  get queueOffset(): bigint {
    return this.messageExt.queueOffset;
  }
}
