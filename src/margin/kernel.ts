import type { Instrument } from '../market/index.js';
import { assert, err, ok, pow10, Rational, type Result } from '../numbers/index.js';
import type { Position } from './position.js';

/**
 * The per-tick fixed-point kernel. Linear instruments are compiled once to integers at aligned scales, so a
 * margin check is a handful of small-bigint operations with no division and no allocation besides the
 * bigints themselves (the Rational path costs ~20× more). Everything stays exact: scales are chosen so that
 * every input is an integer count of units, and a liquidation price comes out as an exact quotient.
 *
 * Units: prices in 10^−priceScale, exposure (qty × contract size) in 10^−exposureScale, values (notional, PnL,
 * balances) in 10^−valueScale where valueScale = exposureScale + priceScale, rates in 10^−rateScale.
 * Maintenance amounts are "value × rate" units (10^−(valueScale + rateScale)).
 *
 * The kernel covers one-way and isolated linear legs whose balance-minus-maintenance is continuous and
 * strictly monotone in price (cumulative tiers or entry basis, and mmr < 1 for longs): there the root is
 * unique and walking tiers toward it finds it. Everything else (hedge legs, whole-model steps at mark
 * basis, inverse contracts) goes to the general solver, which is also the kernel's reference model in tests.
 */
export interface KernelScales {
  readonly priceScale: number;
  readonly exposureScale: number;
  readonly valueScale: number;
  readonly rateScale: number;
}

export interface CompiledInstrument {
  readonly instrument: Instrument;
  readonly scales: KernelScales;
  /** 10^rateScale: a rate of 1. */
  readonly rateOne: bigint;
  /** Tier floors in value units, ascending. */
  readonly floors: readonly bigint[];
  readonly mmr: readonly bigint[];
  /** `cum` in value × rate units (zero in the whole model). */
  readonly cum: readonly bigint[];
  readonly markBasis: boolean;
  /** The liquidation walk is valid for longs (every mmr below 1) and shorts, and the model is continuous. */
  readonly solvableLong: boolean;
  readonly solvableShort: boolean;
}

function exactUnits(value: Rational, scale: number): bigint {
  const scaled = value.mulInt(pow10(scale));
  assert(scaled.isInteger(), `value ${value.format('trunc')} is not a multiple of 10^-${scale}`);
  return scaled.num / scaled.den;
}

function scaleNeeded(values: readonly Rational[]): number | null {
  let scale = 0;
  for (const value of values) {
    const s = value.terminatingScale();
    if (s === null) return null;
    scale = Math.max(scale, s);
  }
  return scale;
}

/** Why an instrument cannot be compiled at the requested scales. */
export type CompileError =
  'inverse_contract' | 'rate_not_representable' | 'value_not_representable' | 'scales_too_fine';

/**
 * Compiles one linear instrument at fixed value and rate scales (a venue fixes them per settlement asset so
 * that kernel values are ledger units). Every tier rate must be exact at `rateScale`, every floor and `cum` at
 * `valueScale` (and value + rate), and qty × contract size × price must fit `valueScale`.
 */
export function compileInstrument(
  instrument: Instrument,
  valueScale: number,
  rateScale: number,
): Result<CompiledInstrument, CompileError> {
  if (instrument.kind !== 'linear') return err('inverse_contract');
  const tiers = instrument.tiers.tiers;
  const rates = scaleNeeded(tiers.map((t) => t.mmr));
  if (rates === null || rates > rateScale) return err('rate_not_representable');
  const values = scaleNeeded(tiers.flatMap((t) => [t.floor, t.cum]));
  if (values === null || values > valueScale) return err('value_not_representable');
  const contract = scaleNeeded([instrument.contractSize]);
  if (contract === null) return err('value_not_representable');
  const exposureScale = instrument.scales.qty + contract;
  if (exposureScale + instrument.scales.price > valueScale) return err('scales_too_fine');
  const scales = { priceScale: valueScale - exposureScale, exposureScale, valueScale, rateScale };
  const rateOne = pow10(rateScale);
  const mmr = tiers.map((t) => exactUnits(t.mmr, rateScale));
  const cumulative = instrument.tiers.model === 'cumulative';
  const markBasis = instrument.maintenanceBasis === 'mark';
  const continuous = cumulative || !markBasis;
  return ok({
    instrument,
    scales,
    rateOne,
    floors: tiers.map((t) => exactUnits(t.floor, valueScale)),
    mmr,
    cum: tiers.map((t) => (cumulative ? exactUnits(t.cum, valueScale + rateScale) : 0n)),
    markBasis,
    solvableLong: continuous && mmr.every((m) => m < rateOne),
    solvableShort: continuous,
  });
}

