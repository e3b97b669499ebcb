import { randomBytes } from 'node:crypto';
import type * as zlib from 'node:zlib';
import { silentLogger, type Logger } from '../../../src/logger';
import { receiveReplyMessage } from '../../../src/producer/reply-message-receiver';
import { RequestFutureHolder, RequestResponseFuture } from '../../../src/producer/request-response-future';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import { pushReplyCommand, SYSFLAG_COMPRESSED as COMPRESSED } from '../../helpers/push-reply';

// The module object itself (a namespace import is a copy): the code under test calls through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlibModule = require('node:zlib') as typeof zlib;
const MiB = 1024 * 1024;
/** A zlib bomb: `size` zero bytes compress about 1000:1. */
const bomb = (size: number): Buffer => zlibModule.deflateSync(Buffer.alloc(size), { level: 9 });

const holder = RequestFutureHolder.getInstance();
const ctx = { addr: '127.0.0.1:10911' };
let seq = 0;

/** A request waiting for its reply, registered in the process-wide holder. */
function waiting(): RequestResponseFuture {
  const future = new RequestResponseFuture(`corr-${++seq}`, 60_000);
  holder.put(future);
  return future;
}

/** Counts every zlib inflate, in place or in the thread pool, while the test runs. */
function countInflates(): { count: () => number; restore: () => void } {
  const sync = jest.spyOn(zlibModule, 'inflateSync');
  const async = jest.spyOn(zlibModule, 'inflate');
  return {
    count: () => sync.mock.calls.length + async.mock.calls.length,
    restore: () => {
      sync.mockRestore();
      async.mockRestore();
    },
  };
}

afterEach(() => {
  for (const id of [...holder.requestFutureTable.keys()]) holder.remove(id);
});

describe('receiveReplyMessage (PUSH_REPLY_MESSAGE_TO_CLIENT)', () => {
  test('a compressed reply nobody waits for is answered SUCCESS without inflating or copying its body', async () => {
    const inflates = countInflates();
    const debug: unknown[][] = [];
    const log: Logger = { ...silentLogger, debug: (...args: unknown[]) => void debug.push(args) };
    const from = jest.spyOn(Buffer, 'from');
    try {
      const longId = 'x'.repeat(100_000);
      for (const id of ['nobody', '', longId]) {
        const res = await receiveReplyMessage(log, pushReplyCommand(id, bomb(64 * MiB), COMPRESSED), ctx);
        expect(res.code).toBe(ResponseCode.SUCCESS);
      }
      expect(inflates.count()).toBe(0);
      expect(from).not.toHaveBeenCalled();
      // One short debug line each, even for a 100 000-character correlation id.
      expect(debug).toHaveLength(3);
      expect(JSON.stringify(debug[2]).length).toBeLessThan(300);
    } finally {
      from.mockRestore();
      inflates.restore();
    }
  });

  test('a legitimate compressed reply completes its request, inflated off the loop', async () => {
    const future = waiting();
    const payload = randomBytes(20_000); // incompressible: above the off-loop threshold
    const inflates = countInflates();
    try {
      const res = await receiveReplyMessage(silentLogger, pushReplyCommand(future.correlationId, zlibModule.deflateSync(payload), COMPRESSED), ctx);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      expect(inflates.count()).toBe(1);
      expect(zlibModule.inflate).toHaveBeenCalledTimes(1);
    } finally {
      inflates.restore();
    }
    expect(future.isDone).toBe(true);
    const reply = future.responseMsg!;
    expect(reply.body.equals(payload)).toBe(true);
    expect(reply.sysFlag & COMPRESSED).toBe(0);
    expect(reply.topic).toBe('DefaultCluster_REPLY_TOPIC');
    expect(reply.bornHost.address).toBe('127.0.0.1:50000');
    expect(Number(reply.getProperty('ARRIVE_TIME'))).toBeGreaterThan(0);
    expect(holder.get(future.correlationId)).toBeUndefined();
  });

  test('an uncompressed reply gets its own copy of the body, detached from the frame', async () => {
    const future = waiting();
    const frameBody = Buffer.from('plain reply');
    const res = await receiveReplyMessage(silentLogger, pushReplyCommand(future.correlationId, frameBody), ctx);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    const body = future.responseMsg!.body;
    frameBody.fill(0);
    expect(body.toString()).toBe('plain reply');
  });

  test('a bomb over the per-frame cap is answered SYSTEM_ERROR; the request keeps waiting', async () => {
    const future = waiting();
    const warned: unknown[][] = [];
    const log: Logger = { ...silentLogger, warn: (...args: unknown[]) => void warned.push(args) };
    const limits = { maxInflatedBytesPerFrame: MiB };
    const res = await receiveReplyMessage(log, pushReplyCommand(future.correlationId, bomb(2 * MiB), COMPRESSED), ctx, limits);
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('process reply message fail');
    expect(String((warned[0]![1] as { err: unknown }).err)).toMatch(/more than 1048576 bytes/);
    expect(future.isDone).toBe(false);
    expect(holder.get(future.correlationId)).toBe(future);
    // The default per-body bound holds too.
    const over = await receiveReplyMessage(silentLogger, pushReplyCommand(future.correlationId, bomb(2 * MiB), COMPRESSED), ctx, { maxDecompressedBytes: MiB });
    expect(over.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(future.isDone).toBe(false);
  });

  test('a corrupt compressed body is answered SYSTEM_ERROR; the request keeps waiting', async () => {
    const future = waiting();
    for (const body of [Buffer.from('not zlib at all'), randomBytes(8192)]) {
      const res = await receiveReplyMessage(silentLogger, pushReplyCommand(future.correlationId, body, COMPRESSED), ctx);
      expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    }
    expect(future.isDone).toBe(false);
  });

  test('a request that ends while its reply inflates is not completed; the reply is still answered SUCCESS', async () => {
    const future = waiting();
    const pending = receiveReplyMessage(silentLogger, pushReplyCommand(future.correlationId, zlibModule.deflateSync(randomBytes(20_000)), COMPRESSED), ctx);
    // The inflate is in the thread pool now; the request times out meanwhile.
    holder.remove(future.correlationId);
    expect((await pending).code).toBe(ResponseCode.SUCCESS);
    expect(future.isDone).toBe(false);
  });
});
