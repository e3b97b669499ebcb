/**
 * ACL 2.0 against a real broker of our own (real-broker.md 3.4): authentication and authorization on, a super
 * user created at start, users and an ACL created with mqadmin (which signs with conf/tools.yml). Our producer
 * signs with AclClientRPCHook; denials come back as AccessDeniedError naming the access key and the cause, and no
 * secret ever reaches a log line or an error. Consumers sign the same way: a push consumer and a lite pull
 * consumer of a user with Sub on the topic and the group consume every message once; a denied consumer's start()
 * resolves (as Java's), its heartbeats, consumer-list and offset lookups are refused with AccessDeniedError in the
 * log (the 5.3.3 broker answers NO_PERMISSION, 16, with the ACL remark), it owns no queue and consumes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  AccessDeniedError,
  AclClientRPCHook,
  DefaultLitePullConsumer,
  DefaultMQProducer,
  DefaultMQPushConsumer,
  Message,
  TransactionMQProducer,
  type MessageExt,
  type Logger,
  type ProducerOptions,
} from '../../src/index';
import { adminWith, assertAdminOk, describeBroker, startPrivateRocketMQ, uniqueName, type PrivateRocketMQ } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(600_000);

const SUPER = { accessKey: 'rocketmq', secretKey: 'Sup3r-Secret-For-Admin' };
const ALICE = { accessKey: 'alice', secretKey: 'Alice-Secret-7f3a9c' };
const BOB = { accessKey: 'bob', secretKey: 'Bob-Secret-2b8e1d' };
const CAROL = { accessKey: 'carol', secretKey: 'Carol-Secret-5d41e0' };
const WRONG = 'Wrong-Secret-c0ffee';
const SECRETS = [SUPER.secretKey, ALICE.secretKey, BOB.secretKey, CAROL.secretKey, WRONG];

/** A Logger keeping every line (all levels), to prove no secret is ever logged. */
function recordingLogger(lines: string[]): Logger {
  const make = (ns: string): Logger => {
    const put = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
      lines.push(`${level} [${ns}] ${msg} ${inspect(fields, { depth: 6 })} ${JSON.stringify(fields, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Error ? { message: v.message, stack: v.stack, cause: String(v.cause) } : v))}`);
    };
    return { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error'), child: (c) => make(`${ns}:${c}`) };
  };
  return make('rocketmq');
}

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

