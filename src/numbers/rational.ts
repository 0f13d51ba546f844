import { assert } from './assert.js';
import type { Decimal } from './decimal.js';
import { formatUnits } from './decimal.js';
import { pow10 } from './pow10.js';
import { divide, type Rounding } from './rounding.js';

/** Denominators are reduced by their gcd once they pass this size, so chains of operations stay small. */
const REDUCE_ABOVE_DENOMINATOR = 1n << 256n;

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * An exact rational number `num / den` with `den > 0`. Used where a decimal is not closed: liquidation
 * prices are quotients, inverse-contract values divide by price. Not reduced eagerly (gcd is the expensive
 * part); equal denominators add without multiplying, which is the common case for values of one instrument.
 */
export class Rational {
  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  /** num / den; den must not be zero. */
  static of(num: bigint, den: bigint): Rational {
    assert(den !== 0n, 'rational with zero denominator');
    if (den < 0n) return Rational.bounded(-num, -den);
    return Rational.bounded(num, den);
  }

  static fromInt(value: bigint): Rational {
    return new Rational(value, 1n);
  }

  /** `units × 10^−scale` exactly. */
  static fromUnits(units: bigint, scale: number): Rational {
    return new Rational(units, pow10(scale));
  }

  static fromDecimal(value: Decimal): Rational {
    return new Rational(value.units, pow10(value.scale));
  }

  private static bounded(num: bigint, den: bigint): Rational {
    if (den > REDUCE_ABOVE_DENOMINATOR) {
      const g = gcd(num, den);
      if (g > 1n) return new Rational(num / g, den / g);
    }
    return new Rational(num, den);
  }

  add(other: Rational): Rational {
    if (this.den === other.den) return new Rational(this.num + other.num, this.den);
    return Rational.bounded(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Rational): Rational {
    if (this.den === other.den) return new Rational(this.num - other.num, this.den);
    return Rational.bounded(this.num * other.den - other.num * this.den, this.den * other.den);
  }

  mul(other: Rational): Rational {
    return Rational.bounded(this.num * other.num, this.den * other.den);
  }

  mulInt(value: bigint): Rational {
    return new Rational(this.num * value, this.den);
  }

  /** this / other; other must not be zero. */
  div(other: Rational): Rational {
    assert(other.num !== 0n, 'rational division by zero');
    return Rational.of(this.num * other.den, this.den * other.num);
  }

  neg(): Rational {
    return new Rational(-this.num, this.den);
  }

  abs(): Rational {
    return this.num < 0n ? new Rational(-this.num, this.den) : this;
  }

  /** 1 / this; this must not be zero. */
  inverse(): Rational {
    return Rational.of(this.den, this.num);
  }

  sign(): -1 | 0 | 1 {
    return this.num > 0n ? 1 : this.num < 0n ? -1 : 0;
  }

  /** True when the value is a whole number. */
  isInteger(): boolean {
    return this.num % this.den === 0n;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  /** −1, 0 or 1 as this is below, equal to or above other. */
  cmp(other: Rational): -1 | 0 | 1 {
    const left = this.den === other.den ? this.num : this.num * other.den;
    const right = this.den === other.den ? other.num : other.num * this.den;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  eq(other: Rational): boolean {
    return this.cmp(other) === 0;
  }

  lt(other: Rational): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: Rational): boolean {
    return this.cmp(other) <= 0;
  }

  gt(other: Rational): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: Rational): boolean {
    return this.cmp(other) >= 0;
  }

  /** The same value in lowest terms. */
  reduce(): Rational {
    const g = gcd(this.num, this.den);
    return g > 1n ? new Rational(this.num / g, this.den / g) : this;
  }

  /** Integer units at `scale` fraction digits, rounded as named. */
  toUnits(scale: number, rounding: Rounding): bigint {
    return divide(this.num * pow10(scale), this.den, rounding);
  }

  /** Fraction digits of the exact decimal expansion, or null when it does not terminate. */
  terminatingScale(): number | null {
    let den = this.reduce().den;
    let twos = 0;
    let fives = 0;
    while (den % 2n === 0n) {
      den /= 2n;
      twos++;
    }
    while (den % 5n === 0n) {
      den /= 5n;
      fives++;
    }
    return den === 1n ? Math.max(twos, fives) : null;
  }

  /**
   * Plain decimal text with at least `significantDigits` significant digits (and at least `minScale`
   * fraction digits); exact when the expansion terminates within that, otherwise rounded as named.
   */
  format(rounding: Rounding, significantDigits = 20, minScale = 12): string {
    const exact = this.terminatingScale();
    const scale = Math.max(minScale, this.scaleForSignificantDigits(significantDigits));
    if (exact !== null && exact <= scale) return formatUnits(this.toUnits(exact, 'trunc'), exact);
    return formatUnits(this.toUnits(scale, rounding), scale);
  }

  private scaleForSignificantDigits(significantDigits: number): number {
    const magnitude = this.num < 0n ? -this.num : this.num;
    if (magnitude === 0n) return 0;
    const integerPart = magnitude / this.den;
    if (integerPart > 0n) return Math.max(0, significantDigits - integerPart.toString().length);
    // Below one: count the leading fraction zeros, then keep `significantDigits` after them.
    let leadingZeros = 0;
    let scaled = magnitude * 10n;
    while (scaled < this.den) {
      scaled *= 10n;
      leadingZeros++;
    }
    return leadingZeros + significantDigits;
  }

  /** A float64 approximation, for statistics and display only (never for money). */
  toNumber(): number {
    return Number.parseFloat(this.format('halfEven', 17, 0));
  }

  toString(): string {
    return `${this.num}/${this.den}`;
  }
}
