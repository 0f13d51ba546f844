import { bigintRatioToFloat } from '../liquidation/floatBand.js';
import { TriggerIndex } from '../liquidation/triggerIndex.js';
import { tierIndex } from '../margin/index.js';
import { assert } from '../numbers/index.js';
import type { EngineEvent } from './events.js';
import { isHealthy, RATE_ONE, unitHealth, type MarginUnit } from './health.js';
import { counterpartiesIn, runWaterfall, unitsHolding } from './liquidate.js';
import { markOf } from './marginView.js';
import { settingsOf } from './settings.js';
import {
  positionKey,
  type AccountState,
  type EngineState,
  type InstrumentState,
  type PositionState,
} from './state.js';

/**
 * Liquidation screening (issue 5): which margin units may have fallen to maintenance at a new mark, found
 * without walking the book.
 *
 * Every unit with positions gets, per symbol it holds, a range [down, up] of that symbol's mark within which
 * it is provably still healthy, whatever its other symbols do within theirs. The unit's headroom
 * H = equity − maintenance (money × rate units) is split between its symbols by notional (H_s, Σ H_s ≤ H);
 * a move of symbol s costs at most:
 *  - down: (L − S)·(P0 − P)·R — the net long's loss; maintenance only falls as the mark falls (tiers are
 *    non-decreasing), so that relief is left out;
 *  - up: a·(P − P0) with a = (S − L)·R + Σ legs qty·mmr of the leg's current tier — exact while every leg
 *    stays in its tier (mark basis), so `up` is also capped at the first tier boundary; entry-basis
 *    maintenance does not move with the mark (a = (S − L)·R).
 * Hence down = P0 − H_s/((L − S)·R) and up = min(P0 + H_s/a, next tier boundary). While every symbol's mark
 * is inside its range, the unit's total loss is at most Σ H_s ≤ H: it is healthy. The ranges are indexed per
 * symbol in a `TriggerIndex` (float64 keys rounded outward, so the float screen never misses: a `down`
 * rounded up and an `up` rounded down fire no later than the exact bound), and a tick pops only the units
 * whose range it left. Those are checked exactly; the unhealthy go through the waterfall; every popped unit
 * gets fresh ranges at the current marks. Whenever a unit changes (a fill, funding, a deposit, a
 * liquidation…) its ranges are derived again.
 *
 * A unit already at or below maintenance that the waterfall could not finish (no liquidity, fund or counterparty)
 * gets ranges that fire on every tick of its symbols, so it is retried as soon as anything moves.
 *
 * Derived state: never hashed, rebuilt from the positions on restore.
 */
export class Screening {
  /** Per account, its units' handles by sub-key: the asset (cross) or the position key (isolated leg). */
  private readonly byAccount = new Map<AccountState, Map<string, number>>();
  private readonly units: (MarginUnit | undefined)[] = [];
  private readonly symbolsOf: (string[] | undefined)[] = [];
  private readonly free: number[] = [];
  private readonly indexes = new Map<string, TriggerIndex>();
  private readonly fired = new Int32Array(4096);
  /** Units derived again (tests and the bench read it). */
  derivations = 0;

  constructor(private readonly liquidityAccounts: (symbol: string) => string | null) {}

  private indexOf(symbol: string): TriggerIndex {
    let index = this.indexes.get(symbol);
    if (index === undefined) {
      index = new TriggerIndex(1024);
      this.indexes.set(symbol, index);
    }
    return index;
  }

  private release(handles: Map<string, number>, subKey: string): void {
    const handle = handles.get(subKey);
    if (handle === undefined) return;
    for (const symbol of this.symbolsOf[handle] ?? []) this.removeEntries(symbol, handle);
    this.symbolsOf[handle] = undefined;
    handles.delete(subKey);
    this.units[handle] = undefined;
    this.free.push(handle);
  }

  private removeEntries(symbol: string, handle: number): void {
    const index = this.indexes.get(symbol);
    index?.remove(2 * handle);
    index?.remove(2 * handle + 1);
  }

  /**
   * Derives the ranges of every unit of `account` again (after anything of the account changed). One pass
   * over its positions groups them by unit; units it no longer has (closed legs, a mode change) leave.
   */
  deriveAccount(state: EngineState, account: AccountState): void {
    const groups = new Map<string, { unit: MarginUnit; positions: PositionState[]; liquidated: boolean }>();
    for (const [key, p] of account.positions) {
      const instrument = state.instruments.get(p.symbol);
      assert(instrument !== undefined, 'position of a listed instrument');
      if (this.liquidityAccounts(p.symbol) === account.id) continue;
      const isolated =
        (account.settings.get(p.symbol) ?? settingsOf(state, account, p.symbol)).marginMode === 'isolated';
      // Sub-keys are interned strings (the asset of the listing, the position key): no string is built here.
      const subKey = isolated ? key : instrument.spec.asset;
      let group = groups.get(subKey);
      if (group === undefined) {
        const unit: MarginUnit = isolated
          ? { kind: 'isolated', account, instrument, positionSide: p.positionSide }
          : { kind: 'cross', account, asset: instrument.spec.asset };
        group = { unit, positions: [], liquidated: false };
        groups.set(subKey, group);
      }
      group.positions.push(p);
      if (instrument.liquidation !== null) group.liquidated = true;
    }
    let handles = this.byAccount.get(account);
    for (const [subKey, group] of groups) {
      if (!group.liquidated) continue;
      if (handles === undefined) {
        handles = new Map();
        this.byAccount.set(account, handles);
      }
      let handle = handles.get(subKey);
      if (handle === undefined) {
        handle = this.free.pop() ?? this.units.length;
        handles.set(subKey, handle);
      }
      this.units[handle] = group.unit;
      this.deriveUnit(state, handle, group.unit, group.positions);
    }
    if (handles === undefined) return;
    for (const subKey of [...handles.keys()])
      if (groups.get(subKey)?.liquidated !== true) this.release(handles, subKey);
    if (handles.size === 0) this.byAccount.delete(account);
  }

