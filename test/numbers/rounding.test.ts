import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError, divide, mulDiv, roundingToward, type Rounding } from '../../src/numbers/index.js';

const ROUNDINGS: readonly Rounding[] = ['floor', 'ceil', 'trunc', 'halfEven'];

/**
 * Reference rounding from the definitions, written independently of `divide`: the exact quotient n/d is
 * represented by the pair (n', d') with d' > 0, and each mode is the integer that satisfies its defining
 * inequality.
 */
function reference(n: bigint, d: bigint, rounding: Rounding): bigint {
  const num = d < 0n ? -n : n;
  const den = d < 0n ? -d : d;
  // floor: the q with q·den ≤ num < (q+1)·den; the remainder of a Euclidean division is in [0, den).
  const euclideanRemainder = ((num % den) + den) % den;
  const floor = (num - euclideanRemainder) / den;
  const exact = euclideanRemainder === 0n;
  const ceil = exact ? floor : floor + 1n;
  switch (rounding) {
    case 'floor':
      return floor;
    case 'ceil':
      return ceil;
    case 'trunc':
      return num >= 0n ? floor : ceil;
    case 'halfEven': {
      // Compare twice the distance to the floor with the denominator.
      const twiceFraction = 2n * euclideanRemainder;
      if (twiceFraction < den) return floor;
      if (twiceFraction > den) return ceil;
      return floor % 2n === 0n ? floor : ceil;
    }
  }
}

const nonZero = (range: bigint) =>
  fc.oneof(fc.bigInt({ min: 1n, max: range }), fc.bigInt({ min: -range, max: -1n }));
const BIG = 1n << 200n;
const numerators = fc.oneof(fc.bigInt({ min: -50n, max: 50n }), fc.bigInt({ min: -BIG, max: BIG }));
const denominators = fc.oneof(nonZero(12n), nonZero(BIG));
const roundings = fc.constantFrom(...ROUNDINGS);

