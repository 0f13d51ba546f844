import { assert } from './assert.js';

/**
 * How a division rounds. Every division in Bulwark names one; money rounds against the user and toward
 * solvency (a user's debt and margin up, a user's credit down).
 */
export type Rounding = 'floor' | 'ceil' | 'trunc' | 'halfEven';

/** n / d rounded as named; d must not be zero. */
export function divide(n: bigint, d: bigint, rounding: Rounding): bigint {
  // The common case on hot paths (amounts, notionals and prices are non-negative): one division, and for
  // ceil one multiply. Truncation is floor here.
  if (n >= 0n && d > 0n && rounding !== 'halfEven') {
    const q = n / d;
    return rounding === 'ceil' && q * d !== n ? q + 1n : q;
  }
  assert(d !== 0n, 'division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncates toward zero
  const r = n - q * d; // has the sign of n; a multiply is cheaper than a second bigint division
  if (r === 0n) return q;
  switch (rounding) {
    case 'trunc':
      return q;
    case 'floor':
      return n < 0n ? q - 1n : q;
    case 'ceil':
      return n > 0n ? q + 1n : q;
    case 'halfEven': {
      const twiceRemainder = r < 0n ? -2n * r : 2n * r;
      const awayFromZero = n < 0n ? q - 1n : q + 1n;
      if (twiceRemainder > d) return awayFromZero;
      if (twiceRemainder < d) return q;
      return q % 2n === 0n ? q : awayFromZero;
    }
  }
}

/** a × b / c with one rounding at the end (no intermediate precision loss). */
export function mulDiv(a: bigint, b: bigint, c: bigint, rounding: Rounding): bigint {
  return divide(a * b, c, rounding);
}

/** The rounding that moves a value toward `target` (used for prices: round toward the mark, i.e. earlier). */
export function roundingToward(valueIsBelowTarget: boolean): Rounding {
  return valueIsBelowTarget ? 'ceil' : 'floor';
}
