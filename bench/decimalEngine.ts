import { Decimal } from 'decimal.js';
import type { BinanceBracket } from './population.js';

/**
 * The baseline: a risk engine written the usual decimal.js way. Positions are objects with Decimal fields,
 * tiers are Decimal arrays, MM = notional × mmr − cum with the tier chosen by notional, equity = wallet +
 * side × qty × (mark − entry), and the liquidation price is Binance's single-position formula with the
 * tier re-selected at the result until it settles. 40 significant digits (exact for every product here;
 * the liquidation quotient is rounded at the 40th digit).
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

export interface DecTier {
  readonly floor: Decimal;
  readonly mmr: Decimal;
  readonly cum: Decimal;
}

export interface DecPosition {
  /** 1 long, −1 short. */
  readonly side: 1 | -1;
  readonly qty: Decimal;
  readonly entry: Decimal;
  /** Isolated wallet or cross wallet. */
  readonly wallet: Decimal;
}

export function decTiers(brackets: readonly BinanceBracket[]): DecTier[] {
  return brackets.map((b) => ({ floor: new Dec(b.floor), mmr: new Dec(b.mmr), cum: new Dec(b.cum) }));
}

export function decPosition(side: 'long' | 'short', qty: string, entry: string, wallet: string): DecPosition {
  return {
    side: side === 'long' ? 1 : -1,
    qty: new Dec(qty),
    entry: new Dec(entry),
    wallet: new Dec(wallet),
  };
}

/** The tier whose floor is the highest at or below `notional`. */
export function tierFor(tiers: readonly DecTier[], notional: Decimal): DecTier {
  let tier = tiers[0];
  if (tier === undefined) throw new Error('no tiers');
  for (let i = 1; i < tiers.length; i++) {
    const next = tiers[i];
    if (next === undefined || notional.lt(next.floor)) break;
    tier = next;
  }
  return tier;
}

export function maintenanceMargin(tiers: readonly DecTier[], p: DecPosition, mark: Decimal): Decimal {
  const notional = p.qty.mul(mark);
  const tier = tierFor(tiers, notional);
  return notional.mul(tier.mmr).sub(tier.cum);
}

export function equity(p: DecPosition, mark: Decimal): Decimal {
  const pnl = mark.sub(p.entry).mul(p.qty);
  return p.side === 1 ? p.wallet.add(pnl) : p.wallet.sub(pnl);
}

/** Margin balance above maintenance margin at `mark`. */
export function isHealthy(tiers: readonly DecTier[], p: DecPosition, mark: Decimal): boolean {
  return equity(p, mark).gt(maintenanceMargin(tiers, p, mark));
}

const ZERO = new Dec(0);

/**
 * Binance, one position: LP = (WB + cum − side·qty·EP) / (qty·mmr − side·qty), starting from the tier at
 * the mark and re-selecting the tier at LP until it no longer changes; null when LP is not positive.
 */
export function liquidationPrice(tiers: readonly DecTier[], p: DecPosition, mark: Decimal): Decimal | null {
  const sideQty = p.side === 1 ? p.qty : p.qty.neg();
  const sideEntryValue = sideQty.mul(p.entry);
  let tier = tierFor(tiers, p.qty.mul(mark));
  for (let i = 0; i <= tiers.length; i++) {
    const lp = p.wallet.add(tier.cum).sub(sideEntryValue).div(p.qty.mul(tier.mmr).sub(sideQty));
    const positive = lp.gt(ZERO);
    const next = tierFor(tiers, positive ? p.qty.mul(lp) : ZERO);
    if (next === tier) return positive ? lp : null;
    tier = next;
  }
  throw new Error('decimal.js liquidation price did not settle');
}
