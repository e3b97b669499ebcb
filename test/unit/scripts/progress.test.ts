// The scripts' progress line (scripts/progress.ts): a registration wait that the harness reports every half
// second becomes one line redrawn in place on a terminal, and one line every few seconds in a log.
import { createProgressReporter, type ProgressStream } from '../../../scripts/progress';

const wait = (secs: number): string => `[rocketmq]   waiting for the NameServer to list: broker-a (${secs}s)`;
const ESC = '\u001b';

function fakeStream(isTTY: boolean): ProgressStream & { chunks: string[]; text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 100,
    chunks,
    write(c: string) {
      chunks.push(c);
      return true;
    },
    text: () => chunks.join(''),
  };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('terminal: twenty waits are one line redrawn in place, then cleared for the next message', () => {
  const tty = fakeStream(true);
  const r = createProgressReporter({ stream: tty });
  r.line('[rocketmq] namesrv up: pid 1, booted in 2000 ms');
  // the harness notes the wait every 5 s; twenty half-second steps
  for (let i = 0; i < 20; i++) {
    if (i % 10 === 0) r.line(wait(2 + i / 2));
    jest.advanceTimersByTime(500);
  }
  r.line('[rocketmq] registered with the NameServer: broker-a (10000 ms)');
  const out = tty.text();
  expect(out.startsWith('[rocketmq] namesrv up: pid 1, booted in 2000 ms\n')).toBe(true);
  // every redraw goes back to column 1 and clears to the end of the line: never a new line while waiting
  const waiting = out.slice(out.indexOf('\n') + 1, out.lastIndexOf('[rocketmq] registered'));
  expect(waiting).not.toContain('\n');
  expect(waiting).toContain(`${ESC}[1G[rocketmq] waiting for the NameServer to list: broker-a (2s)`);
  // the harness's seconds keep counting between its lines
  expect(waiting).toContain('broker-a (4s)');
  expect(waiting).toContain('broker-a (7s)');
  expect(waiting).toContain('broker-a (9s)');
  expect(out.endsWith(`${ESC}[2K[rocketmq] registered with the NameServer: broker-a (10000 ms)\n`)).toBe(true);
  r.done();
});

test('not a terminal: one plain line every interval while waiting, no escape codes', () => {
  const log = fakeStream(false);
  const r = createProgressReporter({ stream: log, nonTtyIntervalMs: 5000 });
  for (let i = 0; i < 25; i++) {
    r.line(wait(2 + Math.floor(i / 2)));
    jest.advanceTimersByTime(500);
  }
  r.line('[rocketmq] registered with the NameServer: broker-a (12500 ms)');
  r.done();
  const lines = log.text().split('\n').filter((l) => l !== '');
  expect(log.text()).not.toContain(ESC);
  const waits = lines.filter((l) => l.startsWith('[rocketmq] waiting for the NameServer'));
  expect(waits.length).toBeGreaterThanOrEqual(2);
  expect(waits.length).toBeLessThanOrEqual(4);
  expect(lines[lines.length - 1]).toBe('[rocketmq] registered with the NameServer: broker-a (12500 ms)');
});

test('lines that are not progress pass through as they are, in order', () => {
  const log = fakeStream(false);
  const r = createProgressReporter({ stream: log });
  r.line('[rocketmq] starting RocketMQ 5.3.3');
  r.line('some other output');
  r.line('[rocketmq]   still resolving RocketMQ 5.3.3 after 10s (maven repo: 12 MB)');
  r.done();
  // a progress line in a log: printed when it starts, and its last state when it ends
  const resolving = '[rocketmq] still resolving RocketMQ 5.3.3 after 10s (maven repo: 12 MB)\n';
  expect(log.text()).toBe(`[rocketmq] starting RocketMQ 5.3.3\nsome other output\n${resolving}${resolving}`);
});
