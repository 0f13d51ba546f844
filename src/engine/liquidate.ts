import { LedgerAccounts } from '../ledger/index.js';
import { ADL_POLICIES, adlLights, allocateAdl, type AdlCandidate } from '../liquidation/adl/index.js';
import { capToSurplus } from '../liquidation/clearanceFee.js';
import { dydxFillableLimitTicks, dydxFillablePrice, type DydxPosition } from '../liquidation/dydx.js';
import { liquidationStepQty, type PartialLiquidationRule } from '../liquidation/partialSize.js';
import { kernelBankruptcyPrice, MAX_POSITIONS_PER_ACCOUNT, tierIndex } from '../margin/index.js';
import { assert, divide, pow10, Rational } from '../numbers/index.js';
import { refreshNegativeFlag } from './accounts.js';
import type { EngineEvent } from './events.js';
import { forcedTrade, type ForcedParty } from './fill.js';
import {
  isHealthy,
  positionMaintenance,
  positionPnl,
  RATE_ONE,
  unitBalance,
  unitHealth,
  unitPositions,
  type MarginUnit,
  type UnitHealth,
} from './health.js';
import { fundAvailable, payFromFund } from './insurance.js';
import type { LiquidationConfig } from './liquidationConfig.js';
import { markOf } from './marginView.js';
import { settingsOf } from './settings.js';
import {
  walletOf,
  holdersOf,
  positionKey,
  type InsuranceFundState,
  type AccountState,
  type DepthLevel,
  type EngineState,
  type InstrumentState,
  type PositionState,
} from './state.js';

/** Bound (TigerBeetle): waterfall steps for one margin unit in one command. */
export const MAX_LIQUIDATION_STEPS = 64;

/** A unit's name in events: `cross:{asset}` or `isolated:{symbol}/{positionSide}`. */
export function unitName(unit: MarginUnit): string {
  return unit.kind === 'cross'
    ? `cross:${unit.asset}`
    : `isolated:${positionKey(unit.instrument.spec.symbol, unit.positionSide)}`;
}

/** The margin units of `account` that back a position in `instrument` (its cross pool, its isolated legs). */
export function unitsHolding(
  state: EngineState,
  account: AccountState,
  instrument: InstrumentState,
): MarginUnit[] {
  const symbol = instrument.spec.symbol;
  const units: MarginUnit[] = [];
  let cross = false;
  for (const side of ['BOTH', 'LONG', 'SHORT'] as const) {
    if (!account.positions.has(positionKey(symbol, side))) continue;
    if (settingsOf(state, account, symbol).marginMode === 'isolated')
      units.push({ kind: 'isolated', account, instrument, positionSide: side });
    else cross = true;
  }
  if (cross) units.unshift({ kind: 'cross', account, asset: instrument.spec.asset });
  return units;
}

/**
 * After a mark change of `instrument`: every margin unit backing a position in it that is at or below
 * maintenance goes through the waterfall. Holders are walked in account-id order (deterministic); the
 * liquidity account stands for the book and is never liquidated.
 */
export function liquidateHolders(
  state: EngineState,
  instrument: InstrumentState,
  nowMs: number,
  seed: bigint,
  events: EngineEvent[],
): void {
  if (instrument.liquidation === null || instrument.mark === null) return;
  for (const account of [...holdersOf(state, instrument)]) {
    if (account.id === instrument.liquidation.liquidityAccount) continue;
    for (const unit of unitsHolding(state, account, instrument)) {
      const health = unitHealth(state, unit);
      if (!isHealthy(health)) runWaterfall(state, unit, health, nowMs, seed, events);
    }
  }
}

/** The counterparties of the liquidation fills in `events` from index `from` on (their margin changed). */
export function counterpartiesIn(
  state: EngineState,
  events: readonly EngineEvent[],
  from: number,
): AccountState[] {
  const out: AccountState[] = [];
  for (let i = from; i < events.length; i++) {
    const e = events[i];
    const account = e?.type === 'LiquidationFill' ? state.accounts.get(e.counterparty) : undefined;
    if (account !== undefined) out.push(account);
  }
  return out;
}

