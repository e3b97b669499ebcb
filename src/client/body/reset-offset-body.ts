import { RemotingProtocolError } from '../../errors';
import type { MessageQueue } from '../message-queue';
import { bigintOf, FastjsonObject, messageQueueMapOf, parseFastjson } from './fastjson-map';

/**
 * Java `ResetOffsetBody`, the body of RESET_CONSUMER_CLIENT_OFFSET (220) that `mqadmin resetOffsetByTime`
 * makes the broker send: `{"offsetTable":{{MessageQueue bean}:offset,...}}`, fastjson's map with bean keys.
 * Offsets keep every digit (bigint).
 */
export function parseResetOffsetBody(body: Uint8Array | undefined): Array<[MessageQueue, bigint]> {
  const what = 'RESET_CONSUMER_CLIENT_OFFSET body';
  if (!body || body.length === 0) throw new RemotingProtocolError(`${what}: empty body`);
  const root = parseFastjson(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), what);
  if (!(root instanceof FastjsonObject)) throw new RemotingProtocolError(`${what}: expected an object`);
  return messageQueueMapOf(root.get('offsetTable'), what).map(([mq, v]) => [mq, bigintOf(v, what)]);
}
