/**
 * Whether the e2e suites must run (and fail without a broker) rather than skip loudly. CI systems
 * spell the flag many ways (`true`, `True`, `1`, `yes`, a build id): any value but an explicit
 * false one (`false`, `0`, `no`, `off`, empty) means CI. `ROCKETMQ_REQUIRED` reads the same way.
 */
const FALSE_SPELLINGS = new Set(['', 'false', '0', 'no', 'off', 'n', 'f']);

export function truthyFlag(value: string | undefined): boolean {
  return value !== undefined && !FALSE_SPELLINGS.has(value.trim().toLowerCase());
}

export function e2eRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return truthyFlag(env.CI) || truthyFlag(env.ROCKETMQ_REQUIRED);
}

/**
 * What a broker-backed suite does: run when there is a broker, skip when there is none and the run
 * is not required, and throw (failing the suite) when it is required and there is none.
 */
export function brokerGate(skipReason: string | undefined, env: NodeJS.ProcessEnv = process.env): 'run' | 'skip' {
  if (skipReason === undefined) return 'run';
  if (e2eRequired(env)) throw new Error(`e2e tests are required (CI / ROCKETMQ_REQUIRED is set) but there is no broker: ${skipReason}`);
  return 'skip';
}
