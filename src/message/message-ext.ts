import { Message } from './message';
import { MessageConst } from './message-const';
import { MessageSysFlag } from './message-sys-flag';

export interface HostAddress {
  ip: string;
  port: number;
  /** `ip:port`, the IPv6 ip in brackets. */
  address: string;
}

const NO_HOST: HostAddress = { ip: '0.0.0.0', port: 0, address: '0.0.0.0:0' };

/**
 * A message as the broker stores it (Java `MessageExt` / `MessageClientExt`): what a pull, a lookup or
 * a transaction check-back hands over.
 */
export class MessageExt extends Message {
  brokerName: string | undefined;
  queueId = 0;
  storeSize = 0;
  bodyCRC = 0;
  queueOffset = 0n;
  commitLogOffset = 0n;
  /** As stored, minus the compressed bit when the body was inflated here. */
  sysFlag = 0;
  bornTimestamp = 0;
  bornHost: HostAddress = NO_HOST;
  storeTimestamp = 0;
  storeHost: HostAddress = NO_HOST;
  reconsumeTimes = 0;
  preparedTransactionOffset = 0n;
  /**
   * The broker's id: store host + commit-log offset (protocol.md 6.2). Members of an inner batch carry
   * the id of the record that holds them (Java leaves it null there).
   */
  offsetMsgId = '';

  /** The client id (`UNIQ_KEY`) when the message has one, else the offset id, as Java's `MessageClientExt`. */
  get msgId(): string {
    return this.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? this.offsetMsgId;
  }

  /** True while the body is still compressed (decoded with `decompressBody: false`). */
  get isBodyCompressed(): boolean {
    return (this.sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0;
  }
}
