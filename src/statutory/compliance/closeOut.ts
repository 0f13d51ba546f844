import { closeOutThreshold, type JurisdictionProfile } from '../profiles/index.js';

/**
 * Check 4: whether the account must be closed out now, i.e. equity < closeOutFraction × required initial
 * margin (money units of one scale). Comparing with the threshold rounded up is exact for whole-unit equity.
 * Always false under a profile without a close-out rule.
 */
export function isCloseOut(args: {
  readonly profile: JurisdictionProfile;
  readonly equity: bigint;
  readonly requiredInitialMargin: bigint;
}): boolean {
  const threshold = closeOutThreshold(args.profile, args.requiredInitialMargin);
  return threshold !== null && args.equity < threshold;
}
