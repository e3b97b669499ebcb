import type { Logger } from '../logger';
import type { ClientGroups } from './client-groups';
import type { ClientRouteTables } from './client-route-tables';
import { createHeartbeatData, type ConsumerData, type HeartbeatData } from './heartbeat-data';
import type { MQClientAPI } from './mq-client-api';
import { MASTER_ID } from './route/topic-route-data';
import { TimedLock } from './timed-lock';

export interface HeartbeatSenderDeps {
  readonly api: MQClientAPI;
  readonly tables: ClientRouteTables;
  readonly groups: ClientGroups;
  readonly clientId: string;
  readonly timeoutMs: number;
  readonly log: Logger;
}

/**
 * The heartbeat half of Java's `MQClientInstance`: builds HEART_BEAT bodies from the registered groups,
 * sends them to every known broker (or one), and records each broker's version from its answer.
 */
export class HeartbeatSender {
  private readonly heartbeatLock = new TimedLock();
  private heartbeatCount = 0;

  constructor(private readonly deps: HeartbeatSenderDeps) {}

  close(): void {
    this.heartbeatLock.close();
  }

  private prepareHeartbeatData(): HeartbeatData {
    const { producerTable, consumerTable } = this.deps.groups;
    const consumers: ConsumerData[] = [...consumerTable.values()].map((c) => ({
      groupName: c.groupName(),
      consumeType: c.consumeType(),
      messageModel: c.messageModel(),
      consumeFromWhere: c.consumeFromWhere(),
      subscriptionDataSet: [...c.subscriptions()],
      unitMode: c.isUnitMode(),
    }));
    return createHeartbeatData(this.deps.clientId, producerTable.keys(), consumers);
  }

  /**
   * Java `sendHeartbeatToAllBrokerWithLock`: a try-lock that never waits (an overlapping call skips
   * and returns false). Masters only unless a consumer is registered (slaves serve pulls). Failures are logged.
   */
  async sendHeartbeatToAllBrokerWithLock(): Promise<boolean> {
    const { log, clientId, tables } = this.deps;
    if (!this.heartbeatLock.tryLockNow()) {
      log.warn('lock heartBeat, but failed', { clientId });
      return false;
    }
    try {
      const data = this.prepareHeartbeatData();
      if (data.producerDataSet.length === 0 && data.consumerDataSet.length === 0) {
        log.warn('sending heartbeat, but no consumer and no producer', { clientId });
        return false;
      }
      if (tables.brokerAddrTable.size === 0) return false;
      const consumerEmpty = data.consumerDataSet.length === 0;
      for (const { brokerName, brokerId, addr } of tables.brokerAddresses()) {
        if (consumerEmpty && brokerId !== MASTER_ID) continue;
        await this.sendHeartbeatTo(brokerId, brokerName, addr, data);
      }
      return true;
    } catch (err) {
      log.error('sendHeartbeatToAllBroker exception', { err });
      return false;
    } finally {
      this.heartbeatLock.unlock();
    }
  }

  /** One broker, under the same try-lock (Java `sendHeartbeatToBroker(id, name, addr, strictLockMode)`). */
  async sendHeartbeatToBroker(id: number, brokerName: string, addr: string, strictLockMode = true): Promise<boolean> {
    if (!this.heartbeatLock.tryLockNow()) {
      if (strictLockMode) this.deps.log.warn('lock heartBeat, but failed', { clientId: this.deps.clientId });
      return false;
    }
    try {
      const data = this.prepareHeartbeatData();
      if (data.producerDataSet.length === 0 && data.consumerDataSet.length === 0) return false;
      return await this.sendHeartbeatTo(id, brokerName, addr, data);
    } finally {
      this.heartbeatLock.unlock();
    }
  }

  private async sendHeartbeatTo(id: number, brokerName: string, addr: string, data: HeartbeatData): Promise<boolean> {
    const { api, tables, log } = this.deps;
    try {
      const version = await api.sendHeartbeat(addr, data, this.deps.timeoutMs);
      tables.recordBrokerVersion(brokerName, addr, version);
      if (this.heartbeatCount++ % 20 === 0) log.info('send heart beat to broker success', { brokerName, id, addr });
      return true;
    } catch (err) {
      const known = tables.isBrokerAddrExistInTopicRouteTable(addr);
      log.warn(
        known ? 'send heart beat to broker failed' : 'send heart beat to broker failed, because the broker not up, forget it',
        { brokerName, id, addr, err },
      );
      return false;
    }
  }

  /** Java's channel listener: a new connection to a known broker address gets a heartbeat at once. */
  async onChannelActive(remoteAddr: string): Promise<void> {
    try {
      const hit = this.deps.tables.brokerAddresses().find((b) => b.addr === remoteAddr);
      if (hit) await this.sendHeartbeatToBroker(hit.brokerId, hit.brokerName, hit.addr, false);
    } catch (err) {
      this.deps.log.warn('heartbeat on new connection failed', { remoteAddr, err });
    }
  }
}
