import { assert, divide, type Rational } from '../../numbers/index.js';
import { assetClassOf } from './assetClass.js';
import { leverageCapOf, profileDecimal } from './rate.js';
import type { JurisdictionProfile } from './types.js';

/** Minimum initial-margin rate (fraction of notional) for `symbol` under the profile, or null for no floor. */
export function statutoryInitialRate(profile: JurisdictionProfile, symbol: string): Rational | null {
  const text = profile.assetClasses[assetClassOf(profile, symbol)].initialMarginRate;
  return text === null ? null : profileDecimal(text);
}

/** Whole leverage cap ⌊1 / minimum rate⌋ for `symbol`, or null when the profile sets no floor. */
export function maxLeverage(profile: JurisdictionProfile, symbol: string): number | null {
  const rate = statutoryInitialRate(profile, symbol);
  return rate === null ? null : leverageCapOf(rate);
}

/** Clamps that can shape an effective rate, in the order they are applied. */
export type RateClamp = 'statutory_floor' | 'profile_floor' | 'profile_cap';

export interface EffectiveRate {
  /** Fraction of notional. */
  readonly rate: Rational;
  /** The clamps that changed the rate. */
  readonly clamps: readonly RateClamp[];
}

/**
 * The rate that applies to a position: max(tier rate, formula rate, statutory floor of the symbol's class,
 * profile floor), then clamped to the profile cap. Check 1 guarantees the cap is not below any floor.
 */
export function effectiveMarginRate(args: {
  readonly tierRate: Rational;
  readonly formulaRate: Rational | null;
  readonly profile: JurisdictionProfile;
  readonly symbol: string;
}): EffectiveRate {
  const { profile } = args;
  const clamps: RateClamp[] = [];
  let rate = args.formulaRate?.gt(args.tierRate) ? args.formulaRate : args.tierRate;
  const statutory = statutoryInitialRate(profile, args.symbol);
  if (statutory?.gt(rate)) {
    rate = statutory;
    clamps.push('statutory_floor');
  }
  if (profile.floor !== null) {
    const floor = profileDecimal(profile.floor);
    if (floor.gt(rate)) {
      rate = floor;
      clamps.push('profile_floor');
    }
  }
  if (profile.cap !== null) {
    const cap = profileDecimal(profile.cap);
    assert(statutory === null || cap.gte(statutory), `${profile.id}: cap below the statutory floor`);
    if (rate.gt(cap)) {
      rate = cap;
      clamps.push('profile_cap');
    }
  }
  return { rate, clamps };
}

/**
 * Equity (money units) below which positions are closed out: closeOutFraction × required initial margin,
 * rounded up (against the user). Null when the profile has no close-out rule.
 */
export function closeOutThreshold(
  profile: JurisdictionProfile,
  requiredInitialMargin: bigint,
): bigint | null {
  if (profile.closeOut === null) return null;
  const fraction = profileDecimal(profile.closeOut.fraction);
  return divide(fraction.num * requiredInitialMargin, fraction.den, 'ceil');
}
