/**
 * The fake's name server (RouteInfoManager facts): routes built from the brokers' topic tables,
 * written as fastjson writes them (fields sorted; brokerAddrs' Long keys unquoted unless the request
 * has version >= 401 (V4_9_4) or acceptStandardJsonOnly=true), TOPIC_NOT_EXIST with the real remark,
 * and the cluster table (whose brokerAddrs keys are always unquoted).
 */
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { FakeBroker } from './fake-broker';
import { applyScript } from './fake-dispatch';
import { FakeListener, type FakeExchange, type FakeResponse } from './fake-listener';
import type { FakeScript } from './fake-script';

/** The request version from which the name server writes standard JSON (MQVersion V4_9_4). */
const STANDARD_JSON_VERSION = 401;

/** fastjson's default form of a Long-keyed map: `{0:"addr"}`. */
function unquoteLongKeys(json: string): string {
  return json.replace(/"brokerAddrs":\{("\d+":"[^"]*",?)*\}/g, (m) => m.replace(/"(\d+)":/g, '$1:'));
}

export class FakeNameServer {
  readonly listener: FakeListener;

  constructor(
    private readonly brokers: () => readonly FakeBroker[],
    private readonly clusterName: string,
    private readonly script: FakeScript,
    private readonly record: (target: string, request: RemotingCommand) => void,
  ) {
    this.listener = new FakeListener((ex) => this.onRequest(ex));
  }

  get addr(): string {
    return `127.0.0.1:${this.listener.port}`;
  }

  /** The route JSON of `topic`, or undefined when no broker has it. */
  routeJson(topic: string, standard: boolean): string | undefined {
    const holders = this.brokers().filter((b) => b.store.topics.has(topic));
    if (holders.length === 0) return undefined;
    const route = {
      brokerDatas: holders.map((b) => ({ brokerAddrs: { 0: b.addr }, brokerName: b.brokerName, cluster: this.clusterName, enableActingMaster: false })),
      filterServerTable: {},
      queueDatas: holders.map((b) => {
        const t = b.store.topics.get(topic)!;
        return { brokerName: b.brokerName, perm: t.perm, readQueueNums: t.readQueueNums, topicSysFlag: t.topicSysFlag, writeQueueNums: t.writeQueueNums };
      }),
    };
    const json = JSON.stringify(route);
    return standard ? json : unquoteLongKeys(json);
  }

  clusterJson(): string {
    const brokers = this.brokers();
    const brokerAddrTable = Object.fromEntries(
      brokers.map((b) => [b.brokerName, { brokerAddrs: { 0: b.addr }, brokerName: b.brokerName, cluster: this.clusterName, enableActingMaster: false }]),
    );
    const clusterAddrTable = { [this.clusterName]: brokers.map((b) => b.brokerName) };
    return unquoteLongKeys(JSON.stringify({ brokerAddrTable, clusterAddrTable }));
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  private onRequest(ex: FakeExchange): void {
    this.record('namesrv', ex.request);
    applyScript(this.script, 'namesrv', this.listener, ex, (reply) => reply(this.handle(ex.request)));
  }

  private handle(r: RemotingCommand): FakeResponse {
    if (r.code === RequestCode.GET_BROKER_CLUSTER_INFO) {
      return { code: ResponseCode.SUCCESS, body: Buffer.from(this.clusterJson(), 'utf8') };
    }
    if (r.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      return { code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark: `request type ${r.code} not supported` };
    }
    const topic = r.extFields?.topic ?? '';
    const standard = r.version >= STANDARD_JSON_VERSION || r.extFields?.acceptStandardJsonOnly === 'true';
    const json = this.routeJson(topic, standard);
    if (json === undefined) {
      return {
        code: ResponseCode.TOPIC_NOT_EXIST,
        remark: `No topic route info in name server for the topic: ${topic}\nSee http://rocketmq.apache.org/docs/faq/ for further details.`,
      };
    }
    return { code: ResponseCode.SUCCESS, body: Buffer.from(json, 'utf8') };
  }
}
