import { assert, Rational } from '../../numbers/index.js';
import { scoreQueuePolicy, type AdlPolicy } from './policy.js';

/** Binance's ADL inputs, all in one unit of the settlement asset (money units, or whole units). */
export interface BinanceAdlInputs {
  /** Unrealized PnL at the mark, any sign. */
  readonly unrealizedPnl: Rational;
  /** Wallet balance (cross) or isolated margin, any sign. */
  readonly walletBalance: Rational;
  /** Maintenance margin, ≥ 0. */
  readonly maintenanceMargin: Rational;
}

/**
 * Binance's ADL ranking, dimensionless: `max(0, uPnL) / max(1, WB) × MM / (WB + uPnL)`, and 0 when
 * `WB + uPnL ≤ 0` (the margin ratio is then undefined and the position is not one ADL should prefer).
 * `one` is one whole unit of the asset in the unit of the inputs (10^moneyScale for money units).
 */
export function binanceAdlScore(inputs: BinanceAdlInputs, one: Rational): Rational {
  const { unrealizedPnl, walletBalance, maintenanceMargin } = inputs;
  assert(one.sign() > 0, 'Binance ADL: one asset unit must be positive');
  assert(maintenanceMargin.sign() >= 0, 'Binance ADL: maintenance margin must not be negative');
  const marginBalance = walletBalance.add(unrealizedPnl);
  if (unrealizedPnl.sign() <= 0 || marginBalance.sign() <= 0) return Rational.ZERO;
  const pnlRatio = unrealizedPnl.div(walletBalance.gt(one) ? walletBalance : one);
  return pnlRatio.mul(maintenanceMargin).div(marginBalance);
}

/** Binance: rank by `binanceAdlScore`, close from the top at the bankruptcy price. */
export const BINANCE_ADL: AdlPolicy = scoreQueuePolicy({
  id: 'binance',
  name: 'Binance',
  closePrice: 'bankruptcy',
  score: (candidate, moneyOne) =>
    binanceAdlScore(
      {
        unrealizedPnl: Rational.fromInt(candidate.unrealizedPnl),
        walletBalance: Rational.fromInt(candidate.walletBalance),
        maintenanceMargin: Rational.fromInt(candidate.maintenanceMargin),
      },
      Rational.fromInt(moneyOne),
    ),
});
