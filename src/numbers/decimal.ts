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

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

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
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return err('not_a_decimal');
  const negative = match[1] !== undefined;
  const integerDigits = (match[2] ?? '').replace(/^0+(?=\d)/, '');
  const fractionDigits = (match[3] ?? '').replace(/0+$/, '');
  if (integerDigits.length > MAX_INTEGER_DIGITS) return err('too_many_integer_digits');
  if (fractionDigits.length > maxScale) return err('too_many_fraction_digits');
  const magnitude = BigInt(integerDigits + fractionDigits);
  return ok({ units: negative ? -magnitude : magnitude, scale: fractionDigits.length });
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
