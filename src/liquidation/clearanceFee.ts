import type { Side } from '../margin/index.js';
import { assert, err, MAX_DECIMAL_SCALE, ok, Rational, type Result } from '../numbers/index.js';

/**
 * The clearance fee a liquidation fill pays to the insurance fund (RULEBOOK.md §4, layer 3): a rate of the
 * closed notional, never more than the fill's surplus over the bankruptcy price, so the fee can never charge
 * the account into negative equity. Which rate applies is data: none (Hyperliquid), one rate (dYdX's maximum
 * fee) or a table by leverage (Binance 2020).
 */

/** Most rows a leverage fee table may have (Binance 2020 used three). */
export const MAX_FEE_TABLE_ROWS = 64;

/** One row of a fee table: the rate for leverage up to `maxLeverage` (and above the previous row's). */
export interface LeverageFeeRate {
  /** Highest leverage the row covers, x (rows strictly ascending). */
  readonly maxLeverage: Rational;
  /** Fee, a fraction of the closed notional in [0, 1). */
  readonly rate: Rational;
}

export type ClearanceFeeRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'rate'; readonly rate: Rational }
  | { readonly kind: 'byLeverage'; readonly table: readonly LeverageFeeRate[] };

/** Hyperliquid: no clearance fee; the liquidated account keeps what the book leaves it. */
export const HYPERLIQUID_CLEARANCE_FEE: ClearanceFeeRule = { kind: 'none' };

/** dYdX: at most 0.5 % of the fill's quote, capped at the surplus (the chain's `maxLiquidationFeePpm`). */
export const DYDX_CLEARANCE_FEE: ClearanceFeeRule = { kind: 'rate', rate: Rational.of(5n, 1000n) };

/**
 * Binance 2020, set per contract by its maximum leverage: 0.75 % up to 50x, 0.5 % up to 75x, 0.3 % up to 125x
 * (BTCUSDT). A contract with more leverage has a lower maintenance rate, so its fee must be smaller too.
 */
export const BINANCE_2020_CLEARANCE_FEE: ClearanceFeeRule = {
  kind: 'byLeverage',
  table: [
    { maxLeverage: Rational.fromInt(50n), rate: Rational.of(75n, 10_000n) },
    { maxLeverage: Rational.fromInt(75n), rate: Rational.of(5n, 1000n) },
    { maxLeverage: Rational.fromInt(125n), rate: Rational.of(3n, 1000n) },
  ],
};

/** Why no rate applies: the leverage is above the table's last row (a rulebook that does not cover it). */
export type ClearanceFeeProblem = 'leverage_above_fee_table';

function assertRate(rate: Rational): void {
  assert(rate.sign() >= 0 && rate.lt(Rational.ONE), 'clearance fee rate must be in [0, 1)');
}

/**
 * The fee rate (a fraction of the closed notional) for a fill under `rule`. `leverage` (x, positive) picks the
 * row of a `byLeverage` table: the first whose `maxLeverage` is at or above it; under Binance 2020 that is the
 * contract's maximum leverage. Other rules ignore it.
 */
export function clearanceFeeRate(
  rule: ClearanceFeeRule,
  leverage: Rational,
): Result<Rational, ClearanceFeeProblem> {
  assert(leverage.sign() > 0, 'leverage must be positive');
  switch (rule.kind) {
    case 'none':
      return ok(Rational.ZERO);
    case 'rate':
      assertRate(rule.rate);
      return ok(rule.rate);
    case 'byLeverage': {
      const { table } = rule;
      assert(
        table.length > 0 && table.length <= MAX_FEE_TABLE_ROWS,
        'fee table: 1 to MAX_FEE_TABLE_ROWS rows',
      );
      let previous = Rational.ZERO;
      for (const row of table) {
        assert(row.maxLeverage.gt(previous), 'fee table: maxLeverage must ascend strictly from above 0');
        assertRate(row.rate);
        previous = row.maxLeverage;
      }
      const row = table.find((r) => leverage.lte(r.maxLeverage));
      return row === undefined ? err('leverage_above_fee_table') : ok(row.rate);
    }
  }
}

/**
 * What a fill of a linear position leaves above its bankruptcy price, quote (negative when the fill is worse):
 * `qty × (fill − bankruptcy)` for a long, `qty × (bankruptcy − fill)` for a short. `qty` is the closed base
 * amount (positive), prices are quote per base.
 */
export function linearFillSurplus(
  side: Side,
  qty: Rational,
  fillPrice: Rational,
  bankruptcyPrice: Rational,
): Rational {
  assert(qty.sign() > 0, 'closed quantity must be positive');
  const perUnit = side === 'long' ? fillPrice.sub(bankruptcyPrice) : bankruptcyPrice.sub(fillPrice);
  return qty.mul(perUnit);
}

/** A fee in money units held within the surplus (money units): 0 without a surplus, never negative. */
export function capToSurplus(feeMoney: bigint, surplusMoney: bigint): bigint {
  if (surplusMoney <= 0n || feeMoney <= 0n) return 0n;
  return feeMoney < surplusMoney ? feeMoney : surplusMoney;
}

/**
 * The clearance fee of one liquidation fill, money units at `moneyScale` fraction digits:
 * `min(rate × closedNotional, surplus)`. `closedNotional` is |closed qty| × fill price and `surplus` what the
 * fill leaves above bankruptcy (see `linearFillSurplus`), both exact in the settlement asset. The rate part
 * rounds up (in the fund's favour: the fee is the fund's income toward solvency) and the surplus rounds down,
 * so the fee never exceeds the exact surplus.
 */
export function clearanceFeeMoney(
  rate: Rational,
  closedNotional: Rational,
  surplus: Rational,
  moneyScale: number,
): bigint {
  assertRate(rate);
  assert(closedNotional.sign() >= 0, 'closed notional must not be negative');
  assert(
    Number.isInteger(moneyScale) && moneyScale >= 0 && moneyScale <= MAX_DECIMAL_SCALE,
    'money scale out of range',
  );
  if (surplus.sign() <= 0) return 0n;
  return capToSurplus(
    rate.mul(closedNotional).toUnits(moneyScale, 'ceil'),
    surplus.toUnits(moneyScale, 'floor'),
  );
}
