import { InvalidConfigError } from '../../../src/errors';
import { parsePushConsumerOptions } from '../../../src/consumer/consumer-config';
import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';

describe('push consumer options', () => {
  test('Java defaults', () => {
    const c = parsePushConsumerOptions({ consumerGroup: 'G', namesrvAddr: '127.0.0.1:9876' });
    expect(c).toMatchObject({
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      consumeThreadMax: 20,
      consumeConcurrentlyMaxSpan: 2000,
      pullThresholdForQueue: 1000,
      pullThresholdSizeForQueue: 100,
      pullThresholdForTopic: -1,
      pullThresholdSizeForTopic: -1,
      pullIntervalMs: 0,
      consumeMessageBatchMaxSize: 1,
      pullBatchSize: 32,
      maxReconsumeTimes: -1,
      consumeTimeoutMs: 900_000,
      brokerSuspendMaxTimeMs: 15_000,
      consumerPullTimeoutMs: 30_000,
    });
    expect(c.consumeTimestamp).toMatch(/^\d{14}$/);
  });

  test('a misspelt key gets a "did you mean"; bad values are named', () => {
    const err = (() => {
      try {
        parsePushConsumerOptions({ consumerGroup: 'G', pullBatchSise: 3, consumeFromWhere: 'NOW' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect((err as Error).message).toContain('Unknown option "pullBatchSise" (did you mean "pullBatchSize"?)');
    expect((err as Error).message).toContain('consumeFromWhere');
  });

  test('the call timeout must exceed the long-polling suspend; a group is required', () => {
    expect(() => parsePushConsumerOptions({ consumerGroup: 'G', brokerSuspendMaxTimeMs: 30_000 })).toThrow(/consumerPullTimeoutMs/);
    expect(() => parsePushConsumerOptions({})).toThrow(/consumerGroup/);
  });

  test('start() without a listener is refused before any I/O', async () => {
    const c = new DefaultMQPushConsumer({ consumerGroup: 'G', namesrvAddr: '127.0.0.1:1' });
    await expect(c.start()).rejects.toThrow(/registerMessageListener/);
  });

  test('localOffsetStoreDir: a non-empty string; a misspelling is refused with a suggestion', () => {
    expect(parsePushConsumerOptions({ consumerGroup: 'G', messageModel: 'BROADCASTING', localOffsetStoreDir: 'offsets' }).localOffsetStoreDir).toBe('offsets');
    expect(() => parsePushConsumerOptions({ consumerGroup: 'G', localOffsetStoreDir: '' })).toThrow(InvalidConfigError);
    expect(() => parsePushConsumerOptions({ consumerGroup: 'G', localOffsetStoreDirectory: 'x' })).toThrow(/localOffsetStoreDir/);
  });
});
