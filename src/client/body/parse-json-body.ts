import type { z } from 'zod';
import { RemotingProtocolError } from '../../errors';

/** A broker's JSON body through a (lenient) zod schema; anything else is a protocol error. */
export function parseJsonBody<S extends z.ZodType>(schema: S, body: Uint8Array | undefined, what: string): z.output<S> {
  if (!body || body.length === 0) throw new RemotingProtocolError(`${what}: empty body`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (e) {
    throw new RemotingProtocolError(`${what}: body is not JSON`, { cause: e });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new RemotingProtocolError(`${what}: unexpected body (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}
