// Moved to src/testing (the rocketmq-ts/testing subpath); kept so the fault suites' imports stay short.
export * from '../../src/testing/hostile-peer';
