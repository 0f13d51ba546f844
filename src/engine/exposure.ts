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

/** Splits a trade on the account's leg (one-way: BOTH flips through zero; hedge: LONG/SHORT never flip). */
export function legTrade(
  account: AccountState,
  symbol: string,
  positionSide: PositionSideKey,
  side: Side,
  qty: bigint,
): LegTrade {
  const key = positionKey(symbol, positionSide);
  const existing = account.positions.get(key);
  const tradeSign = side === 'buy' ? 1n : -1n;
  if (positionSide === 'BOTH') {
    const closeQty =
      existing !== undefined && existing.sign !== tradeSign ? (qty < existing.qty ? qty : existing.qty) : 0n;
    return { key, positionSide, existing, closeQty, openQty: qty - closeQty, overClose: false };
  }
  const legSign = positionSide === 'LONG' ? 1n : -1n;
  if (tradeSign === legSign)
    return { key, positionSide, existing, closeQty: 0n, openQty: qty, overClose: false };
  const held = existing?.qty ?? 0n;
  return {
    key,
    positionSide,
    existing,
    closeQty: qty < held ? qty : held,
    openQty: 0n,
    overClose: qty > held,
  };
}
