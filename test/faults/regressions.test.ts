import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { HostilePeer, oversizeFramePrefix, responseFrame } from '../helpers/hostile-peer';
import { CountingLogger } from './support/counting-logger';
import { eventually } from './support/process-watch';

/**
 * Defects the fault suite found in code owned elsewhere, each pinned by a test that fails until it is
 * fixed (see docs/reliability.md, "Findings"). They stay here, red, on purpose: fixing the code turns
 * them green; they are not to be skipped.
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

describe('found bugs', () => {
  /**
   * src/remoting/protocol/frame-decoder.ts FrameDecoder.push (used by Connection.onData): when a chunk
   * holds a complete good frame followed by a bad length prefix, push() throws and the frames it had
   * already completed in that chunk are lost. Netty (ByteToMessageDecoder.channelRead fires the decoded
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
   * server-initiated requests are queued on the socket with no bound. A peer that sends requests and
   * never reads the replies grows the client's memory without limit (measured: ~460 bytes per request,
   * 930 MiB RSS after 2,000,000 requests). Expected: a bound — e.g. stop answering, or close the
   * connection, once `socket.writableLength` passes a limit (a few MiB or maxFrameBytes).
   */
  it('a peer that floods requests and never reads the replies cannot grow client memory without bound', async () => {
    const N = 1_000_000;
    peer.onRequest = (req, conn) => {
      if (req.code !== 30) return;
      conn.socket.pause();
      const one = new RemotingCommand({ code: 31000, opaque: 1, language: 'JAVA' }).encode();
      conn.write(Buffer.concat(Array.from({ length: N }, () => one)), N);
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
});
