import type { z } from 'zod';
import { boundPeerText } from '../../peer-text';
import { RemotingProtocolError } from '../../errors';
import { lazy, zod } from '../../lazy-zod';
import { parseRouteBody } from './parse-route-body';

/**
 * Topic routes as the name server sends them (`TopicRouteData`, `QueueData`, `BrokerData`). The
 * schemas pass unknown fields through, so a newer name server never breaks an older client.
 */

/** `PermName` bits. */
export const PERM_PRIORITY = 8;
export const PERM_READ = 4;
export const PERM_WRITE = 2;
export const PERM_INHERIT = 1;
/** `MixAll.MASTER_ID`. */
export const MASTER_ID = 0;

export const isWriteable = (perm: number): boolean => (perm & PERM_WRITE) === PERM_WRITE;
export const isReadable = (perm: number): boolean => (perm & PERM_READ) === PERM_READ;

/** The route schemas, built on first use (see lazy-zod.ts). */
export const routeSchemas = lazy(() => {
  const z = zod();
  const int = z.number().int();

  const QueueDataSchema = z.looseObject({
    brokerName: z.string(),
    readQueueNums: int.default(0),
    writeQueueNums: int.default(0),
    perm: int.default(0),
    topicSysFlag: int.default(0),
  });

  /** `brokerAddrs` keys are Java Longs (broker ids): 0 is the master. */
  const BrokerAddrsSchema = z
    .record(z.string().regex(/^-?\d+$/), z.string())
    .transform((rec) => {
      const ids = Object.keys(rec)
        .map(Number)
        .sort((a, b) => a - b);
      return new Map(ids.map((id) => [id, rec[String(id)]!] as const));
    });

  const BrokerDataSchema = z.looseObject({
    cluster: z.string().optional(),
    brokerName: z.string(),
    brokerAddrs: BrokerAddrsSchema.default(() => new Map<number, string>()),
    zoneName: z.string().optional(),
    enableActingMaster: z.boolean().optional(),
  });

  const TopicRouteDataSchema = z.looseObject({
    orderTopicConf: z.string().nullish(),
    queueDatas: z.array(QueueDataSchema).default(() => []),
    brokerDatas: z.array(BrokerDataSchema).default(() => []),
    filterServerTable: z.record(z.string(), z.array(z.string())).default(() => ({})),
    topicQueueMappingByBroker: z.record(z.string(), z.unknown()).nullish(),
  });
  return { QueueDataSchema, BrokerDataSchema, TopicRouteDataSchema };
});
type RouteSchemas = ReturnType<typeof routeSchemas>;

export type QueueData = z.output<RouteSchemas['QueueDataSchema']>;
export type BrokerData = z.output<RouteSchemas['BrokerDataSchema']>;
export type TopicRouteData = z.output<RouteSchemas['TopicRouteDataSchema']>;

/** Decodes a GET_ROUTEINFO_BY_TOPIC body (standard JSON or fastjson's unquoted-key form). */
export function decodeTopicRouteData(body: Buffer | string | undefined): TopicRouteData {
  const parsed = routeSchemas().TopicRouteDataSchema.safeParse(parseRouteBody(body));
  if (!parsed.success) {
    throw new RemotingProtocolError(`invalid topic route body: ${boundPeerText(zod().prettifyError(parsed.error))}`);
  }
  return parsed.data;
}

/** A deep copy, so a stored route can never be changed through a caller's reference. */
export function cloneTopicRouteData(route: TopicRouteData): TopicRouteData {
  return {
    ...route,
    queueDatas: route.queueDatas.map((q) => ({ ...q })),
    brokerDatas: route.brokerDatas.map((b) => ({ ...b, brokerAddrs: new Map(b.brokerAddrs) })),
    filterServerTable: Object.fromEntries(Object.entries(route.filterServerTable).map(([k, v]) => [k, [...v]])),
  };
}

/** Java `String.compareTo` order (UTF-16 code units), which is what JS `<` compares. */
export function compareJavaStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The master address of a broker, or undefined when it has none (`findBrokerAddressInPublish`). */
export function masterAddr(bd: BrokerData): string | undefined {
  return bd.brokerAddrs.get(MASTER_ID);
}