/** Cancels the orders a unit's margin backs (their holds are released; holds are not ledger money). */
function cancelOrders(unit: MarginUnit, state: EngineState, events: EngineEvent[]): void {
  const account = unit.account;
  for (const order of [...account.orders.values()]) {
    const instrument = state.instruments.get(order.symbol);
    const backed =
      unit.kind === 'cross'
        ? instrument?.spec.asset === unit.asset &&
          settingsOf(state, account, order.symbol).marginMode === 'cross'
        : order.symbol === unit.instrument.spec.symbol && order.positionSide === unit.positionSide;
    if (!backed) continue;
    account.orders.delete(order.orderId);
    events.push({
      type: 'OrderCancelled',
      accountId: account.id,
      orderId: order.orderId,
      released: order.reserved,
    });
  }
}

/**
 * The loss waterfall for one unit (RULEBOOK.md §4): cancel its orders, then step by step close its position
 * with the largest maintenance margin — on the book down to the bankruptcy price (clearance fee to the
 * insurance fund from the surplus), then with the fund paying the shortfall of deeper book levels, then by
 * ADL at the bankruptcy price — until the unit is healthy, flat, or stuck.
 */
export function runWaterfall(
  state: EngineState,
  unit: MarginUnit,
  health: UnitHealth,
  nowMs: number,
  seed: bigint,
  events: EngineEvent[],
): void {
  const account = unit.account;
  events.push({
    type: 'LiquidationTriggered',
    accountId: account.id,
    unit: unitName(unit),
    equity: health.equity,
    maintenance: health.maintenanceRate,
  });
  cancelOrders(unit, state, events);
  let outcome: 'healthy' | 'flat' | 'stuck' = 'stuck';
  let fund: InsuranceFundState | undefined;
  for (let step = 0; step < MAX_LIQUIDATION_STEPS; step++) {
    const now = unitHealth(state, unit);
    if (now.positions === 0) {
      outcome = 'flat';
      break;
    }
    if (isHealthy(now)) {
      outcome = 'healthy';
      break;
    }
    const target = nextTarget(state, unit);
    if (target === null) {
      outcome = 'stuck';
      break;
    }
    const { position, instrument, config } = target;
    fund = state.insuranceFunds.get(config.insuranceFund);
    // A backstop vault takes the unit over once its equity is below 2/3 of maintenance (Hyperliquid's HLP);
    // the vault's own positions are liquidated like those of a venue without one.
    const vault = backstopFor(config, account);
    if (vault !== null && belowBackstop(now)) {
      backstopTakeover(state, unit, now, vault, events);
      continue;
    }
    // Hyperliquid: for 30 s after a partial liquidation of any of the account's positions, every liquidation
    // order is for the whole position (Hyperliquid docs, "Liquidations").
    // dYdX: what this account had liquidated in this command (one block) counts against its block limit.
    const block = Number(seed);
    if (account.liquidatedInBlock.block !== block) account.liquidatedInBlock = { block, value: 0n };
    const qty = stepQty(config, instrument, position, account, nowMs, account.liquidatedInBlock.value);
    const before = position.qty;
    const mark = markOf(instrument);
    const closed = closeLeg(state, unit, position, instrument, config, qty, now, seed, events);
    account.liquidatedInBlock.value += closed * mark;
    if (config.step.kind === 'slices' && closed > 0n && qty < before)
      account.partialCooldownUntilMs = nowMs + config.step.cooldownMs;
    if (closed === 0n) {
      outcome = 'stuck';
      break;
    }
  }
  if (fund !== undefined) coverDeficit(state, unit, fund, events);
  events.push(...refreshNegativeFlag(state, account));
  events.push({ type: 'LiquidationEnded', accountId: account.id, unit: unitName(unit), outcome });
}

/** The unit's position to close next: the largest maintenance margin (ties: key order). */
function nextTarget(
  state: EngineState,
  unit: MarginUnit,
): { position: PositionState; instrument: InstrumentState; config: LiquidationConfig } | null {
  let best: { position: PositionState; instrument: InstrumentState; config: LiquidationConfig } | null = null;
  let bestMaintenance = -1n;
  for (const position of unitPositions(state, unit)) {
    const instrument = state.instruments.get(position.symbol);
    const config = instrument?.liquidation ?? null;
    if (instrument === undefined || config === null) continue;
    const maintenance = positionMaintenance(instrument.compiled, position, markOf(instrument));
    if (maintenance > bestMaintenance) {
      best = { position, instrument, config };
      bestMaintenance = maintenance;
    }
  }
  return best;
}

