import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import { HostilePeer } from '../../helpers/hostile-peer';

/**
 * A stand-in name server that routes every topic to one broker name at an address of the test's
 * choosing — typically a TcpFaultProxy in front of the real broker-a — so a producer's broker traffic
 * can be put through faults. Other requests are answered with SUCCESS and no body.
 */
export async function startFakeNameServer(brokerName: string, brokerAddr: string, queues = 4): Promise<HostilePeer> {
  const body = Buffer.from(
    JSON.stringify({
      brokerDatas: [{ brokerAddrs: { 0: brokerAddr }, brokerName, cluster: 'DefaultCluster' }],
      queueDatas: [{ brokerName, perm: 6, readQueueNums: queues, topicSysFlag: 0, writeQueueNums: queues }],
      filterServerTable: {},
    }),
  );
  return HostilePeer.start({
    onRequest: (req, conn) => {
      const res = RemotingCommand.createResponse(ResponseCode.SUCCESS, undefined, req.opaque);
      if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) res.body = body;
      conn.send(res);
    },
  });
}
