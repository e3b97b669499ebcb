/**
 * `@opentelemetry/api` is an optional peer dependency: with it unresolvable, the package imports, starts
 * and sends, and never asks for it unless `openTelemetry` is on (then: a typed configuration error).
 */
import { startFakeCluster } from '../../helpers/fake-rocketmq';

let resolutions = 0;
jest.mock('@opentelemetry/api', () => {
  resolutions++;
  throw new Error("Cannot find module '@opentelemetry/api'");
});

test('imports and sends without the API; openTelemetry: true is refused with InvalidConfigError', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rmq = require('../../../src/index') as typeof import('../../../src/index');
  expect(resolutions).toBe(0);
  const { ns, brokers, close } = await startFakeCluster(1);
  ns.setRoute('TopicTest', brokers);
  const p = new rmq.DefaultMQProducer({ producerGroup: 'pg_no_otel', namesrvAddr: ns.addr, logger: rmq.silentLogger });
  try {
    await p.start();
    const r = await p.send(new rmq.Message('TopicTest', 'plain'));
    expect(r.sendStatus).toBe('SEND_OK');
    // No trace context is added when telemetry is off.
    expect(brokers[0]!.sends()[0]!.extFields?.i ?? '').not.toContain('traceparent');
    expect(resolutions).toBe(0);
  } finally {
    await p.shutdown();
    await close();
  }
  let err: unknown;
  try {
    new rmq.DefaultMQProducer({ producerGroup: 'pg_otel_missing', namesrvAddr: ns.addr, openTelemetry: true });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(rmq.InvalidConfigError);
  expect((err as Error).message).toMatch(/@opentelemetry\/api/);
  expect(resolutions).toBe(1);
});