/**
 * Compiles linear instruments to one shared set of scales, the finest any of them needs (so values of
 * different symbols add without rescaling). `moneyScale` is the finest scale of balances combined with them.
 * Returns null when an instrument is inverse or has a rate with no finite decimal expansion; such accounts
 * use the general path.
 */
export function compileInstruments(
  instruments: readonly Instrument[],
  moneyScale: number,
): Map<string, CompiledInstrument> | null {
  let rateScale = 0;
  let valueScale = moneyScale;
  for (const instrument of instruments) {
    const tiers = instrument.tiers.tiers;
    const rates = scaleNeeded(tiers.map((t) => t.mmr));
    const values = scaleNeeded(tiers.flatMap((t) => [t.floor, t.cum]));
    const contract = scaleNeeded([instrument.contractSize]);
    if (instrument.kind !== 'linear' || rates === null || values === null || contract === null) return null;
    rateScale = Math.max(rateScale, rates);
    valueScale = Math.max(valueScale, values, instrument.scales.qty + contract + instrument.scales.price);
  }
  const compiled = new Map<string, CompiledInstrument>();
  for (const instrument of instruments) {
    const result = compileInstrument(instrument, valueScale, rateScale);
    assert(result.ok, 'scales chosen to fit every instrument');
    compiled.set(instrument.symbol, result.value);
  }
  return compiled;
}

/** A position as integers of its compiled instrument. */
export interface KernelPosition {
  readonly compiled: CompiledInstrument;
  readonly sign: 1n | -1n;
  /** qty × contract size, exposure units. */
  readonly exposure: bigint;
  /** exposure × entry price, value units. */
  readonly entryValue: bigint;
  /** Entry basis only: the tier index fixed by the entry value. */
  readonly entryTier: number;
}

/** Index of the tier holding `notional` (value units), floors inclusive. */
export function tierIndex(floors: readonly bigint[], notional: bigint): number {
  let k = 0;
  while (k + 1 < floors.length && notional >= (floors[k + 1] ?? notional)) k++;
  return k;
}

export function kernelPosition(compiled: CompiledInstrument, position: Position): KernelPosition {
  assert(position.instrument.symbol === compiled.instrument.symbol, 'position of another instrument');
  const exposure = exactUnits(
    position.qty.mul(compiled.instrument.contractSize),
    compiled.scales.exposureScale,
  );
  const entryValue = exposure * exactUnits(position.entryPrice, compiled.scales.priceScale);
  return {
    compiled,
    sign: position.side === 'long' ? 1n : -1n,
    exposure,
    entryValue,
    entryTier: tierIndex(compiled.floors, entryValue),
  };
}

/** Converts a price to the instrument's kernel price units; the price must be exact at that scale. */
export function kernelPrice(compiled: CompiledInstrument, price: Rational): bigint {
  return exactUnits(price, compiled.scales.priceScale);
}

/** Maintenance margin at `priceUnits`, in value × rate units. */
export function kernelMaintenance(p: KernelPosition, priceUnits: bigint): bigint {
  return maintenanceOf(p.compiled, p.exposure, p.entryValue, priceUnits, p.entryTier);
}

/**
 * Maintenance margin of `exposure` units entered at `entryValue`, at `priceUnits`, in value × rate units
 * (the same formula for callers that keep their own position records).
 */
export function maintenanceOf(
  c: CompiledInstrument,
  exposure: bigint,
  entryValue: bigint,
  priceUnits: bigint,
  entryTier?: number,
): bigint {
  const notional = c.markBasis ? exposure * priceUnits : entryValue;
  const k = c.markBasis ? tierIndex(c.floors, notional) : (entryTier ?? tierIndex(c.floors, entryValue));
  return notional * (c.mmr[k] ?? 0n) - (c.cum[k] ?? 0n);
}

