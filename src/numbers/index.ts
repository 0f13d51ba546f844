export { assert, AssertionError } from './assert.js';
export { ok, err, type Result } from './result.js';
export { pow10 } from './pow10.js';
export { divide, mulDiv, roundingToward, type Rounding } from './rounding.js';
export {
  parseDecimal,
  shortDecimalToScale,
  rescale,
  toScaleExact,
  formatUnits,
  formatDecimal,
  fitsSignedBits,
  MAX_DECIMAL_SCALE,
  MAX_INTEGER_DIGITS,
  type Decimal,
  type DecimalParseError,
} from './decimal.js';
export { Rational } from './rational.js';
export {
  unitsOf,
  rationalOf,
  type PriceUnits,
  type QtyUnits,
  type MoneyUnits,
  type RateUnits,
  type InstrumentScales,
  type UnitKind,
} from './units.js';
export { inputError, childPath, type InputError } from './inputError.js';
export {
  parseExactJson,
  JsonNumber,
  MAX_JSON_DEPTH,
  type ExactJson,
  type JsonSyntaxError,
} from './exactJson.js';
export {
  readDecimal,
  readObject,
  readRecord,
  readArray,
  readString,
  readEnum,
  type JsonObject,
} from './jsonFields.js';
