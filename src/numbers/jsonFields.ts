import type { Decimal, DecimalParseError } from './decimal.js';
import { MAX_DECIMAL_SCALE, MAX_INTEGER_DIGITS, parseDecimal } from './decimal.js';
import { JsonNumber, type ExactJson } from './exactJson.js';
import { childPath, inputError, type InputError } from './inputError.js';
import { err, ok, type Result } from './result.js';

export type JsonObject = Readonly<Record<string, ExactJson>>;

/** Reads fields of parsed JSON at the edge of the engine; every rejection names the field. */

const SCIENTIFIC_PATTERN = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The exact decimal written in JSON number text (exponent allowed), or null when it is out of range. */
function exactDecimalOfNumberText(text: string): Decimal | null {
  const match = SCIENTIFIC_PATTERN.exec(text);
  if (match === null) return null;
  const digits = (match[2] ?? '') + (match[3] ?? '');
  const exponent = Number(match[4] ?? '0') - (match[3] ?? '').length;
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_INTEGER_DIGITS + MAX_DECIMAL_SCALE + 400)
    return null;
  let units = BigInt(digits) * (match[1] === undefined ? 1n : -1n);
  let scale = 0 - exponent; // not -exponent: that is −0 for a zero exponent
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  if (scale < 0) {
    if (units !== 0n && digits.replace(/^0+/, '').length - scale > MAX_INTEGER_DIGITS + 1) return null;
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units, scale };
}

const PARSE_MESSAGES: Record<DecimalParseError, string> = {
  empty: 'is empty',
  not_a_decimal:
    'is not a plain decimal (digits with an optional minus and fraction; no exponent, NaN or Infinity)',
  too_many_fraction_digits: `has more than ${MAX_DECIMAL_SCALE} significant fraction digits`,
  too_many_integer_digits: `has more than ${MAX_INTEGER_DIGITS} integer digits`,
};

/**
 * A decimal from a JSON string (strict plain decimal) or a JSON number (accepted only when a float64 reader
 * would see exactly the same value, so no consumer of the same JSON can read another number).
 */
export function readDecimal(value: ExactJson | undefined, path: string): Result<Decimal, InputError> {
  if (typeof value === 'string') {
    const parsed = parseDecimal(value);
    if (!parsed.ok)
      return err(
        inputError('invalid_number', `${path} ${PARSE_MESSAGES[parsed.error]}: "${clip(value)}"`, path),
      );
    return parsed;
  }
  if (value instanceof JsonNumber) {
    const exact = exactDecimalOfNumberText(value.text);
    const roundTrip = exactDecimalOfNumberText(String(Number(value.text)));
    if (exact === null || exact.units !== roundTrip?.units || exact.scale !== roundTrip.scale) {
      return err(
        inputError(
          'invalid_number',
          `${path} is a JSON number that float64 cannot hold exactly; pass it as a string`,
          path,
        ),
      );
    }
    if (exact.scale > MAX_DECIMAL_SCALE)
      return err(inputError('invalid_number', `${path} ${PARSE_MESSAGES.too_many_fraction_digits}`, path));
    if (exact.units.toString().replace('-', '').length - exact.scale > MAX_INTEGER_DIGITS) {
      return err(inputError('invalid_number', `${path} ${PARSE_MESSAGES.too_many_integer_digits}`, path));
    }
    return ok(exact);
  }
  if (value === undefined) return err(inputError('missing_field', `${path} is required`, path));
  return err(inputError('invalid_number', `${path} must be a decimal string`, path));
}

/** An object with only the named keys; an unknown key is an error (a misspelt field must not pass silently). */
export function readObject(
  value: ExactJson | undefined,
  path: string,
  allowedKeys: readonly string[],
): Result<JsonObject, InputError> {
  const label = path === '' ? 'the request' : path;
  if (value === undefined) return err(inputError('missing_field', `${label} is required`, path));
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) {
    return err(inputError('invalid_field', `${label} must be an object`, path));
  }
  for (const key of Object.keys(value)) {
    if (!allowedKeys.includes(key)) {
      return err(
        inputError('unknown_field', `${childPath(path, key)} is not a known field`, childPath(path, key)),
      );
    }
  }
  return ok(value);
}

/** An array of at most `maxLength` items. */
export function readArray(
  value: ExactJson | undefined,
  path: string,
  maxLength: number,
): Result<readonly ExactJson[], InputError> {
  if (value === undefined) return err(inputError('missing_field', `${path} is required`, path));
  if (!Array.isArray(value)) return err(inputError('invalid_field', `${path} must be an array`, path));
  if (value.length > maxLength)
    return err(inputError('too_many_items', `${path} has more than ${maxLength} items`, path));
  return ok(value);
}

/** A non-empty string of at most `maxLength` characters. */
export function readString(
  value: ExactJson | undefined,
  path: string,
  maxLength = 64,
): Result<string, InputError> {
  if (value === undefined) return err(inputError('missing_field', `${path} is required`, path));
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    return err(
      inputError(
        'invalid_field',
        `${path} must be a non-empty string of at most ${maxLength} characters`,
        path,
      ),
    );
  }
  return ok(value);
}

/** One of the listed strings. */
export function readEnum<T extends string>(
  value: ExactJson | undefined,
  path: string,
  choices: readonly T[],
  code = 'invalid_field',
): Result<T, InputError> {
  if (value === undefined) return err(inputError('missing_field', `${path} is required`, path));
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    return err(inputError(code, `${path} must be one of ${choices.join(', ')}`, path));
  }
  return ok(value as T);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** An object used as a map (keys are data, e.g. symbols), with at most `maxKeys` keys. */
export function readRecord(
  value: ExactJson | undefined,
  path: string,
  maxKeys: number,
): Result<JsonObject, InputError> {
  if (value === undefined) return err(inputError('missing_field', `${path} is required`, path));
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof JsonNumber) {
    return err(inputError('invalid_field', `${path} must be an object`, path));
  }
  if (Object.keys(value).length > maxKeys)
    return err(inputError('too_many_items', `${path} has more than ${maxKeys} entries`, path));
  return ok(value);
}
