import { lazy, zod } from '../../lazy-zod';
import { MessageQueue } from '../message-queue';
import type { MessageModel } from '../heartbeat-data';
import { subscriptionDataJson, type SubscriptionData } from '../subscription-data';
import { parseJsonBody } from './parse-json-body';

/**
 * Bodies of the 5.x server-side assignment and filter checks: QUERY_ASSIGNMENT (400),
 * SET_MESSAGE_REQUEST_MODE (401) and CHECK_CLIENT_CONFIG (46), written as fastjson writes the Java
 * beans (properties alphabetical, enums by name, nulls left out).
 */

/** Java `MessageRequestMode`: queues pulled by the client, or popped from the broker. */
export type MessageRequestMode = 'PULL' | 'POP';

export interface QueryAssignmentRequestBody {
  topic: string;
  consumerGroup: string;
  clientId: string;
  strategyName: string;
  messageModel: MessageModel;
}

export function encodeQueryAssignmentRequestBody(b: QueryAssignmentRequestBody): Buffer {
  const { clientId, consumerGroup, messageModel, strategyName, topic } = b;
  return Buffer.from(JSON.stringify({ clientId, consumerGroup, messageModel, strategyName, topic }), 'utf8');
}

export interface MessageQueueAssignment {
  messageQueue: MessageQueue;
  mode: MessageRequestMode;
  attachments: Record<string, string>;
}

export const QueryAssignmentResponseBodySchema = lazy(() => {
  const z = zod();
  const AssignmentSchema = z.looseObject({
    messageQueue: z.looseObject({ topic: z.string(), brokerName: z.string(), queueId: z.number().int() }),
    mode: z.enum(['PULL', 'POP']).nullish(),
    attachments: z.record(z.string(), z.string()).nullish(),
  });
  return z.looseObject({ messageQueueAssignments: z.array(AssignmentSchema).nullish() });
});

export function parseQueryAssignmentResponseBody(body: Uint8Array | undefined): MessageQueueAssignment[] {
  const parsed = parseJsonBody(QueryAssignmentResponseBodySchema(), body, 'QUERY_ASSIGNMENT');
  return (parsed.messageQueueAssignments ?? []).map((a) => ({
    messageQueue: new MessageQueue(a.messageQueue.topic, a.messageQueue.brokerName, a.messageQueue.queueId),
    mode: a.mode ?? 'PULL',
    attachments: a.attachments ?? {},
  }));
}

export interface SetMessageRequestModeRequestBody {
  topic: string;
  consumerGroup: string;
  mode?: MessageRequestMode;
  popShareQueueNum?: number;
}

export function encodeSetMessageRequestModeRequestBody(b: SetMessageRequestModeRequestBody): Buffer {
  const json = { consumerGroup: b.consumerGroup, mode: b.mode ?? 'PULL', popShareQueueNum: b.popShareQueueNum ?? 0, topic: b.topic };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

export interface CheckClientRequestBody {
  clientId: string;
  group: string;
  subscriptionData: SubscriptionData;
  namespace?: string;
}

export function encodeCheckClientRequestBody(b: CheckClientRequestBody): Buffer {
  const json = { clientId: b.clientId, group: b.group, namespace: b.namespace, subscriptionData: subscriptionDataJson(b.subscriptionData) };
  return Buffer.from(JSON.stringify(json), 'utf8');
}