/**
 * How much of `position` one step sends to the book (qty units): the instrument's step rule applied by
 * `liquidationStepQty` (src/liquidation/partialSize.ts), sized at the mark (mark basis) or the entry price,
 * with the account's last partial liquidation for Hyperliquid's cooldown.
 */
export function stepQty(
  config: LiquidationConfig,
  instrument: InstrumentState,
  position: PositionState,
  account: AccountState,
  nowMs: number,
  blockLiquidated = 0n,
): bigint {
  const compiled = instrument.compiled;
  const step = config.step;
  const rule: PartialLiquidationRule =
    step.kind === 'slices'
      ? {
          kind: 'slices',
          thresholdValue: Rational.fromInt(step.thresholdValue),
          fraction: Rational.of(step.fraction, RATE_ONE),
          cooldownMs: step.cooldownMs,
        }
      : step.kind === 'tierStep'
        ? { kind: 'tierStep', tierFloorsValue: compiled.floors.map((f) => Rational.fromInt(f)) }
        : step.kind === 'blockLimit'
          ? { kind: 'blockLimit', blockLimitValue: Rational.fromInt(step.blockLimitValue) }
          : { kind: 'whole' };
  // Block limits count notional at the mark (dYdX: size × oracle), whatever the maintenance basis.
  const unitValue =
    compiled.markBasis || step.kind === 'blockLimit'
      ? Rational.fromInt(markOf(instrument))
      : Rational.of(position.entryValue, position.qty);
  const lastPartialMs =
    step.kind === 'slices' && account.partialCooldownUntilMs > 0
      ? account.partialCooldownUntilMs - step.cooldownMs
      : null;
  return liquidationStepQty(
    rule,
    { qty: position.qty, unitValue, lotQty: 1n },
    {
      nowMs,
      lastPartialMs,
      blockLiquidatedValue: Rational.fromInt(
        step.kind === 'blockLimit' && blockLiquidated > step.blockLimitValue
          ? step.blockLimitValue
          : blockLiquidated,
      ),
    },
  ).qty;
}

/**
 * The leg's bankruptcy price (the price where the unit's equity reaches zero, the unit's other positions held
 * at their marks), rounded toward solvency: ⌈P_b⌉ for a long, ⌊P_b⌋ for a short. No positive bankruptcy
 * price: a long is solvent at any price (1 unit), a short at none (0).
 */
function bankruptcyLimit(position: PositionState, instrument: InstrumentState, health: UnitHealth): bigint {
  const long = position.sign === 1n;
  const constant = health.equity - positionPnl(position, markOf(instrument));
  const compiled = instrument.compiled;
  const quotient = kernelBankruptcyPrice(
    {
      compiled,
      sign: position.sign,
      exposure: position.qty,
      entryValue: position.entryValue,
      entryTier: tierIndex(compiled.floors, position.entryValue),
    },
    constant,
  );
  return quotient === null ? (long ? 1n : 0n) : divide(quotient.num, quotient.den, long ? 'ceil' : 'floor');
}

/**
 * dYdX's fillable price for closing `position` as a limit in kernel price units on the tick grid
 * (`dydxFillablePrice` and `dydxFillableLimitTicks`, src/liquidation/dydx.ts, with the default BA 1 and
 * SMMR 0.1). The unit maps onto a dYdX subaccount in kernel units: its balance less the signed entry values as
 * the USDC balance, each position's size in qty units at the mark, and as its maintenance fraction its tiered
 * maintenance margin over its notional, so TNC is the unit's equity and TMMR its maintenance margin.
 */
