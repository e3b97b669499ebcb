/**
 * Records a real client<->broker exchange through `rocketmq-ts tap --write`: a DefaultMQProducer
 * finds the broker through a fake name server whose route points at the tap, and the tap forwards
 * to the real broker. The producer sends a message with tags, keys and a property and a batch of two;
 * then a plain PULL_MESSAGE through the tap reads the first message back as the broker stores it.
 * Used by the e2e test (into a temporary file) and by scripts/record-pcap-fixture.ts (the fixture).
 */
import { DefaultMQProducer, Message } from '../../../src';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { FakeNameServer } from '../../helpers/fake-rocketmq';
import { pullMessageRequest } from '../../helpers/broker-read-requests';
import { startCli } from '../../helpers/run-cli';

export interface Recording {
  /** The tap's stdout: one JSON line per frame. */
  tapOutput: string;
  tapExitCode: number | null;
  msgIds: string[];
  queueId: number;
  queueOffset: bigint;
}

export async function recordBrokerExchange(brokerAddr: string, brokerName: string, topic: string, pcapPath: string): Promise<Recording> {
  const tap = startCli(['tap', '--listen', '127.0.0.1:0', '--target', brokerAddr, '--json', '--write', pcapPath]);
  const ns = await FakeNameServer.start();
  let producer: DefaultMQProducer | undefined;
  const remoting = new RemotingClient();
  try {
    const m = await tap.waitForStderr(/listening on (\S+),/);
    const tapAddr = m[1]!;
    ns.routes.set(topic, {
      queueDatas: [{ brokerName, readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }],
      brokers: { [brokerName]: { 0: tapAddr } },
    });
    producer = new DefaultMQProducer({ producerGroup: 'wire-recording', namesrvAddr: ns.addr, instanceName: 'wire-recording' });
    await producer.start();
    const one = await producer.send(new Message(topic, 'hello wire', { tags: 'TagA', keys: ['order-1'], properties: { source: 'recording' } }));
    const batch = await producer.send([new Message(topic, 'batch one'), new Message(topic, 'batch two')]);
    const pull = pullMessageRequest('wire-recording-reader', topic, one.messageQueue.queueId, Number(one.queueOffset));
    await remoting.invoke(tapAddr, pull, 5000);
    await producer.shutdown();
    producer = undefined;
    await remoting.shutdown();
    const tapExitCode = await tap.stop();
    return {
      tapOutput: tap.stdout(),
      tapExitCode,
      msgIds: [one.msgId, ...batch.msgId.split(',')],
      queueId: one.messageQueue.queueId,
      queueOffset: one.queueOffset,
    };
  } finally {
    await producer?.shutdown();
    await remoting.shutdown();
    await tap.stop();
    await ns.close();
  }
}