  /** The unit's ranges at the current marks; `positions` are the unit's (any order: the sums are exact). */
  private deriveUnit(
    state: EngineState,
    handle: number,
    unit: MarginUnit,
    positions: readonly PositionState[],
  ): void {
    this.derivations++;
    const health = unitHealth(state, unit, positions);
    const headroom = health.equity * RATE_ONE - health.maintenanceRate;
    const bySymbol = new Map<string, { instrument: InstrumentState; long: bigint; short: bigint }>();
    let totalNotional = 0n;
    for (const p of positions) {
      const instrument = state.instruments.get(p.symbol);
      assert(instrument !== undefined, 'position of a listed instrument');
      const entry = bySymbol.get(p.symbol) ?? { instrument, long: 0n, short: 0n };
      if (p.sign === 1n) entry.long += p.qty;
      else entry.short += p.qty;
      bySymbol.set(p.symbol, entry);
      totalNotional += p.qty * markOf(instrument);
    }
    // Entries are updated in place (a heap sift), added or removed: no remove-then-insert per derivation.
    const previous = this.symbolsOf[handle];
    if (previous !== undefined)
      for (const symbol of previous) if (!bySymbol.has(symbol)) this.removeEntries(symbol, handle);
    const symbols: string[] = [];
    for (const [symbol, { instrument, long, short }] of bySymbol) {
      const index = this.indexOf(symbol);
      symbols.push(symbol);
      if (headroom <= 0n || !isHealthy(health)) {
        // At or below maintenance already (a waterfall that could not finish): fire on every tick.
        index.set(2 * handle, 'long', Infinity);
        index.remove(2 * handle + 1);
        continue;
      }
      const mark = markOf(instrument);
      const notional = (long + short) * mark;
      // The symbol's share of the headroom, rounded down (Σ shares ≤ headroom).
      const share = totalNotional === 0n ? headroom : (headroom * notional) / totalNotional;
      if (long > short) {
        const slope = (long - short) * RATE_ONE;
        index.set(2 * handle, 'long', bigintRatioToFloat(mark * slope - share, slope, 'up'));
      } else index.remove(2 * handle);
      const up = upBound(instrument, positions, long, short, mark, share);
      if (up !== null) index.set(2 * handle + 1, 'short', bigintRatioToFloat(up.num, up.den, 'down'));
      else index.remove(2 * handle + 1);
    }
    this.symbolsOf[handle] = symbols;
  }

  /**
   * After a mark change of `instrument`: pops the units whose range the mark left, checks each exactly, runs
   * the waterfall for the unhealthy, and derives every popped unit (and every account the waterfalls
   * touched) again.
   */
  onMark(
    state: EngineState,
    instrument: InstrumentState,
    nowMs: number,
    seed: bigint,
    events: EngineEvent[],
  ): void {
    const index = this.indexes.get(instrument.spec.symbol);
    if (index === undefined || instrument.mark === null) return;
    const mark = Number(instrument.mark);
    const units = new Map<number, MarginUnit>();
    for (;;) {
      const count = index.crossed(mark, this.fired);
      for (let i = 0; i < count; i++) {
        const handle = (this.fired[i] ?? 0) >> 1;
        const unit = this.units[handle];
        if (unit !== undefined) units.set(handle, unit);
      }
      if (count < this.fired.length) break;
    }
    // Deterministic order: by account id, then unit key.
    const ordered = [...units.values()].sort((a, b) => compare(unitKey(a), unitKey(b)));
    const touched = new Set<AccountState>();
    for (const unit of ordered) {
      const health = unitHealth(state, unit);
      if (health.positions > 0 && !isHealthy(health)) {
        const before = events.length;
        runWaterfall(state, unit, health, nowMs, seed, events);
        for (const account of counterpartiesIn(state, events, before)) touched.add(account);
      }
      touched.add(unit.account);
    }
    for (const account of [...touched].sort((a, b) => compare(a.id, b.id)))
      this.deriveAccount(state, account);
  }

  /** Where the next audit slice starts (a handle). */
  private auditCursor = 0;

