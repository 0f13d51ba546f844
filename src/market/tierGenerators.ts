import { childPath, err, inputError, Rational, type InputError, type Result } from '../numbers/index.js';
import { buildTierTable, MAX_TIERS, type TierSpec, type TierTable } from './tierTable.js';

/**
 * Venues that publish a rule rather than a table (RULEBOOK.md §1): BitMEX derives its risk-limit steps from
 * a few parameters, Hyperliquid derives each tier's mmr from its max leverage. These expand the rule into a
 * validated TierTable so the rest of the engine sees one representation.
 */

/** BitMEX risk-limit parameters; rates are fractions (0.0035 = 0.35 %), limits are notionals. */
export interface BitmexRiskLimitParams {
  /** Maintenance rate of the base step. */
  readonly baseMaintenanceMargin: Rational;
  /** Initial rate of the base step. */
  readonly baseInitialMargin: Rational;
  /** Cap of the base step (the smallest risk limit). */
  readonly baseRiskLimit: Rational;
  /** How much each further step raises the risk limit. */
  readonly stepSize: Rational;
  /** Steps above the base (0 = base only); the table has `steps + 1` tiers. */
  readonly steps: number;
}

/**
 * BitMEX risk limits as a `whole` table: step k (0…steps) covers [floor, baseRiskLimit + k × stepSize) with
 * floor 0 for k = 0 and the previous cap otherwise, `mmr = baseMM × (1 + k)`, `im = baseIM + k × baseMM`,
 * `maxLeverage = 1 / im` (exact; the initial rate is `1 / maxLeverage`).
 */
export function bitmexRiskLimitTiers(
  params: BitmexRiskLimitParams,
  path = 'riskLimit',
): Result<TierTable, InputError> {
  const { baseMaintenanceMargin: baseMM, baseInitialMargin: baseIM, baseRiskLimit, stepSize, steps } = params;
  const at = (key: keyof BitmexRiskLimitParams): string => childPath(path, key);
  if (!Number.isSafeInteger(steps) || steps < 0 || steps > MAX_TIERS - 1) {
    return err(
      inputError(
        'invalid_parameter',
        `${at('steps')} must be an integer from 0 to ${MAX_TIERS - 1}`,
        at('steps'),
      ),
    );
  }
  if (baseMM.sign() <= 0)
    return err(
      inputError(
        'invalid_parameter',
        `${at('baseMaintenanceMargin')} must be positive`,
        at('baseMaintenanceMargin'),
      ),
    );
  // Initial below maintenance would open positions that are liquidatable at once.
  if (baseIM.lt(baseMM)) {
    return err(
      inputError(
        'invalid_parameter',
        `${at('baseInitialMargin')} must not be below ${at('baseMaintenanceMargin')}`,
        at('baseInitialMargin'),
      ),
    );
  }
  // The top step has the largest rates; im ≥ mm there, so bounding im by 1 bounds every rate.
  const topIM = baseIM.add(baseMM.mulInt(BigInt(steps)));
  if (topIM.gt(Rational.ONE)) {
    return err(
      inputError(
        'invalid_parameter',
        `${at('baseInitialMargin')} + ${steps} × ${at('baseMaintenanceMargin')} is ${topIM.format('trunc')}, above 1`,
        at('steps'),
      ),
    );
  }
  if (baseRiskLimit.sign() <= 0)
    return err(
      inputError('invalid_parameter', `${at('baseRiskLimit')} must be positive`, at('baseRiskLimit')),
    );
  if (stepSize.sign() <= 0)
    return err(inputError('invalid_parameter', `${at('stepSize')} must be positive`, at('stepSize')));
  const specs: TierSpec[] = [];
  let floor = Rational.ZERO;
  for (let k = 0; k <= steps; k++) {
    const step = BigInt(k);
    const cap = baseRiskLimit.add(stepSize.mulInt(step));
    const mmr = baseMM.mulInt(1n + step);
    const im = baseIM.add(baseMM.mulInt(step));
    specs.push({ floor, cap, mmr, maxLeverage: im.inverse() });
    floor = cap;
  }
  return buildTierTable('whole', specs, childPath(path, 'tiers'));
}

/** One row of a Hyperliquid margin table: from `lowerBound` notional up, at most `maxLeverage`. */
export interface HyperliquidMarginTier {
  readonly lowerBound: Rational;
  readonly maxLeverage: Rational;
}

/**
 * A Hyperliquid margin table as a `cumulative` table: row i covers [lowerBound(i), lowerBound(i+1)), the
 * last row up to `cap` (Hyperliquid's last tier is open-ended, so the caller states the largest notional it
 * will price); `mmr = 1 / (2 × maxLeverage)` and `cum` (Hyperliquid's "maintenance deduction") from the
 * cumulative formula. Rows must start at 0 with rising bounds and non-increasing leverage.
 */
export function hyperliquidTierTable(
  rows: readonly HyperliquidMarginTier[],
  cap: Rational,
  path = 'marginTiers',
): Result<TierTable, InputError> {
  if (rows.length === 0) return err(inputError('invalid_tiers', `${path} must have at least one row`, path));
  if (rows.length > MAX_TIERS)
    return err(inputError('too_many_items', `${path} has more than ${MAX_TIERS} rows`, path));
  const specs: TierSpec[] = [];
  let previous: HyperliquidMarginTier | undefined;
  for (const [i, row] of rows.entries()) {
    const boundPath = childPath(childPath(path, i), 'lowerBound');
    const leveragePath = childPath(childPath(path, i), 'maxLeverage');
    if (previous === undefined ? !row.lowerBound.isZero() : !row.lowerBound.gt(previous.lowerBound)) {
      const want = previous === undefined ? 'be 0' : "be above the previous row's";
      return err(inputError('tiers_not_contiguous', `${boundPath} must ${want}`, boundPath));
    }
    // mmr = 1/(2L) ≤ 1 needs L ≥ 1/2.
    if (row.maxLeverage.mulInt(2n).lt(Rational.ONE)) {
      return err(inputError('invalid_tiers', `${leveragePath} must be at least 0.5`, leveragePath));
    }
    if (previous !== undefined && row.maxLeverage.gt(previous.maxLeverage)) {
      return err(
        inputError('invalid_tiers', `${leveragePath} must not exceed the previous row's`, leveragePath),
      );
    }
    specs.push({
      floor: row.lowerBound,
      cap: rows[i + 1]?.lowerBound ?? cap,
      mmr: row.maxLeverage.mulInt(2n).inverse(),
      maxLeverage: row.maxLeverage,
    });
    previous = row;
  }
  if (previous !== undefined && !cap.gt(previous.lowerBound)) {
    return err(inputError('invalid_parameter', `cap must be above the last ${path} lowerBound`, 'cap'));
  }
  // buildTierTable computes cum(n) = floor(n) × (mmr(n) − mmr(n−1)) + cum(n−1), the maintenance deduction.
  return buildTierTable('cumulative', specs, path);
}
