/**
 * Who a fake broker knows from heartbeats: producer groups (the channels a transaction check-back
 * goes to) and consumer groups with their subscriptions. A consumer group whose membership changes is
 * told with NOTIFY_CONSUMER_IDS_CHANGED, as the broker's ConsumerManager does; a closed connection
 * unregisters its clients.
 */
import type * as net from 'node:net';
import { javaStringHashCode } from '../remoting/protocol/java-hash';

export interface FakeSubscription {
  topic: string;
  subString: string;
  expressionType: string;
  subVersion: number;
  /** Tag hash codes; empty for `*`. */
  codeSet: number[];
  tagsSet: string[];
}

interface ClientChannel {
  clientId: string;
  socket: net.Socket;
}

interface ConsumerGroup {
  members: Map<string, ClientChannel>;
  subscriptions: Map<string, FakeSubscription>;
  consumeType: string;
  messageModel: string;
}

interface HeartbeatBody {
  clientID?: string;
  producerDataSet?: { groupName?: string }[];
  consumerDataSet?: {
    groupName?: string;
    consumeType?: string;
    messageModel?: string;
    subscriptionDataSet?: Partial<FakeSubscription>[];
  }[];
}

/** A subscription from an expression, as FilterAPI.build does for TAG filters. */
export function buildSubscription(topic: string, subString: string | undefined, expressionType = 'TAG', subVersion = 0): FakeSubscription {
  const s = subString === undefined || subString.trim() === '' ? '*' : subString.trim();
  const tags = s === '*' ? [] : s.split('||').map((t) => t.trim()).filter((t) => t.length > 0);
  return { topic, subString: s, expressionType, subVersion, tagsSet: tags, codeSet: tags.map(javaStringHashCode) };
}

/** Whether a stored message's tags code passes a subscription (the broker compares hash codes only). */
export function subscriptionMatches(sub: FakeSubscription, tagsCode: number): boolean {
  if (sub.expressionType !== 'TAG' || sub.codeSet.length === 0) return true;
  return sub.codeSet.includes(tagsCode);
}

export class FakeClients {
  private readonly producers = new Map<string, Map<string, ClientChannel>>();
  private readonly consumers = new Map<string, ConsumerGroup>();

  /** @param notify sends NOTIFY_CONSUMER_IDS_CHANGED for `group` on `socket`. */
  constructor(private readonly notify: (socket: net.Socket, group: string) => void) {}

  /** Registers a heartbeat's groups; returns the consumer groups it names (for their retry topics). */
  heartbeat(body: HeartbeatBody, socket: net.Socket): string[] {
    const clientId = body.clientID ?? '';
    for (const p of body.producerDataSet ?? []) {
      if (!p.groupName) continue;
      let g = this.producers.get(p.groupName);
      if (!g) this.producers.set(p.groupName, (g = new Map()));
      g.set(clientId, { clientId, socket });
    }
    const groups: string[] = [];
    for (const c of body.consumerDataSet ?? []) {
      if (!c.groupName) continue;
      groups.push(c.groupName);
      let g = this.consumers.get(c.groupName);
      if (!g) {
        g = { members: new Map(), subscriptions: new Map(), consumeType: '', messageModel: '' };
        this.consumers.set(c.groupName, g);
      }
      g.consumeType = c.consumeType ?? 'CONSUME_PASSIVELY';
      g.messageModel = c.messageModel ?? 'CLUSTERING';
      let changed = false;
      const known = g.members.get(clientId);
      if (!known || known.socket !== socket) {
        g.members.set(clientId, { clientId, socket });
        changed = true;
      }
      for (const s of c.subscriptionDataSet ?? []) {
        if (!s.topic) continue;
        const sub = buildSubscription(s.topic, s.subString, s.expressionType ?? 'TAG', Number(s.subVersion ?? 0));
        const old = g.subscriptions.get(s.topic);
        if (!old || old.subString !== sub.subString) changed = true;
        g.subscriptions.set(s.topic, sub);
      }
      if (changed) this.notifyGroup(c.groupName);
    }
    return groups;
  }

  unregister(clientId: string, producerGroup: string | undefined, consumerGroup: string | undefined): void {
    if (producerGroup) this.producers.get(producerGroup)?.delete(clientId);
    if (consumerGroup) {
      const g = this.consumers.get(consumerGroup);
      if (g?.members.delete(clientId)) this.notifyGroup(consumerGroup);
    }
  }

  /** A connection closed: drop every client on it and tell the groups that lost a member. */
  channelClosed(socket: net.Socket): void {
    for (const g of this.producers.values()) {
      for (const [id, ch] of g) if (ch.socket === socket) g.delete(id);
    }
    for (const [name, g] of this.consumers) {
      let lost = false;
      for (const [id, ch] of g.members) {
        if (ch.socket === socket) {
          g.members.delete(id);
          lost = true;
        }
      }
      if (lost) this.notifyGroup(name);
    }
  }

  consumerIds(group: string): string[] {
    return [...(this.consumers.get(group)?.members.keys() ?? [])];
  }

  subscription(group: string, topic: string): FakeSubscription | undefined {
    return this.consumers.get(group)?.subscriptions.get(topic);
  }

  /** The channel a client id heartbeats on (as a producer), for pushing replies to it. */
  channelOf(clientId: string): net.Socket | undefined {
    for (const g of this.producers.values()) {
      const ch = g.get(clientId);
      if (ch && !ch.socket.destroyed) return ch.socket;
    }
    return undefined;
  }

  /** A live channel of a producer group (the check-back target), if any. */
  producerChannel(group: string): net.Socket | undefined {
    for (const ch of this.producers.get(group)?.values() ?? []) if (!ch.socket.destroyed) return ch.socket;
    return undefined;
  }

  private notifyGroup(group: string): void {
    const g = this.consumers.get(group);
    if (!g) return;
    for (const ch of g.members.values()) this.notify(ch.socket, group);
  }
}
