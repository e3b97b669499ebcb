// README:begin
import { DefaultMQProducer, Message } from '../../../src/index';
import { FakeRocketMQ, RequestCode, ResponseCode } from '../../../src/testing';

let fake: FakeRocketMQ;
beforeEach(async () => {
  fake = await FakeRocketMQ.start({ topics: { Orders: { queues: 2 } } });
});
afterEach(() => fake.close());

test('an order is published, even when the broker refuses the first attempt', async () => {
  const producer = new DefaultMQProducer({ producerGroup: 'orders', namesrvAddr: fake.namesrvAddr });
  await producer.start();
  fake.script(RequestCode.SEND_MESSAGE_V2, { times: 1, action: { type: 'respond', code: ResponseCode.SYSTEM_BUSY } });
  const result = await producer.send(new Message('Orders', JSON.stringify({ id: 42 }), { tags: 'created' }));
  await producer.shutdown();
  expect(result.sendStatus).toBe('SEND_OK');
  expect(fake.requests(RequestCode.SEND_MESSAGE_V2)).toHaveLength(2);
  expect(fake.messages('Orders').map((m) => [m.tags, m.body.toString()])).toEqual([['created', '{"id":42}']]);
});
// README:end

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

test('the README shows this file verbatim (import paths as a user writes them)', () => {
  const own = readFileSync(__filename, 'utf8');
  const example = own.slice(own.indexOf('// README:begin\n') + 16, own.indexOf('// README:end'));
  const asUser = example.replace("'../../../src/index'", "'rocketmq-ts'").replace("'../../../src/testing'", "'rocketmq-ts/testing'");
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  expect(readme).toContain('```ts\n' + asUser + '```');
});
