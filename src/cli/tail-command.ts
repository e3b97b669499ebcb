import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { createConsoleLogger, silentLogger } from '../logger';
import type { MessageExt } from '../message/message-decoder';
import { SimpleConsumer } from '../consumer/pop/simple-consumer';
import type { MessageView } from '../consumer/pop/message-view';
import { RocketMQError } from '../errors';
import { QueueReader, type ReadFrom } from '../consumer/queue-reader';
import { EXIT_OK, parseIntOption, usageError } from './cli-error';
import { NAMESRV_OPTION, nameServerAddrs, withNameServer } from './name-server-client';
import { writeJsonLine } from './output';

interface TailOptions {
  namesrv?: string;
  from: string;
  count?: string;
  group?: string;
  tag: string;
  timeout?: string;
  verbose?: boolean;
  pop?: boolean;
}

/** What the print loop reads from: the pull reader, or a pop consumer that acks what it printed. */
interface MessageSource {
  poll(waitMs: number): Promise<MessageExt[]>;
  printed(msgs: MessageExt[]): Promise<void>;
}

/** `first`, `last`, epoch milliseconds, or an ISO-8601 date. */
export function parseFrom(text: string): ReadFrom {
  if (text === 'first' || text === 'last') return text;
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(ms)) throw usageError(`--from ${JSON.stringify(text)} is not first, last, epoch milliseconds or an ISO date`);
  return { timestamp: ms };
}

/** Every field of a pulled message; the body as UTF-8 when it round-trips, else base64. */
export function messageJson(m: MessageExt): Record<string, unknown> {
  const text = m.body.toString('utf8');
  const utf8 = Buffer.from(text, 'utf8').equals(m.body);
  return {
    topic: m.topic,
    brokerName: m.brokerName,
    queueId: m.queueId,
    queueOffset: m.queueOffset,
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    tags: m.tags,
    keys: m.keys,
    properties: m.properties,
    flag: m.flag,
    sysFlag: m.sysFlag,
    bornHost: m.bornHost.address,
    bornTimestamp: m.bornTimestamp,
    storeHost: m.storeHost.address,
    storeTimestamp: m.storeTimestamp,
    reconsumeTimes: m.reconsumeTimes,
    commitLogOffset: m.commitLogOffset,
    storeSize: m.storeSize,
    bodyCRC: m.bodyCRC,
    body: utf8 ? text : m.body.toString('base64'),
    bodyEncoding: utf8 ? 'utf8' : 'base64',
  };
}

/** Resolves on SIGINT or SIGTERM; `dispose` removes the handlers. */
function signalled(): { promise: Promise<void>; dispose: () => void } {
  let stop!: () => void;
  const promise = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { promise, dispose: () => (process.off('SIGINT', stop), process.off('SIGTERM', stop)) };
}

async function run(topic: string, o: TailOptions): Promise<number> {
  if (topic.trim().length === 0) throw usageError('topic is empty');
  const from = parseFrom(o.from);
  const count = o.count !== undefined ? parseIntOption(o.count, '--count', 1, 1_000_000_000) : Infinity;
  const idleMs = o.timeout !== undefined ? parseIntOption(o.timeout, '--timeout', 1, 86_400_000) : Infinity;
  const group = o.group ?? `rmqts_tail_${randomBytes(4).toString('hex')}`;
  const addrs = nameServerAddrs(o.namesrv);
  const logger = o.verbose ? createConsoleLogger('debug') : silentLogger;
  const stop = signalled();
  let stopped = false;
  void stop.promise.then(() => (stopped = true));
  const printLoop = async (source: MessageSource): Promise<void> => {
    let printed = 0;
    let lastMessageAt = Date.now();
    while (!stopped && printed < count && Date.now() - lastMessageAt < idleMs) {
      const wait = Math.min(500, idleMs - (Date.now() - lastMessageAt));
      const msgs = await Promise.race([source.poll(Math.max(wait, 1)), stop.promise.then((): MessageExt[] => [])]);
      if (msgs.length > 0) lastMessageAt = Date.now();
      const shown = msgs.slice(0, count - printed);
      for (const m of shown) writeJsonLine(messageJson(m));
      printed += shown.length;
      await source.printed(shown);
    }
  };
  try {
    if (o.pop) {
      if (typeof from === 'object') throw usageError('--pop reads from first or last only (the broker keeps the group\'s offset)');
      const consumer = new SimpleConsumer({
        consumerGroup: group,
        namesrvAddr: addrs.join(';'),
        subscriptions: { [topic]: o.tag },
        consumeFromWhere: from === 'first' ? 'CONSUME_FROM_FIRST_OFFSET' : 'CONSUME_FROM_LAST_OFFSET',
        awaitDurationMs: 5000,
        logger,
      });
      await consumer.start();
      try {
        const views = new Map<MessageExt, Parameters<SimpleConsumer['ack']>[0]>();
        let pending: ReturnType<SimpleConsumer['receive']> | undefined;
        await printLoop({
          // A receive outlives one poll (the broker holds it up to awaitDurationMs): the next poll takes it over.
          poll: async (waitMs) => {
            pending ??= consumer.receive(32, 30_000);
            let timer: NodeJS.Timeout | undefined;
            let got: MessageView[] | undefined;
            try {
              got = await Promise.race([pending, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), waitMs)))]);
            } catch (err) {
              // A broker busy past the poll time (the pop timed out) or a flow-control answer: pop again.
              if (!(err instanceof RocketMQError && err.retriable)) throw err;
              pending = undefined;
              return [];
            } finally {
              clearTimeout(timer);
            }
            if (got === undefined) return [];
            pending = undefined;
            for (const v of got) views.set(v.messageExt, v);
            return got.map((v) => v.messageExt);
          },
          // Only what was printed is acked; the rest comes back to the group after its invisible time.
          printed: async (msgs) => {
            for (const m of msgs) await consumer.ack(views.get(m)!);
            views.clear();
          },
        });
      } finally {
        await consumer.shutdown();
      }
    } else {
      await withNameServer(addrs, async (api) => {
        const reader = new QueueReader(api, { topic, consumerGroup: group, subExpression: o.tag, from, logger });
        await reader.start();
        try {
          await printLoop({ poll: (waitMs) => reader.poll(waitMs), printed: async () => {} });
        } finally {
          reader.close();
        }
      });
    }
  } finally {
    stop.dispose();
  }
  return EXIT_OK;
}

export function registerTail(program: Command, action: (name: string, fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('tail')
    .description('read every queue of a topic (pull, long polling, nothing committed) and print one JSON line per message')
    .argument('<topic>', 'topic to read')
    .option(...NAMESRV_OPTION)
    .option('--from <where>', 'first, last, epoch milliseconds or an ISO date', 'last')
    .option('-c, --count <n>', 'stop after n messages')
    .option('-g, --group <group>', 'consumer group named in pulls (default: rmqts_tail_<random>)')
    .option('--tag <expr>', 'tag expression, e.g. "a || b"', '*')
    .option('--timeout <ms>', 'stop after this long without a message')
    .option('--pop', 'read with a SimpleConsumer (POP_MESSAGE, RocketMQ 5.x): the group shares the messages and each printed one is acked')
    .option('--verbose', "the client's log on stderr")
    .addHelpText(
      'after',
      '\nRuns until --count messages, --timeout of silence, or SIGINT/SIGTERM. Bodies that are not UTF-8 print as base64 ("bodyEncoding").\nExit codes: 0 done, 1 the topic is unknown or a lookup failed, 2 invalid input or usage.',
    )
    .action((topic: string, o: TailOptions) => action('tail', () => run(topic, o)));
}
