import { assert, divide } from '../../numbers/index.js';
import { FIXED_ONE, type Fixed } from '../formula/index.js';

/** One day's margin rate: `index` is the bar the rate was computed on (from bars 0..index only). */
export interface RatePoint {
  readonly index: number;
  readonly rate: Fixed;
}

/** A figure and the bar it happened on. */
export interface AtBar {
  readonly index: number;
  readonly value: Fixed;
}

/** How much a rate series swings: large, sudden increases force deleveraging in a stress (procyclicality). */
export interface Procyclicality {
  readonly min: AtBar;
  readonly max: AtBar;
  /** max − min (a fraction). */
  readonly range: Fixed;
  /** max / min rounded half-even; null when the minimum is zero. */
  readonly peakToTroughRatio: Fixed | null;
  /** Largest r_t − r_{t−1} over consecutive bars that both have a rate; null when the rate never rises. */
  readonly largestIncreaseAbsolute: AtBar | null;
  /** Largest (r_t − r_{t−1}) / r_{t−1}, half-even; null when the rate never rises from a positive value. */
  readonly largestIncreaseRelative: AtBar | null;
}

/**
 * Procyclicality figures of a rate series ordered by bar index (fractions, exact except the two ratios).
 * Days without a rate break the series: an increase is only measured between consecutive bars.
 * Returns null for an empty series.
 */
export function procyclicality(points: readonly RatePoint[]): Procyclicality | null {
  const first = points[0];
  if (first === undefined) return null;
  let min: AtBar = { index: first.index, value: first.rate };
  let max: AtBar = min;
  let increaseAbsolute: AtBar | null = null;
  let increaseRelative: AtBar | null = null;
  let previous: RatePoint | null = null;
  for (const point of points) {
    assert(previous === null || point.index > previous.index, 'rate points must be in increasing bar order');
    // Ties keep the earliest bar, so the report names when a level was first reached.
    if (point.rate < min.value) min = { index: point.index, value: point.rate };
    if (point.rate > max.value) max = { index: point.index, value: point.rate };
    if (previous !== null && point.index === previous.index + 1 && point.rate > previous.rate) {
      const increase = point.rate - previous.rate;
      if (increaseAbsolute === null || increase > increaseAbsolute.value) {
        increaseAbsolute = { index: point.index, value: increase };
      }
      if (previous.rate > 0n) {
        const relative = divide(increase * FIXED_ONE, previous.rate, 'halfEven');
        if (increaseRelative === null || relative > increaseRelative.value) {
          increaseRelative = { index: point.index, value: relative };
        }
      }
    }
    previous = point;
  }
  return {
    min,
    max,
    range: max.value - min.value,
    peakToTroughRatio: min.value > 0n ? divide(max.value * FIXED_ONE, min.value, 'halfEven') : null,
    largestIncreaseAbsolute: increaseAbsolute,
    largestIncreaseRelative: increaseRelative,
  };
}
