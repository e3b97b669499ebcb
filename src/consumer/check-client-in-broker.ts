import { BrokerResponseError, FilterExpressionRefusedError } from '../errors';
import type { MQClientInstance } from '../client/mq-client-instance';
import { masterAddr } from '../client/route/topic-route-data';
import type { SubscriptionData } from '../client/subscription-data';

/**
 * Java `MQClientInstance.checkClientInBroker`, run by the push consumer's start() before its first
 * heartbeat: every subscription that is not a TAG expression (SQL92) is sent with CHECK_CLIENT_CONFIG
 * to the masters of its topic, and the first refusal fails start() with a `FilterExpressionRefusedError`
 * carrying the broker's remark. Java asks one broker of the topic and assumes the others are configured
 * alike; asking each master costs one request per broker at start and also catches a mixed cluster.
 * A topic without a route yet is skipped, as in Java. Transport errors are thrown as they come.
 */
export async function checkClientInBroker(
  factory: MQClientInstance,
  group: string,
  subscriptions: Iterable<SubscriptionData>,
  timeoutMs: number,
): Promise<void> {
  for (const sub of subscriptions) {
    if (sub.expressionType === 'TAG') continue;
    const route = factory.topicRouteTable.get(sub.topic);
    const masters = (route?.brokerDatas ?? []).map(masterAddr).filter((a): a is string => a !== undefined);
    for (const addr of masters) {
      try {
        await factory.api.checkClientInBroker(addr, group, factory.clientId, sub, timeoutMs);
      } catch (err) {
        if (!(err instanceof BrokerResponseError)) throw err;
        const what = { topic: sub.topic, expressionType: sub.expressionType, expression: sub.subString };
        throw new FilterExpressionRefusedError(what, err.responseCode, err.remark, err.brokerAddr ?? addr, { cause: err });
      }
    }
  }
}
