import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AssertionError,
  parseDecimal,
  pow10,
  Rational,
  type Result,
  type Rounding,
} from '../../src/numbers/index.js';

function unwrap<T, E>(result: Result<T, E>): T {
  if (!result.ok) assert.fail(`expected ok, got error ${JSON.stringify(result.error)}`);
  return result.value;
}

/** Reference fraction: a plain pair, compared by cross-multiplication, never reduced. */
interface Pair {
  readonly n: bigint;
  readonly d: bigint;
}

function sameValue(r: Rational, p: Pair): boolean {
  return r.num * p.d === p.n * r.den;
}

function assertValue(r: Rational, p: Pair, label: string): void {
  assert.ok(r.den > 0n, `${label}: denominator ${r.den.toString()} is not positive`);
  assert.ok(sameValue(r, p), `${label}: got ${r.toString()}, want ${p.n.toString()}/${p.d.toString()}`);
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function signOf(x: bigint): -1 | 0 | 1 {
  return x > 0n ? 1 : x < 0n ? -1 : 0;
}

/** Sign of a product of two signs (never −0, which strict equality tells apart from 0). */
function signProduct(a: -1 | 0 | 1, b: -1 | 0 | 1): -1 | 0 | 1 {
  return a === 0 || b === 0 ? 0 : a === b ? 1 : -1;
}

/** The exact value of plain decimal text, read without parseDecimal's size limits (and checking the grammar). */
function valueOfText(text: string): Rational {
  const match = /^(-)?(0|[1-9]\d*)(?:\.(\d*[1-9]))?$/.exec(text);
  if (match === null) assert.fail(`not a canonical plain decimal: ${JSON.stringify(text)}`);
  const fraction = match[3] ?? '';
  const magnitude = BigInt((match[2] ?? '') + fraction);
  return Rational.fromUnits(match[1] === undefined ? magnitude : -magnitude, fraction.length);
}

const BIG = 1n << 120n;
const nums = fc.oneof(
  fc.bigInt({ min: -20n, max: 20n }),
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
  fc.bigInt({ min: -BIG, max: BIG }),
);
const dens = fc.oneof(
  fc.bigInt({ min: 1n, max: 12n }),
  fc.bigInt({ min: -12n, max: -1n }),
  fc.bigInt({ min: 1n, max: 10n ** 12n }),
  fc.bigInt({ min: -BIG, max: -1n }),
  fc.bigInt({ min: 1n, max: BIG }),
  fc.integer({ min: 0, max: 20 }).map((k) => pow10(k)),
);
const pairs = fc.tuple(nums, dens).map(([n, d]): Pair => ({ n, d }));
const toRational = (p: Pair) => Rational.of(p.n, p.d);
const roundings = fc.constantFrom<Rounding>('floor', 'ceil', 'trunc', 'halfEven');

describe('Rational construction', () => {
  test('keeps the denominator positive and the value unchanged', () => {
    fc.assert(
      fc.property(pairs, (p) => {
        assertValue(toRational(p), p, 'of');
      }),
      { numRuns: 300 },
    );
    const r = Rational.of(3n, -4n);
    assert.equal(r.sign(), -1);
    assert.ok(r.den > 0n);
    assert.ok(Rational.of(-3n, -4n).eq(Rational.of(3n, 4n)));
    assert.ok(Rational.of(0n, -5n).isZero());
  });

  test('a zero denominator is a bug', () => {
    assert.throws(() => Rational.of(1n, 0n), AssertionError);
    assert.throws(() => Rational.of(0n, 0n), AssertionError);
    assert.throws(() => Rational.ONE.div(Rational.ZERO), AssertionError);
    assert.throws(() => Rational.ONE.div(Rational.of(0n, 7n)), AssertionError);
    assert.throws(() => Rational.ZERO.inverse(), AssertionError);
  });

  test('fromInt, fromUnits and fromDecimal are exact', () => {
    assertValue(Rational.fromInt(-42n), { n: -42n, d: 1n }, 'fromInt');
    assertValue(Rational.fromUnits(12345n, 3), { n: 12345n, d: 1000n }, 'fromUnits');
    assertValue(Rational.fromUnits(-5n, 0), { n: -5n, d: 1n }, 'fromUnits scale 0');
    assertValue(Rational.fromDecimal(unwrap(parseDecimal('-1.25'))), { n: -5n, d: 4n }, 'fromDecimal');
    assert.ok(Rational.ZERO.isZero());
    assert.ok(Rational.ONE.eq(Rational.of(7n, 7n)));
  });

  test('toString shows num/den', () => {
    assert.equal(Rational.of(1n, 3n).toString(), '1/3');
    assert.equal(Rational.of(-1n, 3n).toString(), '-1/3');
  });
});

describe('Rational arithmetic against cross-multiplication', () => {
  test('add, sub, mul, div, mulInt, neg, abs, inverse', () => {
    fc.assert(
      fc.property(pairs, pairs, nums, (p, q, k) => {
        const a = toRational(p);
        const b = toRational(q);
        assertValue(a.add(b), { n: p.n * q.d + q.n * p.d, d: p.d * q.d }, 'add');
        assertValue(a.sub(b), { n: p.n * q.d - q.n * p.d, d: p.d * q.d }, 'sub');
        assertValue(a.mul(b), { n: p.n * q.n, d: p.d * q.d }, 'mul');
        if (q.n !== 0n) assertValue(a.div(b), { n: p.n * q.d, d: p.d * q.n }, 'div');
        assertValue(a.mulInt(k), { n: p.n * k, d: p.d }, 'mulInt');
        assertValue(a.neg(), { n: -p.n, d: p.d }, 'neg');
        assertValue(a.abs(), { n: p.n < 0n ? -p.n : p.n, d: p.d < 0n ? -p.d : p.d }, 'abs');
        if (p.n !== 0n) assertValue(a.inverse(), { n: p.d, d: p.n }, 'inverse');
      }),
      { numRuns: 500 },
    );
  });

  test('field identities hold', () => {
    fc.assert(
      fc.property(pairs, pairs, pairs, (p, q, s) => {
        const [a, b, c] = [toRational(p), toRational(q), toRational(s)];
        assert.ok(a.add(b).eq(b.add(a)));
        assert.ok(a.mul(b).eq(b.mul(a)));
        assert.ok(
          a
            .add(b)
            .add(c)
            .eq(a.add(b.add(c))),
        );
        assert.ok(a.mul(b.add(c)).eq(a.mul(b).add(a.mul(c))));
        assert.ok(a.sub(b).add(b).eq(a));
        assert.ok(a.sub(a).isZero());
        assert.ok(a.add(Rational.ZERO).eq(a));
        assert.ok(a.mul(Rational.ONE).eq(a));
        assert.ok(a.neg().neg().eq(a));
        if (!b.isZero()) {
          assert.ok(a.div(b).mul(b).eq(a));
          assert.ok(b.mul(b.inverse()).eq(Rational.ONE));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('values of one scale add on the shared denominator', () => {
    const a = Rational.fromUnits(1500n, 6);
    const b = Rational.fromUnits(-2501n, 6);
    const sum = a.add(b);
    assert.equal(sum.den, 10n ** 6n);
    assert.equal(sum.num, -1001n);
    const difference = a.sub(b);
    assert.equal(difference.den, 10n ** 6n);
    assert.equal(difference.num, 4001n);
  });

  test('long chains stay exact and keep denominators bounded', () => {
    // ∏ (k+1)/k for k = 1..300 telescopes to 301; without reduction the denominator would be 300!.
    let product = Rational.ONE;
    for (let k = 1n; k <= 300n; k++) product = product.mul(Rational.of(k + 1n, k));
    assert.ok(product.eq(Rational.fromInt(301n)));
    assert.ok(product.den < 1n << 300n, `denominator grew to ${product.den.toString(2).length} bits`);
    // Σ 1/(k(k+1)) for k = 1..300 telescopes to 300/301.
    let sum = Rational.ZERO;
    for (let k = 1n; k <= 300n; k++) sum = sum.add(Rational.of(1n, k * (k + 1n)));
    assert.ok(sum.eq(Rational.of(300n, 301n)));
    assert.ok(sum.den < 1n << 600n, `denominator grew to ${sum.den.toString(2).length} bits`);
  });
});

describe('Rational comparison and reduction', () => {
  test('cmp agrees with the sign of the difference and with the reference', () => {
    fc.assert(
      fc.property(pairs, pairs, (p, q) => {
        const a = toRational(p);
        const b = toRational(q);
        // a − b = (p.n·q.d − q.n·p.d) / (p.d·q.d); its sign is the product of the two signs.
        const expected = signProduct(signOf(p.n * q.d - q.n * p.d), signOf(p.d * q.d));
        assert.equal(a.cmp(b), expected);
        assert.equal(b.cmp(a), signProduct(expected, -1));
        assert.equal(a.sub(b).sign(), expected);
        assert.equal(a.eq(b), expected === 0);
        assert.equal(a.lt(b), expected < 0);
        assert.equal(a.lte(b), expected <= 0);
        assert.equal(a.gt(b), expected > 0);
        assert.equal(a.gte(b), expected >= 0);
      }),
      { numRuns: 500 },
    );
  });

  test('equal values compare equal whatever their representation', () => {
    fc.assert(
      fc.property(pairs, fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (p, k) => {
        if (k === 0n) return;
        const a = toRational(p);
        const b = Rational.of(p.n * k, p.d * k);
        assert.ok(a.eq(b));
        assert.equal(a.cmp(b), 0);
        assert.ok(!a.lt(b) && !a.gt(b) && a.lte(b) && a.gte(b));
        const ra = a.reduce();
        const rb = b.reduce();
        assert.equal(ra.num, rb.num);
        assert.equal(ra.den, rb.den);
      }),
      { numRuns: 300 },
    );
  });

  test('reduce gives lowest terms, the same value, and eq matches equality of reduced forms', () => {
    fc.assert(
      fc.property(pairs, pairs, (p, q) => {
        const a = toRational(p);
        const b = toRational(q);
        const ra = a.reduce();
        assert.ok(ra.den > 0n);
        assert.equal(gcd(ra.num, ra.den), 1n);
        assert.ok(ra.eq(a));
        const rb = b.reduce();
        assert.equal(a.eq(b), ra.num === rb.num && ra.den === rb.den);
      }),
      { numRuns: 500 },
    );
    const zero = Rational.of(0n, 17n).reduce();
    assert.equal(zero.num, 0n);
    assert.equal(zero.den, 1n);
    const reduced = Rational.of(6n, -4n).reduce();
    assert.equal(reduced.num, -3n);
    assert.equal(reduced.den, 2n);
  });

  test('sign, isZero, isInteger, abs', () => {
    fc.assert(
      fc.property(pairs, (p) => {
        const a = toRational(p);
        assert.equal(a.sign(), signProduct(signOf(p.n), signOf(p.d)));
        assert.equal(a.isZero(), p.n === 0n);
        assert.equal(a.isInteger(), p.n % p.d === 0n);
        assert.ok(a.abs().sign() >= 0);
        assert.ok(a.abs().eq(a) || a.abs().eq(a.neg()));
      }),
      { numRuns: 300 },
    );
    assert.ok(Rational.of(-6n, 3n).isInteger());
    assert.ok(!Rational.of(-7n, 3n).isInteger());
    assert.ok(Rational.ZERO.isInteger());
  });
});

describe('Rational.toUnits', () => {
  test('worked examples', () => {
    const twoThirds = Rational.of(2n, 3n);
    assert.equal(twoThirds.toUnits(2, 'floor'), 66n);
    assert.equal(twoThirds.toUnits(2, 'ceil'), 67n);
    assert.equal(twoThirds.toUnits(2, 'trunc'), 66n);
    assert.equal(twoThirds.toUnits(2, 'halfEven'), 67n);
    const minusTwoThirds = Rational.of(-2n, 3n);
    assert.equal(minusTwoThirds.toUnits(2, 'floor'), -67n);
    assert.equal(minusTwoThirds.toUnits(2, 'ceil'), -66n);
    assert.equal(minusTwoThirds.toUnits(2, 'trunc'), -66n);
    assert.equal(minusTwoThirds.toUnits(2, 'halfEven'), -67n);
    assert.equal(Rational.of(1n, 8n).toUnits(2, 'halfEven'), 12n); // 12.5 → 12
    assert.equal(Rational.of(3n, 8n).toUnits(2, 'halfEven'), 38n); // 37.5 → 38
    assert.equal(Rational.of(-3n, 8n).toUnits(2, 'halfEven'), -38n);
    assert.equal(Rational.of(1n, 8n).toUnits(3, 'floor'), 125n);
    assert.equal(Rational.of(1n, 8n).toUnits(3, 'ceil'), 125n);
    assert.equal(Rational.of(7n, -2n).toUnits(0, 'floor'), -4n);
    assert.equal(Rational.of(7n, -2n).toUnits(0, 'ceil'), -3n);
  });

  test('floor ≤ value·10^scale ≤ ceil, one apart unless exact; the others pick one of them', () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 0, max: 30 }), roundings, (p, scale, rounding) => {
        const a = toRational(p);
        const floor = a.toUnits(scale, 'floor');
        const ceil = a.toUnits(scale, 'ceil');
        const scaled = a.mulInt(pow10(scale));
        assert.ok(Rational.fromInt(floor).lte(scaled));
        assert.ok(Rational.fromInt(ceil).gte(scaled));
        assert.equal(ceil - floor, scaled.isInteger() ? 0n : 1n);
        const rounded = a.toUnits(scale, rounding);
        assert.ok(rounded === floor || rounded === ceil);
        if (rounding === 'trunc') assert.equal(rounded, a.sign() < 0 ? ceil : floor);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Rational.terminatingScale', () => {
  test('worked examples', () => {
    const cases: [bigint, bigint, number | null][] = [
      [1n, 3n, null],
      [1n, 12n, null],
      [1n, 7n, null],
      [2n, 6n, null],
      [3n, 6n, 1],
      [1n, 8n, 3],
      [1n, 20n, 2],
      [7n, 1n, 0],
      [0n, 9n, 0],
      [1n, 1024n, 10],
      [1n, 2n ** 3n * 5n ** 7n, 7],
      [6n, 15n, 1],
      [-1n, 8n, 3],
      [1n, -8n, 3],
      [1500n, 10n ** 6n, 4],
      [3n, 3n * 2n ** 5n, 5],
    ];
    for (const [n, d, expected] of cases) {
      assert.equal(Rational.of(n, d).terminatingScale(), expected, `${n.toString()}/${d.toString()}`);
    }
  });

  test('is the smallest scale at which the value is a whole number of units, or null when none exists', () => {
    fc.assert(
      fc.property(pairs, (p) => {
        const a = toRational(p);
        const scale = a.terminatingScale();
        const reducedDen = a.reduce().den;
        let rest = reducedDen;
        while (rest % 2n === 0n) rest /= 2n;
        while (rest % 5n === 0n) rest /= 5n;
        if (scale === null) {
          assert.notEqual(rest, 1n);
          // No scale up to 60 makes it whole.
          assert.ok(!a.mulInt(pow10(60)).isInteger());
          return;
        }
        assert.equal(rest, 1n);
        assert.ok(a.mulInt(pow10(scale)).isInteger());
        if (scale > 0) assert.ok(!a.mulInt(pow10(scale - 1)).isInteger());
        assert.ok(Rational.fromUnits(a.toUnits(scale, 'trunc'), scale).eq(a));
      }),
      { numRuns: 500 },
    );
  });
});

describe('Rational.format', () => {
  test('exact values print exactly', () => {
    const cases: [Rational, string][] = [
      [Rational.ZERO, '0'],
      [Rational.of(0n, -3n), '0'],
      [Rational.fromInt(12345n), '12345'],
      [Rational.fromInt(-12345n), '-12345'],
      [Rational.of(1n, 8n), '0.125'],
      [Rational.of(-1n, 8n), '-0.125'],
      [Rational.of(3n, 6n), '0.5'],
      [Rational.fromUnits(1500n, 6), '0.0015'],
      [Rational.of(1n, 2n ** 20n), '0.00000095367431640625'],
      [Rational.of(10n ** 25n + 1n, 4n), '2500000000000000000000000.25'],
    ];
    for (const [value, text] of cases) {
      for (const rounding of ['floor', 'ceil', 'trunc', 'halfEven'] as const) {
        assert.equal(value.format(rounding), text, `${value.toString()} ${rounding}`);
      }
    }
  });

  test('non-terminating values round in the named direction at 20 significant digits', () => {
    const third = Rational.of(1n, 3n);
    assert.equal(third.format('floor'), '0.33333333333333333333');
    assert.equal(third.format('ceil'), '0.33333333333333333334');
    assert.equal(third.format('trunc'), '0.33333333333333333333');
    assert.equal(third.format('halfEven'), '0.33333333333333333333');
    const minusThird = third.neg();
    assert.equal(minusThird.format('floor'), '-0.33333333333333333334');
    assert.equal(minusThird.format('ceil'), '-0.33333333333333333333');
    assert.equal(minusThird.format('trunc'), '-0.33333333333333333333');
    assert.equal(Rational.of(2n, 3n).format('halfEven'), '0.66666666666666666667');
    assert.equal(Rational.of(-2n, 3n).format('halfEven'), '-0.66666666666666666667');
    // Leading fraction zeros are not significant: 1/3000 keeps 20 digits after them.
    assert.equal(Rational.of(1n, 3000n).format('floor'), '0.00033333333333333333333');
    // Large integer parts keep at least minScale (12) fraction digits.
    assert.equal(Rational.of(10n ** 25n, 3n).format('floor'), '3333333333333333333333333.333333333333');
  });

  test('honours significantDigits and minScale', () => {
    assert.equal(Rational.of(1n, 3n).format('floor', 5, 0), '0.33333');
    assert.equal(Rational.of(2n, 3n).format('ceil', 3, 0), '0.667');
    assert.equal(Rational.of(200n, 3n).format('floor', 5, 0), '66.666');
    assert.equal(Rational.of(1n, 3n).format('floor', 5, 8), '0.33333333');
    assert.equal(Rational.of(10n, 3n).format('ceil', 1, 0), '4');
    assert.equal(Rational.of(1n, 8n).format('floor', 1, 0), '0.1');
    assert.equal(Rational.of(1n, 8n).format('ceil', 1, 0), '0.2');
  });

  test('floor ≤ value ≤ ceil, at least 20 significant digits, exact whenever it terminates within them', () => {
    fc.assert(
      fc.property(pairs, (p) => {
        const a = toRational(p);
        const floorText = a.format('floor');
        const ceilText = a.format('ceil');
        const truncText = a.format('trunc');
        const halfEvenText = a.format('halfEven');
        const floor = valueOfText(floorText);
        const ceil = valueOfText(ceilText);
        const trunc = valueOfText(truncText);
        const halfEven = valueOfText(halfEvenText);
        assert.ok(floor.lte(a), `floor ${floorText} above ${a.toString()}`);
        assert.ok(ceil.gte(a), `ceil ${ceilText} below ${a.toString()}`);
        assert.ok(trunc.abs().lte(a.abs()), `trunc ${truncText} away from zero`);
        assert.ok(trunc.isZero() || trunc.sign() === a.sign());
        // Nearest of the two neighbours.
        const halfEvenError = halfEven.sub(a).abs();
        assert.ok(halfEvenError.lte(floor.sub(a).abs()) && halfEvenError.lte(ceil.sub(a).abs()));
        // 20 significant digits: the error is below 10^−19 of the value (and below 10^−12 absolutely).
        const bound = a.abs().mul(Rational.of(1n, 10n ** 19n));
        assert.ok(ceil.sub(floor).lte(bound) || ceil.sub(floor).lte(Rational.of(1n, 10n ** 12n)));
        assert.ok(a.sub(floor).lte(bound), `floor ${floorText} too coarse for ${a.toString()}`);
        assert.ok(ceil.sub(a).lte(bound), `ceil ${ceilText} too coarse for ${a.toString()}`);
        const exact = floor.eq(a);
        assert.equal(ceil.eq(a), exact);
        if (exact) assert.equal(floorText, ceilText);
        else assert.notEqual(floorText, ceilText);
      }),
      { numRuns: 500 },
    );
  });

  test('terminating values print exactly when they fit 20 significant digits or 12 fraction digits', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n - 1n), max: 10n ** 20n - 1n }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (n, twos, fives) => {
          const value = Rational.of(n, 2n ** BigInt(twos) * 5n ** BigInt(fives));
          const scale = value.terminatingScale();
          if (scale === null) assert.fail(`${value.toString()} should terminate`);
          const units = value.toUnits(scale, 'trunc');
          const significantDigits = (units < 0n ? -units : units).toString().length;
          const text = value.format('floor');
          const printedExactly = valueOfText(text).eq(value);
          assert.equal(
            printedExactly,
            scale <= 12 || significantDigits <= 20,
            `${value.toString()} → ${text}`,
          );
          if (printedExactly) assert.equal(value.format('ceil'), text);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the significant digits survive rounding carries', () => {
    // 0.99999999999999999999999 rounds up to 1 in ceil and stays below in floor.
    const nearlyOne = Rational.of(10n ** 23n - 1n, 10n ** 23n);
    assert.equal(nearlyOne.format('ceil'), '1');
    assert.equal(nearlyOne.format('floor'), '0.99999999999999999999');
    assert.ok(valueOfText(nearlyOne.format('halfEven')).eq(Rational.ONE));
  });
});

describe('Rational.toNumber', () => {
  test('is the nearest float for simple values', () => {
    assert.equal(Rational.of(1n, 3n).toNumber(), 1 / 3);
    assert.equal(Rational.of(-7n, 2n).toNumber(), -3.5);
    assert.equal(Rational.ZERO.toNumber(), 0);
    assert.equal(Rational.fromUnits(123456789n, 4).toNumber(), 12345.6789);
  });

  test('is within one part in 2^52 of the value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (n, d) => {
        const got = Rational.of(BigInt(n), BigInt(d)).toNumber();
        const want = n / d;
        assert.ok(Math.abs(got - want) <= Math.abs(want) * 2 ** -52, `${n}/${d}: ${got} vs ${want}`);
      }),
      { numRuns: 300 },
    );
  });
});
