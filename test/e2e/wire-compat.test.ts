/**
 * Wire compatibility with a real NameServer and Broker, through the TS RemotingClient alone (no producer):
 * route lookups (existing and missing topic), GET_BROKER_CLUSTER_INFO with fastjson's unquoted numeric map keys,
 * heartbeats the broker accepts (checked with mqadmin), both header types on requests, a NameServer + Broker that
 * answer in the ROCKETMQ binary header, and which `language` codes this broker version accepts.
 *
 * With ROCKETMQ_COMPAT_OUT=<dir> (npm run test:compat) the language observations are written to
 * <dir>/languages.json for docs/compatibility.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { RemotingCommand, DEFAULT_LANGUAGE } from '../../src/remoting/protocol/remoting-command';
import type { LanguageName } from '../../src/remoting/protocol/language-code';
import type { SerializeTypeName } from '../../src/remoting/protocol/serialize-type';
import { parseRouteBody } from '../../src/client/route/parse-route-body';
import {
  admin,
  createTopic,
  describeBroker,
  namesrvAddr,
  parseConnections,
  rocketmqVersion,
  startPrivateRocketMQ,
  uniqueName,
  type PrivateRocketMQ,
} from './helpers/broker';

// Each mqadmin call is a JVM start (3-6 s); jest's project-level testTimeout is not applied (Jest 30).
jest.setTimeout(180_000);

const GET_ROUTEINFO_BY_TOPIC = 105;
const GET_BROKER_CLUSTER_INFO = 106;
const HEART_BEAT = 34;
const UNREGISTER_CLIENT = 35;
const SUCCESS = 0;
const TOPIC_NOT_EXIST = 17;
const TIMEOUT = 5000;
const TYPES: SerializeTypeName[] = ['JSON', 'ROCKETMQ'];

interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
}
interface BrokerData {
  brokerName: string;
  cluster: string;
  brokerAddrs: Record<string, string>;
}
interface TopicRouteData {
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
}
interface ClusterInfo {
  brokerAddrTable: Record<string, BrokerData>;
  clusterAddrTable: Record<string, string[]>;
}

function routeRequest(topic: string, version?: number): RemotingCommand {
  return new RemotingCommand({ code: GET_ROUTEINFO_BY_TOPIC, extFields: { topic }, ...(version ? { version } : {}) });
}

function heartbeatRequest(clientID: string, group: string, language?: LanguageName): RemotingCommand {
  // HeartbeatData as fastjson writes it: fields sorted, sets as arrays.
  const body = JSON.stringify({
    clientID,
    consumerDataSet: [],
    heartbeatFingerprint: 0,
    producerDataSet: [{ groupName: group }],
    withoutSub: false,
  });
  return new RemotingCommand({
    code: HEART_BEAT,
    extFields: {},
    body: Buffer.from(body, 'utf8'),
    ...(language ? { language } : {}),
  });
}

/**
 * Header type of a response: 5.x servers answer in their own configured type whatever the request used; 4.9.x
 * servers mirror the request's type (NettyRemotingAbstract sets it on every response; 5.0 dropped that).
 */
function responseType(requestType: SerializeTypeName, serverType: SerializeTypeName): SerializeTypeName {
  return rocketmqVersion().startsWith('4.') ? requestType : serverType;
}

function clientId(tag: string): string {
  return `127.0.0.1@${process.pid}#${tag}`;
}

