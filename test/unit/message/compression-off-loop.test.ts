import { inflateSync } from 'node:zlib';
import { InvalidConfigError } from '../../../src/errors';
import { COMPRESS_OFF_LOOP_BYTES, compressOffLoop, decompress, zlibCompress } from '../../../src/message/compression';
import { Message } from '../../../src/message/message';
import { MessageBatch } from '../../../src/message/message-batch';
import { seededRandom } from '../../../src/testing/hostile-peer';
import { compressLargeBody, type SendRequestSettings } from '../../../src/producer/send-request-builder';

const big = Buffer.from('order 42 shipped to warehouse 7; '.repeat(Math.ceil((COMPRESS_OFF_LOOP_BYTES + 1) / 33)));

const settings: SendRequestSettings = {
  producerGroup: 'g',
  createTopicKey: 'TBW102',
  defaultTopicQueueNums: 4,
  compressMsgBodyOverBytes: 4096,
  compressType: 'ZLIB',
  compressLevel: 5,
  unitMode: false,
};

describe('compression in the zlib thread pool', () => {
  it('writes the same zlib stream as the in-place compression', async () => {
    const out = await compressOffLoop(big, 'ZLIB', 5);
    expect(out).toEqual(zlibCompress(big, 5));
    expect(inflateSync(out)).toEqual(big);
  });

  it('writes the same stream when the output takes more than one chunk (an incompressible body)', async () => {
    const noise = Buffer.alloc(COMPRESS_OFF_LOOP_BYTES + 4096);
    const next = seededRandom(7);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(next() * 256);
    const out = await compressOffLoop(noise, 'ZLIB', 5);
    expect(out.length).toBeGreaterThan(noise.length / 2);
    expect(out).toEqual(zlibCompress(noise, 5));
  });

  it('hands a small result over in a buffer of its own size, not in the large output chunk', async () => {
    const zeros = Buffer.alloc(2 * COMPRESS_OFF_LOOP_BYTES);
    const out = await compressOffLoop(zeros, 'ZLIB', 5);
    expect(out).toEqual(zlibCompress(zeros, 5));
    expect(out.buffer.byteLength).toBeLessThan(64 * 1024);
  });

  it('compresses LZ4 as LZ4 (the flag of the request names the type the body holds)', async () => {
    const out = await compressOffLoop(big, 'LZ4');
    expect(decompress(out, 'LZ4')).toEqual(big);
  });

  it('rejects (does not throw) an unsupported type', async () => {
    await expect(compressOffLoop(big, 'BROTLI' as unknown as 'ZLIB')).rejects.toBeInstanceOf(InvalidConfigError);
  });

  it('takes only bodies over both thresholds, never batches, and answers small ones without a promise', async () => {
    const onError = jest.fn();
    expect(compressLargeBody(new Message('T', Buffer.alloc(8192, 1)), settings, onError)).toBeUndefined();
    expect(compressLargeBody(new Message('T', big), { ...settings, compressMsgBodyOverBytes: big.length + 1 }, onError)).toBeUndefined();
    const batch = MessageBatch.generateFromList([new Message('T', big)]);
    expect(compressLargeBody(batch, settings, onError)).toBeUndefined();
    const pending = compressLargeBody(new Message('T', big), settings, onError);
    expect(pending).toBeInstanceOf(Promise);
    expect(inflateSync((await pending)!)).toEqual(big);
    expect(onError).not.toHaveBeenCalled();
  });

  it('falls back to the uncompressed body and reports the error when deflating fails', async () => {
    const onError = jest.fn();
    const msg = new Message('T', big);
    const out = await compressLargeBody(msg, { ...settings, compressType: 'ZSTD' }, onError);
    expect(out).toBe(msg.body);
    expect(onError).toHaveBeenCalledTimes(1);
  });
});
