import { InvalidArgumentError } from '../../errors';
import { HeaderField, RemotingHeader } from './decorators';
import { RpcRequestHeader } from './rpc-request-header';

/** `MessageSysFlag` transaction types a transaction end may carry. */
export const TransactionType = { NOT_TYPE: 0, COMMIT_TYPE: 8, ROLLBACK_TYPE: 12 } as const;

/** Java `EndTransactionRequestHeader`: END_TRANSACTION (37), sent one-way. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.EndTransactionRequestHeader')
export class EndTransactionRequestHeader extends RpcRequestHeader {
  @HeaderField('string') topic?: string;
  @HeaderField('string', { required: true }) producerGroup!: string;
  /** The half message's queue offset. */
  @HeaderField('long', { required: true }) tranStateTableOffset!: bigint;
  /** The half message's commit-log offset (from its offset message id). */
  @HeaderField('long', { required: true }) commitLogOffset!: bigint;
  /** 8 commit, 12 rollback, 0 unknown. */
  @HeaderField('int', { required: true }) commitOrRollback!: number;
  @HeaderField('boolean') fromTransactionCheck?: boolean = false;
  @HeaderField('string', { required: true }) msgId!: string;
  @HeaderField('string') transactionId?: string;

  checkFields(): void {
    const v = this.commitOrRollback;
    if (v !== TransactionType.NOT_TYPE && v !== TransactionType.COMMIT_TYPE && v !== TransactionType.ROLLBACK_TYPE) {
      throw new InvalidArgumentError(`EndTransactionRequestHeader.commitOrRollback must be 0, 8 or 12, not ${String(v)}`);
    }
  }
}