describe('divide', () => {
  test('small worked examples, every mode and sign', () => {
    // [n, d, floor, ceil, trunc, halfEven]
    const cases: [bigint, bigint, bigint, bigint, bigint, bigint][] = [
      [7n, 2n, 3n, 4n, 3n, 4n],
      [5n, 2n, 2n, 3n, 2n, 2n],
      [-7n, 2n, -4n, -3n, -3n, -4n],
      [-5n, 2n, -3n, -2n, -2n, -2n],
      [7n, -2n, -4n, -3n, -3n, -4n],
      [-7n, -2n, 3n, 4n, 3n, 4n],
      [1n, 2n, 0n, 1n, 0n, 0n],
      [-1n, 2n, -1n, 0n, 0n, 0n],
      [3n, 2n, 1n, 2n, 1n, 2n],
      [7n, 3n, 2n, 3n, 2n, 2n],
      [8n, 3n, 2n, 3n, 2n, 3n],
      [-8n, 3n, -3n, -2n, -2n, -3n],
      [8n, -3n, -3n, -2n, -2n, -3n],
      [6n, 3n, 2n, 2n, 2n, 2n],
      [-6n, 3n, -2n, -2n, -2n, -2n],
      [0n, 5n, 0n, 0n, 0n, 0n],
      [0n, -5n, 0n, 0n, 0n, 0n],
      [1n, 1n, 1n, 1n, 1n, 1n],
      [-1n, -1n, 1n, 1n, 1n, 1n],
    ];
    for (const [n, d, floor, ceil, trunc, halfEven] of cases) {
      const label = `${n.toString()}/${d.toString()}`;
      assert.equal(divide(n, d, 'floor'), floor, `floor ${label}`);
      assert.equal(divide(n, d, 'ceil'), ceil, `ceil ${label}`);
      assert.equal(divide(n, d, 'trunc'), trunc, `trunc ${label}`);
      assert.equal(divide(n, d, 'halfEven'), halfEven, `halfEven ${label}`);
    }
  });

  test('agrees with Math.floor/Math.ceil/Math.trunc on every small quotient', () => {
    for (let n = -40; n <= 40; n++) {
      for (let d = -9; d <= 9; d++) {
        if (d === 0) continue;
        const q = n / d; // exact enough: no small quotient lies within float error of an integer
        const label = `${n}/${d}`;
        assert.equal(divide(BigInt(n), BigInt(d), 'floor'), BigInt(Math.floor(q)), `floor ${label}`);
        assert.equal(divide(BigInt(n), BigInt(d), 'ceil'), BigInt(Math.ceil(q)), `ceil ${label}`);
        assert.equal(divide(BigInt(n), BigInt(d), 'trunc'), BigInt(Math.trunc(q)), `trunc ${label}`);
        const below = Math.floor(q);
        const fraction = q - below;
        const nearest =
          Math.abs(fraction - 0.5) < 1e-12 ? (below % 2 === 0 ? below : below + 1) : Math.round(q);
        assert.equal(divide(BigInt(n), BigInt(d), 'halfEven'), BigInt(nearest), `halfEven ${label}`);
      }
    }
  });

  test('matches the reference on random bigints, negative numerators and divisors included', () => {
    fc.assert(
      fc.property(numerators, denominators, roundings, (n, d, rounding) => {
        assert.equal(divide(n, d, rounding), reference(n, d, rounding));
      }),
      { numRuns: 500 },
    );
  });

  test('floor ≤ n/d ≤ ceil, both within 1 of n/d, and they differ exactly when d does not divide n', () => {
    fc.assert(
      fc.property(numerators, denominators, (n, d) => {
        const floor = divide(n, d, 'floor');
        const ceil = divide(n, d, 'ceil');
        // Multiply through by d² > 0 to compare with n/d without dividing: q ≤ n/d ⇔ q·d² ≤ n·d.
        const scaled = n * d;
        const square = d * d;
        assert.ok(floor * square <= scaled, 'floor above the quotient');
        assert.ok(ceil * square >= scaled, 'ceil below the quotient');
        assert.ok((floor + 1n) * square > scaled, 'floor more than 1 below the quotient');
        assert.ok((ceil - 1n) * square < scaled, 'ceil more than 1 above the quotient');
        assert.equal(ceil - floor, n % d === 0n ? 0n : 1n);
      }),
      { numRuns: 500 },
    );
  });

  test('every mode returns floor or ceil; trunc moves toward zero; halfEven is nearest', () => {
    fc.assert(
      fc.property(numerators, denominators, (n, d) => {
        const floor = divide(n, d, 'floor');
        const ceil = divide(n, d, 'ceil');
        const trunc = divide(n, d, 'trunc');
        const halfEven = divide(n, d, 'halfEven');
        assert.ok(trunc === floor || trunc === ceil);
        assert.ok(halfEven === floor || halfEven === ceil);
        const quotientNonNegative = n === 0n || n < 0n === d < 0n;
        assert.equal(trunc, quotientNonNegative ? floor : ceil);
        // |halfEven − n/d| ≤ 1/2  ⇔  |2·(halfEven·d − n)| ≤ |d|.
        const twiceError = 2n * (halfEven * d - n);
        const absTwiceError = twiceError < 0n ? -twiceError : twiceError;
        const absD = d < 0n ? -d : d;
        assert.ok(absTwiceError <= absD, 'halfEven is not a nearest integer');
        if (absTwiceError === absD) assert.equal(halfEven % 2n, 0n, 'a tie went to the odd neighbour');
      }),
      { numRuns: 500 },
    );
  });

  test('halfEven sends exact ties to the even neighbour', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }),
        fc.bigInt({ min: 1n, max: 1n << 60n }),
        fc.boolean(),
        (q, halfDivisor, negativeDivisor) => {
          const d = negativeDivisor ? -2n * halfDivisor : 2n * halfDivisor;
          const n = q * d + d / 2n; // n/d = q + 1/2 exactly
          const expected = q % 2n === 0n ? q : q + 1n;
          assert.equal(divide(n, d, 'halfEven'), expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('ceil(n/d)·d ≥ n and floor(n/d)·d ≤ n for d > 0 (reversed for d < 0)', () => {
    fc.assert(
      fc.property(numerators, denominators, (n, d) => {
        const ceilProduct = divide(n, d, 'ceil') * d;
        const floorProduct = divide(n, d, 'floor') * d;
        if (d > 0n) {
          assert.ok(ceilProduct >= n && ceilProduct - n < d);
          assert.ok(floorProduct <= n && n - floorProduct < d);
        } else {
          assert.ok(ceilProduct <= n && n - ceilProduct < -d);
          assert.ok(floorProduct >= n && floorProduct - n < -d);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('symmetries: sign of the divisor, negation, exact multiples', () => {
    fc.assert(
      fc.property(numerators, denominators, roundings, (n, d, rounding) => {
        assert.equal(divide(n, -d, rounding), divide(-n, d, rounding));
        assert.equal(divide(-n, d, 'floor'), -divide(n, d, 'ceil'));
        assert.equal(divide(-n, d, 'trunc'), -divide(n, d, 'trunc'));
        assert.equal(divide(-n, d, 'halfEven'), -divide(n, d, 'halfEven'));
        assert.equal(divide(n * d, d, rounding), n);
      }),
      { numRuns: 500 },
    );
  });

  test('is monotone in the numerator for a positive divisor', () => {
    fc.assert(
      fc.property(
        numerators,
        fc.bigInt({ min: 0n, max: 1000n }),
        nonZero(1000n),
        roundings,
        (n, step, d, r) => {
          const absD = d < 0n ? -d : d;
          assert.ok(divide(n, absD, r) <= divide(n + step, absD, r));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a zero divisor is a bug, not a value', () => {
    for (const rounding of ROUNDINGS) {
      assert.throws(() => divide(1n, 0n, rounding), AssertionError);
      assert.throws(() => divide(0n, 0n, rounding), AssertionError);
    }
  });
});

describe('mulDiv', () => {
  test('rounds once, at the end, with no intermediate loss', () => {
    // 10^30 · 3 / 7 loses everything if divided first.
    assert.equal(mulDiv(10n ** 30n, 3n, 7n, 'floor'), 428571428571428571428571428571n);
    assert.equal(mulDiv(10n ** 30n, 3n, 7n, 'ceil'), 428571428571428571428571428572n);
    assert.equal(mulDiv(1n, 1n, 3n, 'ceil'), 1n);
    assert.equal(mulDiv(1n, 1n, 3n, 'floor'), 0n);
    assert.equal(mulDiv(-1n, 1n, 3n, 'floor'), -1n);
    assert.equal(mulDiv(3n, 5n, 2n, 'halfEven'), 8n); // 7.5 → 8
    assert.equal(mulDiv(3n, 3n, 2n, 'halfEven'), 4n); // 4.5 → 4
    assert.equal(mulDiv(2n, 3n, -4n, 'halfEven'), -2n); // −1.5 → −2
    // Dividing first would give 2·(7/2 rounded) = 6 or 8; the exact 7 must come out.
    assert.equal(mulDiv(2n, 7n, 2n, 'floor'), 7n);
  });

  test('equals the reference applied to the exact product', () => {
    const factors = fc.bigInt({ min: -(1n << 100n), max: 1n << 100n });
    fc.assert(
      fc.property(factors, factors, denominators, roundings, (a, b, c, rounding) => {
        assert.equal(mulDiv(a, b, c, rounding), reference(a * b, c, rounding));
        assert.equal(mulDiv(a, b, c, rounding), mulDiv(b, a, c, rounding));
      }),
      { numRuns: 500 },
    );
  });

  test('a zero divisor is a bug', () => {
    assert.throws(() => mulDiv(2n, 3n, 0n, 'floor'), AssertionError);
  });
});

describe('roundingToward', () => {
  test('rounds up toward a target above, down toward a target below', () => {
    assert.equal(roundingToward(true), 'ceil');
    assert.equal(roundingToward(false), 'floor');
  });

  test('rounding a quotient toward an integer target moves toward it and never past it', () => {
    fc.assert(
      fc.property(numerators, nonZero(1000n), fc.bigInt({ min: -3n, max: 3n }), (n, d, offset) => {
        const target = reference(n, d, 'floor') + offset;
        // Compare n/d with the target without dividing: sign of (n − target·d)·d.
        const side = (n - target * d) * d;
        if (side === 0n) return;
        const rounded = divide(n, d, roundingToward(side < 0n));
        if (side < 0n) assert.ok(rounded <= target && (rounded * d - n) * d >= 0n);
        else assert.ok(rounded >= target && (rounded * d - n) * d <= 0n);
      }),
      { numRuns: 300 },
    );
  });
});
