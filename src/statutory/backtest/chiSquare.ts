import { assert } from '../../numbers/index.js';

/*
 * Float64 distribution functions for test statistics (Kupiec's likelihood ratio). These are statistics about a
 * backtest, not money or margin rates, so binary floating point is the right tool; results can differ in the
 * last bits between JavaScript engines (Math.log and Math.exp are not specified to be correctly rounded).
 */

/** Iterations of the series or the continued fraction; both converge in well under 100 for the values used. */
const MAX_GAMMA_ITERATIONS = 1000;
/** Relative accuracy at which the series and the continued fraction stop. */
const GAMMA_EPSILON = 1e-16;
/** Smallest magnitude the modified Lentz method lets a denominator reach (it would divide by zero). */
const LENTZ_TINY = 1e-300;

/** Lanczos coefficients (g = 7, n = 9): ln Γ to about 15 significant digits for positive arguments. */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln Γ(a) for a > 0 (Lanczos approximation). */
export function lnGamma(a: number): number {
  assert(a > 0 && Number.isFinite(a), `lnGamma needs a positive finite argument, got ${a}`);
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - lnGamma(1 - a); // reflection
  const z = a - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += (LANCZOS_COEFFICIENTS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Upper regularised incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a > 0 and x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  assert(a > 0 && Number.isFinite(a), `gammaQ needs a > 0, got ${a}`);
  assert(x >= 0, `gammaQ needs x >= 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  // The series converges fast below a + 1, the continued fraction above (Numerical Recipes §6.2).
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQContinuedFraction(a, x);
}

function gammaPSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= MAX_GAMMA_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * GAMMA_EPSILON) {
      return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
    }
  }
  assert(false, `gamma series did not converge for a=${a}, x=${x}`);
}

function gammaQContinuedFraction(a: number, x: number): number {
  // Modified Lentz evaluation of the continued fraction for Γ(a, x).
  let b = x + 1 - a;
  let c = 1 / LENTZ_TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_GAMMA_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < LENTZ_TINY) d = LENTZ_TINY;
    c = b + an / c;
    if (Math.abs(c) < LENTZ_TINY) c = LENTZ_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < GAMMA_EPSILON) return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
  }
  assert(false, `gamma continued fraction did not converge for a=${a}, x=${x}`);
}

/** P(X > x) for X ~ χ² with `degreesOfFreedom` degrees of freedom (the p-value of a statistic x ≥ 0). */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  assert(
    Number.isInteger(degreesOfFreedom) && degreesOfFreedom > 0,
    'degrees of freedom must be a positive integer',
  );
  return gammaQ(degreesOfFreedom / 2, Math.max(0, x) / 2);
}