function dydxLimit(
  state: EngineState,
  unit: MarginUnit,
  position: PositionState,
  instrument: InstrumentState,
  health: UnitHealth,
  bankruptcy: bigint,
): bigint {
  let usdc = Rational.fromInt(health.balance);
  const positions: DydxPosition[] = [];
  for (const p of unitPositions(state, unit)) {
    const pi = state.instruments.get(p.symbol);
    if (pi === undefined) continue;
    const mark = markOf(pi);
    const maintenance = positionMaintenance(pi.compiled, p, mark);
    const notional = p.qty * mark * RATE_ONE;
    // Outside dYdX's model (no maintenance, or more than the notional, or too many positions): bankruptcy.
    if (maintenance <= 0n || maintenance > notional || positions.length >= MAX_POSITIONS_PER_ACCOUNT)
      return bankruptcy;
    usdc = usdc.sub(Rational.fromInt(p.sign * p.entryValue));
    positions.push({
      symbol: `${p.symbol}/${p.positionSide}`,
      size: Rational.fromInt(p.sign * p.qty),
      oracle: Rational.fromInt(mark),
      mmf: Rational.of(maintenance, notional),
    });
  }
  const fillable = dydxFillablePrice({ usdc, positions }, `${position.symbol}/${position.positionSide}`);
  const tick = instrument.priceFactor;
  const ticks = dydxFillableLimitTicks(
    fillable,
    Rational.fromInt(tick),
    position.sign === 1n ? 'long' : 'short',
  );
  return ticks * tick;
}

/** The backstop vault behind `account`'s positions under `config`, or null (none, or the vault itself). */
function backstopFor(config: LiquidationConfig, account: AccountState): string | null {
  return config.backstopAccount === account.id ? null : config.backstopAccount;
}

/** Below Hyperliquid's backstop threshold: equity < 2/3 × maintenance (maintenance in money × rate units). */
function belowBackstop(health: UnitHealth): boolean {
  return 3n * health.equity * RATE_ONE < 2n * health.maintenanceRate;
}

/**
 * Backstop liquidation (Hyperliquid: "the liquidator vault takes over the positions and the collateral"): the
 * vault takes every position of the unit whose instrument names it as backstop, at the mark, and with them
 * the unit's remaining equity (the maintenance margin is not returned). A unit already below zero has its
 * deficit paid by the vault first, so it closes with nothing left and no bad debt: the vault bears the loss.
 */
function backstopTakeover(
  state: EngineState,
  unit: MarginUnit,
  health: UnitHealth,
  vaultId: string,
  events: EngineEvent[],
): void {
  const vault = state.accounts.get(vaultId);
  assert(vault !== undefined, `backstop vault ${vaultId} exists`);
  const account = unit.account;
  const asset = unitAsset(unit);
  const vaultWallet = walletOf(state, vault, asset);
  const taken = unitPositions(state, unit).flatMap((position) => {
    const instrument = state.instruments.get(position.symbol);
    return instrument?.liquidation?.backstopAccount === vaultId
      ? [{ position, instrument, qty: position.qty, limit: bankruptcyLimit(position, instrument, health) }]
      : [];
  });
  if (health.equity < 0n) {
    const transfer = state.ledger.move(
      vaultWallet,
      unitBalance(state, unit),
      -health.equity,
      'backstop deficit',
    );
    events.push(transfer);
  }
  for (const { position, instrument, qty, limit } of taken) {
    const long = position.sign === 1n;
    const mark = markOf(instrument);
    const leg: ForcedParty = { accountId: account.id, positionSide: position.positionSide };
    const takes: ForcedParty = {
      accountId: vault.id,
      positionSide: vault.positionMode === 'oneWay' ? 'BOTH' : long ? 'LONG' : 'SHORT',
    };
    forcedTrade(state, instrument, long ? takes : leg, long ? leg : takes, qty, mark, events);
    events.push({
      type: 'LiquidationFill',
      accountId: account.id,
      symbol: instrument.spec.symbol,
      positionSide: position.positionSide,
      via: 'backstop',
      counterparty: vault.id,
      qty,
      price: mark,
      bankruptcyPrice: limit,
    });
  }
  // The collateral goes with the positions (a closed isolated leg released its margin to the wallet).
  if (health.equity > 0n) {
    const wallet = walletOf(state, account, asset);
    const available = wallet.value > 0n ? wallet.value : 0n;
    const take = health.equity < available ? health.equity : available;
    if (take > 0n) events.push(state.ledger.move(wallet, vaultWallet, take, 'backstop collateral'));
  }
  events.push(...refreshNegativeFlag(state, vault));
}

/** The liquidated leg's order side and the book side it trades against. */
function bookSide(position: PositionState, instrument: InstrumentState): DepthLevel[] {
  const depth = instrument.depth;
  if (depth === null) return [];
  return position.sign === 1n ? depth.bids : depth.asks;
}

