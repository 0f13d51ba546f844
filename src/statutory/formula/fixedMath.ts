import { assert, divide, pow10 } from '../../numbers/index.js';
import { readDecimalText, FIXED_DIGITS, FIXED_ONE, fitsFixed, type Fixed } from './fixed.js';

/**
 * Deterministic transcendental functions on Fixed values. Each one computes with GUARD_DIGITS decimal digits
 * (every intermediate step rounds half-even at 10^-36), then rounds once, half-even, to 18 digits. Only
 * bigint arithmetic is used, so the result is the same bit for bit on every machine. The guard digits make
 * the relative error below ~1e-33: results are the correctly rounded value except when the exact value lies
 * within that error of a rounding tie, or for results above ~10^15, whose last digits the guard digits do
 * not cover.
 */
export const GUARD_DIGITS = 36;
const W = pow10(GUARD_DIGITS);
const GUARD_TO_FIXED = pow10(GUARD_DIGITS - FIXED_DIGITS);
/** |exponent| of the integer powers computed exactly (x^n with n an integer); larger ones go through exp/ln. */
export const MAX_EXACT_EXPONENT = 64;

/** A Fixed result or the reason the function has no value there. */
export type MathResult = Fixed | 'domain' | 'overflow' | 'division_by_zero';

/** ln 2 to 60 digits (checked against an independent value in the tests). */
const LN2_60 = 693147180559945309417232121458176568075500134360255254120680n;
const LN2_DIGITS = 60;

