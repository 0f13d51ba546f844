/**
 * Shared reading of the repo's copy of the shared vectors (vectors/README.md; never the shared folder itself):
 * loading a `{ vectors: [...] }` file and pulling typed fields out of a vector's untyped inputs. How a computed
 * value is compared with the expected text stays with each test file, since the files differ there.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Rational } from '../../src/numbers/index.js';
import { dec } from './model.js';

/** One vector: the fields any of the vector test files reads. */
export interface Vector {
  readonly id: string;
  readonly kind: string;
  readonly inputs: unknown;
  readonly expected?: unknown;
  readonly expectedQuantums?: unknown;
  readonly tolerance?: string;
}

/** The vectors of `vectors/<fileName>` at the repo root. */
export function loadVectors(fileName: string): Vector[] {
  const { vectors } = JSON.parse(
    readFileSync(new URL('../../vectors/' + fileName, import.meta.url), 'utf8'),
  ) as { vectors: Vector[] };
  return vectors;
}

/** The `key` field of `value`, which must be an object holding it. */
export function field(value: unknown, key: string, label: string): unknown {
  assert.ok(typeof value === 'object' && value !== null, `${label}: not an object`);
  assert.ok(key in value, `${label}: missing ${key}`);
  return (value as Record<string, unknown>)[key];
}

/** A string field of `value`. */
export function text(value: unknown, key: string, label: string): string {
  const found = field(value, key, label);
  assert.equal(typeof found, 'string', `${label}.${key}: not a string`);
  return found as string;
}

/** A decimal string field of `value` as an exact Rational. */
export function decimal(value: unknown, key: string, label: string): Rational {
  return dec(text(value, key, label));
}