async function waitForRoute(client: RemotingClient, topic: string, timeoutMs = 60_000): Promise<TopicRouteData> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const resp = await client.invoke(null, routeRequest(topic), TIMEOUT);
    if (resp.code === SUCCESS) return parseRouteBody(resp.body) as TopicRouteData;
    if (Date.now() > deadline) throw new Error(`no route for ${topic}: ${resp.code} ${resp.remark}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function masterAddr(route: TopicRouteData, brokerName = 'broker-a'): string {
  const bd = route.brokerDatas.find((b) => b.brokerName === brokerName);
  const addr = bd?.brokerAddrs['0'];
  if (!addr) throw new Error(`no master for ${brokerName} in ${JSON.stringify(route)}`);
  return addr;
}

describeBroker('wire compatibility with a real NameServer and Broker', () => {
  const TOPIC = uniqueName('WireCompat');
  const clients = new Map<SerializeTypeName, RemotingClient>();
  let route: TopicRouteData;
  let brokerAddr: string;

  beforeAll(async () => {
    for (const t of TYPES) clients.set(t, new RemotingClient({ namesrvAddrs: [namesrvAddr()], serializeType: t }));
    await createTopic(TOPIC, { queues: 4 });
    route = await waitForRoute(clients.get('JSON')!, TOPIC);
    brokerAddr = masterAddr(route);
  });

  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.shutdown()));
  });

  describe.each(TYPES)('requests with %s headers', (type) => {
    it('GET_ROUTEINFO_BY_TOPIC of a topic created with mqadmin', async () => {
      const resp = await clients.get(type)!.invoke(null, routeRequest(TOPIC), TIMEOUT);
      expect(resp.code).toBe(SUCCESS);
      expect(resp.isResponse).toBe(true);
      expect(resp.serializeType).toBe(responseType(type, 'JSON'));
      const r = parseRouteBody(resp.body) as TopicRouteData;
      const qd = r.queueDatas.find((q) => q.brokerName === 'broker-a');
      expect(qd).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6 });
      expect(masterAddr(r)).toMatch(/^127\.0\.0\.1:\d+$/);
      // version >= 401 (V4_9_4) gets standard JSON: the broker-id key arrives quoted.
      expect(resp.body!.toString('utf8')).toContain('"brokerAddrs":{"0":"');
    });

    it('GET_ROUTEINFO_BY_TOPIC with an old client version gets the legacy body (unquoted ids), parsed the same', async () => {
      const resp = await clients.get(type)!.invoke(null, routeRequest(TOPIC, 399), TIMEOUT);
      expect(resp.code).toBe(SUCCESS);
      expect(resp.body!.toString('utf8')).toMatch(/"brokerAddrs":\{0:"/);
      const r = parseRouteBody(resp.body) as TopicRouteData;
      expect(masterAddr(r)).toBe(brokerAddr);
    });

    it('GET_ROUTEINFO_BY_TOPIC of a missing topic: TOPIC_NOT_EXIST with the name server remark', async () => {
      const missing = uniqueName('NoSuchTopic');
      const resp = await clients.get(type)!.invoke(null, routeRequest(missing), TIMEOUT);
      expect(resp.code).toBe(TOPIC_NOT_EXIST);
      expect(resp.remark).toContain(`No topic route info in name server for the topic: ${missing}`);
      expect(resp.body).toBeUndefined();
    });

    it('GET_BROKER_CLUSTER_INFO: unquoted numeric brokerAddrs keys parsed correctly', async () => {
      const resp = await clients.get(type)!.invoke(null, new RemotingCommand({ code: GET_BROKER_CLUSTER_INFO }), TIMEOUT);
      expect(resp.code).toBe(SUCCESS);
      const text = resp.body!.toString('utf8');
      expect(text).toMatch(/"brokerAddrs":\{0:"127\.0\.0\.1:\d+"/); // not JSON as sent
      expect(() => JSON.parse(text)).toThrow();
      const ci = parseRouteBody(resp.body) as ClusterInfo;
      expect(ci.brokerAddrTable['broker-a']!.brokerAddrs['0']).toBe(brokerAddr);
      expect(ci.brokerAddrTable['broker-a']!.cluster).toBe('DefaultCluster');
      expect(ci.clusterAddrTable['DefaultCluster']).toContain('broker-a');
    });

    it('HEART_BEAT registers a producer group the broker then lists (mqadmin producerConnection)', async () => {
      const client = clients.get(type)!;
      const group = uniqueName(`PG_${type}`);
      const cid = clientId(`hb-${type}`);
      const resp = await client.invoke(brokerAddr, heartbeatRequest(cid, group), TIMEOUT);
      expect(resp.code).toBe(SUCCESS);
      expect(resp.isResponse).toBe(true);
      if (!rocketmqVersion().startsWith('4.')) expect(resp.extFields?.IS_SUPPORT_HEART_BEAT_V2).toBe('true');
      // The registration lives as long as this connection: ask while it is open.
      const out = await admin('producerConnection', '-g', group, '-t', TOPIC);
      const rows = parseConnections(out);
      expect(rows.map((r) => r.clientId)).toContain(cid);
      expect(rows.find((r) => r.clientId === cid)!.language).toBe(DEFAULT_LANGUAGE);

      const unreg = await client.invoke(
        brokerAddr,
        new RemotingCommand({ code: UNREGISTER_CLIENT, extFields: { clientID: cid, producerGroup: group } }),
        TIMEOUT,
      );
      expect(unreg.code).toBe(SUCCESS);
      const after = parseConnections(await admin('producerConnection', '-g', group, '-t', TOPIC));
      expect(after.map((r) => r.clientId)).not.toContain(cid);
    });
  });

  it('which language codes the broker accepts in a heartbeat, per header type (recorded for docs/compatibility.md)', async () => {
    const languages: LanguageName[] = ['JAVA', 'OTHER', 'NODE_JS'];
    const results: Array<Record<string, unknown>> = [];
    let brokerVersion: number | undefined;
    for (const type of TYPES) {
      for (const language of languages) {
        const group = uniqueName(`LANG_${language}_${type}`);
        const cid = clientId(`lang-${language}-${type}`);
        let code: number | string;
        let remark: string | undefined;
        try {
          const resp = await clients.get(type)!.invoke(brokerAddr, heartbeatRequest(cid, group, language), TIMEOUT);
          code = resp.code;
          remark = resp.remark;
          brokerVersion = resp.version;
        } catch (err) {
          code = `error: ${(err as Error).message}`;
        }
        const out = await admin('producerConnection', '-g', group, '-t', TOPIC);
        const row = parseConnections(out).find((r) => r.clientId === cid);
        results.push({
          serializeType: type,
          language,
          heartbeatCode: code,
          heartbeatRemark: remark ?? null,
          listedByMqadmin: row !== undefined,
          languageShownByMqadmin: row?.language ?? null,
          mqadminOutputIfNotListed: row ? null : out.trim().split('\n').slice(-3).join(' | '),
        });
      }
    }
    const dir = process.env.ROCKETMQ_COMPAT_OUT;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'languages.json'),
        JSON.stringify({ rocketmqVersion: rocketmqVersion(), brokerRemotingVersion: brokerVersion, results }, null, 2),
      );
    }
    process.stderr.write(`[wire-compat] languages on ${rocketmqVersion()}: ${JSON.stringify(results)}\n`);
    // JAVA and OTHER are known to every version, in both header types; the codec default is one of them.
    for (const r of results.filter((x) => x.language === 'JAVA' || x.language === 'OTHER')) {
      expect(r).toMatchObject({ heartbeatCode: SUCCESS, listedByMqadmin: true, languageShownByMqadmin: r.language });
    }
    expect(['JAVA', 'OTHER']).toContain(DEFAULT_LANGUAGE);
    // NODE_JS (13) exists since 5.3.2. Older brokers accept the heartbeat but store no language (mqadmin: "null").
    const [major, minor, patch] = rocketmqVersion().split('.').map(Number) as [number, number, number];
    const knowsNodeJs = major > 5 || (major === 5 && (minor > 3 || (minor === 3 && patch >= 2)));
    for (const r of results.filter((x) => x.language === 'NODE_JS')) {
      expect(r.heartbeatCode).toBe(SUCCESS);
      expect(r.languageShownByMqadmin).toBe(knowsNodeJs ? 'NODE_JS' : 'null');
    }
  });
});

describeBroker('a NameServer and Broker started with --serialize ROCKETMQ', () => {
  let rmq: PrivateRocketMQ | undefined;
  const clients = new Map<SerializeTypeName, RemotingClient>();

  beforeAll(async () => {
    rmq = await startPrivateRocketMQ(['--serialize', 'ROCKETMQ']);
    for (const t of TYPES) clients.set(t, new RemotingClient({ namesrvAddrs: [rmq.namesrvAddr], serializeType: t }));
  }, 10 * 60_000);

  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.shutdown()));
    if (rmq) await rmq.stop();
  }, 5 * 60_000);

  it.each(TYPES)('answers %s requests (5.x: in binary headers, which we decode; 4.9: in the request type)', async (type) => {
    const client = clients.get(type)!;
    // TBW102, the auto-create template topic, exists on a fresh broker with autoCreateTopicEnable=true.
    const route = await waitForRoute(client, 'TBW102');
    const resp = await client.invoke(null, routeRequest('TBW102'), TIMEOUT);
    expect(resp.serializeType).toBe(responseType(type, 'ROCKETMQ'));
    expect(resp.code).toBe(SUCCESS);
    expect(resp.flag & 1).toBe(1);
    expect(resp.remark).toBeUndefined();
    const broker = masterAddr(route);

    const missing = await client.invoke(null, routeRequest(uniqueName('NoSuchTopic')), TIMEOUT);
    expect(missing.serializeType).toBe(responseType(type, 'ROCKETMQ'));
    expect(missing.code).toBe(TOPIC_NOT_EXIST);
    expect(missing.remark).toContain('No topic route info in name server for the topic');

    const cluster = await client.invoke(null, new RemotingCommand({ code: GET_BROKER_CLUSTER_INFO }), TIMEOUT);
    expect(cluster.serializeType).toBe(responseType(type, 'ROCKETMQ'));
    const ci = parseRouteBody(cluster.body) as ClusterInfo;
    expect(ci.brokerAddrTable['broker-a']!.brokerAddrs['0']).toBe(broker);

    const hb = await client.invoke(broker, heartbeatRequest(clientId(`rmq-${type}`), uniqueName('PG_RMQ')), TIMEOUT);
    expect(hb.serializeType).toBe(responseType(type, 'ROCKETMQ'));
    expect(hb.code).toBe(SUCCESS);
    if (!rocketmqVersion().startsWith('4.')) {
      expect(hb.extFields).toMatchObject({ IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: 'true' });
    }
  });
});