/** k × ln 2 at the guard scale, one rounding. */
function kLn2(k: bigint): bigint {
  return divide(k * LN2_60, pow10(LN2_DIGITS - GUARD_DIGITS), 'halfEven');
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** ⌊√n⌋ for n ≥ 0 (Newton's method from above; exact). */
export function isqrt(n: bigint): bigint {
  assert(n >= 0n, 'isqrt of a negative number');
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1); // ≥ √n
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √(num/den) rounded half-even to an integer; num ≥ 0, den > 0. */
export function sqrtRatioHalfEven(num: bigint, den: bigint): bigint {
  assert(num >= 0n && den > 0n, 'sqrtRatioHalfEven domain');
  const s = isqrt(num / den); // ⌊√⌊y⌋⌋ = ⌊√y⌋
  // √y vs s + ½  ⇔  4·num vs (2s + 1)²·den
  const lhs = 4n * num;
  const rhs = (2n * s + 1n) * (2n * s + 1n) * den;
  if (lhs > rhs) return s + 1n;
  if (lhs < rhs) return s;
  return s % 2n === 0n ? s : s + 1n;
}

/** √x of a Fixed x ≥ 0: the integer square root of x·10^18, rounded half-even (exact rounding). */
export function sqrtFixed(x: Fixed): MathResult {
  if (x < 0n) return 'domain';
  return sqrtRatioHalfEven(x * FIXED_ONE, 1n);
}

/** ln y for y > 0 given and returned at the guard scale (10^-36). */
export function lnGuard(y: bigint): bigint {
  assert(y > 0n, 'lnGuard of a non-positive number');
  // y = 2^k · m with m in [1, 2): ln y = k ln 2 + 2 atanh((m − 1)/(m + 1)), and (m − 1)/(m + 1) < 1/3.
  let k = bitLength(y) - bitLength(W);
  let num: bigint;
  let den: bigint;
  for (;;) {
    const scaledY = k >= 0 ? y : y << BigInt(-k);
    const scaledW = k >= 0 ? W << BigInt(k) : W;
    if (scaledY < scaledW) {
      k -= 1;
      continue;
    }
    if (scaledY >= 2n * scaledW) {
      k += 1;
      continue;
    }
    num = scaledY - scaledW;
    den = scaledY + scaledW;
    break;
  }
  const z = divide(num * W, den, 'halfEven');
  const z2 = divide(z * z, W, 'halfEven');
  let term = z;
  let sum = z;
  for (let n = 1n; ; n++) {
    term = divide(term * z2, W, 'halfEven');
    if (term === 0n) break;
    sum += divide(term, 2n * n + 1n, 'halfEven');
  }
  return 2n * sum + kLn2(BigInt(k));
}

/** Above this (guard scale) exp overflows the Fixed range: e^70 > 10^30. */
const EXP_OVERFLOW_GUARD = 70n * W;
/** Below this exp rounds to zero at 18 digits: e^-50 < 0.5·10^-18. */
const EXP_ZERO_GUARD = -50n * W;

/** e^t for t at the guard scale, rounded half-even to a Fixed. */
export function expGuardToFixed(t: bigint): MathResult {
  if (t > EXP_OVERFLOW_GUARD) return 'overflow';
  if (t < EXP_ZERO_GUARD) return 0n;
  // t = k ln 2 + r with |r| ≤ ln2/2; e^r by its Taylor series, then × 2^k in the final rounding.
  const k = divide(t, kLn2(1n), 'halfEven');
  const r = t - kLn2(k);
  let term = W;
  let sum = W;
  for (let n = 1n; ; n++) {
    term = divide(term * r, n * W, 'halfEven');
    if (term === 0n) break;
    sum += term;
  }
  const value =
    k >= 0n ? divide(sum << k, GUARD_TO_FIXED, 'halfEven') : divide(sum, GUARD_TO_FIXED << -k, 'halfEven');
  return fitsFixed(value) ? value : 'overflow';
}

/** ln x of a Fixed x > 0. */
export function lnFixed(x: Fixed): MathResult {
  if (x <= 0n) return 'domain';
  return divide(lnGuard(x * GUARD_TO_FIXED), GUARD_TO_FIXED, 'halfEven');
}

/** e^x of a Fixed x. */
export function expFixed(x: Fixed): MathResult {
  return expGuardToFixed(x * GUARD_TO_FIXED);
}

/**
 * x^y: for an integer y with |y| ≤ 64 the exact power rounded once half-even (a negative y divides, and 0^-n
 * is a division by zero); otherwise e^(y·ln x) for x > 0 and a domain error for x ≤ 0.
 */
export function powFixed(x: Fixed, y: Fixed): MathResult {
  if (y % FIXED_ONE === 0n) {
    const n = y / FIXED_ONE;
    const magnitude = n < 0n ? -n : n;
    if (magnitude <= BigInt(MAX_EXACT_EXPONENT)) {
      if (n === 0n) return FIXED_ONE;
      if (n < 0n && x === 0n) return 'division_by_zero';
      const power = x ** magnitude; // exact: x^n × 10^(18n)
      const value =
        n > 0n
          ? divide(power, 10n ** (BigInt(FIXED_DIGITS) * (magnitude - 1n)), 'halfEven')
          : divide(10n ** (BigInt(FIXED_DIGITS) * (magnitude + 1n)), power, 'halfEven');
      return fitsFixed(value) ? value : 'overflow';
    }
  }
  if (x <= 0n) return 'domain';
  const t = divide(lnGuard(x * GUARD_TO_FIXED) * y, FIXED_ONE, 'halfEven');
  return expGuardToFixed(t);
}

/** A decimal constant at the guard scale; it must be exact there (a bug otherwise). */
function guardConstant(text: string): bigint {
  const decimal = readDecimalText(text);
  assert(decimal !== null, `bad constant ${text}`);
  const shift = decimal.exponent + GUARD_DIGITS;
  if (shift >= 0) return decimal.mantissa * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  assert(decimal.mantissa % divisor === 0n, `constant ${text} is not exact at the guard scale`);
  return decimal.mantissa / divisor;
}

const guardConstants = (texts: readonly string[]): readonly bigint[] => texts.map(guardConstant);

// Wichura (1988), Algorithm AS 241 (PPND16), coefficients in ascending powers; the denominators' leading 1 is
// written out.
const AS241_A = guardConstants([
  '3.3871328727963666080e0',
  '1.3314166789178437745e2',
  '1.9715909503065514427e3',
  '1.3731693765509461125e4',
  '4.5921953931549871457e4',
  '6.7265770927008700853e4',
  '3.3430575583588128105e4',
  '2.5090809287301226727e3',
]);
const AS241_B = guardConstants([
  '1',
  '4.2313330701600911252e1',
  '6.8718700749205790830e2',
  '5.3941960214247511077e3',
  '2.1213794301586595867e4',
  '3.9307895800092710610e4',
  '2.8729085735721942674e4',
  '5.2264952788528545610e3',
]);
const AS241_C = guardConstants([
  '1.42343711074968357734e0',
  '4.63033784615654529590e0',
  '5.76949722146069140550e0',
  '3.64784832476320460504e0',
  '1.27045825245236838258e0',
  '2.41780725177450611770e-1',
  '2.27238449892691845833e-2',
  '7.74545014278341407640e-4',
]);
const AS241_D = guardConstants([
  '1',
  '2.05319162663775882187e0',
  '1.67638483018380384940e0',
  '6.89767334985100004550e-1',
  '1.48103976427480074590e-1',
  '1.51986665636164571966e-2',
  '5.47593808499534494600e-4',
  '1.05075007164441684324e-9',
]);
const AS241_E = guardConstants([
  '6.65790464350110377720e0',
  '5.46378491116411436990e0',
  '1.78482653991729133580e0',
  '2.96560571828504891230e-1',
  '2.65321895265761230930e-2',
  '1.24266094738807843860e-3',
  '2.71155556874348757815e-5',
  '2.01033439929228813265e-7',
]);
const AS241_F = guardConstants([
  '1',
  '5.99832206555887937690e-1',
  '1.36929880922735805310e-1',
  '1.48753612908506148525e-2',
  '7.86869131145613259100e-4',
  '1.84631831751005468180e-5',
  '1.42151175831644588870e-7',
  '2.04426310338993978564e-15',
]);
const SPLIT1 = guardConstant('0.425');
const SPLIT2 = guardConstant('5');
const CONST1 = guardConstant('0.180625');
const CONST2 = guardConstant('1.6');

/** Σ c_i r^i at the guard scale (Horner, each step rounded half-even). */
function polynomial(coefficients: readonly bigint[], r: bigint): bigint {
  let acc = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--)
    acc = divide(acc * r, W, 'halfEven') + (coefficients[i] ?? 0n);
  return acc;
}

function rational(numerator: readonly bigint[], denominator: readonly bigint[], r: bigint): bigint {
  return divide(polynomial(numerator, r) * W, polynomial(denominator, r), 'halfEven');
}

/** The standard normal quantile Φ⁻¹(q) for 0 < q < 1 (AS 241, accurate to about 1e-16), as a Fixed. */
export function normInvFixed(q: Fixed): MathResult {
  if (q <= 0n || q >= FIXED_ONE) return 'domain';
  const qGuard = q * GUARD_TO_FIXED;
  const h = qGuard - W / 2n;
  let value: bigint;
  if ((h < 0n ? -h : h) <= SPLIT1) {
    const r = CONST1 - divide(h * h, W, 'halfEven');
    value = divide(h * rational(AS241_A, AS241_B, r), W, 'halfEven');
  } else {
    const tail = h < 0n ? qGuard : W - qGuard;
    const r = sqrtRatioHalfEven(-lnGuard(tail) * W, 1n);
    const magnitude =
      r <= SPLIT2 ? rational(AS241_C, AS241_D, r - CONST2) : rational(AS241_E, AS241_F, r - SPLIT2);
    value = h < 0n ? -magnitude : magnitude;
  }
  return divide(value, GUARD_TO_FIXED, 'halfEven');
}

/** ln 2 at the guard scale. */
export const LN2_GUARD: bigint = kLn2(1n);
