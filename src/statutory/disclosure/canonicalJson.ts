import { err, inputError, ok, type InputError, type Result } from '../../numbers/index.js';

/** Deepest nesting of arrays and objects canonical JSON accepts (entries nest 4 levels; history bars 5). */
export const MAX_CANONICAL_DEPTH = 32;

/** A lone UTF-16 surrogate has no UTF-8 encoding, so it cannot be part of a hashed entry. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The canonical JSON text of `value`: object keys sorted by UTF-16 code units, no white space, strings
 * escaped as JSON.stringify does (which matches RFC 8785 for well-formed strings). Only strings, booleans,
 * null, arrays, plain objects and safe integers are accepted: rates and amounts travel as decimal strings,
 * because a float has more than one text and a hash must have exactly one input.
 */
export function canonicalJson(value: unknown): Result<string, InputError> {
  const parts: string[] = [];
  const failure = write(value, '$', 0, parts);
  return failure === null ? ok(parts.join('')) : err(failure);
}

/** The UTF-8 bytes of `canonicalJson(value)`. */
export function canonicalBytes(value: unknown): Result<Uint8Array, InputError> {
  const text = canonicalJson(value);
  return text.ok ? ok(new TextEncoder().encode(text.value)) : text;
}

function reject(path: string, what: string): InputError {
  return inputError('not_canonical_json', `${path} ${what}`, path);
}

function write(value: unknown, path: string, depth: number, parts: string[]): InputError | null {
  if (value === null) {
    parts.push('null');
    return null;
  }
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) return reject(path, 'contains a lone UTF-16 surrogate (not UTF-8)');
      parts.push(JSON.stringify(value));
      return null;
    case 'boolean':
      parts.push(value ? 'true' : 'false');
      return null;
    case 'number':
      if (!Number.isSafeInteger(value)) {
        return reject(path, `is the number ${String(value)}; only safe integers (decimals go as strings)`);
      }
      if (Object.is(value, -0)) return reject(path, 'is negative zero');
      parts.push(String(value));
      return null;
    case 'object':
      break;
    default:
      return reject(path, `is a ${typeof value}, which JSON cannot hold`);
  }
  if (depth >= MAX_CANONICAL_DEPTH) return reject(path, `nests deeper than ${MAX_CANONICAL_DEPTH} levels`);
  if (Array.isArray(value)) return writeArray(value, path, depth, parts);
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return reject(path, 'is not a plain object (class instances, dates, maps and typed arrays are not JSON)');
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return reject(path, 'has symbol keys');
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is RFC 8785's key order.
  const keys = Object.keys(record).sort();
  parts.push('{');
  let first = true;
  for (const key of keys) {
    const childPath = `${path}.${key}`;
    if (LONE_SURROGATE.test(key)) return reject(childPath, 'key contains a lone UTF-16 surrogate');
    if (!first) parts.push(',');
    first = false;
    parts.push(JSON.stringify(key), ':');
    const failure = write(record[key], childPath, depth + 1, parts);
    if (failure !== null) return failure;
  }
  parts.push('}');
  return null;
}

function writeArray(
  value: readonly unknown[],
  path: string,
  depth: number,
  parts: string[],
): InputError | null {
  parts.push('[');
  for (let i = 0; i < value.length; i++) {
    // A hole would be written as null and read back as a different array.
    if (!(i in value)) return reject(`${path}[${i}]`, 'is a hole in a sparse array');
    if (i > 0) parts.push(',');
    const failure = write(value[i], `${path}[${i}]`, depth + 1, parts);
    if (failure !== null) return failure;
  }
  parts.push(']');
  return null;
}
