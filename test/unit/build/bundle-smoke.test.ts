// The shipped bundles are made by esbuild's build API (scripts/build.mjs), not by the jest transform.
// This proves the decorator-declared header metadata survives that path: bundle the header module
// and the package entry the same way, load them, and encode a header and a request through them.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCjs as bundle, bundleDir } from '../../helpers/esbuild-bundle';

describe('esbuild bundle', () => {
  const dir = bundleDir('rocketmq-ts-bundle-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps header field metadata: V2 send header encodes its letters, required fields are enforced', () => {
    const out = join(dir, 'headers.cjs');
    bundle('src/remoting/header/index.ts', out);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const h = require(out);
    const header = new h.SendMessageRequestHeaderV2();
    Object.assign(header, {
      a: 'pg', b: 'TopicA', c: 'TBW102', d: 4, e: 1, f: 0, g: 1700000000000n, h: 0, i: 'WAIT\u0001true\u0002',
      j: 0, k: false, m: false, n: 'broker-a',
    });
    const ext = h.toExtFields(header);
    expect(ext.a).toBe('pg');
    expect(ext.g).toBe('1700000000000');
    expect(ext.k).toBe('false');
    expect(ext.n).toBe('broker-a');
    const missing = new h.SendMessageRequestHeaderV2();
    expect(() => h.toExtFields(missing)).toThrow(/required|null/i);
    const cmd = h.createRequestCommand(310, header, Buffer.from('x'), { serializeType: 'ROCKETMQ' });
    const frame: Buffer = cmd.encode();
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  });

  it('the package entry loads and validates producer options', () => {
    const out = join(dir, 'index.cjs');
    bundle('src/index.ts', out);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(out);
    expect(() => new m.DefaultMQProducer({ producerGroup: 'g', sendMsgTimeotMs: 1 })).toThrow(m.InvalidConfigError);
    const msg = new m.Message('TopicA', 'body', { tags: 't' });
    expect(msg.tags).toBe('t');
  });
});
