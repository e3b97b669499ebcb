// Records fixtures/pcap/producer-broker.pcap from a real broker (NAMESRV_ADDR must point at its name
// server): see test/e2e/helpers/wire-recording.ts for the exchange and fixtures/README.md for provenance.
import * as path from 'node:path';
import { MQClientAPI } from '../src/client/mq-client-api';
import { RemotingClient } from '../src/remoting/remoting-client';
import { recordBrokerExchange } from '../test/e2e/helpers/wire-recording';

async function main(): Promise<void> {
  const namesrv = process.env.NAMESRV_ADDR;
  if (!namesrv) throw new Error('set NAMESRV_ADDR to the name server of a real broker (npm run rocketmq -- start)');
  const remoting = new RemotingClient({ namesrvAddrs: [namesrv] });
  const api = new MQClientAPI(remoting, { language: 'OTHER', namespace: undefined, vipChannelEnabled: false });
  const route = await api.getTopicRouteInfoFromNameServer('TBW102', 3000).finally(() => remoting.shutdown());
  const broker = route.brokerDatas[0]!;
  const out = path.join(__dirname, '..', 'fixtures', 'pcap', 'producer-broker.pcap');
  const rec = await recordBrokerExchange(broker.brokerAddrs.get(0)!, broker.brokerName, 'WireFixtureTopic', out);
  console.log(JSON.stringify({ written: path.relative(process.cwd(), out), msgIds: rec.msgIds, tapExitCode: rec.tapExitCode }));
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