  /**
   * Is the unit behind `handle` liquidatable although no range of its fires at the current marks? (A bug if
   * ever true.) Returns its key then, else null.
   */
  private missedAt(state: EngineState, handle: number): string | null {
    const unit = this.units[handle];
    if (unit === undefined) return null;
    const health = unitHealth(state, unit);
    if (health.positions === 0 || isHealthy(health)) return null;
    for (const symbol of this.symbolsOf[handle] ?? []) {
      const index = this.indexes.get(symbol);
      const mark = state.instruments.get(symbol)?.mark;
      if (index === undefined || mark === null || mark === undefined) continue;
      for (const h of [2 * handle, 2 * handle + 1]) {
        const trigger = index.triggerOf(h);
        if (trigger === undefined) continue;
        if (index.sideOf(h) === 'long' ? trigger >= Number(mark) : trigger <= Number(mark)) return null;
      }
    }
    return unitKey(unit);
  }

  /**
   * The safety net, a slice at a time: the next `count` handles (round robin) are checked exactly, so the
   * whole index is re-checked every (units / count) calls at a bounded cost per call. Returns the misses.
   */
  auditSlice(state: EngineState, count: number): string[] {
    const missed: string[] = [];
    const end = this.units.length;
    for (let i = 0; i < count && end > 0; i++) {
      if (this.auditCursor >= end) this.auditCursor = 0;
      const key = this.missedAt(state, this.auditCursor++);
      if (key !== null) missed.push(key);
    }
    return missed;
  }

  /**
   * The safety net in full: an exact scan of every unit. Returns the units that are at or below maintenance
   * although their ranges would not fire (a bug if ever non-empty), every unit with positions missing from
   * the index, and the number of units scanned.
   */
  audit(state: EngineState): { missed: string[]; scanned: number } {
    const missed: string[] = [];
    let scanned = 0;
    for (const handles of this.byAccount.values())
      for (const handle of handles.values()) {
        scanned++;
        const key = this.missedAt(state, handle);
        if (key !== null) missed.push(key);
      }
    // Every unit with positions must be indexed.
    for (const account of state.accounts.values()) {
      for (const instrument of symbolsHeld(state, account)) {
        if (instrument.liquidation === null || this.liquidityAccounts(instrument.spec.symbol) === account.id)
          continue;
        for (const unit of unitsHolding(state, account, instrument))
          if (
            !this.byAccount
              .get(account)
              ?.has(
                unit.kind === 'cross'
                  ? unit.asset
                  : positionKey(unit.instrument.spec.symbol, unit.positionSide),
              )
          )
            missed.push(`${unitKey(unit)} (not indexed)`);
      }
    }
    return { missed, scanned };
  }

  /** Units in the index. */
  get size(): number {
    let size = 0;
    for (const handles of this.byAccount.values()) size += handles.size;
    return size;
  }
}

/**
 * The exact up-bound (kernel price units) of `instrument`'s mark for the unit: P0 + share/a, capped at the
 * first tier boundary of any of its legs in the symbol (mark basis), or null when a rise never hurts.
 */
function upBound(
  instrument: InstrumentState,
  positions: readonly PositionState[],
  long: bigint,
  short: bigint,
  mark: bigint,
  share: bigint,
): { num: bigint; den: bigint } | null {
  const compiled = instrument.compiled;
  let slope = (short - long) * RATE_ONE;
  let boundary: { num: bigint; den: bigint } | null = null;
  for (const p of positions) {
    if (p.symbol !== instrument.spec.symbol) continue;
    // Maintenance is max(tiers, statutory close-out); the larger slope bounds the rise of either.
    let legSlope = p.closeOutRate;
    if (compiled.markBasis) {
      const k = tierIndex(compiled.floors, p.qty * mark);
      const mmr = compiled.mmr[k] ?? 0n;
      if (mmr > legSlope) legSlope = mmr;
      const next = compiled.floors[k + 1];
      // The leg enters the next tier at mark next / qty.
      if (next !== undefined && (boundary === null || next * boundary.den < boundary.num * p.qty))
        boundary = { num: next, den: p.qty };
    }
    slope += p.qty * legSlope;
  }
  let bound: { num: bigint; den: bigint } | null =
    slope > 0n ? { num: mark * slope + share, den: slope } : null;
  if (boundary !== null && (bound === null || boundary.num * bound.den < bound.num * boundary.den))
    bound = boundary;
  // Null: a net long whose maintenance does not grow with the mark (entry basis) never loses on a rise.
  return bound;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The unit's identity: account, kind and what it backs. */
export function unitKey(unit: MarginUnit): string {
  return unit.kind === 'cross'
    ? `${unit.account.id}|cross|${unit.asset}`
    : `${unit.account.id}|isolated|${unit.instrument.spec.symbol}/${unit.positionSide}`;
}

/** The instruments the account holds a position in (every one: a cross unit's risk is all its symbols). */
function symbolsHeld(state: EngineState, account: AccountState): InstrumentState[] {
  const out = new Map<string, InstrumentState>();
  for (const p of account.positions.values()) {
    const instrument = state.instruments.get(p.symbol);
    if (instrument !== undefined) out.set(p.symbol, instrument);
  }
  return [...out.values()];
}
