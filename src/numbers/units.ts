import type { Decimal } from './decimal.js';
import { toScaleExact } from './decimal.js';
import { Rational } from './rational.js';

declare const unitBrand: unique symbol;
type Units<Kind extends string> = bigint & { readonly [unitBrand]: Kind };

/**
 * Fixed-point value types: an integer count of the instrument's smallest step of that kind. The scale
 * (fraction digits) lives on the instrument (`InstrumentScales`), chosen once and generously; the brand keeps
 * a price from being added to a quantity by mistake.
 */
export type PriceUnits = Units<'price'>;
export type QtyUnits = Units<'qty'>;
export type MoneyUnits = Units<'money'>;
export type RateUnits = Units<'rate'>;

/** Fraction digits of each value type of one instrument. */
export interface InstrumentScales {
  readonly price: number;
  readonly qty: number;
  readonly money: number;
  readonly rate: number;
}

export type UnitKind = keyof InstrumentScales;

interface UnitsOf {
  price: PriceUnits;
  qty: QtyUnits;
  money: MoneyUnits;
  rate: RateUnits;
}

/** The exact units of `value` at the instrument's scale for `kind`, or null when it has excess precision. */
export function unitsOf<K extends UnitKind>(
  scales: InstrumentScales,
  kind: K,
  value: Decimal,
): UnitsOf[K] | null {
  return toScaleExact(value, scales[kind]) as UnitsOf[K] | null;
}

/** The exact rational value of fixed-point units. */
export function rationalOf(scales: InstrumentScales, kind: UnitKind, units: bigint): Rational {
  return Rational.fromUnits(units, scales[kind]);
}
