import { RemotingProtocolError } from '../../errors';
import { MessageQueue } from '../message-queue';

/**
 * Java `ResetOffsetBody` (RESET_CONSUMER_CLIENT_OFFSET 220) as fastjson writes it: `offsetTable` is a map keyed
 * by MessageQueue objects, `{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:5}}`, not standard JSON.
 * Each `{...}:offset` entry is read on its own; the key object itself is standard JSON.
 */
export function parseResetOffsetBody(body: Uint8Array): Array<{ mq: MessageQueue; offset: bigint }> {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const out: Array<{ mq: MessageQueue; offset: bigint }> = [];
  const entry = /\{([^{}]*)\}\s*:\s*(-?\d+)/g;
  for (let m = entry.exec(text); m !== null; m = entry.exec(text)) {
    let key: unknown;
    try {
      key = JSON.parse(`{${m[1]}}`);
    } catch (err) {
      throw new RemotingProtocolError('RESET_CONSUMER_CLIENT_OFFSET: bad offsetTable key', { cause: err });
    }
    const k = key as { topic?: unknown; brokerName?: unknown; queueId?: unknown };
    if (typeof k.topic !== 'string' || typeof k.brokerName !== 'string' || typeof k.queueId !== 'number') {
      throw new RemotingProtocolError('RESET_CONSUMER_CLIENT_OFFSET: offsetTable key is not a MessageQueue');
    }
    out.push({ mq: new MessageQueue(k.topic, k.brokerName, k.queueId), offset: BigInt(m[2]!) });
  }
  return out;
}
