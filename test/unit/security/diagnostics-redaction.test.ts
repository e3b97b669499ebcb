import diagnosticsChannel from 'node:diagnostics_channel';
import { inspect } from 'node:util';
import { AclClientRPCHook } from '../../../src/client/acl-client-rpc-hook';
import { CHANNEL_REMOTING_REQUEST, redactCommand, type RemotingRequestTraceContext } from '../../../src/diagnostics';
import { createConsoleLogger, silentLogger } from '../../../src/logger';
import { newExtFields, RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { captureStderr } from '../../helpers/capture-stderr';
import { answerSuccess, FakeRemotingServer } from '../../helpers/fake-remoting-server';

const TOKEN = 'SECURITY-TOKEN-5';

describe('signatures and tokens never reach diagnostics subscribers or logs', () => {
  test('the request channel shows AccessKey, and Signature/SecurityToken redacted; the wire has them', async () => {
    const server = await FakeRemotingServer.start();
    server.setHandler(answerSuccess);
    const hook = new AclClientRPCHook({ accessKey: 'AK-visible', secretKey: 'SECRET-KEY-4', securityToken: TOKEN });
    const client = new RemotingClient({ logger: silentLogger, rpcHooks: [hook] });
    const printed: string[] = [];
    const contexts: RemotingRequestTraceContext[] = [];
    const record = (ctx: RemotingRequestTraceContext): void => {
      contexts.push(ctx);
      printed.push(JSON.stringify(ctx), inspect(ctx, { depth: Infinity }), JSON.stringify(ctx.request.extFields));
    };
    const subscribers = { start: record, end: record, asyncStart: record, asyncEnd: record, error: record };
    const tc = diagnosticsChannel.tracingChannel<object, RemotingRequestTraceContext>(CHANNEL_REMOTING_REQUEST);
    tc.subscribe(subscribers);
    try {
      const request = RemotingCommand.createRequest(30, Object.assign(newExtFields(), { topic: 'T' }));
      const response = await client.invoke(server.addr, request, 3000);
      expect(response.code).toBe(0);
    } finally {
      tc.unsubscribe(subscribers);
      await client.shutdown();
      await server.close();
    }
    const wire = server.received[0]!.extFields!;
    expect(wire.Signature).toMatch(/=$/);
    expect(wire.SecurityToken).toBe(TOKEN);
    const after = contexts.at(-1)!;
    expect(after.request.extFields!.AccessKey).toBe('AK-visible');
    expect(after.request.extFields!.Signature).toBe('******');
    expect(after.request.extFields!.SecurityToken).toBe('******');
    expect(after.response?.code).toBe(0);
    const all = printed.join('\n');
    expect(all).toContain('AK-visible');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(wire.Signature!);
  });

  test('redactCommand leaves a command without secrets as it is', () => {
    const plain = RemotingCommand.createRequest(30, Object.assign(newExtFields(), { topic: 'T' }));
    expect(redactCommand(plain)).toBe(plain);
  });

  test('the console logger redacts Signature and SecurityToken fields', () => {
    const lines = captureStderr(() =>
      createConsoleLogger('debug').warn('x', { extFields: { AccessKey: 'AK-visible', Signature: 'c2lnbmF0dXJl', SecurityToken: TOKEN } }),
    );
    expect(lines[0]).toContain('AK-visible');
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain('c2lnbmF0dXJl');
  });
});
