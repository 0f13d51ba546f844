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
  return legContribution(sign, qty * markOf(instrument), entryValue, settings.leverage);
}

/**
 * A cross leg's contribution from its notional at the mark: one notional for both figures, PnL is notional −
 * entry value (signed) and initial margin notional / leverage, rounded up.
 */
export function legContribution(
  sign: bigint,
  notional: bigint,
  entryValue: bigint,
  leverage: bigint,
): bigint {
  const pnl = sign === 1n ? notional - entryValue : entryValue - notional;
  return pnl - divide(notional, leverage, 'ceil');
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
  return available - orderHolds(state, account, asset);
}

/** The initial margin the account's resting orders in `asset` hold. */
function orderHolds(state: EngineState, account: AccountState, asset: string): bigint {
  let held = 0n;
  if (account.orders.size > 0) {
    for (const order of account.orders.values()) {
      const instrument = state.instruments.get(order.symbol);
      if (instrument?.spec.asset === asset) held += order.reserved;
    }
  }
  return held;
}

/**
 * The account's cross sum in `asset` (`crossAvailable` of a zero wallet, nothing skipped), for the fill path:
 * from the account's cache when it is of the current epoch, else computed and cached. Only fills may call this,
 * and a fill that changes the account must keep the cache exact or end it (see `AccountState.crossEpoch`).
 */
export function cachedCrossSum(state: EngineState, account: AccountState, asset: string): bigint {
  const epoch = state.crossEpoch;
  if (account.crossEpoch === epoch && account.crossAsset === asset) return account.crossSum;
  // As `crossAvailable` of a zero wallet, and each leg of `asset` keeps its own contribution.
  let sum = 0n;
  for (const p of account.positions.values()) {
    if (p.instrument.spec.asset !== asset) continue;
    const contribution = crossContribution(p.instrument, p.settings, asset, p.sign, p.qty, p.entryValue);
    p.crossEpoch = epoch;
    p.crossContribution = contribution;
    sum += contribution;
  }
  sum -= orderHolds(state, account, asset);
  account.crossEpoch = epoch;
  account.crossAsset = asset;
  account.crossSum = sum;
  return sum;
}

/** Cross figures of one account in one asset at the current marks. */
export function crossFigures(state: EngineState, account: AccountState, asset: string): CrossFigures {
  const wallet = walletOf(state, account, asset).value;
  return { wallet, available: crossAvailable(state, account, asset, wallet, undefined) };
}
