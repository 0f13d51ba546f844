import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { AssertionError, Rational } from '../../src/numbers/index.js';
import {
  emaUpdate,
  emaValue,
  EXP_SCALE,
  expNegative,
  HL_EMA_TAU_MS,
  type EmaState,
} from '../../src/prices/index.js';
import { dec, decScientific } from '../helpers/model.js';

const ONE = 10n ** BigInt(EXP_SCALE);
/** A 60-digit reference, far finer than the 18 digits under test. */
const Precise = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });

/** e^(−num/den) at 10^−18 from decimal.js, rounded half-even. */
function referenceExp(num: bigint, den: bigint): bigint {
  const x = new Precise(num.toString()).div(den.toString());
  return BigInt(x.neg().exp().mul(ONE.toString()).toFixed(0));
}

const argumentArb = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 6n }), fc.bigInt({ min: 0n, max: 70n * 10n ** 6n }))
  .map(([den, num]) => ({ num: num % (70n * den + 1n), den }));

describe('expNegative', () => {
  test('known values', () => {
    assert.equal(expNegative(0n, 1n), ONE);
    assert.equal(expNegative(1n, 1n), 367_879_441_171_442_322n); // e^−1 = 0.36787944117144232159…
    assert.equal(expNegative(1n, 50n), 980_198_673_306_755_302n); // e^−0.02 = 0.98019867330675530222…
    assert.equal(expNegative(63n, 1n), 0n);
    assert.equal(expNegative(10n ** 40n, 3n), 0n);
  });

  test('x must be ≥ 0 with a positive denominator (a bug otherwise)', () => {
    assert.throws(() => expNegative(-1n, 1n), AssertionError);
    assert.throws(() => expNegative(1n, 0n), AssertionError);
  });

  test('property: within 1e-15 of Math.exp', () => {
    fc.assert(
      fc.property(argumentArb, ({ num, den }) => {
        const got = Number(expNegative(num, den)) / 1e18;
        const want = Math.exp(-Number(num) / Number(den));
        assert.ok(Math.abs(got - want) <= 1e-15, `x=${num}/${den}: ${got} vs ${want}`);
      }),
    );
  });

  test('property: within one ulp (1e-18) of a 60-digit reference, including near the underflow to 0', () => {
    fc.assert(
      fc.property(argumentArb, ({ num, den }) => {
        const diff = expNegative(num, den) - referenceExp(num, den);
        assert.ok(diff >= -1n && diff <= 1n, `x=${num}/${den}: off by ${diff} ulp`);
      }),
      { numRuns: 300 },
    );
    for (const [num, den] of [
      [41n, 1n],
      [42n, 1n],
      [425n, 10n],
      [62n, 1n],
    ] as const)
      assert.equal(expNegative(num, den), referenceExp(num, den), `x=${num}/${den}`);
  });

  test('property: non-increasing in x', () => {
    fc.assert(
      fc.property(argumentArb, fc.bigInt({ min: 0n, max: 10n ** 9n }), ({ num, den }, step) => {
        assert.ok(expNegative(num + step, den) <= expNegative(num, den));
      }),
    );
  });

  test('property: e^−a · e^−b matches e^−(a+b) within 2 ulp', () => {
    fc.assert(
      fc.property(argumentArb, argumentArb, (a, b) => {
        const product = (expNegative(a.num, a.den) * expNegative(b.num, b.den)) / ONE;
        const sum = expNegative(a.num * b.den + b.num * a.den, a.den * b.den);
        const diff = product - sum;
        assert.ok(diff >= -2n && diff <= 2n, `off by ${diff}`);
      }),
    );
  });
});

/** Runs samples `[value, dtMs]` through the EMA from empty. */
function run(samples: readonly (readonly [Rational, number])[]): EmaState {
  let state: EmaState | null = null;
  for (const [value, dtMs] of samples) state = emaUpdate(state, value, dtMs);
  assert.ok(state !== null);
  return state;
}

const sampleArb = fc.tuple(
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((units) => Rational.fromUnits(units, 6)),
  fc.integer({ min: 1, max: 20 * HL_EMA_TAU_MS }),
);

describe('Hyperliquid EMA', () => {
  test('the hl-ema vector: 10 then 20, 3 s apart', () => {
    const value = emaValue(
      run([
        [dec('10'), 3000],
        [dec('20'), 3000],
      ]),
    );
    assert.ok(value.sub(dec('15.04999833')).abs().lte(decScientific('1e-8')));
  });

  test('one sample gives exactly that sample; a gap of 63 τ or more forgets the past', () => {
    assert.ok(emaValue(run([[dec('-3.25'), 1]])).eq(dec('-3.25')));
    const forgotten = run([
      [dec('100'), 1000],
      [dec('7'), 63 * HL_EMA_TAU_MS],
    ]);
    assert.ok(emaValue(forgotten).eq(dec('7')));
  });

  test('regular samples: den converges to Δt / (1 − e^(−Δt/τ)) ≈ τ + Δt/2, num/den to a constant sample', () => {
    const samples = Array.from({ length: 10_000 }, () => [dec('42.5'), 1000] as const);
    const state = run(samples);
    const denMs = Number(state.den) / 1e18;
    assert.ok(Math.abs(denMs - 1000 / (1 - Math.exp(-1000 / HL_EMA_TAU_MS))) < 1e-6, `den ${denMs}`);
    assert.ok(emaValue(state).sub(dec('42.5')).abs().lte(decScientific('1e-15')));
  });

  test('a step needs dtMs ≥ 1 and an EMA needs weight (bugs otherwise)', () => {
    assert.throws(() => emaUpdate(null, dec('1'), 0), AssertionError);
    assert.throws(() => emaUpdate(null, dec('1'), 1.5), AssertionError);
    assert.throws(() => emaValue({ num: 0n, den: 0n }), AssertionError);
  });

  test('property: the EMA stays within [min, max] of the samples (up to the 1e-18 fixed-point rounding)', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 40 }), (samples) => {
        const values = samples.map(([value]) => value);
        const low = values.reduce((a, b) => (a.lt(b) ? a : b));
        const high = values.reduce((a, b) => (a.gt(b) ? a : b));
        const slack = decScientific('1e-15').mul(Rational.ONE.add(low.abs()).add(high.abs()));
        const value = emaValue(run(samples));
        assert.ok(value.gte(low.sub(slack)) && value.lte(high.add(slack)), value.toString());
      }),
    );
  });

  test('property: the state stays bounded (den ≤ largest Δt + τ + 1 s, |num| ≤ max|sample| · den + rounding)', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 200 }), (samples) => {
        const state = run(samples);
        const maxDt = Math.max(...samples.map(([, dt]) => dt));
        assert.ok(state.den <= BigInt(maxDt + HL_EMA_TAU_MS + 1000) * ONE);
        const maxAbs = samples.map(([value]) => value.abs()).reduce((a, b) => (a.gt(b) ? a : b));
        assert.ok(
          Rational.fromInt(state.num)
            .abs()
            .lte(maxAbs.mul(Rational.fromInt(state.den)).add(Rational.fromInt(1000n))),
        );
      }),
    );
  });
});
