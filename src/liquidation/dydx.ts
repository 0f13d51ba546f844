import { MAX_POSITIONS_PER_ACCOUNT, type Side } from '../margin/index.js';
import { assert, divide, Rational } from '../numbers/index.js';
import { capToSurplus } from './clearanceFee.js';

/**
 * dYdX v4 liquidation maths (RULEBOOK.md §2 and §4), exact, after `x/clob/keeper/liquidations.go`.
 *
 * Quote amounts are USDC as exact Rationals; the chain's own integers are quote quantums, 10^−6 USDC
 * (`DYDX_QUOTE_SCALE`). Sizes are signed base amounts (positive long, negative short), prices are USDC per
 * base. Inputs were validated where they entered, so the functions assert instead of returning errors.
 *
 * Sign convention shared by the bankruptcy quote, the fill quote and the insurance-fund delta (the chain's):
 * a quote is what the liquidated subaccount *receives* for the fill, so it is positive when the liquidation
 * sells (closing a long) and negative when it buys (closing a short, the subaccount pays). The insurance
 * fund's delta is `fillQuote − bankruptcyQuote`: positive when the fill beats bankruptcy (a long sold above
 * its bankruptcy price, a short bought back below it) and the fund takes a fee from that surplus; negative
 * when the fill is worse and the fund pays the difference.
 */

/** dYdX's USDC resolution: one quote quantum is 10^−6 USDC. */
export const DYDX_QUOTE_SCALE = 6;

/** One perpetual position of a dYdX subaccount, exact. */
export interface DydxPosition {
  readonly symbol: string;
  /** Signed size, base: positive long, negative short, never zero. */
  readonly size: Rational;
  /** Oracle price, USDC per base (positive). */
  readonly oracle: Rational;
  /** Maintenance margin fraction of the market (0.03 = 3 %). */
  readonly mmf: Rational;
}

/** A dYdX subaccount: its USDC balance and its perpetual positions (symbols unique). */
export interface DydxSubaccount {
  /** USDC balance, quote; negative when positions were bought on credit. */
  readonly usdc: Rational;
  readonly positions: readonly DydxPosition[];
}

/** The liquidations config's fillable-price parameters, fractions. */
export interface DydxFillableConfig {
  /** BA, how fast the spread widens as collateral runs out (≥ 0; default 1). */
  readonly bankruptcyAdjustment: Rational;
  /** SMMR, the largest spread as a fraction of the position's maintenance margin ([0, 1]; default 0.1). */
  readonly spreadToMaintenanceRatio: Rational;
}

/** The defaults of RULEBOOK.md §4: BA 1, SMMR 0.1. */
export const DYDX_FILLABLE_DEFAULTS: DydxFillableConfig = {
  bankruptcyAdjustment: Rational.ONE,
  spreadToMaintenanceRatio: Rational.of(1n, 10n),
};

interface Risk {
  /** Net notional value, USDC (signed). */
  readonly nnv: Rational;
  /** Maintenance margin requirement, USDC (≥ 0). */
  readonly mmr: Rational;
}

function clamp(value: Rational, low: Rational, high: Rational): Rational {
  return value.lt(low) ? low : value.gt(high) ? high : value;
}

/** NNV and MMR of `position` if its size were `size` (the chain evaluates before and after a close). */
function positionRiskAt(position: DydxPosition, size: Rational): Risk {
  const nnv = size.mul(position.oracle);
  return { nnv, mmr: nnv.abs().mul(position.mmf) };
}

