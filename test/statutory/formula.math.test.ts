import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import {
  expFixed,
  FIXED_MAX,
  FIXED_ONE,
  fixedDiv,
  fixedFromRatio,
  fixedMul,
  formatFixed,
  lnFixed,
  normInvFixed,
  parseFixed,
  powFixed,
  sqrtFixed,
  type MathResult,
} from '../../src/statutory/formula/index.js';
import { fixed } from './helpers.js';

const D = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN });

function value(result: MathResult): bigint {
  assert.equal(typeof result, 'bigint', `expected a value, got ${String(result)}`);
  return result as bigint;
}

/** A high-precision reference rounded half-even to 18 decimals, as a Fixed. */
function reference(d: Decimal): bigint {
  return BigInt(d.toDecimalPlaces(18, Decimal.ROUND_HALF_EVEN).times('1e18').toFixed(0));
}

function toDecimal(x: bigint): Decimal {
  return new D(x.toString()).dividedBy('1e18');
}

describe('Fixed text', () => {
  test('parseFixed and formatFixed', () => {
    assert.equal(parseFixed('0.5'), FIXED_ONE / 2n);
    assert.equal(parseFixed('-1.25e-3'), -1_250_000_000_000_000n);
    assert.equal(parseFixed('0.0000000000000000005'), 0n); // half-even: tie to 0
    assert.equal(parseFixed('0.0000000000000000015'), 2n);
    assert.equal(parseFixed('0.0000000000000000025'), 2n);
    assert.equal(parseFixed('1e-999999'), 0n);
    assert.equal(parseFixed('1e999999'), null);
    assert.equal(parseFixed('abc'), null);
    assert.equal(parseFixed(''), null);
    assert.equal(parseFixed('1.'), null);
    assert.equal(parseFixed(' 1'), null);
    assert.equal(formatFixed(FIXED_ONE / 2n), '0.5');
    assert.equal(formatFixed(-3n * FIXED_ONE), '-3');
    assert.equal(formatFixed(1n), '0.000000000000000001');
    assert.equal(formatFixed(0n), '0');
  });

  test('formatFixed → parseFixed is the identity', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -FIXED_MAX, max: FIXED_MAX }), (x) => {
        assert.equal(parseFixed(formatFixed(x)), x);
      }),
    );
  });

  test('* and / round half-even; fixedFromRatio', () => {
    assert.equal(fixedMul(1n, FIXED_ONE / 2n), 0n); // 0.5e-18 → 0 (even)
    assert.equal(fixedMul(3n, FIXED_ONE / 2n), 2n); // 1.5e-18 → 2
    assert.equal(fixedDiv(FIXED_ONE, 3n * FIXED_ONE), 333_333_333_333_333_333n);
    assert.equal(fixedDiv(2n * FIXED_ONE, 3n * FIXED_ONE), 666_666_666_666_666_667n);
    assert.equal(fixedFromRatio(1n, 8n), 125_000_000_000_000_000n);
    assert.equal(fixedFromRatio(-1n, 3n), -333_333_333_333_333_333n);
  });
});

