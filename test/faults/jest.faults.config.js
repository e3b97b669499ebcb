'use strict';
// The fault suite (`npm run test:faults`): scenarios against a real NameServer + two brokers of its own,
// started on non-default ports through scripts/rocketmq, plus fault proxies and hostile peers on loopback.
// ROCKETMQ_FAULTS_PROFILE=ci (what `npm run test:faults:ci` sets through jest.faults.ci.config.js) trims
// every scenario so the whole run fits in about 10 minutes (the consumer scenarios c1-c5 add about 4).
const path = require('node:path');

module.exports = {
  rootDir: path.resolve(__dirname, '../..'),
  transform: { '^.+\\.tsx?$': '<rootDir>/test/helpers/esbuild-jest-transform.cjs' },
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  globalTeardown: '<rootDir>/test/faults/support/global-teardown.ts',
  // One scenario at a time: they share one broker pair and measure timing and memory.
  maxWorkers: 1,
  testTimeout: 20 * 60 * 1000,
  // Cheap self-tests of the helpers first, then the scenarios in their numbered order.
  testSequencer: '<rootDir>/test/faults/support/sequencer.cjs',
};
