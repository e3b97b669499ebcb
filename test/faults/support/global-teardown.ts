import { stopBrokerPair } from './broker-pair';
import { readAllFigures } from './figures';

/** Prints the figures of this run and stops the suite's broker pair (unless asked to keep it for reruns). */
export default async function globalTeardown(): Promise<void> {
  const all = readAllFigures();
  if (all.length > 0) {
    process.stdout.write('\nfault-suite figures (.rocketmq/faults-figures):\n');
    for (const f of all) process.stdout.write(`  ${JSON.stringify(f)}\n`);
  }
  if (process.env.ROCKETMQ_FAULTS_KEEP_BROKERS === '1') return;
  await stopBrokerPair();
}
