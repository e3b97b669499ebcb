/**
 * Request/reply against the real broker (protocol.md 12.7). The responder is built on our own API: it reads the
 * request topic through the broker (PULL_MESSAGE), builds each reply with `createReplyMessage` (reply topic
 * `<CLUSTER>_REPLY_TOPIC`, MSG_TYPE=reply, the request's CORRELATION_ID / REPLY_TO_CLIENT / TTL) and sends it with a
 * second producer (SEND_REPLY_MESSAGE_V2); the broker pushes it to the requester (PUSH_REPLY_MESSAGE_TO_CLIENT).
 */
import { createReplyMessage, DefaultMQProducer, Message, RequestTimeoutError, type MessageExt } from '../../src/index';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(180_000);

describeBroker('feature: request/reply against a real broker', () => {
  const topic = uniqueName('rmqts_req');
  const silentTopic = uniqueName('rmqts_req_nobody');
  let requester: DefaultMQProducer;
  let responder: DefaultMQProducer;
  let reader: TopicReader;
  let stop = false;
  let loop: Promise<void> | undefined;
  const served: MessageExt[] = [];

  /** The responder: every new request on `topic` gets `pong:<body>` back. */
  async function serve(): Promise<void> {
    for (let round = 0; !stop && round < 100_000; round++) {
      try {
        for (const req of await reader.readNew(topic)) {
          served.push(req);
          await responder.send(createReplyMessage(req, `pong:${req.body.toString()}`));
        }
      } catch {
        // a failed poll is retried on the next round
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    requester = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_reqg'), namesrvAddr: namesrvAddr() });
    responder = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_repg'), namesrvAddr: namesrvAddr() });
    await requester.start();
    await responder.start();
    reader = new TopicReader(namesrvAddr());
    await requester.createTopic('TBW102', topic, 2);
    await requester.createTopic('TBW102', silentTopic, 1);
    await eventually(async () => ((await requester.fetchPublishMessageQueues(topic)).length > 0 ? true : undefined), `route of ${topic}`, 60_000);
    await reader.readNew(topic); // start the tail at the (empty) end
    loop = serve();
  });

  afterAll(async () => {
    stop = true;
    await loop;
    await requester?.shutdown();
    await responder?.shutdown();
    await reader?.close();
  });

  test('request() resolves with the reply the responder sent; default, queue and selector routing', async () => {
    const msg = new Message(topic, 'ping-1');
    const reply = await requester.request(msg, 15_000);
    expect(reply.body.toString()).toBe('pong:ping-1');
    expect(reply.getProperty('CORRELATION_ID')).toBe(msg.getProperty('CORRELATION_ID'));
    expect(reply.getProperty('MSG_TYPE')).toBe('reply');
    expect(reply.topic).toMatch(/_REPLY_TOPIC$/);
    const req = served.find((m) => m.body.toString() === 'ping-1')!;
    expect(req.getProperty('REPLY_TO_CLIENT')).toBe(requester.clientInstance!.clientId);
    expect(req.getProperty('TTL')).toBe('15000');
    expect(req.getProperty('CLUSTER')).toBeDefined();

    const [queue] = await requester.fetchPublishMessageQueues(topic);
    const viaQueue = await requester.request(new Message(topic, 'ping-2'), 15_000, { queue: queue! });
    expect(viaQueue.body.toString()).toBe('pong:ping-2');
    expect(served.find((m) => m.body.toString() === 'ping-2')!.queueId).toBe(queue!.queueId);

    const viaSelector = await requester.request(new Message(topic, 'ping-3'), 15_000, { selector: (mqs) => mqs[mqs.length - 1]!, arg: null });
    expect(viaSelector.body.toString()).toBe('pong:ping-3');
  });

  test('callback form and concurrent requests each get their own reply', async () => {
    const bodies = ['a', 'b', 'c', 'd'];
    const replies = await Promise.all(
      bodies.map(
        (b) =>
          new Promise<string>((resolve, reject) =>
            requester.request(new Message(topic, b), { onSuccess: (r) => resolve(r.body.toString()), onException: reject }, 15_000),
          ),
      ),
    );
    expect(replies).toEqual(bodies.map((b) => `pong:${b}`));
  });

  test('no responder: RequestTimeoutError after the timeout', async () => {
    const err = await requester.request(new Message(silentTopic, 'anyone?'), 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as RequestTimeoutError).clientCode).toBe(10006);
  });
});
