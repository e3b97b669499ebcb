import type { Command } from 'commander';
import { PERM_READ, PERM_WRITE, PERM_INHERIT, type TopicRouteData } from '../client/route/topic-route-data';
import { EXIT_OK, parseIntOption, usageError } from './cli-error';
import { NAMESRV_OPTION, TIMEOUT_OPTION, nameServerAddrs, withNameServer } from './name-server-client';
import { writeJsonLine, writeLine } from './output';

interface RouteOptions {
  namesrv?: string;
  timeout: string;
  json?: boolean;
}

export function permText(perm: number): string {
  return `${perm & PERM_READ ? 'R' : '-'}${perm & PERM_WRITE ? 'W' : '-'}${perm & PERM_INHERIT ? 'X' : '-'}`;
}

/** The route as plain JSON (broker address maps as objects). */
export function routeJson(topic: string, route: TopicRouteData): Record<string, unknown> {
  return {
    topic,
    ...route,
    brokerDatas: route.brokerDatas.map((b) => ({ ...b, brokerAddrs: Object.fromEntries(b.brokerAddrs) })),
  };
}

function printRoute(topic: string, route: TopicRouteData): void {
  writeLine(`topic ${topic}`);
  writeLine('queues');
  for (const q of route.queueDatas) {
    writeLine(`  ${q.brokerName}  read ${q.readQueueNums}  write ${q.writeQueueNums}  perm ${permText(q.perm)} (${q.perm})  sysFlag ${q.topicSysFlag}`);
  }
  writeLine('brokers');
  for (const b of route.brokerDatas) {
    const addrs = [...b.brokerAddrs].map(([id, addr]) => `${id === 0 ? 'master' : `slave ${id}`} ${addr}`).join(', ');
    writeLine(`  ${b.brokerName}${b.cluster ? ` (cluster ${b.cluster})` : ''}  ${addrs}`);
  }
  if (route.orderTopicConf) writeLine(`orderTopicConf ${route.orderTopicConf}`);
}

async function run(topic: string, o: RouteOptions): Promise<number> {
  if (topic.trim().length === 0) throw usageError('topic is empty');
  const timeout = parseIntOption(o.timeout, '--timeout', 1, 600_000);
  const addrs = nameServerAddrs(o.namesrv);
  const route = await withNameServer(addrs, (api) => api.getTopicRouteInfoFromNameServer(topic, timeout));
  if (o.json) writeJsonLine(routeJson(topic, route));
  else printRoute(topic, route);
  return EXIT_OK;
}

export function registerRoute(program: Command, action: (name: string, fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('route')
    .description("ask the name server for a topic's route (GET_ROUTEINFO_BY_TOPIC): queues per broker and broker addresses")
    .argument('<topic>', 'topic name')
    .option(...NAMESRV_OPTION)
    .option(...TIMEOUT_OPTION)
    .option('--json', 'print the route as one JSON object')
    .addHelpText('after', '\nExit codes: 0 found, 1 the name server failed or does not know the topic (TOPIC_NOT_EXIST), 2 usage.')
    .action((topic: string, o: RouteOptions) => action('route', () => run(topic, o)));
}
