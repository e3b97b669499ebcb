/** PullSysFlag against Java's PullSysFlag for every flag combination (fixtures/golden/codes.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildPullSysFlag,
  clearCommitOffsetFlag,
  clearSuspendFlag,
  hasPullSysFlag,
  PullSysFlag,
  withSubscriptionFlag,
} from '../../../src/consumer/pull-sys-flag';

interface Row {
  commitOffset: boolean;
  suspend: boolean;
  subscription: boolean;
  classFilter: boolean;
  litePull: boolean;
  sysFlag: number;
  clearCommitOffset: number;
  clearSuspend: number;
  withSubscription: number;
}
const rows = (JSON.parse(readFileSync(join(__dirname, '../../../fixtures/golden/codes.json'), 'utf8')) as { pullSysFlags: Row[] }).pullSysFlags;

test('every combination of the five flags', () => {
  expect(rows).toHaveLength(32);
  for (const r of rows) {
    const f = buildPullSysFlag(r);
    expect(f).toBe(r.sysFlag);
    expect(clearCommitOffsetFlag(f)).toBe(r.clearCommitOffset);
    expect(clearSuspendFlag(f)).toBe(r.clearSuspend);
    expect(withSubscriptionFlag(f)).toBe(r.withSubscription);
    expect(hasPullSysFlag(f, PullSysFlag.LITE_PULL)).toBe(r.litePull);
    expect(hasPullSysFlag(f, PullSysFlag.COMMIT_OFFSET)).toBe(r.commitOffset);
  }
});
