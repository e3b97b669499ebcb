import { runCli, startCli } from '../../helpers/run-cli';

describe('rocketmq-ts fake', () => {
  test('--help describes the options and the NAMESRV_ADDR line', async () => {
    const r = await runCli(['fake', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['--port', '--broker-port', '--topic', '--auto-create-topic', 'NAMESRV_ADDR=', 'SIGTERM']) expect(r.stdout).toContain(word);
  });

  test('runs standalone: prints NAMESRV_ADDR, answers `route`, stops on SIGTERM with exit 0', async () => {
    const fake = startCli(['fake', '--port', '0', '--topic', 'CliTopic:3', '--broker', 'broker-x']);
    try {
      await fake.waitForStderr(/stop with Ctrl-C/);
      const addr = /^NAMESRV_ADDR=(127\.0\.0\.1:\d+)$/m.exec(fake.stdout())?.[1];
      expect(addr).toBeDefined();
      const route = await runCli(['route', 'CliTopic', '-n', addr!, '--json']);
      expect(route.code).toBe(0);
      const json = JSON.parse(route.stdout) as { queueDatas: { brokerName: string; writeQueueNums: number }[] };
      expect(json.queueDatas).toEqual([expect.objectContaining({ brokerName: 'broker-x', writeQueueNums: 3 })]);
      // Auto-create is off unless asked for: an unknown topic has no route.
      const missing = await runCli(['route', 'Nope', '-n', addr!]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('TOPIC_NOT_EXIST');
    } finally {
      expect(await fake.stop()).toBe(0);
    }
  });

  test('a bad topic spec is a usage error (exit 2)', async () => {
    const r = await runCli(['fake', '--port', '0', '--topic', 'T:zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--topic T queue count');
  });
});