/** The tier (0-based) that applies to `exposure` at `priceUnits` (mark basis) or to its entry value. */
export function tierIndexOf(
  c: CompiledInstrument,
  exposure: bigint,
  entryValue: bigint,
  priceUnits: bigint,
): number {
  return tierIndex(c.floors, c.markBasis ? exposure * priceUnits : entryValue);
}

/** Unrealized PnL at `priceUnits`, in value units. */
export function kernelPnl(p: KernelPosition, priceUnits: bigint): bigint {
  const pnl = p.exposure * priceUnits - p.entryValue;
  return p.sign === 1n ? pnl : -pnl;
}

/**
 * Is the balance above maintenance? `balance` (value units) is the wallet of an isolated position or the
 * cross wallet; `positions` and `pricesUnits` are the legs it backs and their marks.
 */
export function kernelHealthy(
  balance: bigint,
  positions: readonly KernelPosition[],
  pricesUnits: readonly bigint[],
): boolean {
  let equity = balance;
  let maintenance = 0n;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    const price = pricesUnits[i];
    assert(p !== undefined && price !== undefined, 'a price per position');
    equity += kernelPnl(p, price);
    maintenance += kernelMaintenance(p, price);
  }
  return equity * (positions[0]?.compiled.rateOne ?? 1n) > maintenance;
}

/** An exact price as a quotient of integers: `num / den` price units (den > 0). */
export interface KernelQuotient {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * The liquidation price of one leg backed by `constant` (value units: isolated wallet, or cross wallet plus
 * the other positions' PnL minus their maintenance, scaled by 10^rateScale — pass `constantRate` in value ×
 * rate units). Returns undefined when the kernel's walk does not apply (use the general solver), null when
 * no positive price exists.
 */
export function kernelLiquidationPrice(
  p: KernelPosition,
  constantRate: bigint,
  markUnits: bigint,
): KernelQuotient | null | undefined {
  const c = p.compiled;
  if (p.sign === 1n ? !c.solvableLong : !c.solvableShort) return undefined;
  const one = c.rateOne;
  // f(P) = constant + s·(e·P − V)·one − MM(P) = A + B·P with MM(P) = e·P·mmr − cum in the leg's tier.
  const base = constantRate - p.sign * p.entryValue * one;
  let k = c.markBasis ? tierIndex(c.floors, p.exposure * markUnits) : p.entryTier;
  for (let step = 0; step <= c.floors.length; step++) {
    const mmr = c.mmr[k] ?? 0n;
    const cum = c.cum[k] ?? 0n;
    let a: bigint;
    let b: bigint;
    if (c.markBasis) {
      a = base + cum;
      b = p.exposure * (p.sign * one - mmr);
    } else {
      a = base - (p.entryValue * mmr - cum);
      b = p.exposure * p.sign * one;
    }
    if (b === 0n) return null;
    let num = -a;
    let den = b;
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    if (!c.markBasis) return num > 0n ? { num, den } : null;
    // The tier must be the one at the root: floor_k ≤ e·num/den < floor_(k+1). A root at or below zero
    // lies below every positive floor, so it only means "no price" in the first tier.
    if (num <= 0n && k === 0) return null;
    const scaledNotional = p.exposure * num;
    const next = c.floors[k + 1];
    if (num <= 0n || scaledNotional < (c.floors[k] ?? 0n) * den) k--;
    else if (next !== undefined && scaledNotional >= next * den) k++;
    else return { num, den };
  }
  assert(false, 'kernel liquidation walk did not settle');
}

/** The bankruptcy price of one leg backed by `constant` (value units); null when no positive price exists. */
export function kernelBankruptcyPrice(p: KernelPosition, constant: bigint): KernelQuotient | null {
  // constant + s·(e·P − V) = 0  →  P = (s·V − constant) / (s·e)
  let num = p.sign * p.entryValue - constant;
  let den = p.sign * p.exposure;
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  return num > 0n ? { num, den } : null;
}

/** A kernel quotient as an exact price. */
export function quotientToPrice(compiled: CompiledInstrument, q: KernelQuotient): Rational {
  return Rational.of(q.num, q.den * pow10(compiled.scales.priceScale));
}
