import { MAX_TIERS } from '../market/index.js';
import { assert, divide, Rational } from '../numbers/index.js';

/**
 * How much of a position one liquidation step sends to the book (RULEBOOK.md §4, layer 2). Only the size:
 * whether the book fills it, and at what price, is the execution's business. Quantities are integer qty
 * units of the instrument; values (notionals, thresholds, tier floors, block limits) are exact amounts of the
 * instrument's value unit (quote for linear contracts), all measured at the price the venue sizes by (mark,
 * or dYdX's oracle) through `unitValue`.
 */

/** Longest cooldown a rule may set, ms (a day; Hyperliquid's is 30 s). */
export const MAX_COOLDOWN_MS = 86_400_000;

export type PartialLiquidationRule =
  /** Binance: one IOC order for the whole position (the book may fill only part of it). */
  | { readonly kind: 'whole' }
  /**
   * Hyperliquid: a position worth more than `thresholdValue` goes `fraction` at a time; within `cooldownMs`
   * after a partial liquidation, the whole position goes (Hyperliquid's liquidation docs: during the cooldown
   * every market liquidation order is for the entire position), and once it has passed, slices resume.
   */
  | {
      readonly kind: 'slices';
      readonly thresholdValue: Rational;
      readonly fraction: Rational;
      readonly cooldownMs: number;
    }
  /**
   * OKX, BitMEX: step down one tier at a time, to just below the floor of the position's current tier; in
   * the lowest tier, close all. `tierFloorsValue` ascend strictly (the instrument's tier floors).
   */
  | { readonly kind: 'tierStep'; readonly tierFloorsValue: readonly Rational[] }
  /** dYdX: at most `blockLimitValue` of notional per subaccount per block. */
  | { readonly kind: 'blockLimit'; readonly blockLimitValue: Rational };

/** Binance: the whole position in one IOC order. */
export const BINANCE_PARTIAL_LIQUIDATION: PartialLiquidationRule = { kind: 'whole' };

/** Hyperliquid: 20 % of a position above 100,000 USDC; the whole position for 30 s after a partial. */
export const HYPERLIQUID_PARTIAL_LIQUIDATION: PartialLiquidationRule = {
  kind: 'slices',
  thresholdValue: Rational.fromInt(100_000n),
  fraction: Rational.of(1n, 5n),
  cooldownMs: 30_000,
};

/** The position being liquidated, as the sizing needs it. */
export interface LiquidatedPosition {
  /** Open size, qty units (positive; the direction does not matter here). */
  readonly qty: bigint;
  /** Value of one qty unit at the sizing price, value units (positive). */
  readonly unitValue: Rational;
  /** Lot, qty units (positive): a partial close is a whole number of lots. */
  readonly lotQty: bigint;
}

/** State the rules read; the engine passes it in (there is no clock here). */
export interface LiquidationStepContext {
  /** Now, ms since the epoch. */
  readonly nowMs: number;
  /**
   * When the last partial liquidation happened, ms since the epoch, or null when none did (`slices`).
   * Hyperliquid counts a partial liquidation of any of the user's positions.
   */
  readonly lastPartialMs: number | null;
  /** Notional already liquidated from this subaccount in the current block, value units (`blockLimit`). */
  readonly blockLiquidatedValue: Rational;
}

/** Why a step closes what it closes. */
export type LiquidationStepReason =
  | 'whole'
  | 'at_or_below_threshold'
  | 'in_cooldown'
  | 'slice'
  | 'lowest_tier'
  | 'tier_step'
  | 'fits_block_limit'
  | 'block_limit'
  | 'block_limit_reached';

/** One step: the qty to close (qty units, 0 only when the block limit is used up) and why. */
export interface LiquidationStep {
  readonly qty: bigint;
  readonly reason: LiquidationStepReason;
}

