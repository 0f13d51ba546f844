import { assert, Rational } from '../../numbers/index.js';
import { scoreQueuePolicy, type AdlPolicy } from './policy.js';

/** Hyperliquid's ADL inputs. */
export interface HyperliquidAdlInputs {
  /** +1 long, −1 short. */
  readonly sign: 1n | -1n;
  /** Mark and average entry price, one price unit, both > 0. */
  readonly mark: Rational;
  readonly entry: Rational;
  /** Position notional at the mark and the account value (equity of the margin scope), one money unit. */
  readonly notional: Rational;
  /** > 0: a counterparty with no equity is liquidated, not deleveraged. */
  readonly accountValue: Rational;
}

/**
 * Hyperliquid's ADL ranking, dimensionless: `(mark / entry) × (notional / accountValue)` for a long. The
 * published index is written for a long; for a short Bulwark mirrors the price factor to `entry / mark`, so
 * that, as for longs, the further in profit a short is, the earlier it is closed.
 */
export function hyperliquidAdlScore(inputs: HyperliquidAdlInputs): Rational {
  const { sign, mark, entry, notional, accountValue } = inputs;
  assert(mark.sign() > 0 && entry.sign() > 0, 'Hyperliquid ADL: prices must be positive');
  assert(notional.sign() >= 0, 'Hyperliquid ADL: notional must not be negative');
  assert(accountValue.sign() > 0, 'Hyperliquid ADL: account value must be positive');
  const priceFactor = sign === 1n ? mark.div(entry) : entry.div(mark);
  return priceFactor.mul(notional.div(accountValue));
}

/**
 * Hyperliquid: rank by `hyperliquidAdlScore`, close from the top at the previous mark (not the bankruptcy
 * price). mark / entry is markValue / entryValue, the qty cancelling.
 */
export const HYPERLIQUID_ADL: AdlPolicy = scoreQueuePolicy({
  id: 'hyperliquid',
  name: 'Hyperliquid',
  closePrice: 'previousMark',
  score: (candidate) =>
    hyperliquidAdlScore({
      sign: candidate.sign,
      mark: Rational.fromInt(candidate.markValue),
      entry: Rational.fromInt(candidate.entryValue),
      notional: Rational.fromInt(candidate.markValue),
      accountValue: Rational.fromInt(candidate.accountValue),
    }),
});