/** The position of `symbol`, after checking the subaccount's bounds and values. */
function findPosition(subaccount: DydxSubaccount, symbol: string): DydxPosition {
  const { positions } = subaccount;
  assert(positions.length <= MAX_POSITIONS_PER_ACCOUNT, 'dYdX subaccount: too many positions');
  assert(
    new Set(positions.map((p) => p.symbol)).size === positions.length,
    'dYdX subaccount: duplicate symbol',
  );
  for (const p of positions) {
    assert(!p.size.isZero(), 'dYdX position: zero size');
    assert(p.oracle.sign() > 0, 'dYdX position: oracle price must be positive');
    assert(p.mmf.sign() > 0 && p.mmf.lte(Rational.ONE), 'dYdX position: mmf must be in (0, 1]');
  }
  const position = positions.find((p) => p.symbol === symbol);
  assert(position !== undefined, `dYdX subaccount has no ${symbol} position`);
  return position;
}

/** TNC (total net collateral, USDC) and TMMR (total maintenance margin requirement, USDC; > 0). */
function subaccountRisk(subaccount: DydxSubaccount): { readonly tnc: Rational; readonly tmmr: Rational } {
  let tnc = subaccount.usdc;
  let tmmr = Rational.ZERO;
  for (const position of subaccount.positions) {
    const risk = positionRiskAt(position, position.size);
    tnc = tnc.add(risk.nnv);
    tmmr = tmmr.add(risk.mmr);
  }
  assert(tmmr.sign() > 0, 'dYdX subaccount: no maintenance requirement');
  return { tnc, tmmr };
}

/**
 * The fillable price of the `symbol` position, USDC per base, exact: `(PNNV − ABR × SMMR × PMMR) / PS` with
 * `ABR = clamp(BA × (1 − TNC/TMMR), 0, 1)`. A long's lies `ABR × SMMR × mmf × oracle` below the oracle, a
 * short's as far above. It is no worse than the full close's bankruptcy price exactly when
 * `ABR × SMMR ≤ TNC/TMMR`: an account at or below zero collateral (and SMMR, BA > 0) fills worse than
 * bankruptcy, and the insurance fund pays. Round it to a limit price with `dydxFillableLimitTicks`.
 */
export function dydxFillablePrice(
  subaccount: DydxSubaccount,
  symbol: string,
  config: DydxFillableConfig = DYDX_FILLABLE_DEFAULTS,
): Rational {
  const { bankruptcyAdjustment, spreadToMaintenanceRatio } = config;
  assert(bankruptcyAdjustment.sign() >= 0, 'dYdX fillable price: BA must not be negative');
  assert(
    spreadToMaintenanceRatio.sign() >= 0 && spreadToMaintenanceRatio.lte(Rational.ONE),
    'dYdX fillable price: SMMR must be in [0, 1]',
  );
  const position = findPosition(subaccount, symbol);
  const { tnc, tmmr } = subaccountRisk(subaccount);
  const risk = positionRiskAt(position, position.size);
  const abr = clamp(bankruptcyAdjustment.mul(Rational.ONE.sub(tnc.div(tmmr))), Rational.ZERO, Rational.ONE);
  const spread = abr.mul(spreadToMaintenanceRatio).mul(risk.mmr);
  const price = risk.nnv.sub(spread).div(position.size);
  // PNNV and PS share a sign and the spread is at most the MMR ≤ |PNNV|, so the price cannot go negative.
  assert(price.sign() >= 0, 'dYdX fillable price is negative');
  return price;
}

/**
 * The fillable price as a limit price, in whole ticks of `tickSize` (USDC per base): rounded up for the sell
 * that closes a long and down for the buy that closes a short, as the chain's `ConvertFillablePriceToSubticks`
 * does, so the order never fills worse for the liquidated account than the exact fillable price (the fund
 * stands behind that account). At least one tick.
 */
export function dydxFillableLimitTicks(fillablePrice: Rational, tickSize: Rational, side: Side): bigint {
  assert(fillablePrice.sign() >= 0, 'fillable price must not be negative');
  assert(tickSize.sign() > 0, 'tick size must be positive');
  const ticks = fillablePrice.div(tickSize);
  const rounded = divide(ticks.num, ticks.den, side === 'long' ? 'ceil' : 'floor');
  return rounded < 1n ? 1n : rounded;
}

