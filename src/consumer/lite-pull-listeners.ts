import type { MessageQueue } from '../client/message-queue';

/** Java `TopicMessageQueueChangeListener`: the topic (as the user names it) and its queues now. */
export type TopicMessageQueueChangeListener = (topic: string, queues: MessageQueue[]) => void;

/** Java `MessageQueueListener` of `subscribe(topic, expr, listener)`: every queue of the topic, and this member's share. */
export type MessageQueueListener = (topic: string, mqAll: MessageQueue[], mqDivided: MessageQueue[]) => void;
