/**
 * Channel names for `node:diagnostics_channel`, the tracing hook of this client (no dependency, and
 * nearly free when nobody subscribes: publishers check `hasSubscribers` before building a message).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { REDACTED, REDACTED_EXT_FIELDS } from './redaction';
import { newExtFields, RemotingCommand } from './remoting/protocol/remoting-command';

/**
 * One remoting request, as a `TracingChannel`: subscribe with
 * `diagnostics_channel.tracingChannel(CHANNEL_REMOTING_REQUEST).subscribe({ start, end, asyncStart, asyncEnd, error })`.
 * `start`/`end` bracket the synchronous part of the call; `error` (on failure), then `asyncStart`/`asyncEnd` fire when it
 * settles, with `response` or `error` set on the same context object.
 */
export const CHANNEL_REMOTING_REQUEST = 'rocketmq:remoting:request';

/** Reserved for the producer's send path (one message, all its attempts). */
export const CHANNEL_PRODUCER_SEND = 'rocketmq:producer:send';

/**
 * A plain channel: a send goes again (the next attempt of a sync send on another broker, or an async
 * send's transport retry). Published only when someone subscribes.
 */
export const CHANNEL_PRODUCER_SEND_RETRY = 'rocketmq:producer:send:retry';

export interface ProducerSendRetryMessage {
  producerGroup: string;
  clientId: string;
  /** The topic as sent (namespaced when a client-side namespace is set). */
  topic: string;
  /** The attempt about to start (2 for the first retry). */
  attempt: number;
  /** What the previous attempt failed with. */
  error: unknown;
}

export const producerSendRetryChannel = diagnosticsChannel.channel(CHANNEL_PRODUCER_SEND_RETRY);

export interface RemotingRequestTraceContext {
  /** The address asked for; `null` means "a name server". */
  addr: string | null;
  /** The name server actually chosen, once known. */
  resolvedAddr?: string;
  request: RemotingCommand;
  oneway: boolean;
  timeoutMs: number | undefined;
  response?: RemotingCommand;
  error?: unknown;
}

/** `cmd` itself when it carries nothing to hide, else a copy with the secret ext values replaced. */
export function redactCommand(cmd: RemotingCommand): RemotingCommand {
  const ext = cmd.extFields;
  if (ext === undefined || !REDACTED_EXT_FIELDS.some((k) => ext[k] !== undefined)) return cmd;
  const shown = newExtFields();
  for (const k of Object.keys(ext)) shown[k] = REDACTED_EXT_FIELDS.includes(k) ? REDACTED : ext[k]!;
  // A shallow copy of every field, then its own ext map (the setter drops any lazy ext source).
  const copy = Object.assign(Object.create(RemotingCommand.prototype) as RemotingCommand, cmd);
  copy.extFields = shown;
  return copy;
}

/**
 * The context published for one request. `request` and `response` read as redacted copies (made
 * when read, so fields an RPC hook adds later show too); the client keeps the real commands.
 */
export function createRemotingRequestTraceContext(
  addr: string | null,
  request: RemotingCommand,
  oneway: boolean,
  timeoutMs: number | undefined,
): RemotingRequestTraceContext {
  let response: RemotingCommand | undefined;
  const ctx = { addr, oneway, timeoutMs } as RemotingRequestTraceContext;
  Object.defineProperties(ctx, {
    request: { enumerable: true, get: () => redactCommand(request) },
    response: {
      enumerable: true,
      get: () => (response === undefined ? undefined : redactCommand(response)),
      set: (v: RemotingCommand | undefined) => {
        response = v;
      },
    },
  });
  return ctx;
}

export const remotingRequestChannel = diagnosticsChannel.tracingChannel<object, RemotingRequestTraceContext>(
  CHANNEL_REMOTING_REQUEST,
);

/** True when anything listens on any event of the request channel. */
export function remotingRequestTraced(): boolean {
  const tc = remotingRequestChannel;
  return (
    tc.start.hasSubscribers ||
    tc.end.hasSubscribers ||
    tc.asyncStart.hasSubscribers ||
    tc.asyncEnd.hasSubscribers ||
    tc.error.hasSubscribers
  );
}
