import type { Logger } from '../logger';
import { RemotingClient } from '../remoting/remoting-client';
import type { RPCHook } from '../remoting/rpc-hook';
import { effectiveTls, type ClientConfig } from './client-config';
import { defaultClientIP } from './client-ip';
import { NamespaceRpcHook } from './namespace-rpc-hook';

/**
 * The settings an instance runs with: the validated client options of the producer that created it
 * (copied, like Java's `cloneClientConfig`), with the clientIP and instance name resolved.
 */
export type ClientInstanceConfig = Omit<ClientConfig, 'clientIP'> & { clientIP: string };

/** The instance settings of a producer's or consumer's options under `instanceName`, the client IP resolved. */
export function instanceConfigOf<C extends ClientConfig>(config: C, instanceName: string): C & ClientInstanceConfig {
  return { ...config, instanceName, clientIP: config.clientIP ?? defaultClientIP() };
}

/** Java `ClientConfig.buildMQClientId`: `ip@instanceName[@unitName]`. */
export function buildMQClientId(cfg: Pick<ClientInstanceConfig, 'clientIP' | 'instanceName' | 'unitName'>): string {
  let id = `${cfg.clientIP}@${cfg.instanceName}`;
  if (cfg.unitName && cfg.unitName.trim() !== '') id += `@${cfg.unitName}`;
  return id;
}

/** The instance's one remoting client, configured from the client options. */
export function createInstanceRemotingClient(config: ClientInstanceConfig, logger: Logger, rpcHook?: RPCHook): RemotingClient {
  // Java hook order: NamespaceRpcHook, then the user's hook (ACL signs after namespacing).
  const rpcHooks: RPCHook[] = [new NamespaceRpcHook(config.namespaceV2)];
  if (rpcHook) rpcHooks.push(rpcHook);
  return new RemotingClient({
    namesrvAddrs: [...config.namesrvAddr],
    serializeType: config.serializeType,
    language: config.language,
    version: config.version,
    connectTimeoutMs: config.connectTimeoutMs,
    maxFrameBytes: config.maxFrameBytes,
    maxExtFields: config.maxExtFields,
    maxExtFieldsBytes: config.maxExtFieldsBytes,
    maxAsyncInflight: config.maxAsyncInflight,
    maxOnewayInflight: config.maxOnewayInflight,
    idleTimeoutMs: config.idleTimeoutMs,
    closeSocketIfTimeout: config.closeSocketIfTimeout,
    tls: effectiveTls(config),
    rpcHooks,
    logger,
  });
}
