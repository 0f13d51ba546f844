import { assert, divide, pow10, Rational } from '../numbers/index.js';

/**
 * Hyperliquid's exponential moving average (RULEBOOK.md §3), computed without floating point: the engine must
 * reach the same state on every platform, and `Math.exp` is not specified to the last bit.
 */

/** Fraction digits of `expNegative`'s result and of the EMA state (10^−18). */
export const EXP_SCALE = 18;
/** Hyperliquid's EMA time constant τ, ms (150 s). */
export const HL_EMA_TAU_MS = 150_000;

const ONE = pow10(EXP_SCALE);
/**
 * Digits carried inside `expNegative`. 22 guard digits beyond the result make every intermediate error
 * (about 10^−37 in total, see `expNegative`) negligible next to the final half-ulp rounding.
 */
const WORK_SCALE = 40;
const WORK_ONE = pow10(WORK_SCALE);
/** e^−x is below 10^−27 from x = 63 on, far under half an ulp at 10^−18: the result is exactly 0 there. */
const EXP_ZERO_FROM = 63n;
/** Taylor terms for f ≤ 1 fall below 10^−40 by k = 35; more than this means a bug. */
const MAX_SERIES_TERMS = 64n;

/** Σ (−f)^k / k! at WORK_SCALE for 0 ≤ f ≤ 1 (work units); each term is truncated, the tail below 10^−40. */
function expNegativeSeries(fWork: bigint): bigint {
  assert(fWork >= 0n && fWork <= WORK_ONE, 'series argument outside [0, 1]');
  let sum = WORK_ONE;
  let term = WORK_ONE;
  for (let k = 1n; term !== 0n; k++) {
    assert(k <= MAX_SERIES_TERMS, 'exp series did not converge');
    term = divide(-term * fWork, WORK_ONE * k, 'trunc');
    sum += term;
  }
  return sum;
}

/** e^−1 at WORK_SCALE, from the same series (no hand-copied constant to mistype). */
const EXP_MINUS_ONE_WORK = expNegativeSeries(WORK_ONE);

/**
 * e^(−x) for x = xNum / xDen ≥ 0, as an integer at scale 10^−18 (rounded half-even). Range reduction
 * x = n + f with n whole and 0 ≤ f < 1: e^−x = (e^−1)^n · e^−f, both at 10^−40, where the alternating Taylor
 * series for e^−f converges fast. Error: at most 0.5 ulp (10^−18) from the final rounding plus under
 * 10^−37 from the work (x rounded to 10^−40, ≤ 40 truncated series terms, ≤ 62 rounded products, none of
 * them amplified because every factor is ≤ 1), so the result is within one ulp of e^−x and is the correctly
 * rounded value except within 10^−37 of a rounding tie.
 */
export function expNegative(xNum: bigint, xDen: bigint): bigint {
  assert(xDen > 0n && xNum >= 0n, 'expNegative needs x ≥ 0 with a positive denominator');
  if (xNum >= EXP_ZERO_FROM * xDen) return 0n;
  const xWork = divide(xNum * WORK_ONE, xDen, 'halfEven');
  const whole = xWork / WORK_ONE;
  let result = expNegativeSeries(xWork - whole * WORK_ONE);
  for (let i = 0n; i < whole; i++) result = divide(result * EXP_MINUS_ONE_WORK, WORK_ONE, 'halfEven');
  return divide(result, pow10(WORK_SCALE - EXP_SCALE), 'halfEven');
}

/**
 * An EMA in progress, both sums at 10^−18: `num` = Σ sample·Δt·decay (quote-ms), `den` = Σ Δt·decay (ms).
 * Bounded: `den` tends to τ + Δt/2 for regular samples and never exceeds the largest Δt plus that, and
 * `|num| ≤ max|sample| · den`; rounding each update to 10^−18 keeps the integers from growing digits.
 */
export interface EmaState {
  readonly num: bigint;
  readonly den: bigint;
}

/**
 * The state after one sample (quote per base) taken `dtMs` ms after the previous one (or, for the first,
 * weighted as `dtMs`): `num = num·e^(−Δt/τ) + sample·Δt`, `den = den·e^(−Δt/τ) + Δt`. `dtMs` must be ≥ 1: a
 * sample at the same instant would carry no weight, so the caller skips it.
 */
export function emaUpdate(
  state: EmaState | null,
  sample: Rational,
  dtMs: number,
  tauMs: number = HL_EMA_TAU_MS,
): EmaState {
  assert(Number.isSafeInteger(dtMs) && dtMs >= 1, 'EMA step needs a whole number of ms ≥ 1');
  assert(Number.isSafeInteger(tauMs) && tauMs >= 1, 'EMA time constant must be a whole number of ms ≥ 1');
  const dt = BigInt(dtMs);
  const weighted = divide(sample.num * dt * ONE, sample.den, 'halfEven');
  if (state === null) return { num: weighted, den: dt * ONE };
  const decay = expNegative(dt, BigInt(tauMs));
  return {
    num: divide(state.num * decay, ONE, 'halfEven') + weighted,
    den: divide(state.den * decay, ONE, 'halfEven') + dt * ONE,
  };
}

/** The EMA value, quote per base: `num / den`. */
export function emaValue(state: EmaState): Rational {
  assert(state.den > 0n, 'EMA state without weight');
  return Rational.of(state.num, state.den);
}
