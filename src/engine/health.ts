import { maintenanceOf, type CompiledInstrument } from '../margin/index.js';
import { pow10 } from '../numbers/index.js';
import { markOf } from './marginView.js';
import { settingsOf } from './settings.js';
import {
  isolatedOf,
  positionKey,
  RATE_SCALE,
  walletOf,
  type AccountState,
  type EngineState,
  type InstrumentState,
  type PositionSideKey,
  type PositionState,
} from './state.js';

/** 10^RATE_SCALE: maintenance margin is kept in money × rate units and compared without dividing. */
export const RATE_ONE = pow10(RATE_SCALE);

/**
 * What one pool of margin backs, the thing that is healthy or liquidated: an account's cross wallet in one
 * asset (with every cross position settling in it), or one isolated leg (with its own margin).
 */
export type MarginUnit =
  | { readonly kind: 'cross'; readonly account: AccountState; readonly asset: string }
  | {
      readonly kind: 'isolated';
      readonly account: AccountState;
      readonly instrument: InstrumentState;
      readonly positionSide: PositionSideKey;
    };

/** The unit's figures at the current marks: equity in money units, maintenance in money × rate units. */
export interface UnitHealth {
  /** Open positions the unit backs. */
  readonly positions: number;
  readonly balance: bigint;
  readonly equity: bigint;
  readonly maintenanceRate: bigint;
}

/**
 * Maintenance margin of an engine position at `mark`, money × rate units: the tier table's, or the statutory
 * close-out requirement of the account's profile (qty × mark × close-out rate) when that is larger.
 */
export function positionMaintenance(
  compiled: CompiledInstrument,
  position: PositionState,
  mark: bigint,
): bigint {
  const tiers = maintenanceOf(compiled, position.qty, position.entryValue, mark);
  if (position.closeOutRate === 0n) return tiers;
  const closeOut = position.qty * mark * position.closeOutRate;
  return closeOut > tiers ? closeOut : tiers;
}

/** Unrealised PnL at `mark`, money units. */
export function positionPnl(position: PositionState, mark: bigint): bigint {
  const pnl = position.qty * mark - position.entryValue;
  return position.sign === 1n ? pnl : -pnl;
}

/** Is `position` (of `account`) one of the cross positions of `asset`? */
function inCross(state: EngineState, account: AccountState, asset: string, position: PositionState): boolean {
  const instrument = state.instruments.get(position.symbol);
  return (
    instrument?.spec.asset === asset && settingsOf(state, account, position.symbol).marginMode === 'cross'
  );
}

/** The positions a unit backs, in key order (deterministic). */
export function unitPositions(state: EngineState, unit: MarginUnit): PositionState[] {
  if (unit.kind === 'isolated') {
    const p = unit.account.positions.get(positionKey(unit.instrument.spec.symbol, unit.positionSide));
    return p === undefined ? [] : [p];
  }
  const out: [string, PositionState][] = [];
  for (const [key, p] of unit.account.positions)
    if (inCross(state, unit.account, unit.asset, p)) out.push([key, p]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}

/** The unit's margin balance (the cross wallet, or the leg's isolated margin), held by reference. */
export function unitBalance(state: EngineState, unit: MarginUnit): ReturnType<typeof walletOf> {
  return unit.kind === 'cross'
    ? walletOf(state, unit.account, unit.asset)
    : isolatedOf(state, unit.account, unit.instrument, unit.positionSide);
}

/** Equity and maintenance of a unit at the current marks (`positions`: the unit's, when the caller has them). */
export function unitHealth(
  state: EngineState,
  unit: MarginUnit,
  positions: readonly PositionState[] = unitPositions(state, unit),
): UnitHealth {
  const balance = unitBalance(state, unit).value;
  let equity = balance;
  let maintenanceRate = 0n;
  for (const p of positions) {
    const instrument = state.instruments.get(p.symbol);
    if (instrument === undefined) continue;
    const mark = markOf(instrument);
    equity += positionPnl(p, mark);
    maintenanceRate += positionMaintenance(instrument.compiled, p, mark);
  }
  return { positions: positions.length, balance, equity, maintenanceRate };
}

/**
 * Healthy: equity above maintenance margin (margin ratio below 100 %). At or below it the unit is liquidated;
 * a unit with no positions is healthy whatever its balance (a negative one is bad debt, not a liquidation).
 */
export function isHealthy(health: UnitHealth): boolean {
  return health.positions === 0 || health.equity * RATE_ONE > health.maintenanceRate;
}
