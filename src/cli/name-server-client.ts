import { MQClientAPI } from '../client/mq-client-api';
import { RemotingClient } from '../remoting/remoting-client';
import { parseHostPort } from './cli-error';

/** `--namesrv`: the option, else NAMESRV_ADDR, else the local default. */
export function nameServerAddrs(option: string | undefined): string[] {
  const text = option ?? process.env.NAMESRV_ADDR ?? '127.0.0.1:9876';
  const addrs = text.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const a of addrs) parseHostPort(a, 'name server address');
  return addrs;
}

/** Runs `fn` with a client API bound to the name servers; always shuts the connection down. */
export async function withNameServer<T>(addrs: string[], fn: (api: MQClientAPI) => Promise<T>): Promise<T> {
  const remoting = new RemotingClient({ namesrvAddrs: addrs });
  const api = new MQClientAPI(remoting, { language: 'OTHER', namespace: undefined, vipChannelEnabled: false });
  try {
    return await fn(api);
  } finally {
    await remoting.shutdown();
  }
}

export const NAMESRV_OPTION = ['-n, --namesrv <addr>', 'name server address(es), host:port separated by ; (default: NAMESRV_ADDR or 127.0.0.1:9876)'] as const;
export const TIMEOUT_OPTION = ['--timeout <ms>', 'timeout of each request in milliseconds', '3000'] as const;
