import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError } from '../../src/numbers/index.js';
import {
  bigintRatioToFloat,
  MAX_RATIO_OPERAND_BITS,
  nextDown,
  nextUp,
  stepFloats,
} from '../../src/liquidation/floatBand.js';

const bits = new DataView(new ArrayBuffer(8));

/** A finite float64 as the exact dyadic mantissa × 2^exponent. */
function dyadicOf(x: number): { mantissa: bigint; exponent: bigint } {
  assert.ok(Number.isFinite(x));
  bits.setFloat64(0, x);
  const pattern = bits.getBigUint64(0);
  const biased = (pattern >> 52n) & 0x7ffn;
  const fraction = pattern & ((1n << 52n) - 1n);
  const magnitude = biased === 0n ? fraction : fraction | (1n << 52n);
  return {
    mantissa: pattern >> 63n === 1n ? -magnitude : magnitude,
    exponent: (biased === 0n ? 1n : biased) - 1075n,
  };
}

/** The sign of x − num / den, computed exactly (x finite, den nonzero). */
function compareToRatio(x: number, num: bigint, den: bigint): -1 | 0 | 1 {
  const n = den < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const { mantissa, exponent } = dyadicOf(x);
  const left = exponent >= 0n ? (mantissa * d) << exponent : mantissa * d;
  const right = exponent >= 0n ? n : n << -exponent;
  return left > right ? 1 : left < right ? -1 : 0;
}

/** A float64's rank in the order of all floats (both zeros rank 0): the reference for nextUp / nextDown. */
function rankOf(x: number): bigint {
  bits.setFloat64(0, Math.abs(x));
  const magnitude = bits.getBigUint64(0);
  return x < 0 ? -magnitude : magnitude;
}

function floatOfRank(rank: bigint): number {
  bits.setBigUint64(0, rank < 0n ? -rank : rank);
  const magnitude = bits.getFloat64(0);
  return rank < 0n ? -magnitude : magnitude;
}

function repeat(step: (x: number) => number, x: number, times: number): number {
  let result = x;
  for (let i = 0; i < times; i++) result = step(result);
  return result;
}

const MIN_NORMAL = 2 ** -1022;

describe('nextUp / nextDown', () => {
  test('known neighbours, including zeros, subnormals and infinities', () => {
    assert.equal(nextUp(1), 1 + Number.EPSILON);
    assert.equal(nextDown(1), 1 - Number.EPSILON / 2);
    assert.equal(nextUp(-1), -1 + Number.EPSILON / 2);
    assert.equal(nextDown(-1), -1 - Number.EPSILON);
    assert.equal(nextUp(0), Number.MIN_VALUE);
    assert.equal(nextUp(-0), Number.MIN_VALUE);
    assert.equal(nextDown(0), -Number.MIN_VALUE);
    assert.equal(nextDown(-0), -Number.MIN_VALUE);
    assert.equal(nextUp(-Number.MIN_VALUE), -0);
    assert.equal(nextDown(Number.MIN_VALUE), 0);
    assert.equal(nextUp(MIN_NORMAL - Number.MIN_VALUE), MIN_NORMAL);
    assert.equal(nextDown(MIN_NORMAL), MIN_NORMAL - Number.MIN_VALUE);
    assert.equal(nextUp(Number.MAX_VALUE), Infinity);
    assert.equal(nextUp(Infinity), Infinity);
    assert.equal(nextUp(-Infinity), -Number.MAX_VALUE);
    assert.equal(nextDown(-Number.MAX_VALUE), -Infinity);
    assert.equal(nextDown(-Infinity), -Infinity);
    assert.equal(nextDown(Infinity), Number.MAX_VALUE);
    assert.equal(nextUp(2 - Number.EPSILON), 2);
    assert.equal(nextDown(2), 2 - Number.EPSILON);
    assert.throws(() => nextUp(NaN), AssertionError);
    assert.throws(() => nextDown(NaN), AssertionError);
  });

  test('step exactly one float in the total order', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        if (x !== Infinity) assert.equal(rankOf(nextUp(x)), rankOf(x) + 1n);
        if (x !== -Infinity) assert.equal(rankOf(nextDown(x)), rankOf(x) - 1n);
        assert.ok(nextUp(x) >= x && nextDown(x) <= x);
      }),
      { numRuns: 20_000 },
    );
  });

  test('agree with the rank reference across the carry between the two 32-bit words', () => {
    for (const rank of [0xffff_ffffn, 0x1_0000_0000n, 0x1234_ffff_ffffn, 0x7fef_ffff_0000_0000n]) {
      for (const signed of [rank, -rank]) {
        const x = floatOfRank(signed);
        assert.equal(rankOf(nextUp(x)), signed + 1n);
        assert.equal(rankOf(nextDown(x)), signed - 1n);
      }
    }
  });
});

