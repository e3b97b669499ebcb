import { BrokerResponseError, TopicRouteNotFoundError } from '../../../../src/errors';
import { silentLogger } from '../../../../src/logger';
import { parseClientConfig } from '../../../../src/client/client-config';
import { TraceMessageSender } from '../../../../src/client/trace/trace-message-sender';
import { Message } from '../../../../src/message/message';
import { string2messageProperties } from '../../../../src/message/message-properties';
import { startFakeCluster } from '../../../helpers/fake-rocketmq';

type Cluster = Awaited<ReturnType<typeof startFakeCluster>>;

/** The client-layer sender a consumer's trace dispatcher uses instead of a producer. */
describe('TraceMessageSender', () => {
  let cluster: Cluster;
  let sender: TraceMessageSender;
  let counter = 0;

  beforeEach(async () => {
    cluster = await startFakeCluster(2);
    cluster.ns.setRoute('RMQ_SYS_TRACE_TOPIC', cluster.brokers, 1);
    const config = parseClientConfig({ namesrvAddr: cluster.ns.addr, logger: silentLogger });
    sender = new TraceMessageSender(config, `_INNER_TRACE_PRODUCER-G-CONSUME-${++counter}`);
    await sender.start();
  });

  afterEach(async () => {
    await sender.shutdown();
    await cluster.close();
  });

  const allSends = () => cluster.brokers.flatMap((b) => b.sends());

  test('sends SEND_MESSAGE_V2 to the trace topic with its group, keys, a unique id and WAIT', async () => {
    await sender.send(new Message('RMQ_SYS_TRACE_TOPIC', 'SubBefore\u0001x\u0002', { keys: ['id1', 'k'] }), { timeoutMs: 3000 });
    const [req] = allSends();
    expect(req!.extFields).toMatchObject({ a: sender.producerGroup, b: 'RMQ_SYS_TRACE_TOPIC', c: 'TBW102', e: '0' });
    const props = string2messageProperties(req!.extFields!.i);
    expect(props.get('KEYS')).toBe('id1 k');
    expect(props.get('WAIT')).toBe('true');
    expect(props.get('UNIQ_KEY')).toMatch(/^[0-9A-F]{32}$/);
    expect(req!.body!.toString()).toBe('SubBefore\u0001x\u0002');
  });

  test('a broker error moves on to the next queue; after three failures the last error is thrown', async () => {
    const [a, b] = cluster.brokers as [(typeof cluster.brokers)[0], (typeof cluster.brokers)[0]];
    a.onSend = () => ({ code: 14, remark: 'busy' });
    b.onSend = () => ({ code: 14, remark: 'busy' });
    await expect(sender.send(new Message('RMQ_SYS_TRACE_TOPIC', 'x'), { timeoutMs: 3000 })).rejects.toBeInstanceOf(BrokerResponseError);
    expect(allSends()).toHaveLength(3);
    b.onSend = undefined;
    a.onSend = undefined;
    a.script.push({ code: 14, remark: 'busy' });
    b.script.push({ code: 14, remark: 'busy' });
    await sender.send(new Message('RMQ_SYS_TRACE_TOPIC', 'y'), { timeoutMs: 3000 });
    expect(allSends()).toHaveLength(6);
  });

  test('a trace topic without a route is refused with TopicRouteNotFoundError', async () => {
    await expect(sender.send(new Message('NoSuchTraceTopic', 'x'), { timeoutMs: 2000 })).rejects.toBeInstanceOf(TopicRouteNotFoundError);
  });
});
