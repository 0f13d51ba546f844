import type { Side } from './commands.js';
import { positionKey, type AccountState, type PositionSideKey, type PositionState } from './state.js';

/** How a trade of `qty` on one leg splits into closing the existing position and opening new exposure. */
export interface LegTrade {
  readonly key: string;
  readonly positionSide: PositionSideKey;
  readonly existing: PositionState | undefined;
  readonly closeQty: bigint;
  readonly openQty: bigint;
  /** Hedge legs cannot be traded through zero: a sell larger than the LONG leg is invalid. */
  readonly overClose: boolean;
}

/**
 * The qty of a `side` trade of `qty` that closes `existing` (one-way: BOTH flips through zero; hedge:
 * LONG/SHORT never flip), or −1n when it would trade a hedge leg through zero. The rest, `qty − close`, opens.
 */
export function closingQty(
  existing: PositionState | undefined,
  positionSide: PositionSideKey,
  side: Side,
  qty: bigint,
): bigint {
  const tradeSign = side === 'buy' ? 1n : -1n;
  if (positionSide === 'BOTH') {
    return existing !== undefined && existing.sign !== tradeSign
      ? qty < existing.qty
        ? qty
        : existing.qty
      : 0n;
  }
  if (tradeSign === (positionSide === 'LONG' ? 1n : -1n)) return 0n;
  const held = existing?.qty ?? 0n;
  return qty > held ? -1n : qty;
}

/** Splits a trade on the account's leg (see `closingQty`). */
export function legTrade(
  account: AccountState,
  symbol: string,
  positionSide: PositionSideKey,
  side: Side,
  qty: bigint,
): LegTrade {
  const key = positionKey(symbol, positionSide);
  const existing = account.positions.get(key);
  const close = closingQty(existing, positionSide, side, qty);
  const overClose = close < 0n;
  const closeQty = overClose ? (existing?.qty ?? 0n) : close;
  return { key, positionSide, existing, closeQty, openQty: overClose ? 0n : qty - closeQty, overClose };
}
