import { assert } from './assert.js';

/** Largest power of ten kept in the table; scales above this are a bug, not an input. */
export const POW10_MAX_EXPONENT = 160;

const table: bigint[] = [1n];
for (let i = 1; i <= POW10_MAX_EXPONENT; i++) table.push((table[i - 1] ?? 1n) * 10n);

/** 10^exponent as a bigint, from a table (the hot paths rescale often). */
export function pow10(exponent: number): bigint {
  const value = table[exponent];
  if (value === undefined) assert(false, `pow10 exponent out of range: ${exponent}`);
  return value;
}