/** Signed integers of up to ~40 digits, biased toward the shapes that stress rounding. */
const operand = fc.oneof(
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc
    .tuple(fc.bigInt({ min: 1n, max: 999n }), fc.integer({ min: 0, max: 38 }), fc.boolean())
    .map(([digits, power, negative]) => (negative ? -1n : 1n) * digits * 10n ** BigInt(power)),
  fc
    .tuple(fc.integer({ min: 1, max: 132 }), fc.integer({ min: -3, max: 3 }))
    .map(([power, offset]) => (1n << BigInt(power)) + BigInt(offset)),
);
const nonZero = operand.filter((value) => value !== 0n);

function checkBand(num: bigint, den: bigint): void {
  const up = bigintRatioToFloat(num, den, 'up');
  const down = bigintRatioToFloat(num, den, 'down');
  const where = `${num} / ${den}: up ${up}, down ${down}`;
  assert.ok(Number.isFinite(up) && Number.isFinite(down), where);
  assert.ok(compareToRatio(up, num, den) >= 0, `up below exact for ${where}`);
  assert.ok(compareToRatio(down, num, den) <= 0, `down above exact for ${where}`);
  assert.ok(compareToRatio(repeat(nextDown, up, 8), num, den) <= 0, `up more than 8 floats off: ${where}`);
  assert.ok(compareToRatio(repeat(nextUp, down, 8), num, den) >= 0, `down more than 8 floats off: ${where}`);
}

describe('bigintRatioToFloat', () => {
  test('up ≥ num / den ≥ down, exactly, each within 8 floats', () => {
    fc.assert(fc.property(operand, nonZero, checkBand), { numRuns: 20_000 });
  });

  test('huge and tiny ratios, up to the operand bound', () => {
    const top = (1n << BigInt(MAX_RATIO_OPERAND_BITS)) - 1n;
    const cases: [bigint, bigint][] = [
      [1n, 10n ** 40n],
      [10n ** 40n, 1n],
      [-(10n ** 40n) + 1n, 3n],
      [top, 1n],
      [1n, top],
      [-top, top - 1n],
      [top, -1n],
      [-1n, -top],
      [(1n << 53n) + 1n, 1n],
      [(1n << 54n) - 1n, (1n << 53n) + 1n],
      [1n, 3n],
      [-2n, 3n],
      [1n, 2n],
    ];
    for (const [num, den] of cases) checkBand(num, den);
  });

  test('zero is exact; a negative denominator flips the sign', () => {
    assert.equal(bigintRatioToFloat(0n, 7n, 'up'), 0);
    assert.equal(bigintRatioToFloat(0n, -7n, 'down'), 0);
    assert.ok(bigintRatioToFloat(1n, -2n, 'up') >= -0.5);
    assert.ok(bigintRatioToFloat(1n, -2n, 'down') <= -0.5);
  });

  test('zero denominators and oversized operands are bugs', () => {
    const tooBig = 1n << BigInt(MAX_RATIO_OPERAND_BITS);
    assert.throws(() => bigintRatioToFloat(1n, 0n, 'up'), AssertionError);
    assert.throws(() => bigintRatioToFloat(tooBig, 1n, 'up'), AssertionError);
    assert.throws(() => bigintRatioToFloat(-tooBig, 1n, 'down'), AssertionError);
    assert.throws(() => bigintRatioToFloat(1n, tooBig, 'down'), AssertionError);
    assert.throws(() => bigintRatioToFloat(1n, -tooBig, 'up'), AssertionError);
  });
});

test('stepFloats moves as many floats as repeated nextUp / nextDown, across exponents and signs', () => {
  // Doubles whose magnitude lies in [2^−1000, 2^1000], including ones a few floats below a power of two (the
  // low word's carry) and exact powers of two (the exponent changes on the way down).
  const inRange = fc
    .tuple(fc.double({ min: 1, max: 2, noNaN: true }), fc.integer({ min: -990, max: 990 }), fc.boolean())
    .map(([m, e, negative]) => (negative ? -1 : 1) * m * 2 ** e);
  const edges = fc.constantFrom(1, -1, 2 ** 100, -(2 ** -900), 2 - Number.EPSILON, -(4 - 2 * Number.EPSILON));
  fc.assert(
    fc.property(fc.oneof(inRange, edges), fc.integer({ min: -9, max: 9 }), (x, steps) => {
      let expected = x;
      for (let i = 0; i < Math.abs(steps); i++) expected = steps > 0 ? nextUp(expected) : nextDown(expected);
      assert.equal(stepFloats(x, steps), expected);
    }),
    { numRuns: 3000 },
  );
  assert.throws(() => stepFloats(0, 1), AssertionError);
  assert.throws(() => stepFloats(Infinity, 1), AssertionError);
});