/**
 * Closes up to `qty` of `position` (the unit's) and returns what closed. The order is limited to the leg's
 * bankruptcy price (the price where the unit's equity reaches zero, the unit's other positions held at their
 * marks), rounded toward solvency: a long sells no lower than ⌈P_b⌉, a short buys no higher than ⌊P_b⌋.
 */
function closeLeg(
  state: EngineState,
  unit: MarginUnit,
  position: PositionState,
  instrument: InstrumentState,
  config: LiquidationConfig,
  qty: bigint,
  health: UnitHealth,
  seed: bigint,
  events: EngineEvent[],
): bigint {
  const account = unit.account;
  const long = position.sign === 1n;
  const limit = bankruptcyLimit(position, instrument, health);
  // dYdX limits the order to its fillable price instead (fills worse than bankruptcy: the fund pays).
  const bookLimit =
    config.rules === 'dydx' ? dydxLimit(state, unit, position, instrument, health, limit) : limit;
  const fund = state.insuranceFunds.get(config.insuranceFund);
  assert(fund !== undefined, `insurance fund ${config.insuranceFund} exists`);
  const liquidity = state.accounts.get(config.liquidityAccount);
  const leg: ForcedParty = {
    accountId: account.id,
    positionSide: position.positionSide,
    keepIsolatedMargin: true,
  };
  const symbol = instrument.spec.symbol;
  const positionSide = position.positionSide;
  const fill = (
    counterparty: ForcedParty,
    via: 'book' | 'takeover' | 'adl',
    amount: bigint,
    price: bigint,
  ): void => {
    forcedTrade(
      state,
      instrument,
      long ? counterparty : leg,
      long ? leg : counterparty,
      amount,
      price,
      events,
    );
    events.push({
      type: 'LiquidationFill',
      accountId: account.id,
      symbol,
      positionSide,
      via,
      counterparty: counterparty.accountId,
      qty: amount,
      price,
      bankruptcyPrice: limit,
    });
  };
  let remaining = qty;
  let surplus = 0n;
  let closedNotional = 0n;
  const levels = liquidity === undefined ? [] : bookSide(position, instrument);
  const lp: ForcedParty | null =
    liquidity === undefined
      ? null
      : {
          accountId: liquidity.id,
          positionSide: liquidity.positionMode === 'oneWay' ? 'BOTH' : long ? 'LONG' : 'SHORT',
        };

  /**
   * Fills up to `remaining` at `level` for `via`; a price worse than bankruptcy has its shortfall paid into
   * the unit by the fund first (so the leg's margin covers the fill), for as many lots as the fund affords.
   * Returns the qty filled (0: the fund cannot pay for one lot).
   */
  const takeLevel = (level: DepthLevel, via: 'book' | 'takeover', reason: string): bigint => {
    if (lp === null) return 0n;
    const shortfall = long ? limit - level.price : level.price - limit;
    const cap = level.qty < remaining ? level.qty : remaining;
    const affordable = shortfall > 0n ? fundAvailable(state, fund) / shortfall : cap;
    const amount = affordable < cap ? affordable : cap;
    if (amount === 0n) return 0n;
    if (shortfall > 0n)
      payFromFund(state, fund, unitBalance(state, unit), shortfall * amount, reason, events);
    fill(lp, via, amount, level.price);
    level.qty -= amount;
    remaining -= amount;
    return amount;
  };

  // 1. The book, no worse than bankruptcy (dYdX: than the fillable price, where a fill worse than bankruptcy
  // is paid for by the fund). Only fills better than bankruptcy leave a surplus for the clearance fee.
  for (const level of levels) {
    if (remaining === 0n || lp === null) break;
    if (level.qty === 0n) continue;
    if (long ? level.price < bookLimit : level.price > bookLimit) break;
    const amount = takeLevel(level, 'book', 'insurance fund: fill below bankruptcy');
    if (amount === 0n) break;
    closedNotional += amount * level.price;
    const over = long ? level.price - limit : limit - level.price;
    if (over > 0n) surplus += over * amount;
  }
  // Clearance fee from the surplus over bankruptcy (never more: the fee cannot bankrupt the account).
  const fee = divide(closedNotional * config.clearanceFeeRate, RATE_ONE, 'ceil');
  const take = capToSurplus(fee, surplus);
  if (take > 0n) {
    const stillOpen = account.positions.has(positionKey(symbol, positionSide));
    const from = unit.kind === 'isolated' && !stillOpen ? walletUnit(state, unit) : unitBalance(state, unit);
    const to = state.ledger.balanceOf(LedgerAccounts.insurance(fund.name), fund.asset);
    const paid = take < from.value ? take : from.value > 0n ? from.value : 0n;
    if (paid > 0n) {
      events.push(state.ledger.move(from, to, paid, 'clearance fee'));
      events.push({
        type: 'InsuranceFundChanged',
        fund: fund.name,
        base: to.value,
        reserve: state.ledger.balance(LedgerAccounts.insuranceReserve(fund.name), fund.asset),
      });
    }
  }

  // With a backstop vault, the book is the only step before the vault's takeover (no fund takeover, no ADL).
  if (backstopFor(config, account) !== null) return qty - remaining;

  // 2. Takeover: the fund guarantees the bankruptcy price for deeper levels, paying each one's shortfall.
  if (remaining > 0n && lp !== null && limit > 0n) {
    for (const level of levels) {
      if (remaining === 0n) break;
      if (level.qty === 0n || (long ? level.price >= limit : level.price <= limit)) continue;
      if (takeLevel(level, 'takeover', 'insurance takeover') === 0n) break;
    }
  }

  // 3. ADL at the bankruptcy price against the opposite side, ranked by the instrument's policy. dYdX
  // deleverages only a subaccount below zero collateral (its `CanDeleverageSubaccount`: TNC < 0); one at or
  // above zero waits for the next block's liquidation order.
  if (config.rules === 'dydx' && remaining > 0n && unitHealth(state, unit).equity >= 0n)
    return qty - remaining;
  if (remaining > 0n && limit > 0n)
    remaining -= autoDeleverage(state, instrument, config, position, remaining, limit, seed, account, fill);
  return qty - remaining;
}

