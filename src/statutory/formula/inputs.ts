import { FIXED_MAX, FIXED_ONE, type Fixed } from './fixed.js';

/** A closed range of Fixed values (raw units); an open bound is stored one unit (10^-18) inside. */
export interface FixedRange {
  readonly min: Fixed;
  readonly max: Fixed;
}

/** Every value a formula can hold: |x| < 10^30. */
export const FULL_RANGE: FixedRange = { min: -FIXED_MAX, max: FIXED_MAX };

const ULP = 1n;

/**
 * The standard inputs (STATUTORY.md §2) and their declared ranges. Evaluation rejects an input outside its
 * range (`input_out_of_range`), which is what makes the compile-time division check sound:
 * sigma ≥ 0; ltv = 1 − 1/leverage in (0, 1) because the engine evaluates only for leverage > 1;
 * leverage in (1, 1000]; notional ≥ 0; tierRate in [0, 1]; mark, index > 0; fundingRate any;
 * mporDays in [1, 30]; confidence in (0.5, 1).
 */
export const STANDARD_INPUT_RANGES: ReadonlyMap<string, FixedRange> = new Map<string, FixedRange>([
  ['sigma', { min: 0n, max: FIXED_MAX }],
  ['ltv', { min: ULP, max: FIXED_ONE - ULP }],
  ['leverage', { min: FIXED_ONE + ULP, max: 1000n * FIXED_ONE }],
  ['notional', { min: 0n, max: FIXED_MAX }],
  ['tierRate', { min: 0n, max: FIXED_ONE }],
  ['mark', { min: ULP, max: FIXED_MAX }],
  ['index', { min: ULP, max: FIXED_MAX }],
  ['fundingRate', FULL_RANGE],
  ['mporDays', { min: FIXED_ONE, max: 30n * FIXED_ONE }],
  ['confidence', { min: FIXED_ONE / 2n + ULP, max: FIXED_ONE - ULP }],
]);

/** Standard inputs (STATUTORY.md §2), in the order of the design. */
export const STANDARD_INPUTS: readonly string[] = [...STANDARD_INPUT_RANGES.keys()];
