import { divide } from '../../numbers/index.js';
import { FIXED_MAX, FIXED_ONE, type Fixed } from './fixed.js';
import type { MathResult } from './fixedMath.js';
import type { FixedRange } from './inputs.js';

/**
 * Interval analysis over Fixed values: a closed range [min, max] (raw units) that contains every value a node
 * can produce in an evaluation that succeeds. Values are discrete (multiples of 10^-18) and every successful
 * value has |x| < 10^30, so intervals are always finite; products and quotients round outward, because the
 * run-time half-even rounding can move a value to the neighbouring multiple (e.g. ltv·ltv can round to 0).
 */
export type Interval = FixedRange;

function clampRaw(x: bigint): bigint {
  return x > FIXED_MAX ? FIXED_MAX : x < -FIXED_MAX ? -FIXED_MAX : x;
}

export function interval(min: bigint, max: bigint): Interval {
  return { min: clampRaw(min), max: clampRaw(max) };
}

export function point(value: Fixed): Interval {
  return interval(value, value);
}

export function containsZero(a: Interval): boolean {
  return a.min <= 0n && a.max >= 0n;
}

function minOf(values: readonly bigint[]): bigint {
  return values.reduce((m, v) => (v < m ? v : m));
}

function maxOf(values: readonly bigint[]): bigint {
  return values.reduce((m, v) => (v > m ? v : m));
}

export function addInterval(a: Interval, b: Interval): Interval {
  return interval(a.min + b.min, a.max + b.max);
}

export function subtractInterval(a: Interval, b: Interval): Interval {
  return interval(a.min - b.max, a.max - b.min);
}

export function negateInterval(a: Interval): Interval {
  return interval(-a.max, -a.min);
}

/** a × b, corners rounded outward (half-even rounding is monotone, so it stays inside). */
export function multiplyInterval(a: Interval, b: Interval): Interval {
  const corners = [a.min * b.min, a.min * b.max, a.max * b.min, a.max * b.max];
  return interval(divide(minOf(corners), FIXED_ONE, 'floor'), divide(maxOf(corners), FIXED_ONE, 'ceil'));
}

/** a / b for a divisor interval that excludes zero. */
export function divideInterval(a: Interval, b: Interval): Interval {
  const corners = [a.min, a.max].flatMap((x) => [b.min, b.max].map((y) => ({ num: x * FIXED_ONE, den: y })));
  return interval(
    minOf(corners.map((c) => divide(c.num, c.den, 'floor'))),
    maxOf(corners.map((c) => divide(c.num, c.den, 'ceil'))),
  );
}

export function hullInterval(intervals: readonly Interval[]): Interval {
  return interval(minOf(intervals.map((i) => i.min)), maxOf(intervals.map((i) => i.max)));
}

export function minInterval(intervals: readonly Interval[]): Interval {
  return interval(minOf(intervals.map((i) => i.min)), minOf(intervals.map((i) => i.max)));
}

export function maxInterval(intervals: readonly Interval[]): Interval {
  return interval(maxOf(intervals.map((i) => i.min)), maxOf(intervals.map((i) => i.max)));
}

export function absInterval(a: Interval): Interval {
  if (a.min >= 0n) return a;
  if (a.max <= 0n) return negateInterval(a);
  return interval(0n, -a.min > a.max ? -a.min : a.max);
}

/** A failed evaluation at a bound: an overflow means the value runs off that end of the range. */
function boundValue(result: MathResult, overflow: bigint, fallback: bigint): bigint {
  if (typeof result === 'bigint') return result;
  return result === 'overflow' ? overflow : fallback;
}

/**
 * The image of [a.min, a.max] ∩ domain under a non-decreasing function, widened by `slack` units on each side
 * (the computed function is monotone only up to its own error). Empty domain: the full range.
 */
export function increasingImage(
  a: Interval,
  domain: Interval,
  fn: (x: Fixed) => MathResult,
  slack: bigint,
): Interval {
  const lo = a.min > domain.min ? a.min : domain.min;
  const hi = a.max < domain.max ? a.max : domain.max;
  if (lo > hi) return interval(-FIXED_MAX, FIXED_MAX);
  return interval(
    boundValue(fn(lo), FIXED_MAX, -FIXED_MAX) - slack,
    boundValue(fn(hi), FIXED_MAX, FIXED_MAX) + slack,
  );
}

/** Intervals of comparisons: 0 or 1. */
export const BOOLEAN_INTERVAL: Interval = { min: 0n, max: FIXED_ONE };
/** Non-negative values (volatilities). */
export const NON_NEGATIVE_INTERVAL: Interval = { min: 0n, max: FIXED_MAX };
export const FULL_INTERVAL: Interval = { min: -FIXED_MAX, max: FIXED_MAX };
