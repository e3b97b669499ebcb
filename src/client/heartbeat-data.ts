import { subscriptionDataJson, type SubscriptionData } from './subscription-data';

/**
 * The HEART_BEAT (34) body: Java `HeartbeatData` as fastjson writes it (bean properties in
 * alphabetical order, enums by name, sets as arrays).
 */
export interface ProducerData {
  groupName: string;
}

/** Java `ConsumeType`: push (passively), pull (actively) or pop. */
export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY' | 'CONSUME_POP';
/** Java `MessageModel`. */
export type MessageModel = 'BROADCASTING' | 'CLUSTERING';
/** Java `ConsumeFromWhere` (the three that are not deprecated). */
export type ConsumeFromWhere = 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';

/** Java `ConsumerData`: one consumer group of this client and its subscriptions. */
export interface ConsumerData {
  groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptionDataSet: SubscriptionData[];
  unitMode: boolean;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  consumerDataSet: ConsumerData[];
  heartbeatFingerprint: number;
  withoutSub: boolean;
}

export function createHeartbeatData(
  clientID: string,
  producerGroups: Iterable<string>,
  consumers: Iterable<ConsumerData> = [],
): HeartbeatData {
  return {
    clientID,
    producerDataSet: [...producerGroups].map((groupName) => ({ groupName })),
    consumerDataSet: [...consumers],
    heartbeatFingerprint: 0,
    withoutSub: false,
  };
}

function consumerDataJson(c: ConsumerData): Record<string, unknown> {
  return {
    consumeFromWhere: c.consumeFromWhere,
    consumeType: c.consumeType,
    groupName: c.groupName,
    messageModel: c.messageModel,
    subscriptionDataSet: c.subscriptionDataSet.map(subscriptionDataJson),
    unitMode: c.unitMode,
  };
}

/** UTF-8 JSON with fastjson's alphabetical field order. */
export function encodeHeartbeatData(data: HeartbeatData): Buffer {
  const json = JSON.stringify({
    clientID: data.clientID,
    consumerDataSet: data.consumerDataSet.map(consumerDataJson),
    heartbeatFingerprint: data.heartbeatFingerprint,
    producerDataSet: data.producerDataSet.map((p) => ({ groupName: p.groupName })),
    withoutSub: data.withoutSub,
  });
  return Buffer.from(json, 'utf8');
}
