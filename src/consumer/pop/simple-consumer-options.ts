import type { ClientOptions } from '../../client/client-options';
import type { RPCHook } from '../../remoting/rpc-hook';

/** A filter expression: a tag expression (`'*'`, `'TagA || TagB'`) or an SQL92 one. */
export interface FilterExpression {
  expression: string;
  /** @defaultValue `TAG` */
  type?: 'TAG' | 'SQL92';
}

/**
 * What `new SimpleConsumer({...})` accepts: every client option plus these, in the shape of the official gRPC
 * clients' SimpleConsumer. Strict: an unknown or misspelt key is an error naming it. The validation, defaults and
 * bounds are the schema's (simple-consumer-config.ts), which a compile-time check keeps equal to this interface.
 */
export interface SimpleConsumerOptions extends ClientOptions {
  /**
   * The consumer group. Members of a group share its messages: each message goes to one of them.
   * @defaultValue required
   * @java gRPC `SimpleConsumerBuilder.setConsumerGroup`
   */
  consumerGroup: string;
  /**
   * Topic -> filter expression: a tag expression string (`'*'` for every message) or `{ expression, type }`.
   * @defaultValue none (`subscribe()` adds some)
   * @java gRPC `setSubscriptionExpressions`
   */
  subscriptions?: Record<string, string | FilterExpression> | Map<string, string | FilterExpression>;
  /**
   * Long-polling time of one `receive`: the broker holds the request up to this long when it has nothing.
   * @defaultValue `30000`
   * @java gRPC `setAwaitDuration` (30 s)
   */
  awaitDurationMs?: number;
  /**
   * Where a group that never consumed a queue starts; after that the broker keeps the group's offset.
   * @defaultValue `CONSUME_FROM_LAST_OFFSET` (Java `ConsumeInitMode.MAX`, what the 5.x proxy asks for)
   * @java `PopMessageRequestHeader.initMode`
   */
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET';
  /**
   * Hook run around every request (ACL signing: `AclClientRPCHook`).
   * @defaultValue none
   * @java constructor argument `RPCHook`
   */
  rpcHook?: RPCHook;
}
