import type { Command } from 'commander';
import { EXIT_OK, parseIntOption } from './cli-error';
import { NAMESRV_OPTION, TIMEOUT_OPTION, nameServerAddrs, withNameServer } from './name-server-client';
import { writeJsonLine, writeLine } from './output';

interface ClusterOptions {
  namesrv?: string;
  timeout: string;
  json?: boolean;
}

async function run(o: ClusterOptions): Promise<number> {
  const timeout = parseIntOption(o.timeout, '--timeout', 1, 600_000);
  const info = await withNameServer(nameServerAddrs(o.namesrv), (api) => api.getBrokerClusterInfo(timeout));
  if (o.json) {
    writeJsonLine(info);
    return EXIT_OK;
  }
  const clusters = Object.keys(info.clusterAddrTable).sort();
  if (clusters.length === 0) writeLine('no clusters registered');
  for (const cluster of clusters) {
    writeLine(`cluster ${cluster}`);
    for (const name of [...(info.clusterAddrTable[cluster] ?? [])].sort()) {
      const broker = info.brokerAddrTable[name];
      const addrs = Object.entries(broker?.brokerAddrs ?? {})
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([id, addr]) => `${id === '0' ? 'master' : `slave ${id}`} ${addr}`);
      writeLine(`  ${name}  ${addrs.join(', ') || '(no address)'}`);
    }
  }
  return EXIT_OK;
}

export function registerCluster(program: Command, action: (name: string, fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('cluster')
    .description('ask the name server for its clusters and brokers (GET_BROKER_CLUSTER_INFO)')
    .option(...NAMESRV_OPTION)
    .option(...TIMEOUT_OPTION)
    .option('--json', 'print the cluster info (brokerAddrTable, clusterAddrTable) as one JSON object')
    .addHelpText('after', '\nExit codes: 0 answered, 1 the name server failed or is unreachable, 2 usage.')
    .action((o: ClusterOptions) => action('cluster', () => run(o)));
}
