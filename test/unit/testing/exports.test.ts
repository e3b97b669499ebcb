import * as testing from '../../../src/testing';

test('rocketmq-ts/testing exports exactly the fake, the fault tools and the code tables', () => {
  expect(Object.keys(testing).sort()).toEqual([
    'FakeRocketMQ',
    'HostilePeer',
    'RequestCode',
    'ResponseCode',
    'TcpFaultProxy',
    'headerOverrunFrame',
    'invalidJsonHeaderFrame',
    'negativeLengthPrefix',
    'onewayResponseFrame',
    'oversizeFramePrefix',
    'randomBytes',
    'rawFrame',
    'responseFrame',
    'seededRandom',
    'truncatedFrame',
    'unknownSerializeTypeFrame',
  ]);
  expect(typeof testing.FakeRocketMQ.start).toBe('function');
});
