import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import type { RPCHook } from '../remoting/rpc-hook';

/** `MixAll.RPC_REQUEST_HEADER_NAMESPACED_FIELD` / `RPC_REQUEST_HEADER_NAMESPACE_FIELD`. */
export const NAMESPACED_FIELD = 'nsd';
export const NAMESPACE_FIELD = 'ns';

/**
 * Java `NamespaceRpcHook` (namespaceV2): the server does the namespacing, so every request carries
 * `nsd=true` and `ns=<namespaceV2>` and resources travel unwrapped. Does nothing when unset.
 */
export class NamespaceRpcHook implements RPCHook {
  constructor(private readonly namespaceV2: string | undefined) {}

  doBeforeRequest(_remoteAddr: string, request: RemotingCommand): void {
    if (this.namespaceV2) {
      request.addExtField(NAMESPACED_FIELD, 'true');
      request.addExtField(NAMESPACE_FIELD, this.namespaceV2);
    }
  }

  doAfterResponse(): void {}
}
