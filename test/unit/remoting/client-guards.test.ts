// Failures that must never escape as a crash: a socket factory that returns something unusable, and
// a GO_AWAY resend keeps what the caller set on the command.
import { RemotingConnectError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';


describe('RemotingClient guards', () => {
  test('a socket factory that returns a non-socket is a typed connect failure, not a crash', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const client = new RemotingClient({
      logger: silentLogger,
      socketFactory: () => ({}) as never,
    });
    try {
      const err = await client.invoke('127.0.0.1:1', RemotingCommand.createRequest(105), 1000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemotingConnectError);
      expect(client.inflightCount).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await client.shutdown();
    }
  });
});
