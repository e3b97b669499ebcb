'use strict';
// Two projects: `unit` needs nothing but Node; `e2e` runs against a real NameServer and Broker
// that the global setup starts through scripts/rocketmq when NAMESRV_ADDR is unset.
const transform = { '^.+\\.tsx?$': '<rootDir>/test/helpers/esbuild-jest-transform.cjs' };
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
      testTimeout: 120000,
      maxWorkers: 1,
    },
  ],
};
