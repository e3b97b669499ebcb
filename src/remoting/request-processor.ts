import { InvalidArgumentError } from '../errors';
import type { Logger } from '../logger';
import { RemotingCommand } from './protocol/remoting-command';
import { ResponseCode } from './protocol/response-code';
import { runAfterHooks, runBeforeHooks, type RPCHook } from './rpc-hook';

export interface ProcessorContext {
  /** The address of the connection the request came in on. */
  addr: string;
}

/**
 * Handles one server-initiated request (CHECK_TRANSACTION_STATE, NOTIFY_CONSUMER_IDS_CHANGED, ...).
 * Returns the response, or null to answer nothing.
 */
export type RequestProcessor = (
  request: RemotingCommand,
  ctx: ProcessorContext,
) => Promise<RemotingCommand | null> | RemotingCommand | null;

/** Java's `UtilAll.exceptionSimpleDesc`: the error's text and where it was thrown. */
function simpleDescription(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let s = `${err.name}: ${err.message}`;
  const frame = err.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  if (frame) s += `, ${frame.trim()}`;
  return s;
}

/**
 * The processor table and the answer rules of protocol.md 11.8: unknown code gives
 * REQUEST_CODE_NOT_SUPPORTED, a throwing processor SYSTEM_ERROR; nothing is written for a oneway
 * request or a null answer. Always called off the read loop.
 */
export class RequestProcessorTable {
  private readonly processors = new Map<number, RequestProcessor>();

  constructor(
    private readonly hooks: readonly RPCHook[],
    private readonly log: Logger,
  ) {}

  register(code: number, processor: RequestProcessor): void {
    if (!Number.isInteger(code)) throw new InvalidArgumentError(`request code must be an integer, got ${code}`);
    if (typeof processor !== 'function') throw new InvalidArgumentError('processor must be a function');
    this.processors.set(code, processor);
  }

  /**
   * Runs the request through hooks and its processor and hands `reply` the response to write (opaque
   * and response flag set), or undefined when nothing is to be written. `reply` runs exactly once,
   * synchronously for a synchronous processor (no promise per request on the common path). Never throws.
   */
  process(request: RemotingCommand, addr: string, reply: (response: RemotingCommand | undefined) => void): void {
    const processor = this.processors.get(request.code);
    if (processor === undefined) {
      const remark = ` request type ${request.code} not supported`;
      this.log.warn('server-initiated request code not supported', { addr, code: request.code });
      reply(this.answer(request, RemotingCommand.createResponse(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark)));
      return;
    }
    let result: ReturnType<RequestProcessor>;
    try {
      // Java runs the hooks on incoming requests too (protocol.md 11.7); a hook failure is a SYSTEM_ERROR.
      const before = runBeforeHooks(this.hooks, addr, request);
      if (before) throw before;
      result = processor(request, { addr });
    } catch (err) {
      reply(this.failed(request, addr, err));
      return;
    }
    if (result !== null && typeof (result as Promise<unknown> | undefined)?.then === 'function') {
      (result as Promise<RemotingCommand | null>).then(
        (response) => reply(this.completed(request, addr, response)),
        (err: unknown) => reply(this.failed(request, addr, err)),
      );
    } else {
      reply(this.completed(request, addr, result as RemotingCommand | null));
    }
  }

  private completed(request: RemotingCommand, addr: string, response: RemotingCommand | null): RemotingCommand | undefined {
    if (response === null || response === undefined) return undefined;
    try {
      if (!(response instanceof RemotingCommand)) {
        throw new InvalidArgumentError(`processor for code ${request.code} returned a non-RemotingCommand`);
      }
      const after = runAfterHooks(this.hooks, addr, request, response);
      if (after) throw after;
    } catch (err) {
      return this.failed(request, addr, err);
    }
    return this.answer(request, response);
  }

  private failed(request: RemotingCommand, addr: string, err: unknown): RemotingCommand | undefined {
    this.log.error('request processor failed', { addr, code: request.code, opaque: request.opaque, error: err });
    return this.answer(request, RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, simpleDescription(err)));
  }

  private answer(request: RemotingCommand, response: RemotingCommand): RemotingCommand | undefined {
    if (request.isOneway) return undefined;
    response.opaque = request.opaque;
    response.markResponse();
    return response;
  }
}
