import type { Command } from 'commander';
import type { TopicOptions } from '../testing';
import { EXIT_OK, parseIntOption, usageError } from './cli-error';
import { writeLine } from './output';

interface FakeOptions {
  port: string;
  brokerPort: string;
  broker: string[];
  topic: string[];
  autoCreateTopic?: boolean;
  transactionCheckInterval: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const NAME = /^[%|a-zA-Z0-9_-]{1,127}$/;

/** `name` or `name:queues`. */
function parseTopic(spec: string): [string, TopicOptions] {
  const i = spec.lastIndexOf(':');
  const name = i < 0 ? spec : spec.slice(0, i);
  if (!NAME.test(name)) throw usageError(`--topic ${JSON.stringify(spec)}: not a valid topic name`);
  const queues = i < 0 ? 4 : parseIntOption(spec.slice(i + 1), `--topic ${name} queue count`, 1, 1024);
  return [name, { queues }];
}

async function run(o: FakeOptions): Promise<number> {
  const port = parseIntOption(o.port, '--port', 0, 65535);
  const brokerPort = parseIntOption(o.brokerPort, '--broker-port', 0, 65535);
  const interval = parseIntOption(o.transactionCheckInterval, '--transaction-check-interval', 100, 3_600_000);
  const brokers = o.broker.length > 0 ? o.broker : ['broker-a'];
  for (const b of brokers) if (!NAME.test(b)) throw usageError(`--broker ${JSON.stringify(b)}: not a valid broker name`);
  if (new Set(brokers).size !== brokers.length) throw usageError('--broker names must differ');
  // Consecutive broker ports from --broker-port when it is set; ephemeral ones otherwise.
  const brokerPorts = brokers.map((_, i) => (brokerPort === 0 ? 0 : brokerPort + i));
  // Loaded on use: the other commands do not pay for the fake's modules at start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FakeRocketMQ } = require('../testing') as typeof import('../testing');
  const fake = await FakeRocketMQ.start({
    port,
    brokers,
    brokerPorts,
    autoCreateTopic: o.autoCreateTopic === true,
    topics: Object.fromEntries(o.topic.map(parseTopic)),
    transactionCheckIntervalMs: interval,
    recordLimit: 0,
  });
  writeLine(`NAMESRV_ADDR=${fake.namesrvAddr}`);
  const described = Object.entries(fake.brokerAddrs).map(([name, addr]) => `${name} ${addr}`).join(', ');
  process.stderr.write(
    `rocketmq-ts fake: name server ${fake.namesrvAddr}, broker ${described}, auto-create topic ${o.autoCreateTopic ? 'on' : 'off'}; stop with Ctrl-C\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await fake.close();
  return EXIT_OK;
}

export function registerFake(program: Command, action: (name: string, fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('fake')
    .description('run FakeRocketMQ (rocketmq-ts/testing): a name server and broker in memory on loopback, for trying clients')
    .option('--port <n>', 'name server port (0: any free port)', '9876')
    .option('--broker-port <n>', 'first broker port (0: any free port)', '0')
    .option('--broker <name>', 'a broker name (repeatable; default broker-a)', collect, [])
    .option('--topic <name[:queues]>', 'create a topic at start, 4 queues unless given (repeatable)', collect, [])
    .option('--auto-create-topic', 'create unknown topics on first send from TBW102, as autoCreateTopicEnable does')
    .option('--transaction-check-interval <ms>', 'how often half messages are checked back', '30000')
    .addHelpText(
      'after',
      `
Prints NAMESRV_ADDR=host:port on stdout once listening (the rest goes to stderr), so a script can
  eval "$(npx rocketmq-ts fake --port 0 --topic Orders | head -1)"
Messages live in memory only. Runs until SIGINT or SIGTERM (exit 0).
Exit codes: 1 cannot listen (port in use), 2 usage.`,
    )
    .action((o: FakeOptions) => action('fake', () => run(o)));
}
