import { Rational } from '../../numbers/index.js';
import {
  maxLeverage,
  productPermission,
  statutoryInitialRate,
  type ClientCategory,
  type JurisdictionProfile,
} from '../profiles/index.js';

export type OpeningRefusalCode =
  'product_prohibited' | 'professional_only' | 'below_statutory_margin' | 'leverage_above_statutory_cap';

export interface OpeningRefusal {
  readonly code: OpeningRefusalCode;
  readonly message: string;
}

/**
 * Checks 2 and 3 at opening: the product is permitted for the client, the initial margin covers the statutory
 * minimum (`IM ≥ minIM(class) × notional`, exact) and the leverage is within the whole-number cap. `notional`
 * and `initialMargin` are money units of one scale. Null when the opening complies.
 */
export function checkOpening(args: {
  readonly profile: JurisdictionProfile;
  readonly clientCategory: ClientCategory;
  readonly symbol: string;
  readonly notional: bigint;
  readonly initialMargin: bigint;
  readonly leverage: Rational;
}): OpeningRefusal | null {
  const { profile, symbol } = args;
  const permission = productPermission(profile, symbol, args.clientCategory);
  if (!permission.permitted) return { code: permission.code, message: permission.message };
  const where = `profile ${profile.id} v${profile.version}`;
  const rate = statutoryInitialRate(profile, symbol);
  // Exact: IM ≥ (num / den) × notional  ⇔  IM × den ≥ num × notional (den > 0).
  if (rate !== null && args.initialMargin * rate.den < rate.num * args.notional) {
    return {
      code: 'below_statutory_margin',
      message:
        `initial margin ${args.initialMargin} is below the statutory minimum ${rate.format('ceil', 6, 0)} × ` +
        `notional ${args.notional} for ${symbol} under ${where}`,
    };
  }
  const cap = maxLeverage(profile, symbol);
  if (cap !== null && args.leverage.gt(Rational.fromInt(BigInt(cap)))) {
    return {
      code: 'leverage_above_statutory_cap',
      message: `leverage ${args.leverage.format('ceil', 6, 0)} exceeds the statutory cap ${cap}x for ${symbol} under ${where}`,
    };
  }
  return null;
}
