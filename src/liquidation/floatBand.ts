import { assert } from '../numbers/index.js';

/**
 * Largest operand accepted by `bigintRatioToFloat`, in bits: |num| and den stay below 2^1000, so their
 * float64 values and every quotient of them (between 2^−1000 and 2^1000 in magnitude) are normal and finite,
 * which the error proof needs. A price or quantity of 40 decimal digits takes 133 bits.
 */
export const MAX_RATIO_OPERAND_BITS = 1000;

const OPERAND_LIMIT = 1n << BigInt(MAX_RATIO_OPERAND_BITS);

/** How many floats `bigintRatioToFloat` steps outward from the rounded quotient; the proof needs > 3.0002. */
const BAND_STEPS = 4;

/** Scratch for reading and writing a float64's bits as two big-endian 32-bit words (no allocation). */
const scratch = new DataView(new ArrayBuffer(8));

/**
 * The least float64 greater than `x` (IEEE 754 nextUp): both zeros go to the least subnormal, −MIN_VALUE to
 * −0, MAX_VALUE to +Infinity, +Infinity stays and −Infinity goes to −MAX_VALUE. NaN is a bug (asserted).
 */
export function nextUp(x: number): number {
  assert(!Number.isNaN(x), 'nextUp of NaN');
  if (x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  // Sign-magnitude: one bit-pattern step up grows a positive float's magnitude to its successor, and one
  // step down shrinks a negative float's magnitude. Positive steps never leave the sign bit's range (MAX_VALUE
  // + 1 is +Infinity's pattern), and negative ones stop at −0 because −MIN_VALUE's low word is 1.
  scratch.setFloat64(0, x);
  let high = scratch.getUint32(0);
  let low = scratch.getUint32(4);
  if (x > 0) {
    low = (low + 1) >>> 0;
    if (low === 0) high += 1;
  } else {
    if (low === 0) high -= 1;
    low = (low - 1) >>> 0;
  }
  scratch.setUint32(0, high);
  scratch.setUint32(4, low);
  return scratch.getFloat64(0);
}

/** The greatest float64 less than `x` (IEEE 754 nextDown, the mirror image of `nextUp`). */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/**
 * A float64 guaranteed ≥ (`'up'`) or ≤ (`'down'`) the exact rational num / den, and within 8 floats of it:
 * the conservative screening key for an exact bigint quantity (a trigger price: price units / 10^scale).
 * |num| and |den| must be below 2^MAX_RATIO_OPERAND_BITS and den nonzero (asserted); num = 0 gives exactly 0.
 *
 * Proof. Write q = num / den (take den > 0; the signs are normalised first) and u = 2^−53. `Number(bigint)`
 * rounds to nearest, and a nonzero integer below 2^1000 lands in the normal range, so n' = num(1 + a) and
 * d' = den(1 + b) with |a|, |b| ≤ u. Their quotient lies between 2^−1000 and 2^1000 in magnitude, still
 * normal, and float division rounds to nearest, so q' = (n' / d')(1 + c) with |c| ≤ u. Hence
 * q' / q = (1 + a)(1 + c) / (1 + b), between (1 − u)² / (1 + u) > 1 − 3u and (1 + u)² / (1 − u) < 1 + 3.0001u,
 * so |q' − q| < 3.0001u·|q|, and since |q| < |q'| / (1 − 3.0001u) also |q' − q| < 3.0002u·m, where
 * m = min(|q|, |q'|). Let 2^e ≤ m < 2^(e+1): then u·m < 2^(e−52), the gap between consecutive floats of
 * magnitude ≥ 2^e, so |q' − q| is under 3.0002 such gaps. Step from q' toward q one float at a time: while no
 * step has passed q, every float reached has magnitude ≥ m ≥ 2^e, so each step moves by at least 2^(e−52),
 * and 4 steps move by more than |q' − q|. So 4 steps up from q' reach a float ≥ q (if q' ≥ q already, stepping
 * up only adds), and 4 steps down reach one ≤ q. The result stays finite: |q'| ≤ 2^1000. Stepping back from
 * the result, 4 steps return to q' and, by the same argument, 4 more reach q or pass it: hence "within 8".
 */
export function bigintRatioToFloat(num: bigint, den: bigint, direction: 'up' | 'down'): number {
  assert(den !== 0n, 'bigintRatioToFloat with a zero denominator');
  const numerator = den < 0n ? -num : num;
  const denominator = den < 0n ? -den : den;
  assert(
    denominator < OPERAND_LIMIT && numerator < OPERAND_LIMIT && -numerator < OPERAND_LIMIT,
    `bigintRatioToFloat operands need fewer than ${MAX_RATIO_OPERAND_BITS} bits`,
  );
  if (numerator === 0n) return 0;
  return stepFloats(Number(numerator) / Number(denominator), direction === 'up' ? BAND_STEPS : -BAND_STEPS);
}

/**
 * `x` moved `steps` floats up (steps > 0) or down (< 0): the same as |steps| calls of `nextUp` / `nextDown`, in
 * one addition on the bit pattern. Only for finite x with 2^−1000 ≤ |x| ≤ 2^1000 and |steps| ≤ 2^20 (asserted),
 * where no step reaches zero, a subnormal or infinity: sign-magnitude, so moving up adds to a positive float's
 * pattern and subtracts from a negative one's, carrying between the two 32-bit words.
 */
export function stepFloats(x: number, steps: number): number {
  const magnitude = x < 0 ? -x : x;
  assert(
    magnitude >= 2 ** -1000 &&
      magnitude <= 2 ** 1000 &&
      Number.isInteger(steps) &&
      Math.abs(steps) <= 2 ** 20,
    'stepFloats within its range',
  );
  scratch.setFloat64(0, x);
  let high = scratch.getUint32(0);
  let low = scratch.getUint32(4) + (x > 0 ? steps : -steps);
  if (low > 0xffff_ffff) {
    low -= 2 ** 32;
    high += 1;
  } else if (low < 0) {
    low += 2 ** 32;
    high -= 1;
  }
  scratch.setUint32(0, high);
  scratch.setUint32(4, low);
  return scratch.getFloat64(0);
}
