import { assert, divide } from '../numbers/index.js';
import { settingsOf } from './settings.js';
import {
  walletOf,
  type AccountState,
  type EngineState,
  type InstrumentState,
  type PositionState,
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

/** A trade under test: the position it would leave (null: closed) and what it would do to the wallet and holds. */
export interface Hypothesis {
  /** The position the trade changes, as held now (left out of the sums), or undefined: a new leg. */
  readonly replaces: PositionState | undefined;
  readonly position: PositionState | null;
  readonly walletDelta: bigint;
  readonly releasedReserve: bigint;
  readonly extraReserve: bigint;
}

export interface CrossFigures {
  readonly wallet: bigint;
  readonly equity: bigint;
  /** Positions' initial margin plus order holds. */
  readonly initialMargin: bigint;
  readonly available: bigint;
}

/** Adds a cross position's PnL and initial margin at the mark to `sums` (isolated and other assets add nothing). */
function addCrossPosition(
  state: EngineState,
  account: AccountState,
  asset: string,
  position: PositionState,
  sums: { equity: bigint; initialMargin: bigint },
): void {
  const instrument = state.instruments.get(position.symbol);
  assert(instrument !== undefined, 'position of a listed instrument');
  if (instrument.spec.asset !== asset) return;
  const settings = account.settings.get(position.symbol) ?? settingsOf(state, account, position.symbol);
  if (settings.marginMode === 'isolated') return;
  // One notional for both figures: PnL is notional − entry value (signed), initial margin notional / leverage.
  const notional = position.qty * markOf(instrument);
  if (position.sign === 1n) sums.equity += notional - position.entryValue;
  else sums.equity += position.entryValue - notional;
  sums.initialMargin += divide(notional, settings.leverage, 'ceil');
}

/**
 * Cross figures of one account in one asset at the current marks, optionally under a hypothesis. On every
 * fill's path (twice), so it is one plain loop over the positions (by value: no entry arrays), no closures and
 * no maintenance margin (nothing here needs it).
 */
export function crossFigures(
  state: EngineState,
  account: AccountState,
  asset: string,
  hypothesis?: Hypothesis,
): CrossFigures {
  const wallet = walletOf(state, account, asset).value + (hypothesis?.walletDelta ?? 0n);
  const sums = {
    equity: wallet,
    initialMargin: hypothesis === undefined ? 0n : hypothesis.extraReserve - hypothesis.releasedReserve,
  };
  const replaced = hypothesis?.replaces;
  for (const position of account.positions.values())
    if (position !== replaced) addCrossPosition(state, account, asset, position, sums);
  const extra = hypothesis?.position ?? null;
  if (extra !== null) addCrossPosition(state, account, asset, extra, sums);
  const equity = sums.equity;
  let initialMargin = sums.initialMargin;
  if (account.orders.size > 0) {
    for (const order of account.orders.values()) {
      const instrument = state.instruments.get(order.symbol);
      if (instrument?.spec.asset === asset) initialMargin += order.reserved;
    }
  }
  return { wallet, equity, initialMargin, available: equity - initialMargin };
}
