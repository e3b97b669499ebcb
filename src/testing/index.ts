/**
 * `rocketmq-ts/testing`: test doubles for code that talks to RocketMQ. `FakeRocketMQ` is a name server
 * and broker in this process with an in-memory store; `TcpFaultProxy` injects TCP faults between a
 * client and a server; `HostilePeer` is a remoting peer that misbehaves on purpose.
 */
export { FakeRocketMQ } from './fake-rocketmq';
export type { FakeRocketMQOptions, RecordedRequest, TopicOptions } from './fake-rocketmq';
export type { ScriptAction, ScriptRule, ScriptRuleOptions } from './fake-script';
export { TcpFaultProxy } from './tcp-fault-proxy';
export type { Direction, ProxyStats, TcpFaultProxyOptions } from './tcp-fault-proxy';
export {
  HostilePeer,
  headerOverrunFrame,
  invalidJsonHeaderFrame,
  negativeLengthPrefix,
  onewayResponseFrame,
  oversizeFramePrefix,
  randomBytes,
  rawFrame,
  responseFrame,
  seededRandom,
  truncatedFrame,
  unknownSerializeTypeFrame,
} from './hostile-peer';
export type { HostileConnection, HostilePeerOptions, HostileRequestHandler } from './hostile-peer';
export { RequestCode } from '../remoting/protocol/request-code';
export { ResponseCode } from '../remoting/protocol/response-code';
