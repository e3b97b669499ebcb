'use strict';
// Two projects: `unit` needs nothing but Node; `e2e` runs against a real NameServer and Broker
// that the global setup starts through scripts/rocketmq when NAMESRV_ADDR is unset.
// Jest 30 ignores testTimeout and maxWorkers inside a project, so the e2e timeout is set by a
// setup file, and workers are capped at the top level: e2e files start private brokers and share
// the machine's cores with them, so they must not run side by side.
const transform = { '^.+\\.tsx?$': '<rootDir>/test/helpers/esbuild-jest-transform.cjs' };
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
};

module.exports = {
  maxWorkers: 1,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup-timeout.ts'],
    },
  ],
};
