import { assert, divide, pow10 } from '../../numbers/index.js';
import { FIXED_DIGITS, FIXED_ONE, type Fixed } from './fixed.js';
import { GUARD_DIGITS, LN2_GUARD, lnGuard, sqrtRatioHalfEven } from './fixedMath.js';

/**
 * Series functions over the logged daily price history. All are per day (not annualised) and read only the
 * most recent visible bars: at most MAX_SERIES_BARS of them, so one evaluation costs O(window) operations.
 *
 * - `stdev(window)`: sample standard deviation (n − 1) of the last `window` log returns, from exact sums.
 * - `ewmaVol(lambda)`: RiskMetrics EWMA, σ²_t = λ σ²_{t−1} + (1 − λ) r²_t, over the last
 *   VOL_LOOKBACK_RETURNS returns; seeded with the sample variance of the first EWMA_SEED_RETURNS of them, then
 *   updated with each later return; the result is σ_t after the latest return (the forecast for the next day).
 * - `garchVol()` / `garchVol(alpha, beta)`: GARCH(1,1) with variance targeting, no estimation:
 *   ω = (1 − α − β) · V with V the sample variance of the last VOL_LOOKBACK_RETURNS returns, σ²_1 = V,
 *   σ²_{t+1} = ω + α r²_t + β σ²_t through the lookback; returns the one-day-ahead σ_{n+1}. Defaults
 *   α = 0.1, β = 0.85.
 * - `parkinsonVol(window)`: sqrt(Σ ln(H/L)² / (4 ln 2 · n)) over the last `window` bars.
 * - `quantile(window, q)`: the q-quantile of the last `window` log returns, linear interpolation between order
 *   statistics (Hyndman–Fan type 7, as R's default and numpy's 'linear'): h = (n − 1) q,
 *   x_(⌊h⌋) + (h − ⌊h⌋)(x_(⌊h⌋+1) − x_(⌊h⌋)).
 *
 * Variances are carried at 36 decimal digits (a squared Fixed return is exact there); each step rounds
 * half-even, and the final square root rounds half-even to 18 digits.
 */
export const MAX_SERIES_BARS = 1000;
/** Largest window of stdev, quantile and parkinsonVol (stdev and quantile read window + 1 bars). */
export const MAX_SERIES_WINDOW = MAX_SERIES_BARS - 1;
/** Smallest window: a sample variance needs two returns. */
export const MIN_SERIES_WINDOW = 2;
/** Returns read by ewmaVol and garchVol: one year of daily returns. */
export const VOL_LOOKBACK_RETURNS = 365;
/** Returns whose sample variance seeds the EWMA recursion. */
export const EWMA_SEED_RETURNS = 20;
/** garchVol() defaults, documented rather than estimated. */
export const GARCH_DEFAULT_ALPHA: Fixed = FIXED_ONE / 10n;
export const GARCH_DEFAULT_BETA: Fixed = (85n * FIXED_ONE) / 100n;

/** One price bar of the logged price history (one per period, e.g. one UTC day), oldest first. */
export interface PriceBar {
  readonly close: Fixed;
  readonly high: Fixed;
  readonly low: Fixed;
}

/** Bars with their log returns computed once, so rolling evaluations are cheap. */
export interface PriceHistory {
  readonly bars: readonly PriceBar[];
  /** returns[i] = ln(close_{i+1} / close_i), a Fixed. */
  readonly returns: readonly Fixed[];
}

const GUARD = pow10(GUARD_DIGITS);
const GUARD_TO_FIXED = pow10(GUARD_DIGITS - FIXED_DIGITS);

/** Why bars cannot form a history: a close, high or low that is not positive, or high below low. */
export function checkPriceBars(bars: readonly PriceBar[]): string | null {
  for (const [i, bar] of bars.entries()) {
    if (bar.close <= 0n || bar.low <= 0n || bar.high < bar.low) {
      return `bar ${i}: close and low must be positive and high ≥ low`;
    }
  }
  return null;
}

/** Computes the log returns of the closes once; bars must pass checkPriceBars (a caller bug otherwise). */
export function priceHistory(bars: readonly PriceBar[]): PriceHistory {
  const problem = checkPriceBars(bars);
  assert(problem === null, `priceHistory: ${problem ?? ''}`);
  const returns: Fixed[] = [];
  for (let i = 1; i < bars.length; i++) {
    const previous = bars[i - 1];
    const current = bars[i];
    assert(previous !== undefined && current !== undefined, 'bar index');
    returns.push(logRatio(current.close, previous.close));
  }
  return { bars, returns };
}

/** ln(a / b) for a, b > 0, as a Fixed (ratio and logarithm at the guard scale, one final rounding). */
function logRatio(a: Fixed, b: Fixed): Fixed {
  return divide(lnGuard(divide(a * GUARD, b, 'halfEven')), GUARD_TO_FIXED, 'halfEven');
}

export type SeriesResult =
  | { readonly ok: true; readonly value: Fixed }
  | {
      readonly ok: false;
      readonly code: 'insufficient_history' | 'invalid_history';
      readonly message: string;
    };

/** A window of the visible history: the first `visibleBars` bars. */
export interface SeriesView {
  readonly history: PriceHistory;
  readonly visibleBars: number;
}

