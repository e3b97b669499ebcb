import { createHeartbeatData, encodeHeartbeatData } from '../../../src/client/heartbeat-data';

test('heartbeat body: fastjson field order, sets as arrays (protocol 7.1)', () => {
  const data = createHeartbeatData('192.168.1.5@12345#81234567890123', ['CLIENT_INNER_PRODUCER', 'my_producer_group']);
  expect(encodeHeartbeatData(data).toString('utf8')).toBe(
    '{"clientID":"192.168.1.5@12345#81234567890123","consumerDataSet":[],"heartbeatFingerprint":0,' +
      '"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"},{"groupName":"my_producer_group"}],"withoutSub":false}',
  );
});
