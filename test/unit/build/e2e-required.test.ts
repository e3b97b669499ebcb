import { brokerGate, e2eRequired, truthyFlag } from '../../e2e/helpers/e2e-required';

describe('e2e runs are required under any truthy CI value', () => {
  test.each(['true', 'True', 'TRUE', '1', 'yes', 'on', 'build-4711'])('CI=%s means required', (ci) => {
    expect(e2eRequired({ CI: ci })).toBe(true);
    expect(() => brokerGate('no java', { CI: ci })).toThrow(/required/);
  });

  test.each([undefined, '', 'false', 'False', '0', 'no', 'off'])('CI=%s alone does not', (ci) => {
    expect(e2eRequired(ci === undefined ? {} : { CI: ci })).toBe(false);
    expect(brokerGate('no java', ci === undefined ? {} : { CI: ci })).toBe('skip');
  });

  test('ROCKETMQ_REQUIRED reads the same way; a present broker always runs', () => {
    expect(e2eRequired({ ROCKETMQ_REQUIRED: 'Yes' })).toBe(true);
    expect(truthyFlag(' 0 ')).toBe(false);
    expect(brokerGate(undefined, { CI: 'true' })).toBe('run');
    expect(brokerGate(undefined, {})).toBe('run');
  });
});
