import type { Message } from '../message/message';
import type { MessageExt } from '../message/message-decoder';

/** Java `LocalTransactionState`; the names are what END_TRANSACTION and trace records carry. */
export type LocalTransactionState = 'COMMIT_MESSAGE' | 'ROLLBACK_MESSAGE' | 'UNKNOW';

/** `MessageSysFlag.TRANSACTION_*_TYPE`: `commitOrRollback` of END_TRANSACTION (protocol.md 12.9). */
export const TRANSACTION_NOT_TYPE = 0;
export const TRANSACTION_COMMIT_TYPE = 0x2 << 2;
export const TRANSACTION_ROLLBACK_TYPE = 0x3 << 2;

export function commitOrRollbackOf(state: LocalTransactionState): number {
  switch (state) {
    case 'COMMIT_MESSAGE':
      return TRANSACTION_COMMIT_TYPE;
    case 'ROLLBACK_MESSAGE':
      return TRANSACTION_ROLLBACK_TYPE;
    default:
      return TRANSACTION_NOT_TYPE;
  }
}

type MaybePromise<T> = T | Promise<T>;

/**
 * Java `TransactionListener`. Both methods may return the state or a promise of it; `undefined`,
 * `null` or anything else than the three states counts as `UNKNOW`, and so does a throw (the broker
 * then asks again later through `checkLocalTransaction`).
 */
export interface TransactionListener {
  /** Runs after the half message is stored; decides whether it is delivered. */
  executeLocalTransaction(msg: Message, arg: unknown): MaybePromise<LocalTransactionState | null | undefined>;
  /** The broker's check-back for a half message still undecided; `msg` is the stored half message. */
  checkLocalTransaction(msg: MessageExt): MaybePromise<LocalTransactionState | null | undefined>;
}

/** A listener's answer as a state: anything unexpected is `UNKNOW`, as Java treats null. */
export function toLocalTransactionState(v: unknown): LocalTransactionState {
  return v === 'COMMIT_MESSAGE' || v === 'ROLLBACK_MESSAGE' ? v : 'UNKNOW';
}

/** What an end-transaction hook sees (Java `EndTransactionContext`). */
export interface EndTransactionContext {
  producerGroup: string;
  brokerAddr: string | undefined;
  message: Message;
  msgId: string;
  transactionId: string | undefined;
  transactionState: LocalTransactionState;
  fromTransactionCheck: boolean;
}

/** Java `EndTransactionHook`: runs as END_TRANSACTION is sent. Errors are logged and swallowed. */
export interface EndTransactionHook {
  readonly hookName?: string;
  endTransaction(ctx: EndTransactionContext): void;
}
