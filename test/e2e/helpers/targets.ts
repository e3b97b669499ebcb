/**
 * Where an e2e scenario runs: the real NameServer + Broker of the global setup, or an in-process
 * FakeRocketMQ (rocketmq-ts/testing). A scenario written against `target.namesrvAddr()` runs unchanged
 * on both; broker-only checks (mqadmin) look at `target.real`.
 */
import { FakeRocketMQ } from '../../../src/testing';
import { describeBroker, namesrvAddr, startPrivateRocketMQ, type PrivateRocketMQ } from './broker';

export interface E2ETarget {
  name: string;
  /** True for the real broker (mqadmin and the broker's own tools work). */
  real: boolean;
  describe(name: string, fn: () => void): void;
  /** Call in beforeAll (a private broker can take minutes to start on a loaded machine). */
  start(): Promise<void>;
  /** Call in afterAll. */
  stop(): Promise<void>;
  namesrvAddr(): string;
}

export interface TargetOptions {
  /**
   * The broker's `autoCreateTopicEnable`; default true. False on the real side starts a NameServer + Broker
   * of its own (the shared one has it on), on the fake side a FakeRocketMQ with `autoCreateTopic: false`.
   */
  autoCreateTopic?: boolean;
}

export function realBrokerTarget(options: TargetOptions = {}): E2ETarget {
  if (options.autoCreateTopic !== false) {
    return {
      name: 'the real broker',
      real: true,
      describe: describeBroker,
      start: async () => {},
      stop: async () => {},
      namesrvAddr,
    };
  }
  let rocketmq: PrivateRocketMQ | undefined;
  return {
    name: 'a real broker with auto-create off',
    real: true,
    describe: describeBroker,
    start: async () => {
      rocketmq = await startPrivateRocketMQ(['--auto-create-topic', 'false']);
    },
    stop: async () => {
      await rocketmq?.stop();
    },
    namesrvAddr: () => {
      if (!rocketmq) throw new Error('private RocketMQ target used before start()');
      return rocketmq.namesrvAddr;
    },
  };
}

/**
 * A FakeRocketMQ per suite, configured as the harness configures the real broker. It skips when the broker does,
 * so both halves of a parity suite run or skip together.
 */
export function fakeTarget(options: TargetOptions = {}): E2ETarget {
  let fake: FakeRocketMQ | undefined;
  return {
    name: options.autoCreateTopic === false ? 'FakeRocketMQ with auto-create off' : 'FakeRocketMQ',
    real: false,
    describe: describeBroker,
    start: async () => {
      fake = await FakeRocketMQ.start({
        autoCreateTopic: options.autoCreateTopic ?? true,
        // As the harness configures the real broker (scripts/rocketmq.d/broker.conf.tmpl): a fast check-back.
        transactionCheckIntervalMs: 5000,
        transactionTimeoutMs: 3000,
      });
    },
    stop: async () => {
      await fake?.close();
    },
    namesrvAddr: () => {
      if (!fake) throw new Error('FakeRocketMQ target used before start()');
      return fake.namesrvAddr;
    },
  };
}

export function e2eTargets(options: TargetOptions = {}): E2ETarget[] {
  return [realBrokerTarget(options), fakeTarget(options)];
}

type TestFn = (name: string, fn: jest.ProvidesCallback, timeoutMs?: number) => void;

/**
 * Registers a check only where `target` is the real broker: it asks the broker's own tools (mqadmin) or
 * needs what only the broker has. On the fake nothing is registered, so nothing shows as skipped.
 */
export function brokerOnly(target: E2ETarget): { test: TestFn; describe: (name: string, fn: () => void) => void } {
  if (target.real) return { test: (name, fn, timeoutMs) => test(name, fn, timeoutMs), describe: (name, fn) => describe(name, fn) };
  return { test: () => {}, describe: () => {} };
}
