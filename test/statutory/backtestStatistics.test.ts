import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { chiSquareSurvival, gammaQ, lnGamma } from '../../src/statutory/backtest/chiSquare.js';
import { kupiecPof } from '../../src/statutory/backtest/kupiec.js';

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

test('chi-square survival with 1 degree of freedom matches the table (and scipy.stats.chi2.sf)', () => {
  near(chiSquareSurvival(3.841459, 1), 0.05, 1e-7, 'χ²₁ 95 % quantile');
  near(chiSquareSurvival(6.634897, 1), 0.01, 1e-8, 'χ²₁ 99 % quantile');
  near(chiSquareSurvival(2.705543, 1), 0.1, 1e-7, 'χ²₁ 90 % quantile');
  near(chiSquareSurvival(10, 1), 1.56540226e-3, 1e-11, 'χ²₁ at 10');
  near(chiSquareSurvival(0.5, 1), 0.479500122, 1e-9, 'χ²₁ at 0.5');
  near(chiSquareSurvival(50, 1), 1.53745979e-12, 1e-19, 'χ²₁ at 50 (continued fraction, far tail)');
  assert.equal(chiSquareSurvival(0, 1), 1);
});

test('chi-square survival with 3 degrees of freedom and ln Γ at known points', () => {
  near(chiSquareSurvival(4, 3), 0.26146413, 1e-8, 'χ²₃ at 4');
  near(chiSquareSurvival(10, 3), 0.01856614, 1e-8, 'χ²₃ at 10');
  near(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, 'ln Γ(1/2)');
  near(lnGamma(5), Math.log(24), 1e-13, 'ln Γ(5) = ln 4!');
  near(lnGamma(0.25), 1.2880225246980774, 1e-13, 'ln Γ(1/4) (reflection branch)');
});

test('the upper regularised gamma function decreases from 1 to 0 in x', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.5, max: 20, noNaN: true }),
      fc.double({ min: 0, max: 60, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      (a, x, dx) => {
        const q = gammaQ(a, x);
        assert.ok(q >= 0 && q <= 1, `Q(${a}, ${x}) = ${q}`);
        assert.ok(gammaQ(a, x + dx) <= q + 1e-12, `Q(${a}, ·) not decreasing at ${x}`);
      },
    ),
  );
});

test("Kupiec's POF statistic at values worked by hand", () => {
  // 5 exceedances in 250 days at 99 %: LR = −2[245 ln .99 + 5 ln .01 − 245 ln .98 − 5 ln .02] = 1.956810.
  const five = kupiecPof(250, 5, 0.01);
  assert.ok(five !== null);
  near(five.lr, 1.9568098, 1e-6, 'LR(250, 5, 1 %)');
  near(five.pValue, 0.1618549, 1e-6, 'p(250, 5, 1 %)');
  // No exceedance: LR = −2 n ln(1 − p) = 5.025168 (0 ln 0 = 0); rejects at 5 % with too few exceedances.
  const none = kupiecPof(250, 0, 0.01);
  assert.ok(none !== null);
  near(none.lr, 5.0251679, 1e-6, 'LR(250, 0, 1 %)');
  assert.ok(none.pValue < 0.05);
  // 20 in 1,000 at 99 %: twice the claimed rate.
  const twenty = kupiecPof(1000, 20, 0.01);
  assert.ok(twenty !== null);
  near(twenty.lr, 7.8272392, 1e-6, 'LR(1000, 20, 1 %)');
  near(twenty.pValue, 0.005146465, 1e-8, 'p(1000, 20, 1 %)');
  // All trials exceed: LR = −2 n ln p.
  const all = kupiecPof(10, 10, 0.01);
  assert.ok(all !== null);
  near(all.lr, -20 * Math.log(0.01), 1e-9, 'LR(10, 10, 1 %)');
  assert.equal(kupiecPof(0, 0, 0.01), null);
});

test("Kupiec's statistic is zero exactly at the expected rate and grows away from it", () => {
  const exact = kupiecPof(1000, 10, 0.01);
  assert.ok(exact !== null);
  near(exact.lr, 0, 1e-9, 'LR at the expected rate');
  near(exact.pValue, 1, 1e-4, 'p at the expected rate');
  let previous = exact.lr;
  for (let x = 11; x <= 40; x++) {
    const result = kupiecPof(1000, x, 0.01);
    assert.ok(result !== null && result.lr > previous, `LR not increasing at ${x}`);
    previous = result.lr;
  }
});