describe('deterministic maths', () => {
  test('known constants', () => {
    assert.equal(formatFixed(value(lnFixed(fixed('2')))), '0.693147180559945309');
    assert.equal(formatFixed(value(expFixed(FIXED_ONE))), '2.718281828459045235');
    assert.equal(formatFixed(value(sqrtFixed(fixed('2')))), '1.414213562373095049');
    assert.equal(value(lnFixed(FIXED_ONE)), 0n);
    assert.equal(value(expFixed(0n)), FIXED_ONE);
    assert.equal(value(sqrtFixed(fixed('2.25'))), fixed('1.5'));
    assert.equal(value(lnFixed(fixed('10'))), reference(new D(10).ln()));
  });

  test('normInv (AS 241) within 1e-15 of the true quantile', () => {
    // True values from mpmath (50 digits): Φ⁻¹(q).
    const cases: [string, string][] = [
      ['0.99', '2.32634787404084110088560616335'],
      ['0.975', '1.95996398454005423552459443052'],
      ['0.9', '1.28155156554460046696510332945'],
      ['0.75', '0.674489750196081743202227014541'],
      ['0.5000001', '0.000000250662827463102675176567482275'],
      ['0.02', '-2.05374891063182305293735165774'],
      ['0.000000000001', '-7.03448382530113192980951506899'],
      ['0.000000000000000001', '-8.75729034878231506388112862214'],
    ];
    for (const [q, expected] of cases) {
      const got = toDecimal(value(normInvFixed(fixed(q))));
      const error = got.minus(expected).abs();
      assert.ok(
        error.lessThanOrEqualTo('1e-15'),
        `normInv(${q}) = ${got.toString()}, error ${error.toString()}`,
      );
    }
    assert.equal(value(normInvFixed(FIXED_ONE / 2n)), 0n);
    assert.equal(normInvFixed(0n), 'domain');
    assert.equal(normInvFixed(FIXED_ONE), 'domain');
  });

  test('normInv is odd: Φ⁻¹(1 − q) = −Φ⁻¹(q)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: FIXED_ONE - 1n }), (q) => {
        assert.equal(value(normInvFixed(FIXED_ONE - q)), -value(normInvFixed(q)));
      }),
    );
  });

  test('sqrt is exactly the half-even rounded root', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: FIXED_MAX }), (x) => {
        assert.equal(value(sqrtFixed(x)), reference(toDecimal(x).sqrt()));
      }),
    );
    assert.equal(sqrtFixed(-1n), 'domain');
  });

  test('ln matches an 80-digit reference rounded half-even', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: FIXED_MAX }), (x) => {
        assert.equal(value(lnFixed(x)), reference(toDecimal(x).ln()));
      }),
    );
    assert.equal(lnFixed(0n), 'domain');
    assert.equal(lnFixed(-1n), 'domain');
  });

  test('exp matches an 80-digit reference for results below 10^12', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -60n * FIXED_ONE, max: 27n * FIXED_ONE }), (x) => {
        assert.equal(value(expFixed(x)), reference(toDecimal(x).exp()));
      }),
    );
    assert.equal(expFixed(70n * FIXED_ONE), 'overflow');
    assert.equal(value(expFixed(-100n * FIXED_ONE)), 0n);
  });

  test('exp near the top of the range: relative error below 1e-30', () => {
    const got = toDecimal(value(expFixed(69n * FIXED_ONE)));
    const exact = new D(69).exp();
    assert.ok(got.minus(exact).abs().dividedBy(exact).lessThan('1e-30'));
  });

  test('x ^ y: exact integer powers, exp/ln otherwise', () => {
    assert.equal(value(powFixed(fixed('2'), fixed('10'))), fixed('1024'));
    assert.equal(value(powFixed(fixed('2'), fixed('-3'))), fixed('0.125'));
    assert.equal(value(powFixed(fixed('-2'), fixed('3'))), fixed('-8'));
    assert.equal(value(powFixed(fixed('1.1'), fixed('2'))), fixed('1.21'));
    assert.equal(value(powFixed(fixed('0.1'), fixed('10'))), fixed('0.0000000001'));
    assert.equal(value(powFixed(fixed('0.1'), fixed('19'))), 0n); // 1e-19 rounds half-even to 0
    assert.equal(value(powFixed(0n, 0n)), FIXED_ONE);
    assert.equal(powFixed(0n, fixed('-1')), 'division_by_zero');
    assert.equal(powFixed(fixed('10'), fixed('30')), 'overflow');
    assert.equal(value(powFixed(fixed('4'), fixed('0.5'))), fixed('2'));
    assert.equal(powFixed(fixed('-4'), fixed('0.5')), 'domain');
    assert.equal(powFixed(0n, fixed('0.5')), 'domain');
    assert.equal(value(powFixed(fixed('2'), fixed('0.5'))), value(sqrtFixed(fixed('2'))));
  });

  test('integer powers equal the exact rational power rounded half-even', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -10n * FIXED_ONE, max: 10n * FIXED_ONE }),
        fc.integer({ min: -6, max: 6 }),
        (x, n) => {
          fc.pre(x !== 0n || n >= 0);
          const exact = toDecimal(x).pow(n);
          fc.pre(exact.abs().lessThan('1e29'));
          assert.equal(value(powFixed(x, BigInt(n) * FIXED_ONE)), reference(exact));
        },
      ),
    );
  });
});
