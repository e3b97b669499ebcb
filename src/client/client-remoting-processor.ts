import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import type { ProcessorContext } from '../remoting/request-processor';

/**
 * Answers one broker-initiated request; null for no answer (oneway requests). A handler may be async
 * (a reply body inflating in the thread pool): the answer is written when it settles, and a rejection
 * is answered SYSTEM_ERROR like a throw.
 */
export type ServerRequestHandler = (
  request: RemotingCommand,
  ctx: ProcessorContext,
) => Promise<RemotingCommand | null> | RemotingCommand | null;

/** The part of the remoting client the processor registers with. */
export interface ProcessorRegistrar {
  registerProcessor(code: number, fn: ServerRequestHandler): void;
}

/**
 * Java `ClientRemotingProcessor` (protocol.md 11.8) as a registry: the client owns the dispatch of
 * broker-initiated requests, whoever needs a code registers its handler. The producer registers
 * CHECK_TRANSACTION_STATE (39) and PUSH_REPLY_MESSAGE_TO_CLIENT (326) when it starts; consumers will
 * register theirs the same way. A code with no handler gets the remoting layer's REQUEST_CODE_NOT_SUPPORTED.
 * The remoting client calls handlers off the read loop.
 */
export class ClientRemotingProcessor {
  constructor(private readonly remoting: ProcessorRegistrar) {}

  /** Sets the handler of `code` (the last registration wins: handlers of one code are interchangeable). */
  registerHandler(code: number, handler: ServerRequestHandler): void {
    this.remoting.registerProcessor(code, handler);
  }
}
