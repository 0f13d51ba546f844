import { assert } from './assert.js';
import { pow10 } from './pow10.js';
import { err, ok, type Result } from './result.js';
import { divide, type Rounding } from './rounding.js';

/** An exact decimal: `units × 10^−scale`. The boundary type between text and the engine's integers. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Most fraction digits any input may carry (1e-18 is finer than every venue's smallest unit). */
export const MAX_DECIMAL_SCALE = 18;
/** Most integer digits any input may carry (1e30 is far above any notional a venue lists). */
export const MAX_INTEGER_DIGITS = 30;

const MINUS = 0x2d;
const POINT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Why a text is not a decimal Bulwark accepts. */
export type DecimalParseError =
  'empty' | 'not_a_decimal' | 'too_many_fraction_digits' | 'too_many_integer_digits';

/**
 * Parses a plain decimal string strictly: optional minus, digits, optional fraction. Rejects the empty
 * string, white space, `+`, exponents, `NaN`, `Infinity`, a bare `.`, and more than `maxScale` significant
 * fraction digits (trailing zeros are exact and allowed). The scale is that of the text, trailing zeros dropped.
 */
export function parseDecimal(text: string, maxScale = MAX_DECIMAL_SCALE): Result<Decimal, DecimalParseError> {
  if (text.length === 0) return err('empty');
  // One pass over the characters (this runs for every price and quantity of every command): find the sign,
  // the point, and the first and last significant digits, rejecting anything that is not [-]digits[.digits].
  const length = text.length;
  const negative = text.charCodeAt(0) === MINUS;
  let i = negative ? 1 : 0;
  let point = -1;
  let firstNonZero = -1;
  let lastFractionNonZero = -1;
  if (i === length) return err('not_a_decimal');
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === POINT) {
      if (point !== -1) return err('not_a_decimal');
      point = i;
      continue;
    }
    if (code < ZERO || code > NINE) return err('not_a_decimal');
    if (code !== ZERO) {
      if (firstNonZero === -1 && point === -1) firstNonZero = i;
      if (point !== -1) lastFractionNonZero = i;
    }
  }
  const start = negative ? 1 : 0;
  const integerEnd = point === -1 ? length : point;
  // Digits on both sides of a point: `1.`, `.5` and `-` alone are not decimals.
  if (integerEnd === start || point === length - 1) return err('not_a_decimal');
  const integerDigits = firstNonZero === -1 ? 0 : integerEnd - firstNonZero;
  const scale = lastFractionNonZero === -1 ? 0 : lastFractionNonZero - point;
  if (integerDigits > MAX_INTEGER_DIGITS) return err('too_many_integer_digits');
  if (scale > maxScale) return err('too_many_fraction_digits');
  const integerPart = firstNonZero === -1 ? '' : text.slice(firstNonZero, integerEnd);
  const fractionPart = scale === 0 ? '' : text.slice(point + 1, point + 1 + scale);
  const digits = integerPart + fractionPart;
  const magnitude = digits.length === 0 ? 0n : BigInt(digits);
  return ok({ units: negative ? -magnitude : magnitude, scale });
}

/** The same value at another scale; exact when going up, rounded as named when going down. */
export function rescale(units: bigint, fromScale: number, toScale: number, rounding: Rounding): bigint {
  if (toScale >= fromScale) return units * pow10(toScale - fromScale);
  return divide(units, pow10(fromScale - toScale), rounding);
}

/** Exact conversion to a scale, or null when the value has more fraction digits than the scale holds. */
export function toScaleExact(value: Decimal, scale: number): bigint | null {
  if (value.scale <= scale) return value.units * pow10(scale - value.scale);
  const factor = pow10(value.scale - scale);
  return value.units % factor === 0n ? value.units / factor : null;
}

/** Largest integer a float64 holds exactly together with every integer below it (2^53 − 1). */
const SAFE = Number.MAX_SAFE_INTEGER;
/** 10^0 … 10^15 as floats (exact), read instead of computing `10 ** up` on every parse. */
const NUMBER_POWERS: readonly number[] = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * Recently converted safe integers and their bigints, direct-mapped by the low bits: `BigInt(number)` is a call
 * into the runtime (~10× a table hit), and the prices and sizes of consecutive commands repeat. A pure cache:
 * the same bigint value either way.
 */
const MEMO_SLOTS = 4096;
const memoKeys = new Float64Array(MEMO_SLOTS).fill(-1);
const memoValues: bigint[] = new Array<bigint>(MEMO_SLOTS).fill(0n);

/** `BigInt(value)` for a safe non-negative integer, from the cache when it holds it. */
function bigOfSafe(value: number): bigint {
  const slot = (value >>> 0) & (MEMO_SLOTS - 1);
  if (memoKeys[slot] === value) return memoValues[slot] ?? BigInt(value);
  const big = BigInt(value);
  memoKeys[slot] = value;
  memoValues[slot] = big;
  return big;
}

/**
 * `text` as integer units at `scale`, times 10^`shift`, when it is a short plain decimal that needs no rounding:
 * `[-]digits` or `[-]digits.digits`, at most 15 digits in all, no more fraction digits than `scale`. Otherwise
 * undefined, and the caller takes the general path (`parseDecimal`, then `toScaleExact`), which also explains
 * the rejection. The same value as that path, with one bigint made (or none) instead of several strings and
 * bigints: every price and quantity of every command passes here. `shift` moves the result to a finer unit
 * than the text may be written in (a price at its tick, held in kernel price units).
 */
export function shortDecimalToScale(text: string, scale: number, shift = 0): bigint | undefined {
  const length = text.length;
  if (length === 0 || length > 17) return undefined;
  const negative = text.charCodeAt(0) === MINUS;
  let i = negative ? 1 : 0;
  let digits = 0;
  let point = -1;
  let n = 0;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === POINT) {
      if (point !== -1) return undefined;
      point = i;
      continue;
    }
    if (code < ZERO || code > NINE) return undefined;
    n = n * 10 + (code - ZERO);
    digits++;
  }
  const start = negative ? 1 : 0;
  if (digits === 0 || digits > 15 || point === start || point === length - 1) return undefined;
  const fraction = point === -1 ? 0 : length - 1 - point;
  if (fraction > scale) return undefined;
  const up = scale - fraction + shift;
  const factor = up <= 15 ? (NUMBER_POWERS[up] ?? SAFE + 1) : SAFE + 1;
  const value = n * factor <= SAFE ? bigOfSafe(n * factor) : BigInt(n) * pow10(up);
  return negative ? -value : value;
}

/** Formats `units × 10^−scale` as a plain decimal string, trailing fraction zeros removed. */
export function formatUnits(units: bigint, scale: number): string {
  assert(scale >= 0, 'negative scale');
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const integerPart = padded.slice(0, padded.length - scale);
  const fractionPart = padded.slice(padded.length - scale).replace(/0+$/, '');
  return (negative ? '-' : '') + integerPart + (fractionPart.length > 0 ? '.' + fractionPart : '');
}

/** Formats a Decimal. */
export function formatDecimal(value: Decimal): string {
  return formatUnits(value.units, value.scale);
}

/** Signed range check where values leave the engine (storage, wire): −2^(bits−1) ≤ units < 2^(bits−1). */
export function fitsSignedBits(units: bigint, bits: number): boolean {
  const limit = 1n << BigInt(bits - 1);
  return units < limit && units >= -limit;
}
