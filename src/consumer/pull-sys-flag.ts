/**
 * Java `PullSysFlag`: the `sysFlag` bits of a PULL_MESSAGE request. The push consumer sets SUSPEND
 * always, COMMIT_OFFSET when it has an offset to piggyback (cleared for a slave), SUBSCRIPTION when the
 * expression travels in the header; lite pull adds LITE_PULL.
 */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL: 0x10,
} as const;

export interface PullSysFlagOptions {
  commitOffset?: boolean;
  suspend?: boolean;
  subscription?: boolean;
  classFilter?: boolean;
  litePull?: boolean;
}

export function buildPullSysFlag(o: PullSysFlagOptions): number {
  let flag = 0;
  if (o.commitOffset) flag |= PullSysFlag.COMMIT_OFFSET;
  if (o.suspend) flag |= PullSysFlag.SUSPEND;
  if (o.subscription) flag |= PullSysFlag.SUBSCRIPTION;
  if (o.classFilter) flag |= PullSysFlag.CLASS_FILTER;
  if (o.litePull) flag |= PullSysFlag.LITE_PULL;
  return flag;
}

export const clearCommitOffsetFlag = (sysFlag: number): number => sysFlag & ~PullSysFlag.COMMIT_OFFSET;
export const clearSuspendFlag = (sysFlag: number): number => sysFlag & ~PullSysFlag.SUSPEND;
export const withSubscriptionFlag = (sysFlag: number): number => sysFlag | PullSysFlag.SUBSCRIPTION;
export const hasPullSysFlag = (sysFlag: number, bit: number): boolean => (sysFlag & bit) === bit;
