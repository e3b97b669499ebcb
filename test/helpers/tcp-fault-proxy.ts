// Moved to src/testing (the rocketmq-ts/testing subpath); kept so the fault suites' imports stay short.
export * from '../../src/testing/tcp-fault-proxy';
