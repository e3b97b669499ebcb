import { InvalidArgumentError } from '../../errors';
import { HeaderField, RemotingHeader } from './decorators';
import { TransactionType } from './end-transaction-request-header';

/** Java `CheckTransactionStateResponseHeader`: commit (8) or rollback (12) only. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.CheckTransactionStateResponseHeader')
export class CheckTransactionStateResponseHeader {
  @HeaderField('string', { required: true }) producerGroup!: string;
  @HeaderField('long', { required: true }) tranStateTableOffset!: bigint;
  @HeaderField('long', { required: true }) commitLogOffset!: bigint;
  @HeaderField('int', { required: true }) commitOrRollback!: number;

  checkFields(): void {
    const v = this.commitOrRollback;
    if (v !== TransactionType.COMMIT_TYPE && v !== TransactionType.ROLLBACK_TYPE) {
      throw new InvalidArgumentError(`CheckTransactionStateResponseHeader.commitOrRollback must be 8 or 12, not ${String(v)}`);
    }
  }
}
