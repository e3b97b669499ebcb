import { RemotingProtocolError } from '../../../src/errors';
import { parseResetOffsetBody } from '../../../src/client/body/reset-offset-body';

test("fastjson's offsetTable with MessageQueue keys is read entry by entry", () => {
  const body = Buffer.from(
    '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T%x"}:5,{"brokerName":"broker-b","queueId":3,"topic":"T%x"}:9007199254740993}}',
  );
  expect(parseResetOffsetBody(body).map(([mq, offset]) => [mq.toString(), offset])).toEqual([
    ['MessageQueue [topic=T%x, brokerName=broker-a, queueId=0]', 5n],
    ['MessageQueue [topic=T%x, brokerName=broker-b, queueId=3]', 9007199254740993n],
  ]);
  expect(parseResetOffsetBody(Buffer.from('{"offsetTable":{}}'))).toEqual([]);
  expect(() => parseResetOffsetBody(Buffer.from('{"offsetTable":{{"x":1}:5}}'))).toThrow(RemotingProtocolError);
});
