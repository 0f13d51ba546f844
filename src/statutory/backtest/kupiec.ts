import { assert } from '../../numbers/index.js';
import { chiSquareSurvival } from './chiSquare.js';

/** Kupiec's proportion-of-failures test of an exceedance count against the rate a model claims. */
export interface KupiecResult {
  /** Likelihood-ratio statistic −2 ln(L(p) / L(x/n)), asymptotically χ² with 1 degree of freedom. */
  readonly lr: number;
  /** P(χ²₁ > lr): small values reject "the exceedance rate is p". */
  readonly pValue: number;
}

/** x ln(y), with the convention 0 ln 0 = 0 of the binomial likelihood. */
function xLogY(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/**
 * Kupiec's POF test (1995) for `exceedances` out of `observations` independent trials against the expected
 * exceedance probability `expectedRate` (1 − confidence), in float64: a statistic, not money.
 * Returns null when there are no observations.
 */
export function kupiecPof(
  observations: number,
  exceedances: number,
  expectedRate: number,
): KupiecResult | null {
  assert(Number.isInteger(observations) && observations >= 0, 'observations must be a non-negative integer');
  assert(
    Number.isInteger(exceedances) && exceedances >= 0 && exceedances <= observations,
    'exceedances must be an integer in [0, observations]',
  );
  assert(expectedRate > 0 && expectedRate < 1, 'expected rate must be in (0, 1)');
  if (observations === 0) return null;
  const n = observations;
  const x = exceedances;
  const observedRate = x / n;
  const logLikelihoodNull = xLogY(n - x, 1 - expectedRate) + xLogY(x, expectedRate);
  const logLikelihoodObserved = xLogY(n - x, 1 - observedRate) + xLogY(x, observedRate);
  // The observed rate maximises the likelihood, so the statistic is ≥ 0 up to rounding.
  const lr = Math.max(0, -2 * (logLikelihoodNull - logLikelihoodObserved));
  return { lr, pValue: chiSquareSurvival(lr, 1) };
}
