import { parseDecimal, pow10, shortDecimalToScale, toScaleExact } from '../numbers/index.js';
import type { RejectCode, Rejection } from './commands.js';
import { MAX_ID_LENGTH } from './state.js';

/**
 * A command's value for a rejection message, whatever it is: strings as they are (long ones cut), other values
 * as JSON or their type. Never throws (`String(x)` does for `{"toString": null}`, valid JSON).
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return value.length > 64 ? `${value.slice(0, 64)}…` : value;
  // String() of a primitive never throws (a symbol included); of an object it may.
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 64 ? `${json.slice(0, 64)}…` : json;
  } catch {
    return 'an object';
  }
}

/**
 * An optional field's value, or `fallback` when it is absent. Only absence takes the fallback: a `null` (which
 * JSON can send where the type says nothing of it) is passed on, so the field's check rejects it (`??` would
 * take it as absent).
 */
export function givenOr<T, F>(value: T | undefined, fallback: F): T | F {
  return value === undefined ? fallback : value;
}

/** A rejection value (expected, not an exception). */
export function reject(code: RejectCode, message: string): Rejection {
  return { code, message };
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

/**
 * The integer units of a decimal string at `scale`, or a rejection naming the field: not a plain decimal,
 * finer than the scale (no silent rounding), or outside the sign rule. `shift` returns the units × 10^shift
 * (a finer unit than the text may be written in).
 */
export function units(
  text: unknown,
  scale: number,
  field: string,
  code: RejectCode,
  sign: 'positive' | 'nonNegative' | 'any',
  shift = 0,
): bigint | Rejection {
  if (typeof text !== 'string') return reject(code, `${field} must be a decimal string`);
  const short = shortDecimalToScale(text, scale, shift);
  if (short !== undefined) return signed(short, field, code, sign);
  const parsed = parseDecimal(text);
  if (!parsed.ok) return reject(code, `${field} "${text.slice(0, 40)}" is not a plain decimal`);
  const value = toScaleExact(parsed.value, scale);
  if (value === null) return reject(code, `${field} ${text} has more than ${scale} fraction digits`);
  return signed(shift === 0 ? value : value * pow10(shift), field, code, sign);
}

function signed(
  value: bigint,
  field: string,
  code: RejectCode,
  sign: 'positive' | 'nonNegative' | 'any',
): bigint | Rejection {
  if (sign === 'positive' && value <= 0n) return reject(code, `${field} must be positive`);
  if (sign === 'nonNegative' && value < 0n) return reject(code, `${field} must not be negative`);
  return value;
}

/** Whether `text` is 1 to MAX_ID_LENGTH of `A–Z a–z 0–9 _ . -` (a loop: every fill id passes here). */
function isIdentifier(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > MAX_ID_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) || // a-z
      (c >= 48 && c <= 57) || // 0-9
      (c >= 65 && c <= 90) || // A-Z
      c === 95 || // _
      c === 45 || // -
      c === 46; // .
    if (!ok) return false;
  }
  return true;
}

/** An identifier: letters, digits, `_`, `.`, `-` (ledger account names are built from them), bounded length. */
export function identifier(value: unknown, field: string): string | Rejection {
  if (typeof value !== 'string' || !isIdentifier(value)) {
    return reject(
      'invalid_command',
      `${field} must be 1 to ${MAX_ID_LENGTH} letters, digits, '_', '.' or '-'`,
    );
  }
  return value;
}
