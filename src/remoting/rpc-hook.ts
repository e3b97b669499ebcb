import { RocketMQError, RpcHookError } from '../errors';
import type { RemotingCommand } from './protocol/remoting-command';

/**
 * Java's `RPCHook`: called before each physical send (sync, async and oneway, and again on every
 * resend) and after each response, whatever its code (protocol.md 11.7). ACL signing and namespace
 * rewriting are hooks. A hook may mutate the request (add extFields) before it is encoded.
 */
export interface RPCHook {
  doBeforeRequest(remoteAddr: string, request: RemotingCommand): void;
  doAfterResponse(remoteAddr: string, request: RemotingCommand, response: RemotingCommand): void;
}

/**
 * A hook that throws fails only the call it ran for. A typed error it threw on purpose passes
 * through unchanged; anything else is wrapped so callers always get a `RocketMQError`.
 */
function hookFailure(phase: 'doBeforeRequest' | 'doAfterResponse', err: unknown): RocketMQError {
  if (err instanceof RocketMQError) return err;
  return new RpcHookError(phase, err);
}

export function runBeforeHooks(
  hooks: readonly RPCHook[],
  remoteAddr: string,
  request: RemotingCommand,
): RocketMQError | undefined {
  for (let i = 0; i < hooks.length; i++) {
    try {
      hooks[i]!.doBeforeRequest(remoteAddr, request);
    } catch (err) {
      return hookFailure('doBeforeRequest', err);
    }
  }
  return undefined;
}

export function runAfterHooks(
  hooks: readonly RPCHook[],
  remoteAddr: string,
  request: RemotingCommand,
  response: RemotingCommand,
): RocketMQError | undefined {
  for (let i = 0; i < hooks.length; i++) {
    try {
      hooks[i]!.doAfterResponse(remoteAddr, request, response);
    } catch (err) {
      return hookFailure('doAfterResponse', err);
    }
  }
  return undefined;
}

/** Whether `v` has the shape of an `RPCHook` (options validation of producers and consumers). */
export function isRPCHook(v: unknown): v is RPCHook {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return typeof h.doBeforeRequest === 'function' && typeof h.doAfterResponse === 'function';
}
