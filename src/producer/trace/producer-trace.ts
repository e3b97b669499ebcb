import type { ProducerConfig, ProducerOptions } from '../producer-config';
import type { SendMessageHook } from '../send-hooks';
import type { EndTransactionHook } from '../transaction-listener';
import { TRACE_GROUP_NAME_PREFIX, traceInstanceName } from '../../client/trace/trace-context';
import { AsyncTraceDispatcher, type TraceDispatcherOptions, type TraceProducer } from '../../client/trace/trace-dispatcher';
import { EndTransactionTraceHook, SendMessageTraceHook } from './trace-hooks';

/** What `enableTrace` accepts besides `true`: the trace topic and the dispatcher's bounds. */
export type TraceOptions = Omit<TraceDispatcherOptions, 'logger'>;

/** The producer a trace is attached to (a `DefaultMQProducer` or a `TransactionMQProducer`). */
export interface TraceHost {
  registerSendMessageHook(hook: SendMessageHook): void;
  registerEndTransactionHook?(hook: EndTransactionHook): void;
}

let traceProducerCounter = 0;

/**
 * The trace producer's options (protocol.md 14.4): its own group `_INNER_TRACE_PRODUCER-<group>-PRODUCE-<n>`,
 * instance `PID_CLIENT_INNER_TRACE_PRODUCER_<namesrv>`, 5 s sends, no VIP channel, and the host's
 * name servers, namespaceV2, TLS, RPC hook (ACL) and logger. Its own sends are not traced.
 */
export function traceProducerOptions(host: ProducerConfig): ProducerOptions {
  const opts: ProducerOptions = {
    producerGroup: `${TRACE_GROUP_NAME_PREFIX}-${host.producerGroup}-PRODUCE-${++traceProducerCounter}`,
    instanceName: traceInstanceName(host.namesrvAddr),
    namesrvAddr: [...host.namesrvAddr],
    sendMsgTimeoutMs: 5000,
    vipChannelEnabled: false,
    useTLS: host.useTLS,
    serializeType: host.serializeType,
    language: host.language,
    connectTimeoutMs: host.connectTimeoutMs,
  };
  if (host.namespaceV2 !== undefined) opts.namespaceV2 = host.namespaceV2;
  if (host.tls !== undefined) opts.tls = host.tls;
  if (host.clientIP !== undefined) opts.clientIP = host.clientIP;
  if (host.logger !== undefined) opts.logger = host.logger;
  if (host.rpcHook !== undefined) opts.rpcHook = host.rpcHook;
  return opts;
}

/**
 * Java's `enableMsgTrace` wiring: a dispatcher with its own producer (made by `createProducer`,
 * which lets the caller pass the producer class without an import cycle) and the Pub and
 * EndTransaction hooks registered on `host`. The caller starts the dispatcher after the host and
 * shuts it down (flushing) with it.
 */
export function attachProducerTrace(
  host: TraceHost,
  hostConfig: ProducerConfig,
  createProducer: (options: ProducerOptions) => TraceProducer,
  options: TraceOptions = {},
): AsyncTraceDispatcher {
  const dispatcher = new AsyncTraceDispatcher(createProducer(traceProducerOptions(hostConfig)), {
    ...options,
    ...(hostConfig.logger !== undefined ? { logger: hostConfig.logger } : {}),
  });
  host.registerSendMessageHook(new SendMessageTraceHook(dispatcher));
  host.registerEndTransactionHook?.(new EndTransactionTraceHook(dispatcher));
  return dispatcher;
}
