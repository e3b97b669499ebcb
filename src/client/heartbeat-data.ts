/**
 * The HEART_BEAT (34) body: Java `HeartbeatData` as fastjson writes it (fields in alphabetical
 * order, sets as arrays). A producer-only client sends no consumer data.
 */
export interface ProducerData {
  groupName: string;
}

export interface HeartbeatData {
  clientID: string;
  producerDataSet: ProducerData[];
  /** Consumers are not implemented; always empty. Kept so the body has Java's shape. */
  consumerDataSet: unknown[];
  heartbeatFingerprint: number;
  withoutSub: boolean;
}

export function createHeartbeatData(clientID: string, producerGroups: Iterable<string>): HeartbeatData {
  return {
    clientID,
    producerDataSet: [...producerGroups].map((groupName) => ({ groupName })),
    consumerDataSet: [],
    heartbeatFingerprint: 0,
    withoutSub: false,
  };
}

/** UTF-8 JSON with fastjson's alphabetical field order. */
export function encodeHeartbeatData(data: HeartbeatData): Buffer {
  const json = JSON.stringify({
    clientID: data.clientID,
    consumerDataSet: data.consumerDataSet,
    heartbeatFingerprint: data.heartbeatFingerprint,
    producerDataSet: data.producerDataSet.map((p) => ({ groupName: p.groupName })),
    withoutSub: data.withoutSub,
  });
  return Buffer.from(json, 'utf8');
}
