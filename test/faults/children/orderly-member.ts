import { createOrderlyMember } from '../support/orderly-member';
import { envNumber, envString, event } from './report';

/**
 * Scenario c6 child: one orderly member of the group, printing each batch as `@@batch <json>` the moment
 * its listener is called and when it returns. SIGTERM is a clean leave (shutdown commits and unlocks);
 * SIGKILL, sent by the parent mid-batch, is the crash under test.
 */

const member = createOrderlyMember({
  member: envString('ORDERLY_MEMBER'),
  namesrvAddr: envString('ORDERLY_NAMESRV'),
  topic: envString('ORDERLY_TOPIC'),
  group: envString('ORDERLY_GROUP'),
  handlerMs: envNumber('ORDERLY_HANDLER_MS', 20),
  batchMax: envNumber('ORDERLY_BATCH_MAX', 4),
  // Pipes are written synchronously on Linux: a line printed before the SIGKILL reaches the parent.
  emit: (r) => process.stdout.write(`@@batch ${JSON.stringify(r)}\n`),
});

let leaving = false;
process.on('SIGTERM', () => {
  if (leaving) return;
  leaving = true;
  member.shutdown().then(
    () => {
      event('left');
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`orderly member shutdown failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
});

member.start().then(
  () => event('started'),
  (err: unknown) => {
    process.stderr.write(`orderly member start failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
