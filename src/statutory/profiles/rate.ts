import { assert, parseDecimal, Rational } from '../../numbers/index.js';

/** Fraction digits a profile's decimal strings may carry (1e-8 of notional is finer than any rule). */
export const MAX_PROFILE_RATE_SCALE = 8;

/** A profile decimal string as an exact rational, or null when it is not a plain decimal. */
export function parseProfileDecimal(text: string): Rational | null {
  const parsed = parseDecimal(text, MAX_PROFILE_RATE_SCALE);
  return parsed.ok ? Rational.fromDecimal(parsed.value) : null;
}

/** A decimal string of a validated profile; a malformed one is a bug (check 1 rejects it before shipping). */
export function profileDecimal(text: string): Rational {
  const value = parseProfileDecimal(text);
  assert(value !== null, `profile decimal "${text}" is not a plain decimal`);
  return value;
}

/** ⌊1 / rate⌋: the whole leverage a minimum initial-margin rate allows; rate must be positive. */
export function leverageCapOf(rate: Rational): number {
  assert(rate.sign() > 0, 'leverage cap of a non-positive rate');
  const reduced = rate.reduce();
  return Number(reduced.den / reduced.num);
}