/**
 * The bankruptcy price of closing `delta` (signed base, opposite in sign to the position, |delta| ≤ |size|) of
 * the `symbol` position, as the quote the subaccount receives, in quote quantums:
 * `BQ = −ΔNNV − TNC × |ΔMMR| / TMMR`, with the differences taken before and after the close (so it stays
 * right under a non-linear maintenance function). Rounded toward +∞, as the chain does, so that closing at
 * the rounded quote never needs an insurance-fund payment. Equal to the chain's whenever the NNVs and MMRs
 * are whole quantums (the chain rounds those first).
 */
export function dydxBankruptcyQuoteQuantums(
  subaccount: DydxSubaccount,
  symbol: string,
  delta: Rational,
): bigint {
  const position = findPosition(subaccount, symbol);
  assert(delta.sign() === -position.size.sign(), 'dYdX bankruptcy: delta must reduce the position');
  assert(delta.abs().lte(position.size.abs()), 'dYdX bankruptcy: delta larger than the position');
  const { tnc, tmmr } = subaccountRisk(subaccount);
  const before = positionRiskAt(position, position.size);
  const after = positionRiskAt(position, position.size.add(delta));
  const deltaNnv = after.nnv.sub(before.nnv);
  const deltaMmr = after.mmr.sub(before.mmr);
  assert(deltaMmr.sign() <= 0, 'dYdX bankruptcy: reducing a position raised its maintenance requirement');
  const quote = deltaNnv.neg().sub(tnc.mul(deltaMmr.abs()).div(tmmr));
  return quote.toUnits(DYDX_QUOTE_SCALE, 'ceil');
}

/**
 * The insurance fund's delta for one liquidation fill, quote quantums (signed as above): the fund's fee
 * `min(maxFee × |fillQuote|, fillQuote − bankruptcyQuote)` when the fill beats bankruptcy, else the
 * (negative) shortfall the fund pays. The fee rounds down as the chain's `BigIntMulPpm` does; it can never
 * exceed the surplus, so the fee never takes the account below zero.
 */
export function dydxInsuranceFundDelta(
  bankruptcyQuoteQuantums: bigint,
  fillQuoteQuantums: bigint,
  maxFee: Rational,
): bigint {
  assert(maxFee.sign() >= 0 && maxFee.lte(Rational.ONE), 'dYdX max liquidation fee must be in [0, 1]');
  const surplus = fillQuoteQuantums - bankruptcyQuoteQuantums;
  if (surplus <= 0n) return surplus;
  const magnitude = fillQuoteQuantums < 0n ? -fillQuoteQuantums : fillQuoteQuantums;
  return capToSurplus(divide(magnitude * maxFee.num, maxFee.den, 'floor'), surplus);
}

/**
 * dYdX's open-interest-adjusted initial margin fraction, exact:
 * `min(imfBase + max(0, (OI − lowerCap)/(upperCap − lowerCap)) × (1 − imfBase), 1)`. Caps and open notional in
 * USDC; an upper cap of 0 turns the adjustment off, as on the chain.
 */
export function dydxOpenInterestImf(
  imfBase: Rational,
  lowerCap: Rational,
  upperCap: Rational,
  openNotional: Rational,
): Rational {
  assert(imfBase.sign() >= 0 && imfBase.lte(Rational.ONE), 'imfBase must be in [0, 1]');
  assert(lowerCap.sign() >= 0 && upperCap.gte(lowerCap), 'open-interest caps: need 0 ≤ lower ≤ upper');
  assert(openNotional.sign() >= 0, 'open notional must not be negative');
  if (upperCap.isZero() || openNotional.lte(lowerCap)) return imfBase;
  if (openNotional.gte(upperCap)) return Rational.ONE;
  // Strictly between the caps here, so upperCap > lowerCap and the scale lies in (0, 1).
  const scale = openNotional.sub(lowerCap).div(upperCap.sub(lowerCap));
  return imfBase.add(scale.mul(Rational.ONE.sub(imfBase)));
}