describeBroker('feature: ACL 2.0 signing against a real broker', () => {
  const topic = uniqueName('rmqts_acl');
  // Carol may subscribe (Sub) to the topic as these groups; nobody else may.
  const carolGroup = uniqueName('rmqts_aclcg');
  const carolLiteGroup = uniqueName('rmqts_acllg');
  const consumers: Array<{ shutdown(): Promise<void> }> = [];
  const logLines: string[] = [];
  const logger = recordingLogger(logLines);
  let rmq: PrivateRocketMQ | undefined;
  const producers: DefaultMQProducer[] = [];

  async function admin(...args: string[]): Promise<string> {
    return assertAdminOk(await adminWith(rmq!.env, ...args), `mqadmin ${args[0]}`);
  }

  function producer(credentials: { accessKey: string; secretKey: string }, extra: Partial<ProducerOptions> = {}): DefaultMQProducer {
    const p = new DefaultMQProducer({
      producerGroup: uniqueName('rmqts_aclg'),
      namesrvAddr: rmq!.namesrvAddr,
      rpcHook: new AclClientRPCHook(credentials),
      logger,
      sendMsgTimeoutMs: 10_000,
      ...extra,
    });
    producers.push(p);
    return p;
  }

  beforeAll(async () => {
    const props = [
      'authenticationEnabled=true',
      'authenticationProvider=org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider',
      'authenticationMetadataProvider=org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider',
      'authorizationEnabled=true',
      'authorizationProvider=org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider',
      'authorizationMetadataProvider=org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider',
      `initAuthenticationUser={"username":"${SUPER.accessKey}","password":"${SUPER.secretKey}"}`,
      `innerClientAuthenticationCredentials={"accessKey":"${SUPER.accessKey}","secretKey":"${SUPER.secretKey}"}`,
    ];
    rmq = await startPrivateRocketMQ(props.flatMap((p) => ['--broker-prop', p]));
    // mqadmin signs with $ROCKETMQ_HOME/conf/tools.yml; the harness runs it with home = <run dir>/home.
    const conf = join(rmq.env.ROCKETMQ_RUN_DIR!, 'home', 'conf');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, 'tools.yml'), `accessKey: ${SUPER.accessKey}\nsecretKey: ${SUPER.secretKey}\n`);
    await admin('createUser', '-c', 'DefaultCluster', '-u', ALICE.accessKey, '-p', ALICE.secretKey, '-t', 'Normal');
    await admin('createUser', '-c', 'DefaultCluster', '-u', BOB.accessKey, '-p', BOB.secretKey, '-t', 'Normal');
    await admin('createAcl', '-c', 'DefaultCluster', '-s', `User:${ALICE.accessKey}`, '-r', `Topic:${topic}`, '-a', 'Pub', '-d', 'Allow');
    await admin('createUser', '-c', 'DefaultCluster', '-u', CAROL.accessKey, '-p', CAROL.secretKey, '-t', 'Normal');
    await admin('createAcl', '-c', 'DefaultCluster', '-s', `User:${CAROL.accessKey}`, '-r', `Topic:${topic},Group:${carolGroup},Group:${carolLiteGroup}`, '-a', 'Sub', '-d', 'Allow');
    const created = await admin('updateTopic', '-c', 'DefaultCluster', '-t', topic, '-r', '2', '-w', '2');
    expect(created).toMatch(/success/);
  });

  afterAll(async () => {
    try {
      await Promise.all([...consumers, ...producers].map((c) => c.shutdown()));
    } finally {
      await rmq?.stop();
    }
  });

  test('the super user and a user with Pub on the topic send; a transaction by that user commits', async () => {
    const admin = producer(SUPER);
    await admin.start();
    await eventually(async () => ((await admin.fetchPublishMessageQueues(topic)).length > 0 ? true : undefined), `route of ${topic}`, 60_000);
    expect((await admin.send(new Message(topic, 'from super'))).sendStatus).toBe('SEND_OK');

    const alice = producer(ALICE);
    await alice.start();
    const sent = await alice.send(new Message(topic, 'from alice', { keys: 'alice-1' }));
    expect(sent.sendStatus).toBe('SEND_OK');

    // END_TRANSACTION is oneway: only the committed message showing up proves the broker accepted its signature.
    const tx = new TransactionMQProducer({
      producerGroup: uniqueName('rmqts_acltx'),
      namesrvAddr: rmq!.namesrvAddr,
      rpcHook: new AclClientRPCHook(ALICE),
      logger,
      transactionListener: { executeLocalTransaction: () => 'COMMIT_MESSAGE', checkLocalTransaction: () => 'COMMIT_MESSAGE' },
    });
    producers.push(tx);
    await tx.start();
    const committed = await tx.sendMessageInTransaction(new Message(topic, 'alice tx'));
    const reader = new TopicReader(rmq!.namesrvAddr, { rpcHooks: [new AclClientRPCHook(SUPER)] });
    try {
      const ids = await eventually(async () => {
        const found = new Set((await reader.readAll(topic)).map((m) => m.getProperty('UNIQ_KEY')));
        return [sent.msgId, committed.msgId].every((id) => found.has(id)) ? found : undefined;
      }, 'alice’s plain and committed messages in the topic', 60_000);
      expect(ids.has(sent.msgId)).toBe(true);
    } finally {
      await reader.close();
    }
  });

  test('a wrong secret is refused: AccessDeniedError (AUTHENTICATION) naming the access key, not the secret', async () => {
    const p = producer({ accessKey: ALICE.accessKey, secretKey: WRONG });
    await p.start();
    const err = await p.send(new Message(topic, 'never stored')).catch((e: unknown) => e);
    // Not retried: the same credentials would be refused again.
    expect(err).toBeInstanceOf(AccessDeniedError);
    const denied = err as AccessDeniedError;
    expect(denied.reason).toBe('AUTHENTICATION');
    expect(denied.code).toBe('ERR_ACCESS_DENIED');
    expect(denied.responseCode).toBe(16);
    expect(denied.message).toContain('alice');
    expect(denied.message).toMatch(/signature/i);
    for (const text of [String(err), (err as Error).stack ?? '', inspect(err, { depth: 10 }), JSON.stringify(err)]) expectNoSecret(text);
  });

  test('a user without permission is refused: AccessDeniedError (AUTHORIZATION); an unknown user: AUTHENTICATION', async () => {
    const bob = producer(BOB);
    await bob.start();
    const err = await bob.send(new Message(topic, 'bob has no Pub')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    const denied = err as AccessDeniedError;
    expect(denied.reason).toBe('AUTHORIZATION');
    expect(denied.message).toContain('bob');
    expect(denied.remark).toMatch(/no permission/);

    const ghost = producer({ accessKey: 'nobody-here', secretKey: WRONG });
    await ghost.start();
    const e2 = await ghost.send(new Message(topic, 'x')).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(AccessDeniedError);
    const d2 = e2 as AccessDeniedError;
    expect(d2.reason).toBe('AUTHENTICATION');
  });

  function pushConsumer(credentials: { accessKey: string; secretKey: string }, group: string, got: MessageExt[]): DefaultMQPushConsumer {
    const c = new DefaultMQPushConsumer({
      consumerGroup: group,
      namesrvAddr: rmq!.namesrvAddr,
      rpcHook: new AclClientRPCHook(credentials),
      logger,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pollNameServerIntervalMs: 1000,
    });
    consumers.push(c);
    c.subscribe(topic, '*');
    c.registerMessageListener(async (msgs) => {
      got.push(...msgs);
      return 'CONSUME_SUCCESS';
    });
    return c;
  }

  /** What Alice sends for the consumers (she has Pub on the topic). */
  async function aliceSends(n: number, tag: string): Promise<string[]> {
    const alice = producer(ALICE);
    await alice.start();
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await alice.send(new Message(topic, `${tag}-${i}`, { tags: tag }))).msgId);
    return ids;
  }

  test('a push consumer signed by a user with Sub on the topic and the group consumes every message once', async () => {
    const sent = await aliceSends(8, 'push');
    const got: MessageExt[] = [];
    const c = pushConsumer(CAROL, carolGroup, got);
    await c.start();
    await eventually(async () => (sent.every((id) => got.some((m) => m.msgId === id)) ? true : undefined), 'every message at carol’s push consumer', 90_000);
    const mine = got.filter((m) => m.tags === 'push').map((m) => m.msgId);
    expect(mine.sort()).toEqual([...sent].sort());
  });

  test('a push consumer with a wrong secret or without Sub consumes nothing and logs AccessDeniedError; the process lives on', async () => {
    const sent = await aliceSends(2, 'denied');
    const before = logLines.length;
    const got: MessageExt[] = [];
    const wrong = pushConsumer({ accessKey: CAROL.accessKey, secretKey: WRONG }, carolGroup + '_w', got);
    const bob = pushConsumer(BOB, uniqueName('rmqts_aclbg'), got);
    const outcomes = await Promise.all([wrong.start().then(() => undefined, (e: unknown) => e), bob.start().then(() => undefined, (e: unknown) => e)]);
    // start() resolves (as Java's: a refused heartbeat is logged, not thrown); the refusals surface as typed
    // AccessDeniedErrors in the log (heartbeat, consumer list of the rebalance), so no queue is ever taken.
    expect(outcomes).toEqual([undefined, undefined]);
    const denials = await eventually(async () => {
      const lines = logLines.slice(before).filter((l) => l.includes('ERR_ACCESS_DENIED'));
      const carol = lines.filter((l) => l.includes(`accessKey: '${CAROL.accessKey}'`));
      const bobs = lines.filter((l) => l.includes(`accessKey: '${BOB.accessKey}'`));
      return carol.some((l) => l.includes('getConsumerIdListByGroup')) && bobs.some((l) => l.includes('getConsumerIdListByGroup')) ? { carol, bobs } : undefined;
    }, 'AccessDeniedError logged for both consumers', 60_000);
    expect(denials.carol.every((l) => l.includes("reason: 'AUTHENTICATION'") && /check signature failed/.test(l))).toBe(true);
    expect(denials.bobs.every((l) => l.includes("reason: 'AUTHORIZATION'") && /User:bob has no permission/.test(l))).toBe(true);
    expect(denials.carol.some((l) => l.includes('heart beat'))).toBe(true);
    expect(denials.bobs.some((l) => l.includes('heart beat'))).toBe(true);
    expect(wrong.stats().queues).toEqual([]);
    expect(bob.stats().queues).toEqual([]);
    expect(got.filter((m) => sent.includes(m.msgId))).toEqual([]);
  });

  test('a lite pull consumer signed by a user with Sub polls every message once', async () => {
    const sent = await aliceSends(6, 'lite');
    const c = new DefaultLitePullConsumer({
      consumerGroup: carolLiteGroup,
      namesrvAddr: rmq!.namesrvAddr,
      rpcHook: new AclClientRPCHook(CAROL),
      logger,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumers.push(c);
    c.subscribe(topic, 'lite');
    await c.start();
    const got: MessageExt[] = [];
    const end = Date.now() + 90_000;
    while (got.length < sent.length && Date.now() < end) got.push(...(await c.poll(1000)));
    expect(got.map((m) => m.msgId).sort()).toEqual([...sent].sort());
  });

  test('a lite pull consumer without Sub is refused by the broker (AccessDeniedError logged) and poll() gets nothing', async () => {
    const sent = await aliceSends(2, 'litedenied');
    const before = logLines.length;
    const c = new DefaultLitePullConsumer({
      consumerGroup: uniqueName('rmqts_aclbl'),
      namesrvAddr: rmq!.namesrvAddr,
      rpcHook: new AclClientRPCHook(BOB),
      logger,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumers.push(c);
    await c.start();
    c.assign(await c.fetchMessageQueues(topic));
    const got: MessageExt[] = [];
    const refusals = await eventually(async () => {
      got.push(...(await c.poll(200)));
      const lines = logLines.slice(before).filter((l) => l.includes('ERR_ACCESS_DENIED') && l.includes(`accessKey: '${BOB.accessKey}'`));
      return lines.length > 0 ? lines : undefined;
    }, 'AccessDeniedError logged for bob’s lite pull consumer', 60_000);
    // The first refused request is the offset lookup of an assigned queue (QUERY_CONSUMER_OFFSET needs Sub on the topic).
    expect(refusals.some((l) => l.includes(`has no permission to access Topic:${topic}`))).toBe(true);
    expect(refusals.every((l) => l.includes("reason: 'AUTHORIZATION'") && /User:bob has no permission/.test(l))).toBe(true);
    expect(got.filter((m) => sent.includes(m.msgId))).toEqual([]);
  });

  test('no secret appears in anything logged during the whole suite', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expectNoSecret(logLines.join('\n'));
  });
});
