import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { RemotingProtocolError } from '../../../src/errors';
import { FrameInflateBudget } from '../../../src/message/inflate-budget';
import { inflateBody } from '../../../src/message/inflate-off-loop';

const MiB = 1024 * 1024;
// The module object itself (a namespace import is frozen): the code under test calls through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlibModule = require('node:zlib') as typeof zlib;
/** A zlib bomb: `size` zero bytes compress about 1000:1. */
const bomb = (size: number): Buffer => zlib.deflateSync(Buffer.alloc(size), { level: 9 });

/** Counts event-loop turns (setImmediate callbacks) while `p` is pending. */
async function turnsWhile<T>(p: Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let done = false;
  const spin = (): void => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { value: await p, turns };
  } finally {
    done = true;
  }
}

describe('inflateBody', () => {
  test('small bodies inflate in place, large ones off the loop; both give the same bytes', async () => {
    const small = Buffer.from('hello '.repeat(100));
    const large = randomBytes(20_000); // incompressible: stays above the threshold
    const spy = jest.spyOn(zlibModule, 'inflateSync');
    try {
      expect(await inflateBody(zlib.deflateSync(small))).toEqual(small);
      expect(spy).toHaveBeenCalledTimes(1);
      const z = zlib.deflateSync(large);
      expect(z.length).toBeGreaterThan(4096);
      expect(await inflateBody(z)).toEqual(large);
      expect(spy).toHaveBeenCalledTimes(1); // not again: the large one went to the thread pool
    } finally {
      spy.mockRestore();
    }
  });

  test('the event loop keeps turning while a 16 MiB bomb inflates', async () => {
    const z = bomb(16 * MiB);
    expect(z.length).toBeGreaterThan(4096);
    const { value, turns } = await turnsWhile(inflateBody(z));
    expect(value.length).toBe(16 * MiB);
    expect(turns).toBeGreaterThan(0);
  });

  test('a corrupt stream or a body over its bound is a protocol error', async () => {
    await expect(inflateBody(Buffer.from('not zlib at all'))).rejects.toThrow(/cannot inflate zlib body/);
    await expect(inflateBody(bomb(2 * MiB), { maxOutputBytes: MiB })).rejects.toThrow(RemotingProtocolError);
    await expect(inflateBody(bomb(2 * MiB), { maxOutputBytes: MiB })).rejects.toThrow(/more than 1048576 bytes/);
  });

  test('bodies of one frame share its budget, also when inflating at the same time', async () => {
    const oneMiB = bomb(MiB);
    const budget = new FrameInflateBudget(Math.floor(2.5 * MiB));
    expect((await inflateBody(oneMiB, { budget })).length).toBe(MiB);
    expect(budget.remaining).toBe(Math.floor(1.5 * MiB));
    const results = await Promise.allSettled([inflateBody(oneMiB, { budget, offLoopThresholdBytes: 0 }), inflateBody(oneMiB, { budget, offLoopThresholdBytes: 0 })]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(RemotingProtocolError);
    expect(String((failed[0] as PromiseRejectedResult).reason)).toMatch(/bodies of one frame inflate to more than/);
    // What failed gave its reservation back; what succeeded used 1 MiB.
    expect(budget.remaining).toBe(Math.floor(0.5 * MiB));
    await expect(inflateBody(oneMiB, { budget })).rejects.toThrow(RemotingProtocolError);
    expect(budget.remaining).toBe(Math.floor(0.5 * MiB));
  });

  test('an exhausted budget refuses before any inflation', async () => {
    const budget = new FrameInflateBudget(10);
    budget.reserve(10);
    const spy = jest.spyOn(zlibModule, 'inflateSync');
    try {
      await expect(inflateBody(zlib.deflateSync(Buffer.from('x')), { budget })).rejects.toThrow(RemotingProtocolError);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
