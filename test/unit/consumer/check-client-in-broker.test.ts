import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerResponseError, FilterExpressionRefusedError, RemotingTimeoutError } from '../../../src/errors';
import { consumerRequest } from '../../../src/client/consumer-request-builders';
import { buildSubscriptionData, type SubscriptionData } from '../../../src/client/subscription-data';
import type { MQClientInstance } from '../../../src/client/mq-client-instance';
import { checkClientInBroker } from '../../../src/consumer/check-client-in-broker';

const CLIENT = '127.0.0.1@12345#81234567890123';

describe('CHECK_CLIENT_CONFIG request', () => {
  test('the frame is byte-identical to the one Java MQClientAPIImpl.checkClientInBroker sends (language and opaque as Java had them)', () => {
    const sub = buildSubscriptionData('SqlTopic', "a > 5 AND b = 'x'", 'SQL92', 1700000000123);
    const cmd = consumerRequest.checkClientConfig({ clientId: CLIENT, group: 'my_consumer_group', subscriptionData: sub });
    cmd.language = 'JAVA';
    cmd.opaque = 32;
    const java = readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'remoting', 'java-check-client-config-request-json.hex'), 'utf8').replace(/\s+/g, '');
    expect(cmd.encode().toString('hex')).toBe(java.toLowerCase());
    expect(cmd.code).toBe(46);
    expect(cmd.extFields ?? {}).toEqual({});
  });
});

/** A client instance with the route of `topic` on the given masters, answering CHECK_CLIENT_CONFIG per address. */
function fakeFactory(routes: Record<string, string[]>, answer: (addr: string, sub: SubscriptionData) => Promise<void>) {
  const calls: Array<{ addr: string; group: string; clientId: string; sub: SubscriptionData }> = [];
  const topicRouteTable = new Map(
    Object.entries(routes).map(([topic, masters]) => [
      topic,
      { brokerDatas: masters.map((addr, i) => ({ cluster: 'c', brokerName: `b${i}`, brokerAddrs: new Map([[0, addr], [1, `${addr}-slave`]]) })) },
    ]),
  );
  const api = {
    checkClientInBroker: async (addr: string, group: string, clientId: string, sub: SubscriptionData) => {
      calls.push({ addr, group, clientId, sub });
      await answer(addr, sub);
    },
  };
  return { factory: { clientId: CLIENT, topicRouteTable, api } as unknown as MQClientInstance, calls };
}

describe('checkClientInBroker', () => {
  const sql = buildSubscriptionData('SqlT', 'a BETWEEN 3 AND 5', 'SQL92');
  const tag = buildSubscriptionData('TagT', 'x || y');

  test('asks every master of each SQL92 topic, never a slave, and skips TAG subscriptions and topics without a route', async () => {
    const { factory, calls } = fakeFactory({ SqlT: ['m1:10911', 'm2:10911'], TagT: ['m3:10911'] }, async () => undefined);
    const noRoute = buildSubscriptionData('Unrouted', 'a = 1', 'SQL92');
    await checkClientInBroker(factory, 'G', [tag, sql, noRoute], 3000);
    expect(calls.map((c) => c.addr)).toEqual(['m1:10911', 'm2:10911']);
    expect(calls[0]).toMatchObject({ group: 'G', clientId: CLIENT, sub: { expressionType: 'SQL92', subString: 'a BETWEEN 3 AND 5', codeSet: [] } });
  });

  test("a refusal becomes FilterExpressionRefusedError with the broker's remark, code and address", async () => {
    const remark = 'The broker does not support consumer to filter message by SQL92';
    const { factory } = fakeFactory({ SqlT: ['m1:10911', 'm2:10911'] }, async (addr) => {
      if (addr === 'm2:10911') throw new BrokerResponseError(1, remark, addr);
    });
    const err = await checkClientInBroker(factory, 'G', [sql], 3000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FilterExpressionRefusedError);
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect(err).toMatchObject({
      code: 'ERR_FILTER_REFUSED',
      retriable: false,
      responseCode: 1,
      remark,
      brokerAddr: 'm2:10911',
      topic: 'SqlT',
      expressionType: 'SQL92',
      expression: 'a BETWEEN 3 AND 5',
    });
    expect((err as Error).message).toContain(remark);
  });

  test('a transport failure is thrown as it came', async () => {
    const timeout = new RemotingTimeoutError({ addr: 'm1:10911', timeoutMs: 3000 });
    const { factory } = fakeFactory({ SqlT: ['m1:10911'] }, async () => {
      throw timeout;
    });
    await expect(checkClientInBroker(factory, 'G', [sql], 3000)).rejects.toBe(timeout);
  });
});