function insufficient(needBars: number, view: SeriesView): SeriesResult {
  return {
    ok: false,
    code: 'insufficient_history',
    message: `needs ${needBars} price bars, ${view.visibleBars} are visible`,
  };
}

/** The last `count` visible returns, or null if fewer are visible. */
function lastReturns(view: SeriesView, count: number): readonly Fixed[] | null {
  const visibleReturns = Math.max(0, view.visibleBars - 1);
  if (visibleReturns < count) return null;
  return view.history.returns.slice(visibleReturns - count, visibleReturns);
}

/** Sample variance (n − 1) of Fixed values as an exact fraction at 36 digits: [numerator, denominator]. */
function sampleVarianceRatio(values: readonly Fixed[]): [bigint, bigint] {
  const n = BigInt(values.length);
  assert(n >= 2n, 'sample variance needs two values');
  let sum = 0n;
  let sumSquares = 0n;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
  }
  return [n * sumSquares - sum * sum, n * (n - 1n)];
}

/** Bars read by stdev(window) and quantile(window, q). */
export function returnWindowBars(window: number): number {
  return window + 1;
}

/** Bars read by ewmaVol and garchVol. */
export const VOL_LOOKBACK_BARS = VOL_LOOKBACK_RETURNS + 1;

/** stdev(window): sample standard deviation of the last `window` log returns (window already validated). */
export function stdevSeries(view: SeriesView, window: number): SeriesResult {
  const returns = lastReturns(view, window);
  if (returns === null) return insufficient(returnWindowBars(window), view);
  const [num, den] = sampleVarianceRatio(returns);
  return { ok: true, value: sqrtRatioHalfEven(num, den) };
}

/** ewmaVol(lambda), 0 < lambda < 1 already validated. */
export function ewmaVolSeries(view: SeriesView, lambda: Fixed): SeriesResult {
  const returns = lastReturns(view, VOL_LOOKBACK_RETURNS);
  if (returns === null) return insufficient(VOL_LOOKBACK_BARS, view);
  const [num, den] = sampleVarianceRatio(returns.slice(0, EWMA_SEED_RETURNS));
  let variance = divide(num, den, 'halfEven'); // at 36 digits
  for (const r of returns.slice(EWMA_SEED_RETURNS)) {
    variance = divide(lambda * variance + (FIXED_ONE - lambda) * r * r, FIXED_ONE, 'halfEven');
  }
  return { ok: true, value: sqrtRatioHalfEven(variance, 1n) };
}

/** garchVol(alpha, beta), alpha, beta ≥ 0 and alpha + beta < 1 already validated. */
export function garchVolSeries(view: SeriesView, alpha: Fixed, beta: Fixed): SeriesResult {
  const returns = lastReturns(view, VOL_LOOKBACK_RETURNS);
  if (returns === null) return insufficient(VOL_LOOKBACK_BARS, view);
  const [num, den] = sampleVarianceRatio(returns);
  const target = divide(num, den, 'halfEven'); // V at 36 digits
  const omega = divide((FIXED_ONE - alpha - beta) * target, FIXED_ONE, 'halfEven');
  let variance = target;
  for (const r of returns) {
    variance = omega + divide(alpha * r * r + beta * variance, FIXED_ONE, 'halfEven');
  }
  return { ok: true, value: sqrtRatioHalfEven(variance, 1n) };
}

/** parkinsonVol(window) over the last `window` visible bars. */
export function parkinsonVolSeries(view: SeriesView, window: number): SeriesResult {
  if (view.visibleBars < window) return insufficient(window, view);
  let sumSquares = 0n; // Σ ln(H/L)² at 72 digits, exact given each logarithm
  for (let i = view.visibleBars - window; i < view.visibleBars; i++) {
    const bar = view.history.bars[i];
    assert(bar !== undefined, 'bar index');
    if (bar.low <= 0n || bar.high < bar.low) {
      return { ok: false, code: 'invalid_history', message: `bar ${i}: needs 0 < low ≤ high` };
    }
    const u = lnGuard(divide(bar.high * GUARD, bar.low, 'halfEven'));
    sumSquares += u * u;
  }
  // σ = sqrt(Σu² / (4 ln2 n)): Σu² at 72 digits over (4 ln2 n) at 36 digits is the variance at 36 digits.
  return { ok: true, value: sqrtRatioHalfEven(sumSquares, 4n * LN2_GUARD * BigInt(window)) };
}

/** quantile(window, q) of the last `window` log returns, type 7; 0 ≤ q ≤ 1 already validated. */
export function quantileSeries(view: SeriesView, window: number, q: Fixed): SeriesResult {
  const returns = lastReturns(view, window);
  if (returns === null) return insufficient(returnWindowBars(window), view);
  const sorted = [...returns].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const h = BigInt(window - 1) * q; // position × 10^18
  const lowIndex = Number(h / FIXED_ONE);
  const fraction = h % FIXED_ONE;
  const low = sorted[lowIndex];
  assert(low !== undefined, 'quantile index');
  const high = sorted[lowIndex + 1];
  if (fraction === 0n || high === undefined) return { ok: true, value: low };
  return { ok: true, value: low + divide((high - low) * fraction, FIXED_ONE, 'halfEven') };
}
