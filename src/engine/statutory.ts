import { LedgerAccounts } from '../ledger/index.js';
import { assert, divide, pow10 } from '../numbers/index.js';
import {
  maxLeverage,
  parseProfileDecimal,
  productPermission,
  profileById,
  profileVersions,
  statutoryInitialRate,
  type JurisdictionProfile,
} from '../statutory/profiles/index.js';
import type { Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { reject } from './parse.js';
import { RATE_SCALE, type AccountState, type EngineState, type InstrumentState } from './state.js';

/**
 * Statutory margin in the engine (STATUTORY.md §1, §3 checks 2–5): an account trades under a jurisdiction profile
 * pinned to a version. At opening the product must be permitted for the account's client category and the
 * leverage within the profile's cap (so initial margin ≥ the statutory rate × notional); continuously, equity
 * below the close-out fraction of the statutory initial margin closes positions out (a maintenance floor the
 * liquidation screening and waterfall use); and a protected account never ends a command below zero.
 */

export type ClientCategory = 'retail' | 'professional';

const RATE_ONE = pow10(RATE_SCALE);

/** What an account is pinned to: a profile version and the client's category under it. */
export interface AccountProfile {
  readonly id: string;
  readonly version: number;
  readonly clientCategory: ClientCategory;
}

/**
 * The profile version an account may be pinned to (the given version, or the one in force at `atMs`) and its
 * client category (the given one, else professional only under a profile written for professionals).
 */
export function resolveProfile(
  id: unknown,
  version: unknown,
  clientCategory: unknown,
  atMs: number,
): AccountProfile | Rejection {
  if (clientCategory !== undefined && clientCategory !== 'retail' && clientCategory !== 'professional')
    return reject('invalid_command', 'clientCategory must be retail or professional');
  if (typeof id !== 'string') return reject('unknown_profile', 'profile must be a profile id');
  const versions = profileVersions(id);
  if (versions.length === 0) return reject('unknown_profile', `profile ${id} does not exist`);
  const profile =
    version === undefined ? profileById(id, atMs) : (versions.find((p) => p.version === version) ?? null);
  if (profile === null)
    return reject(
      'unknown_profile',
      version === undefined
        ? `no version of profile ${id} is in force at ${atMs}`
        : `profile ${id} has no version ${JSON.stringify(version)}`,
    );
  return { id, version: profile.version, clientCategory: clientCategory ?? categoryOf(profile) };
}

function categoryOf(profile: JurisdictionProfile): ClientCategory {
  return profile.clientCategory === 'professional' ? 'professional' : 'retail';
}

/** The account's profile (data, immutable), or null. */
export function profileOf(account: AccountState): JurisdictionProfile | null {
  const pinned = account.profile;
  if (pinned === null) return null;
  const profile = profileVersions(pinned.id).find((p) => p.version === pinned.version);
  if (profile === undefined)
    assert(false, `account ${account.id}'s profile ${pinned.id} v${pinned.version} exists`);
  return profile;
}

/**
 * Opening exposure in `instrument` at `leverage` under the account's profile: product permission (check 2) and
 * the statutory leverage cap, which is the initial-margin floor (check 3: margin = notional / leverage ≥ rate ×
 * notional ⇔ leverage × rate ≤ 1, exact). Null: allowed (and always without a profile).
 */
export function checkStatutoryOpening(
  account: AccountState,
  instrument: InstrumentState,
  leverage: bigint,
): Rejection | null {
  const profile = profileOf(account);
  if (profile === null || account.profile === null) return null;
  const symbol = instrument.spec.symbol;
  const permission = productPermission(profile, symbol, account.profile.clientCategory);
  if (!permission.permitted) return reject(permission.code, permission.message);
  const rate = statutoryInitialRate(profile, symbol);
  if (rate !== null && leverage * rate.num > rate.den)
    return reject(
      'leverage_above_statutory_cap',
      `leverage ${leverage} exceeds the statutory cap ${maxLeverage(profile, symbol) ?? '-'}x for ${symbol} under profile ${profile.id} v${profile.version}`,
    );
  return null;
}

/** The largest whole leverage the account's profile allows on `symbol`, or null (no profile, no floor). */
export function statutoryMaxLeverage(account: AccountState, symbol: string): bigint | null {
  const profile = profileOf(account);
  const cap = profile === null ? null : maxLeverage(profile, symbol);
  return cap === null ? null : BigInt(cap);
}

/**
 * The close-out requirement as a maintenance rate (10^−RATE_SCALE, rounded up): closeOut fraction × the statutory
 * initial-margin rate of the symbol's class; 0n without a profile, a close-out rule or a statutory rate.
 */
export function closeOutRateOf(account: AccountState, instrument: InstrumentState): bigint {
  if (account.profile === null) return 0n;
  const profile = profileOf(account);
  if (profile?.closeOut == null) return 0n;
  const rate = statutoryInitialRate(profile, instrument.spec.symbol);
  const fraction = parseProfileDecimal(profile.closeOut.fraction);
  if (rate === null) return 0n;
  assert(fraction !== null, `profile ${profile.id}'s close-out fraction is a decimal`);
  return divide(fraction.num * rate.num * RATE_ONE, fraction.den * rate.den, 'ceil');
}

/**
 * Negative-balance protection (check 5): a protected account that a command left below zero in a cross wallet
 * is brought back to zero from the venue's bad-debt account, and the absorbed deficit is recorded.
 */
export function absorbNegativeBalances(
  state: EngineState,
  account: AccountState,
  events: EngineEvent[],
): void {
  const profile = profileOf(account);
  if (!profile?.negativeBalanceProtection) return;
  for (const asset of [...state.assets.keys()].sort()) {
    const wallet = state.ledger.balanceOf(account.walletKey, asset);
    if (wallet.value >= 0n) continue;
    const amount = -wallet.value;
    events.push(
      state.ledger.move(
        state.ledger.balanceOf(LedgerAccounts.badDebt, asset),
        wallet,
        amount,
        'negative balance protection',
      ),
    );
    events.push({
      type: 'NegativeBalanceAbsorbed',
      accountId: account.id,
      asset,
      profile: profile.id,
      amount,
    });
  }
}
