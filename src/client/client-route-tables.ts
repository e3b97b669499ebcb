import { MASTER_ID, type TopicRouteData } from './route/topic-route-data';

/** One broker address with the names it is known under (heartbeats and unregisters go to each). */
export interface BrokerAddress {
  brokerName: string;
  brokerId: number;
  addr: string;
}

/**
 * The route and broker-address tables of one `MQClientInstance` (Java keeps them as fields of the
 * instance) and the address lookups producers and consumers make against them. No I/O: the route
 * refresher fills the tables, the heartbeat sender reads them.
 */
export class ClientRouteTables {
  readonly topicRouteTable = new Map<string, TopicRouteData>();
  /** brokerName -> (brokerId -> address). */
  readonly brokerAddrTable = new Map<string, Map<number, string>>();
  /** brokerName -> (address -> broker version from its heartbeat answer). */
  readonly brokerVersionTable = new Map<string, Map<string, number>>();

  /** Every known address, a snapshot (callers await between entries while the tables may change). */
  brokerAddresses(): BrokerAddress[] {
    const out: BrokerAddress[] = [];
    for (const [brokerName, addrs] of this.brokerAddrTable) {
      for (const [brokerId, addr] of addrs) out.push({ brokerName, brokerId, addr });
    }
    return out;
  }

  /** Takes the broker addresses of a fresh route (Java replaces each broker's map wholesale). */
  takeBrokerAddrs(route: TopicRouteData): void {
    for (const bd of route.brokerDatas) this.brokerAddrTable.set(bd.brokerName, new Map(bd.brokerAddrs));
  }

  recordBrokerVersion(brokerName: string, addr: string, version: number): void {
    let versions = this.brokerVersionTable.get(brokerName);
    if (!versions) this.brokerVersionTable.set(brokerName, (versions = new Map()));
    versions.set(addr, version);
  }

  /**
   * Java `cleanOfflineBroker` without its lock: forgets addresses no cached route mentions any more.
   * Returns the broker names that lost an address.
   */
  removeOfflineBrokerAddrs(): string[] {
    const shrunk: string[] = [];
    for (const [brokerName, addrs] of [...this.brokerAddrTable]) {
      const kept = new Map([...addrs].filter(([, addr]) => this.isBrokerAddrExistInTopicRouteTable(addr)));
      if (kept.size < addrs.size) shrunk.push(brokerName);
      if (kept.size === 0) this.brokerAddrTable.delete(brokerName);
      else this.brokerAddrTable.set(brokerName, kept);
    }
    return shrunk;
  }

  isBrokerAddrExistInTopicRouteTable(addr: string): boolean {
    for (const route of this.topicRouteTable.values()) {
      for (const bd of route.brokerDatas) for (const a of bd.brokerAddrs.values()) if (a === addr) return true;
    }
    return false;
  }

  /** Java `findBrokerAddressInPublish`: the master address of a broker name. */
  findBrokerAddressInPublish(brokerName: string | undefined): string | undefined {
    if (brokerName === undefined) return undefined;
    return this.brokerAddrTable.get(brokerName)?.get(MASTER_ID);
  }

  /**
   * Java `findBrokerAddressInSubscribe`: the address of `brokerId` of a broker, else (unless
   * `onlyThisBroker`) any address of it; `slave` says whether that is not the master.
   */
  findBrokerAddressInSubscribe(brokerName: string, brokerId: number, onlyThisBroker: boolean): { brokerAddr: string; slave: boolean } | undefined {
    const addrs = this.brokerAddrTable.get(brokerName);
    if (!addrs || addrs.size === 0) return undefined;
    const exact = addrs.get(brokerId);
    if (exact !== undefined) return { brokerAddr: exact, slave: brokerId !== MASTER_ID };
    if (onlyThisBroker) return undefined;
    const [id, addr] = addrs.entries().next().value as [number, string];
    return { brokerAddr: addr, slave: id !== MASTER_ID };
  }

  /** Java `findBrokerAddrByTopic`: an address of a broker of the topic (a random one, as Java). */
  findBrokerAddrByTopic(topic: string): string | undefined {
    const route = this.topicRouteTable.get(topic);
    if (!route || route.brokerDatas.length === 0) return undefined;
    const bd = route.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)]!;
    return bd.brokerAddrs.get(MASTER_ID) ?? bd.brokerAddrs.values().next().value;
  }
}
