/**
 * The `rocketmq-ts` command: look at and poke a RocketMQ deployment on the wire. One file per
 * command; each returns its exit code, and every error becomes one line on stderr (no stack trace).
 */
import { Command, CommanderError } from 'commander';
import { EXIT_OK, EXIT_USAGE, reportError } from './cli-error';
import { registerCluster } from './cluster-command';
import { registerDecode } from './decode-command';
import { registerFake } from './fake-command';
import { registerRoute } from './route-command';
import { registerSend } from './send-command';
import { registerTail } from './tail-command';
import { registerTap } from './tap-command';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = (() => {
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** Runs one command's work, turns any error into one stderr line, and sets the exit code. */
async function action(name: string, fn: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await fn();
  } catch (e) {
    process.exitCode = reportError(name, e);
  }
}

export function buildProgram(): Command {
  const program = new Command('rocketmq-ts')
    .description('Look at RocketMQ on the wire: routes, clusters, sends, tailing a topic, frame decoding, a tapping proxy and a fake RocketMQ.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRoute(program, action);
  registerCluster(program, action);
  registerSend(program, action);
  registerTail(program, action);
  registerDecode(program, action);
  registerTap(program, action);
  registerFake(program, action);
  program.addHelpText('after', '\nExit codes: 0 done, 1 the operation failed, 2 invalid input or usage.\nEach command has --help.');
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed the message (or the help / version) already.
      process.exitCode = e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      return;
    }
    process.exitCode = reportError('', e);
  }
}

process.on('uncaughtException', (e) => {
  process.exitCode = reportError('internal error', e);
  process.exit();
});
process.on('unhandledRejection', (e) => {
  process.exitCode = reportError('internal error', e);
  process.exit();
});

void main(process.argv);
