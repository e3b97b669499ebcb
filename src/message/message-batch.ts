import { InvalidArgumentError, RemotingProtocolError, RocketMQError } from '../errors';
import { ResponseCode } from '../remoting/protocol/response-code';
import { RETRY_GROUP_TOPIC_PREFIX, wrapNamespace } from './namespace';
import { Message } from './message';
import { setUniqId } from './message-id';
import { MAX_PROPERTIES_BYTES, messageProperties2String, string2messageProperties } from './message-properties';
import { checkMessage } from './validators';

/** Fixed bytes of one record of a batch body: TOTALSIZE, MAGICCODE, BODYCRC, FLAG, BODYLEN, PROPLEN. */
const RECORD_OVERHEAD = 4 + 4 + 4 + 4 + 4 + 2;

interface Encoded {
  msg: Message;
  props: Buffer;
}

function propertiesBytes(msg: Message): Buffer {
  const props = Buffer.from(messageProperties2String(msg.properties), 'utf8');
  // Java casts the length to a short and lets the broker reject the garbage; refuse it here instead.
  if (props.length > MAX_PROPERTIES_BYTES) {
    throw new InvalidArgumentError(
      `the properties of a message are ${props.length} bytes, more than ${MAX_PROPERTIES_BYTES}`,
      ResponseCode.MESSAGE_ILLEGAL,
    );
  }
  return props;
}

/**
 * The SEND_BATCH_MESSAGE body (Java `MessageDecoder.encodeMessages`, protocol.md 5.5): per message
 * TOTALSIZE, MAGICCODE 0, BODYCRC 0, FLAG, BODYLEN, BODY, PROPLEN (int16), PROPERTIES.
 */
export function encodeMessages(messages: Iterable<Message>): Buffer {
  const encoded: Encoded[] = [];
  let total = 0;
  for (const msg of messages) {
    const props = propertiesBytes(msg);
    encoded.push({ msg, props });
    total += RECORD_OVERHEAD + msg.body.length + props.length;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const { msg, props } of encoded) {
    const body = msg.body;
    pos = out.writeInt32BE(RECORD_OVERHEAD + body.length + props.length, pos);
    pos = out.writeInt32BE(0, pos);
    pos = out.writeInt32BE(0, pos);
    pos = out.writeInt32BE(msg.flag, pos);
    pos = out.writeInt32BE(body.length, pos);
    pos += body.copy(out, pos);
    pos = out.writeInt16BE(props.length, pos);
    pos += props.copy(out, pos);
  }
  return out;
}

/** One record of `encodeMessages`, as Java's `encodeMessage`. */
export function encodeMessage(msg: Message): Buffer {
  return encodeMessages([msg]);
}

/**
 * Java `MessageDecoder.decodeMessages`: the inverse of `encodeMessages` (topic-less messages, which is
 * why they come back with an empty topic). Every length is bounds-checked.
 */
export function decodeMessages(buf: Buffer): Message[] {
  const out: Message[] = [];
  let pos = 0;
  const need = (n: number, what: string): void => {
    if (n < 0 || pos + n > buf.length) {
      throw new RemotingProtocolError(`truncated batch body: ${what} needs ${n} bytes at ${pos}, have ${buf.length - pos}`);
    }
  };
  while (pos < buf.length) {
    need(20, 'record header');
    const flag = buf.readInt32BE(pos + 12);
    const bodyLen = buf.readInt32BE(pos + 16);
    pos += 20;
    need(bodyLen, 'body');
    const body = buf.subarray(pos, pos + bodyLen);
    pos += bodyLen;
    need(2, 'properties length');
    const propLen = buf.readInt16BE(pos);
    pos += 2;
    need(propLen, 'properties');
    const props = buf.toString('utf8', pos, pos + propLen);
    pos += propLen;
    const msg = new Message('', body);
    msg.flag = flag;
    msg.setPropertiesUnchecked(string2messageProperties(props));
    out.push(msg);
  }
  return out;
}

function batchError(reason: string, cause?: unknown): InvalidArgumentError {
  const clientCode = cause instanceof InvalidArgumentError ? cause.clientCode : undefined;
  return new InvalidArgumentError(`Failed to initiate the MessageBatch: ${reason}`, clientCode, { cause });
}

/**
 * Several messages of one topic sent as one request (Java `MessageBatch`). The batch's own body is the
 * encoded list and its own properties are only `WAIT` and `UNIQ_KEY`; the broker stores every inner
 * message with its own properties, flag and body. Batches are never compressed.
 */
export class MessageBatch extends Message implements Iterable<Message> {
  readonly messages: readonly Message[];

  private constructor(topic: string, messages: readonly Message[]) {
    super(topic, Buffer.alloc(0));
    this.messages = messages;
  }

  /**
   * Java `MessageBatch.generateFromList`: refuses an empty list, delay levels, `%RETRY%` topics, mixed
   * topics and mixed `waitStoreMsgOK`. The batch gets the topic and `WAIT` of the first message.
   * Timer properties (delay ms / deliver-at) are not checked, as in Java.
   */
  static generateFromList(messages: Iterable<Message>): MessageBatch {
    const list: Message[] = [];
    let first: Message | undefined;
    for (const msg of messages) {
      if (!(msg instanceof Message)) throw batchError('every element must be a Message');
      if (msg.delayTimeLevel > 0) throw batchError('TimeDelayLevel is not supported for batching');
      if (msg.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) throw batchError('Retry Group is not supported for batching');
      if (first === undefined) {
        first = msg;
      } else {
        if (first.topic !== msg.topic) throw batchError('The topic of the messages in one batch should be the same');
        if (first.waitStoreMsgOK !== msg.waitStoreMsgOK) {
          throw batchError('The waitStoreMsgOK of the messages in one batch should the same');
        }
      }
      list.push(msg);
    }
    if (first === undefined) throw batchError('the batch is empty');
    const batch = new MessageBatch(first.topic, list);
    batch.waitStoreMsgOK = first.waitStoreMsgOK;
    return batch;
  }

  /** The body for SEND_BATCH_MESSAGE. */
  encode(): Buffer {
    return encodeMessages(this.messages);
  }

  [Symbol.iterator](): Iterator<Message> {
    return this.messages[Symbol.iterator]();
  }
}

export interface CreateBatchOptions {
  /** `maxMessageSize` of the producer, applied to each message body. */
  maxMessageSize: number;
  /** The deprecated client-side namespace, applied to the batch topic. */
  namespace?: string;
}

/**
 * Java `DefaultMQProducer.batch(Collection)`: builds the batch, checks each message
 * (`Validators.checkMessage`), gives each one a `UNIQ_KEY` if it has none, gives the batch its own
 * `UNIQ_KEY`, encodes the body and namespaces the batch topic.
 *
 * The user's messages get their `UNIQ_KEY` (so the caller can read them back), but unlike Java their
 * topics are not rewritten to the namespaced form: inner topics are not part of the encoded body.
 * The send path still checks the whole batch (`checkMessage(batch, maxMessageSize)` on the encoded
 * size), as Java's `sendDefaultImpl` does.
 */
export function createBatch(messages: Iterable<Message>, options: CreateBatchOptions): MessageBatch {
  const batch = MessageBatch.generateFromList(messages);
  try {
    for (const msg of batch.messages) {
      checkMessage(msg, options.maxMessageSize);
      setUniqId(msg);
    }
    setUniqId(batch);
    batch.body = batch.encode();
  } catch (e) {
    if (e instanceof RocketMQError) throw batchError(e.message, e);
    throw e;
  }
  batch.topic = wrapNamespace(options.namespace, batch.topic);
  return batch;
}