/** The cross wallet of an isolated unit's account (where a fully closed leg's margin went). */
function walletUnit(state: EngineState, unit: MarginUnit): ReturnType<typeof unitBalance> {
  return unitBalance(state, { kind: 'cross', account: unit.account, asset: unitAsset(unit) });
}

function unitAsset(unit: MarginUnit): string {
  return unit.kind === 'cross' ? unit.asset : unit.instrument.spec.asset;
}

/**
 * The solvent legs on `side` (+1 long, −1 short) of `instrument`, as ADL candidates, and each one's leg. A leg
 * at or past its own bankruptcy is the waterfall's, not ADL's. Holders are read in set order: rankings and
 * allocations do not depend on the candidates' order (ties go by account id), so no sort of the book.
 */
function adlCandidates(
  state: EngineState,
  instrument: InstrumentState,
  side: bigint,
  exclude: AccountState | null,
): { candidates: AdlCandidate[]; legs: Map<string, ForcedParty> } {
  const mark = markOf(instrument);
  const liquidity = instrument.liquidation?.liquidityAccount;
  const candidates: AdlCandidate[] = [];
  const legs = new Map<string, ForcedParty>();
  for (const id of instrument.holders) {
    const account = state.accounts.get(id);
    if (account === undefined || account === exclude || id === liquidity) continue;
    for (const unit of unitsHolding(state, account, instrument)) {
      for (const p of unitPositions(state, unit)) {
        if (p.symbol !== instrument.spec.symbol || p.sign !== side) continue;
        const health = unitHealth(state, unit);
        if (health.equity <= 0n) continue;
        const pnl = positionPnl(p, mark);
        const own = health.equity - pnl;
        candidates.push({
          accountId: account.id,
          qty: p.qty,
          sign: p.sign,
          entryValue: p.entryValue,
          markValue: p.qty * mark,
          // qty × own bankruptcy price: the value at which the unit's equity reaches zero.
          bankruptcyValue: p.sign === 1n ? p.entryValue - own : p.entryValue + own,
          walletBalance: health.balance,
          unrealizedPnl: pnl,
          maintenanceMargin: divide(health.maintenanceRate, RATE_ONE, 'ceil'),
          accountValue: health.equity,
        });
        legs.set(account.id, { accountId: account.id, positionSide: p.positionSide });
      }
    }
  }
  return { candidates, legs };
}

