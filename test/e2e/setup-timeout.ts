// Real-broker tests wait on JVM tools (mqadmin) and broker-side timers: give each test two minutes.
jest.setTimeout(120_000);