function isTimeMs(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** `qty` rounded up to whole lots, at most `cap`. */
function ceilToLot(qty: bigint, lotQty: bigint, cap: bigint): bigint {
  const rounded = divide(qty, lotQty, 'ceil') * lotQty;
  return rounded < cap ? rounded : cap;
}

/** Qty units of a value, rounded as named. */
function unitsOf(value: Rational, unitValue: Rational, rounding: 'floor' | 'ceil'): bigint {
  const units = value.div(unitValue);
  return divide(units.num, units.den, rounding);
}

function sliceStep(
  rule: Extract<PartialLiquidationRule, { kind: 'slices' }>,
  position: LiquidatedPosition,
  context: LiquidationStepContext,
): LiquidationStep {
  const { thresholdValue, fraction, cooldownMs } = rule;
  assert(thresholdValue.sign() >= 0, 'slices: threshold must not be negative');
  assert(fraction.sign() > 0 && fraction.lte(Rational.ONE), 'slices: fraction must be in (0, 1]');
  assert(isTimeMs(cooldownMs) && cooldownMs <= MAX_COOLDOWN_MS, 'slices: cooldown out of range');
  const { nowMs, lastPartialMs } = context;
  if (position.unitValue.mulInt(position.qty).lte(thresholdValue))
    return { qty: position.qty, reason: 'at_or_below_threshold' };
  if (lastPartialMs !== null && nowMs - lastPartialMs < cooldownMs)
    return { qty: position.qty, reason: 'in_cooldown' };
  // Rounded up to the lot: toward solvency. The slice only limits the order's impact on the book, which one
  // lot more does not defeat.
  const slice = fraction.mulInt(position.qty);
  const qty = ceilToLot(divide(slice.num, slice.den, 'ceil'), position.lotQty, position.qty);
  return { qty, reason: 'slice' };
}

function tierStep(floors: readonly Rational[], position: LiquidatedPosition): LiquidationStep {
  assert(floors.length > 0 && floors.length <= MAX_TIERS, 'tierStep: 1 to MAX_TIERS floors');
  assert(floors[0] !== undefined && floors[0].sign() >= 0, 'tierStep: floors must not be negative');
  for (let i = 1; i < floors.length; i++) {
    const below = floors[i - 1];
    const floor = floors[i];
    assert(below !== undefined && floor?.gt(below) === true, 'tierStep: floors must ascend strictly');
  }
  const notional = position.unitValue.mulInt(position.qty);
  // The current tier is the last whose floor is at or below the notional (floors inclusive, as in
  // `tierForNotional`); a notional below every floor counts as the lowest tier.
  let current = 0;
  for (const [i, floor] of floors.entries()) if (notional.gte(floor)) current = i;
  const floor = floors[current];
  if (current === 0 || floor === undefined) return { qty: position.qty, reason: 'lowest_tier' };
  // Keep the most qty whose value is strictly below the current floor (a value at the floor is still in this
  // tier), and close the rest rounded up to the lot: against the liquidated account, closing at least enough.
  const keptMax = unitsOf(floor, position.unitValue, 'ceil') - 1n;
  const qty = ceilToLot(position.qty - keptMax, position.lotQty, position.qty);
  return { qty, reason: 'tier_step' };
}

function blockLimitStep(
  blockLimitValue: Rational,
  position: LiquidatedPosition,
  context: LiquidationStepContext,
): LiquidationStep {
  assert(blockLimitValue.sign() > 0, 'blockLimit: the limit must be positive');
  const used = context.blockLiquidatedValue;
  assert(used.sign() >= 0 && used.lte(blockLimitValue), 'blockLimit: already beyond the block limit');
  const remaining = blockLimitValue.sub(used);
  if (position.unitValue.mulInt(position.qty).lte(remaining))
    return { qty: position.qty, reason: 'fits_block_limit' };
  // Rounded down to whole lots: the block limit must never be exceeded.
  const lots = divide(unitsOf(remaining, position.unitValue, 'floor'), position.lotQty, 'floor');
  const qty = lots * position.lotQty;
  return { qty, reason: qty === 0n ? 'block_limit_reached' : 'block_limit' };
}

/** The qty one liquidation step closes (qty units, at most the position) under `rule`, and why. */
export function liquidationStepQty(
  rule: PartialLiquidationRule,
  position: LiquidatedPosition,
  context: LiquidationStepContext,
): LiquidationStep {
  assert(position.qty > 0n, 'liquidated position: qty must be positive');
  assert(position.lotQty > 0n, 'liquidated position: lot must be positive');
  assert(position.unitValue.sign() > 0, 'liquidated position: unit value must be positive');
  assert(isTimeMs(context.nowMs), 'context: now out of range');
  assert(
    context.lastPartialMs === null ||
      (isTimeMs(context.lastPartialMs) && context.lastPartialMs <= context.nowMs),
    'context: last partial liquidation must be a time not after now',
  );
  switch (rule.kind) {
    case 'whole':
      return { qty: position.qty, reason: 'whole' };
    case 'slices':
      return sliceStep(rule, position, context);
    case 'tierStep':
      return tierStep(rule.tierFloorsValue, position);
    case 'blockLimit':
      return blockLimitStep(rule.blockLimitValue, position, context);
  }
}