/**
 * The five-light ADL indicator of every solvent position in `instrument` (by `accountId/positionSide`),
 * ranked per side by the instrument's ADL policy: 5 = first in the queue. Empty when the policy does not
 * rank (dYdX's seeded walk, pro-rata) or the instrument has no liquidation rules.
 */
export function adlQueueLights(state: EngineState, instrument: InstrumentState): Map<string, number> {
  const lights = new Map<string, number>();
  const config = instrument.liquidation;
  if (config === null || instrument.mark === null) return lights;
  const policy = ADL_POLICIES[config.adlPolicy];
  const moneyOne = pow10(state.assets.get(instrument.spec.asset)?.scale ?? 0);
  for (const side of [1n, -1n]) {
    const { candidates, legs } = adlCandidates(state, instrument, side, null);
    const scores: Rational[] = [];
    for (const c of candidates) {
      const score = policy.score(c, moneyOne);
      if (score === null) return new Map();
      scores.push(score);
    }
    adlLights(scores).forEach((light, i) => {
      const c = candidates[i];
      const leg = c === undefined ? undefined : legs.get(c.accountId);
      if (c !== undefined && leg !== undefined) lights.set(`${c.accountId}/${leg.positionSide}`, light);
    });
  }
  return lights;
}

/** Closes up to `qty` against opposite legs at `price`; returns what it closed. */
function autoDeleverage(
  state: EngineState,
  instrument: InstrumentState,
  config: LiquidationConfig,
  bankrupt: PositionState,
  qty: bigint,
  price: bigint,
  seed: bigint,
  bankruptAccount: AccountState,
  fill: (counterparty: ForcedParty, via: 'adl', amount: bigint, price: bigint) => void,
): bigint {
  const mark = markOf(instrument);
  const { candidates, legs } = adlCandidates(
    state,
    instrument,
    bankrupt.sign === 1n ? -1n : 1n,
    bankruptAccount,
  );
  const policy = ADL_POLICIES[config.adlPolicy];
  const allocation = allocateAdl(
    policy,
    {
      bankruptSign: bankrupt.sign,
      qty,
      bankruptcyPrice: Rational.fromInt(price),
      previousMark: Rational.fromInt(mark),
    },
    candidates,
    { moneyOne: pow10(state.assets.get(instrument.spec.asset)?.scale ?? 0), seed },
  );
  const closePrice = policy.closePrice === 'bankruptcy' ? price : mark;
  let closed = 0n;
  for (const f of allocation.fills) {
    const party = legs.get(f.accountId);
    assert(party !== undefined, 'ADL fill of a candidate');
    // Re-checked at execution: the leg may have shrunk since the candidates were read.
    const held = state.accounts
      .get(f.accountId)
      ?.positions.get(positionKey(instrument.spec.symbol, party.positionSide));
    const available = held !== undefined && held.sign !== bankrupt.sign ? held.qty : 0n;
    const amount = f.qty < available ? f.qty : available;
    if (amount === 0n) continue;
    fill(party, 'adl', amount, closePrice);
    closed += amount;
  }
  return closed;
}

/**
 * A flat cross unit left below zero: the insurance fund covers what it can; the rest stays as the account's
 * negative balance (flagged: the solvency gate blocks its withdrawals) and is reported as bad debt. (A flat
 * isolated leg's loss beyond its margin was booked to the venue's bad-debt account when it closed.)
 */
function coverDeficit(
  state: EngineState,
  unit: MarginUnit,
  fund: InsuranceFundState,
  events: EngineEvent[],
): void {
  if (unit.kind !== 'cross' || unitPositions(state, unit).length > 0) return;
  const balance = unitBalance(state, unit);
  if (balance.value >= 0n) return;
  const deficit = -balance.value;
  const available = fundAvailable(state, fund);
  const pay = available < deficit ? available : deficit;
  if (pay > 0n) payFromFund(state, fund, balance, pay, 'bad debt cover', events);
  if (deficit > pay) {
    events.push({
      type: 'BadDebt',
      accountId: unit.account.id,
      symbol: '',
      positionSide: unitName(unit),
      amount: deficit - pay,
    });
  }
}
