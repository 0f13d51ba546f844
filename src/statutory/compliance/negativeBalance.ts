import type { JurisdictionProfile } from '../profiles/index.js';
import { finding, type Finding } from './finding.js';

/** Check 5: whether the profile protects accounts from negative balances. */
export function negativeBalanceProtected(profile: JurisdictionProfile): boolean {
  return profile.negativeBalanceProtection;
}

/** A balance after protection, and the deficit the venue absorbed (to be recorded; 0 when none). */
export interface ProtectedBalance {
  readonly balance: bigint;
  readonly absorbedDeficit: bigint;
}

/** Applies negative-balance protection to a balance (money units): a protected account never ends below zero. */
export function applyNegativeBalanceProtection(
  profile: JurisdictionProfile,
  balance: bigint,
): ProtectedBalance {
  if (!profile.negativeBalanceProtection || balance >= 0n) return { balance, absorbedDeficit: 0n };
  return { balance: 0n, absorbedDeficit: -balance };
}

/** Check 5 on a final balance (money units): an error when a protected account ended below zero. */
export function checkNegativeBalance(args: {
  readonly profile: JurisdictionProfile;
  readonly accountId: string;
  readonly balance: bigint;
}): Finding | null {
  if (!args.profile.negativeBalanceProtection || args.balance >= 0n) return null;
  return finding(
    5,
    'protected_balance_negative',
    'error',
    args.accountId,
    `account ${args.accountId} ended at ${args.balance} under profile ${args.profile.id} ` +
      `v${args.profile.version}, which guarantees negative-balance protection`,
  );
}
