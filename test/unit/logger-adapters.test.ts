// Loggers people already use, passed as `logger` as they are: pino, winston and console. Each must receive our
// messages with their fields as structured data (not interpolated, not lost) and a component naming the part of
// the client that logged. Driven through a real producer against the in-process fake cluster.
import { Writable } from 'node:stream';
import pino from 'pino';
import winston from 'winston';
import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { Message } from '../../src/message/message';
import { parseProducerOptions } from '../../src/producer/producer-config';
import { adaptLogger, createConsoleLogger, type LoggerLike } from '../../src/logger';
import { startFakeCluster } from '../helpers/fake-rocketmq';

function lines(): { stream: Writable; records: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const records = () =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, records };
}

/** Starts a producer with `logger`, sends one message, shuts down; then logs one line with fields through the adapted child. */
async function exercise(logger: LoggerLike): Promise<void> {
  const cluster = await startFakeCluster(1);
  try {
    cluster.ns.setRoute('TopicL', cluster.brokers);
    const p = new DefaultMQProducer({ producerGroup: 'pg_logger', namesrvAddr: cluster.ns.addr, logger });
    await p.start();
    await p.send(new Message('TopicL', 'x'));
    await p.shutdown();
  } finally {
    await cluster.close();
  }
  const child = parseProducerOptions({ logger }).logger!.child('producer');
  child.warn('send failed', { topic: 'TopicL', queueId: 3, offset: 5n, err: new Error('boom') });
}

test('pino: fields are the record (not printf arguments), the component is a field, errors are serialised', async () => {
  const { stream, records } = lines();
  await exercise(pino({ level: 'debug' }, stream));
  const r = records();
  const created = r.find((x) => x.msg === 'Created new MQClientInstance');
  expect(created).toMatchObject({ level: 30, component: 'rocketmq' });
  expect(typeof created!.clientId).toBe('string');
  const warn = r.find((x) => x.msg === 'send failed');
  expect(warn).toMatchObject({ level: 40, component: 'rocketmq:producer', topic: 'TopicL', queueId: 3, err: { message: 'boom', type: 'Error' } });
  for (const x of r) expect(typeof x.msg).toBe('string');
});

test('winston: message plus metadata fields, component from a child logger', async () => {
  const { stream, records } = lines();
  const logger = winston.createLogger({ level: 'debug', format: winston.format.json(), transports: [new winston.transports.Stream({ stream })] });
  await exercise(logger);
  const r = records();
  const created = r.find((x) => x.message === 'Created new MQClientInstance');
  expect(created).toMatchObject({ level: 'info', component: 'rocketmq' });
  expect(typeof created!.clientId).toBe('string');
  expect(r.find((x) => x.message === 'send failed')).toMatchObject({ level: 'warn', component: 'rocketmq:producer', topic: 'TopicL', queueId: 3 });
});

test('console: accepted without a child method; message prefixed with the component, fields passed as an object', async () => {
  const calls: Record<string, unknown[][]> = { debug: [], info: [], warn: [], error: [] };
  const spies = (['debug', 'info', 'warn', 'error'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      calls[m]!.push(args);
    }),
  );
  try {
    await exercise(console);
  } finally {
    for (const s of spies) s.mockRestore();
  }
  const created = calls.info!.find((a) => a[0] === '[rocketmq] Created new MQClientInstance');
  expect(created).toBeDefined();
  expect(created![1]).toEqual({ clientId: expect.any(String) });
  const warn = calls.warn!.find((a) => a[0] === '[rocketmq:producer] send failed');
  expect(warn![1]).toMatchObject({ topic: 'TopicL', queueId: 3, offset: 5n });
});

test('a rocketmq-ts Logger is used as it is; an object without the level methods is refused naming the option', () => {
  const ours = createConsoleLogger('silent');
  expect(adaptLogger(ours)).toBe(ours);
  expect(parseProducerOptions({ logger: ours }).logger).toBe(ours);
  expect(() => parseProducerOptions({ logger: { info() {} } })).toThrow(/logger: expected a logger/);
});
