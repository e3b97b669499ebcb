import { RemotingClosedError, RemotingProtocolError } from '../../src/errors';
import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { HostilePeer, oversizeFramePrefix, responseFrame } from '../helpers/hostile-peer';
import { CountingLogger } from './support/counting-logger';
import { eventually } from './support/process-watch';

/**
 * Defects the fault suite found in code owned elsewhere, each pinned by a test (see docs/reliability.md,
 * "Findings"). Each was red when written; fixed ones stay as regression tests, open ones stay red
 * until fixed (never skipped).
 */

let peer: HostilePeer;
let client: RemotingClient;

beforeEach(async () => {
  peer = await HostilePeer.start();
  client = new RemotingClient({ logger: new CountingLogger() });
});

afterEach(async () => {
  await client.shutdown();
  await peer.close();
});

describe('regressions found by the fault suite', () => {
  /**
   * src/remoting/protocol/frame-decoder.ts FrameDecoder.push (used by Connection.onData): when a chunk
   * held a complete good frame followed by a bad length prefix, push() threw and the frames it had
   * already completed in that chunk were lost. Netty (ByteToMessageDecoder.channelRead fires the decoded
   * list in its finally block) delivers them before the error closes the channel. Effect: a response
   * that shares a TCP segment with garbage fails its call with RemotingClosedError instead of
   * resolving it.
   */
  it('frames completed before a bad length prefix in the same chunk are still delivered', async () => {
    peer.onRequest = (req, conn) => conn.write(Buffer.concat([responseFrame(req.opaque, 0, { remark: 'real' }), oversizeFramePrefix()]));
    const res = await client.invoke(peer.addr, RemotingCommand.createRequest(30), 3000).catch((e: unknown) => e);
    expect(res).toBeInstanceOf(RemotingCommand);
    expect((res as RemotingCommand).remark).toBe('real');
  });

  /**
   * src/remoting/remoting-client.ts RemotingClient.serveRequest (and Connection.write): replies to
   * server-initiated requests were queued on the socket with no bound. A peer that sent requests and
   * never read the replies grew the client's memory without limit (measured: ~460 bytes per request,
   * 930 MiB RSS after 2,000,000 requests). Now the connection stops reading while too many inbound
   * requests are unanswered.
   */
  it('a peer that floods requests and never reads the replies cannot grow client memory without bound', async () => {
    const N = 1_000_000;
    // The in-process peer's own flood buffer (~100 MiB) is built before the baseline, so that only
    // what the client holds counts against the limit.
    const one = new RemotingCommand({ code: 31000, opaque: 1, language: 'JAVA' }).encode();
    const flood = Buffer.concat(Array.from({ length: N }, () => one));
    peer.onRequest = (req, conn) => {
      if (req.code !== 30) return;
      conn.socket.pause();
      conn.write(flood, N);
      conn.write(responseFrame(req.opaque, 0));
    };
    const rss0 = process.memoryUsage().rss;
    await client.invoke(peer.addr, RemotingCommand.createRequest(30), 30_000).catch(() => undefined);
    let peak = 0;
    // Let the client digest the flood (bounded wait), tracking the peak RSS.
    await eventually(() => {
      peak = Math.max(peak, process.memoryUsage().rss - rss0);
      return false;
    }, 5000);
    expect(Math.round(peak / 1048576)).toBeLessThan(128);
  }, 60_000);

  /**
   * Fixed in 05d3d3a. src/remoting/connection.ts Connection.onData: since FrameDecoder.push returns the frames
   * completed before a bad length prefix and only records the error (`decoder.error`, thrown by the
   * next push), onData must close the connection once it has dispatched those frames. It does not, so
   * when the bad prefix is the last thing the peer sends, the poisoned connection stays open and every
   * call on it waits for its full timeout instead of failing at once. Seen in scenario 5 as 10 s
   * timeouts after an oversize-frame ending. Fix: after the frame loop, `if (this.decoder.error)
   * this.close(this.decoder.error)`.
   */
  it('a bad length prefix after good frames in one chunk closes the connection at once', async () => {
    peer.onRequest = (req, conn) =>
      conn.write(
        Buffer.concat([responseFrame(req.opaque + 1, 0), oversizeFramePrefix(), responseFrame(req.opaque, 0, { remark: 'swallowed' })]),
      );
    const t0 = Date.now();
    const err = await client.invoke(peer.addr, RemotingCommand.createRequest(30), 5000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RemotingClosedError);
    expect((err as RemotingClosedError).cause).toBeInstanceOf(RemotingProtocolError);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await eventually(() => peer.openConnections === 0, 1000)).toBe(true);
  });
});
