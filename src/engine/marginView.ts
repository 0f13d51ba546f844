import { assert, divide } from '../numbers/index.js';
import {
  walletOf,
  type AccountState,
  type EngineState,
  type InstrumentState,
  type PositionState,
  type SymbolSettings,
} from './state.js';

/**
 * Margin figures of engine accounts, in money units of the settlement asset (the kernel's value units, so
 * PnL is exact); maintenance is kept in value × rate units and compared without dividing.
 */

export function markOf(instrument: InstrumentState): bigint {
  const mark = instrument.mark;
  if (mark === null) assert(false, `${instrument.spec.symbol} has a position but no mark`);
  return mark;
}

/** Unrealized PnL at `price` (kernel price units). */
export function pnlAt(position: PositionState, price: bigint): bigint {
  const pnl = position.qty * price - position.entryValue;
  return position.sign === 1n ? pnl : -pnl;
}

/** Initial margin of a position at `price` and `leverage`, rounded up. */
export function initialMarginAt(position: PositionState, price: bigint, leverage: bigint): bigint {
  return divide(position.qty * price, leverage, 'ceil');
}

export interface CrossFigures {
  readonly wallet: bigint;
  /** Wallet plus the cross positions' PnL, less their initial margin and the order holds. */
  readonly available: bigint;
}

/**
 * What a cross position of `asset` adds to the available balance at the mark: its PnL less its initial margin
 * (rounded up). Isolated positions and other assets add nothing. Takes the position as numbers, so a fill can
 * ask about a leg it has not made yet.
 */
export function crossContribution(
  instrument: InstrumentState,
  settings: SymbolSettings,
  asset: string,
  sign: bigint,
  qty: bigint,
  entryValue: bigint,
): bigint {
  if (instrument.spec.asset !== asset || settings.marginMode === 'isolated') return 0n;
  // One notional for both figures: PnL is notional − entry value (signed), initial margin notional / leverage.
  const notional = qty * markOf(instrument);
  const pnl = sign === 1n ? notional - entryValue : entryValue - notional;
  return pnl - divide(notional, settings.leverage, 'ceil');
}

/**
 * `wallet` plus every cross position's contribution in `asset` except `skip` (the leg a fill is about to
 * change), less the order holds in `asset`. On every fill's path (twice): one plain loop over the positions
 * by value, no closures, no objects made, no maintenance margin (nothing here needs it).
 */
export function crossAvailable(
  state: EngineState,
  account: AccountState,
  asset: string,
  wallet: bigint,
  skip: PositionState | undefined,
): bigint {
  let available = wallet;
  // The positions carry their instrument and settings: no lookups per position.
  for (const p of account.positions.values()) {
    if (p !== skip)
      available += crossContribution(p.instrument, p.settings, asset, p.sign, p.qty, p.entryValue);
  }
  if (account.orders.size > 0) {
    for (const order of account.orders.values()) {
      const instrument = state.instruments.get(order.symbol);
      if (instrument?.spec.asset === asset) available -= order.reserved;
    }
  }
  return available;
}

/** Cross figures of one account in one asset at the current marks. */
export function crossFigures(state: EngineState, account: AccountState, asset: string): CrossFigures {
  const wallet = walletOf(state, account, asset).value;
  return { wallet, available: crossAvailable(state, account, asset, wallet, undefined) };
}
