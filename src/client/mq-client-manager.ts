import { getDefaultLogger } from '../logger';
import type { RPCHook } from '../remoting/rpc-hook';
import { buildMQClientId, type ClientInstanceConfig } from './client-instance-config';
import { MQClientInstance } from './mq-client-instance';

/**
 * Java `MQClientManager`: the process-wide registry clientId -> MQClientInstance. The config is
 * copied at creation and the RPC hook of the first creator wins, as in Java. An instance leaves the
 * registry when it shuts down, so a later producer with the same clientId gets a fresh one.
 */
export class MQClientManager {
  private static readonly instance = new MQClientManager();
  private readonly factoryTable = new Map<string, MQClientInstance>();

  static getInstance(): MQClientManager {
    return MQClientManager.instance;
  }

  getOrCreateMQClientInstance(config: ClientInstanceConfig, rpcHook?: RPCHook): MQClientInstance {
    const clientId = buildMQClientId(config);
    let instance = this.factoryTable.get(clientId);
    if (!instance) {
      const created: MQClientInstance = new MQClientInstance(config, clientId, rpcHook, () => {
        if (this.factoryTable.get(clientId) === created) this.factoryTable.delete(clientId);
      });
      instance = created;
      this.factoryTable.set(clientId, instance);
      (config.logger ?? getDefaultLogger()).info('Created new MQClientInstance', { clientId });
    }
    return instance;
  }

  /** @internal For tests. */
  get size(): number {
    return this.factoryTable.size;
  }
}
