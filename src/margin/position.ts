import type { Instrument, Tier } from '../market/index.js';
import { tierForNotional } from '../market/index.js';
import { Rational } from '../numbers/index.js';

export type Side = 'long' | 'short';
/** `BOTH` in one-way mode; `LONG` / `SHORT` legs in hedge mode. */
export type PositionSide = 'BOTH' | 'LONG' | 'SHORT';
export type MarginMode = 'cross' | 'isolated';

/** An open position, exact values. `qty` is positive; `side` gives the direction. */
export interface Position {
  readonly instrument: Instrument;
  readonly side: Side;
  readonly positionSide: PositionSide;
  /** Linear: base units (times contractSize). Inverse: number of contracts. */
  readonly qty: Rational;
  readonly entryPrice: Rational;
  readonly marginMode: MarginMode;
  /** Margin assigned to an isolated position, in the settlement asset; zero for cross. */
  readonly isolatedWallet: Rational;
  /** Chosen leverage for initial margin; null means the tier's maximum. */
  readonly leverage: Rational | null;
}

export function sideSign(side: Side): 1n | -1n {
  return side === 'long' ? 1n : -1n;
}

/**
 * The position's size in the unit that is linear in x: base units for linear contracts (notional = e × P),
 * quote value for inverse contracts (notional in coin = e / P). See `priceCoordinate`.
 */
export function exposure(position: Position): Rational {
  return position.qty.mul(position.instrument.contractSize);
}

/**
 * The coordinate in which notional, PnL and maintenance margin are linear: the price itself for linear
 * contracts, its reciprocal for inverse ones (whose values divide by price).
 */
export function priceCoordinate(position: Position, price: Rational): Rational {
  return position.instrument.kind === 'linear' ? price : price.inverse();
}

/** Notional in the settlement asset at `price`. */
export function notionalAt(position: Position, price: Rational): Rational {
  return exposure(position).mul(priceCoordinate(position, price));
}

/** Unrealized PnL in the settlement asset if the mark were `price` (inverse: convex in price). */
export function unrealizedPnlAt(position: Position, price: Rational): Rational {
  const e = exposure(position);
  const move =
    position.instrument.kind === 'linear'
      ? price.sub(position.entryPrice)
      : position.entryPrice.inverse().sub(price.inverse());
  const pnl = e.mul(move);
  return position.side === 'long' ? pnl : pnl.neg();
}

/** The notional that selects the tier and prices maintenance: at `price` (mark basis) or at entry. */
export function maintenanceNotionalAt(position: Position, price: Rational): Rational {
  const basisPrice = position.instrument.maintenanceBasis === 'mark' ? price : position.entryPrice;
  return notionalAt(position, basisPrice);
}

/** The tier that applies at `price`. */
export function tierAt(position: Position, price: Rational): Tier {
  return tierForNotional(position.instrument.tiers, maintenanceNotionalAt(position, price));
}

/** Maintenance margin if the mark were `price`, exact (cumulative: notional × mmr − cum). */
export function maintenanceMarginAt(position: Position, price: Rational): Rational {
  const notional = maintenanceNotionalAt(position, price);
  const tier = tierForNotional(position.instrument.tiers, notional);
  if (position.instrument.tiers.model === 'whole') return notional.mul(tier.mmr);
  return notional.mul(tier.mmr).sub(tier.cum);
}

/** Initial margin at `price`: notional (on the maintenance basis) / leverage, the tier's max when unset. */
export function initialMarginAt(position: Position, price: Rational): Rational {
  const notional = maintenanceNotionalAt(position, price);
  const leverage = position.leverage ?? tierForNotional(position.instrument.tiers, notional).maxLeverage;
  return notional.div(leverage);
}

/** Margin balance of an isolated position: its wallet plus its PnL. */
export function isolatedMarginBalanceAt(position: Position, price: Rational): Rational {
  return position.isolatedWallet.add(unrealizedPnlAt(position, price));
}
