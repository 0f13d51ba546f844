import { assert, divide, pow10 } from '../../numbers/index.js';

/** Fixed-point decimal: a bigint holding value × 10^FIXED_DIGITS. */
export type Fixed = bigint;

/** Decimal digits after the point in every formula value. */
export const FIXED_DIGITS = 18;
/** 1 as a Fixed. */
export const FIXED_ONE: Fixed = pow10(FIXED_DIGITS);
/** Integer digits a formula value may have: every result with |x| ≥ 10^30 is an `overflow` error. */
export const FIXED_INTEGER_DIGITS = 30;
/** The smallest magnitude (raw units) that overflows: 10^30 as a Fixed. */
export const FIXED_LIMIT_RAW: bigint = pow10(FIXED_INTEGER_DIGITS + FIXED_DIGITS);
/** The largest Fixed a formula can hold (raw units). */
export const FIXED_MAX: Fixed = FIXED_LIMIT_RAW - 1n;
/** The most characters parseFixed reads: longer text is not a number (bounds the work). */
export const MAX_DECIMAL_TEXT_LENGTH = 200;
/** Largest |decimal exponent| written in a number; beyond it the value is out of range (or zero). */
const MAX_EXPONENT_TEXT = 9999;

/** |x| < 10^30: the value fits a formula result. */
export function fitsFixed(value: Fixed): boolean {
  return value > -FIXED_LIMIT_RAW && value < FIXED_LIMIT_RAW;
}

/** a × b in Fixed, rounded half-even to 18 digits. */
export function fixedMul(a: Fixed, b: Fixed): Fixed {
  return divide(a * b, FIXED_ONE, 'halfEven');
}

/** a / b in Fixed, rounded half-even to 18 digits; b must not be zero (a caller bug). */
export function fixedDiv(a: Fixed, b: Fixed): Fixed {
  assert(b !== 0n, 'fixedDiv by zero');
  return divide(a * FIXED_ONE, b, 'halfEven');
}

/** num/den as a Fixed, rounded half-even; den must not be zero. */
export function fixedFromRatio(num: bigint, den: bigint): Fixed {
  assert(den !== 0n, 'fixedFromRatio: zero denominator');
  return divide(num * FIXED_ONE, den, 'halfEven');
}

/** A decimal number as written: value = mantissa × 10^exponent (mantissa without leading zeros). */
export interface DecimalText {
  readonly mantissa: bigint;
  readonly exponent: number;
}

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Reads `[+-]digits[.digits][e[+-]digits]`; null if the text is not such a number or is too long. */
export function readDecimalText(text: string): DecimalText | null {
  if (text.length > MAX_DECIMAL_TEXT_LENGTH) return null;
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return null;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  const mantissaAbs = BigInt(whole + fraction);
  if (mantissaAbs === 0n) return { mantissa: 0n, exponent: 0 };
  // An exponent with more digits than MAX_EXPONENT_TEXT allows is out of range either way; parsing it as a
  // number must not build a huge power of ten.
  const exponentDigits = exponentText.replace(/^[+-]?0*/, '');
  const exponentSign = exponentText.startsWith('-') ? -1 : 1;
  const exponentAbs = exponentDigits.length > 4 ? MAX_EXPONENT_TEXT + 1 : Number(exponentDigits || '0');
  return {
    mantissa: sign === '-' ? -mantissaAbs : mantissaAbs,
    exponent: exponentSign * exponentAbs - fraction.length,
  };
}

/** Number of decimal digits of |n| (n ≠ 0). */
function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

/**
 * The decimal as a Fixed: 'exact' when it has at most 18 fraction digits, 'inexact' when rounding would be
 * needed, 'range' when |value| ≥ 10^30. Never builds a power of ten larger than the range needs.
 */
export function decimalToFixed(
  decimal: DecimalText,
  rounding: 'exact' | 'halfEven',
): { ok: true; value: Fixed } | { ok: false; reason: 'inexact' | 'range' } {
  const { mantissa, exponent } = decimal;
  if (mantissa === 0n) return { ok: true, value: 0n };
  const shift = exponent + FIXED_DIGITS; // raw = mantissa × 10^shift
  const digits = digitCount(mantissa);
  if (digits + shift > FIXED_INTEGER_DIGITS + FIXED_DIGITS) return { ok: false, reason: 'range' };
  let value: bigint;
  if (shift >= 0) {
    value = mantissa * pow10(shift);
  } else if (-shift > digits) {
    // |value| < 10^(digits + shift) ≤ 0.1 raw units: not exact, and rounds to zero.
    if (rounding === 'exact') return { ok: false, reason: 'inexact' };
    value = 0n;
  } else {
    const divisor = 10n ** BigInt(-shift); // -shift ≤ 200 digits (MAX_DECIMAL_TEXT_LENGTH)
    if (rounding === 'exact' && mantissa % divisor !== 0n) return { ok: false, reason: 'inexact' };
    value = divide(mantissa, divisor, 'halfEven');
  }
  return fitsFixed(value) ? { ok: true, value } : { ok: false, reason: 'range' };
}

/** "0.5", "-1.25e-3" → Fixed (half-even to 18 digits); null if not a number or |value| ≥ 10^30. */
export function parseFixed(text: string): Fixed | null {
  const decimal = readDecimalText(text);
  if (decimal === null) return null;
  const result = decimalToFixed(decimal, 'halfEven');
  return result.ok ? result.value : null;
}

/** Shortest exact decimal text of a Fixed, e.g. "0.5", "-3", "0.000000000000000001". */
export function formatFixed(value: Fixed): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(FIXED_DIGITS + 1, '0');
  const whole = digits.slice(0, digits.length - FIXED_DIGITS);
  const fraction = digits.slice(digits.length - FIXED_DIGITS).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}
