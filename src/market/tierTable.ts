import {
  assert,
  childPath,
  err,
  inputError,
  ok,
  Rational,
  type InputError,
  type Result,
} from '../numbers/index.js';

/**
 * `cumulative`: MM = notional × mmr − cum, continuous in notional (Binance, Bybit, Hyperliquid, dYdX).
 * `whole`: MM = notional × mmr, one rate on the whole position, stepping at tier boundaries (OKX, BitMEX).
 */
export type TierModel = 'cumulative' | 'whole';

/** Most tiers one instrument may have (Binance publishes at most 12; BitMEX risk-limit steps stay below this). */
export const MAX_TIERS = 64;

/** One tier as published: notional bounds in the settlement asset, rates as fractions (exact). */
export interface TierSpec {
  readonly floor: Rational;
  readonly cap: Rational;
  readonly mmr: Rational;
  readonly maxLeverage: Rational;
  /** Cumulative model only: the published maintenance amount; checked against the formula. */
  readonly cum?: Rational | undefined;
}

/** A validated tier, exact values. `index` counts from 1 as venues publish it. */
export interface Tier {
  readonly index: number;
  readonly floor: Rational;
  readonly cap: Rational;
  readonly mmr: Rational;
  readonly maxLeverage: Rational;
  readonly cum: Rational;
}

export interface TierTable {
  readonly model: TierModel;
  readonly tiers: readonly Tier[];
  /** Smallest and largest mmr of any tier (bounds on how fast maintenance grows with notional). */
  readonly minMmr: Rational;
  readonly maxMmr: Rational;
}

/**
 * Validates a tier table: contiguous from 0, caps above floors, 0 ≤ mmr ≤ 1, positive max leverage; for the
 * cumulative model non-decreasing mmr and `cum(n) = floor(n) × (mmr(n) − mmr(n−1)) + cum(n−1)` with a
 * published `cum` that disagrees rejected as `cum_mismatch`. `path` names the tier array in errors.
 */
export function buildTierTable(
  model: TierModel,
  specs: readonly TierSpec[],
  path: string,
): Result<TierTable, InputError> {
  if (specs.length === 0)
    return err(inputError('invalid_tiers', `${path} must have at least one tier`, path));
  if (specs.length > MAX_TIERS)
    return err(inputError('too_many_items', `${path} has more than ${MAX_TIERS} tiers`, path));
  const tiers: Tier[] = [];
  let previous: Tier | undefined;
  for (const [i, spec] of specs.entries()) {
    const at = childPath(path, i);
    const { floor, cap, mmr, maxLeverage } = spec;
    const expectedFloor = previous === undefined ? Rational.ZERO : previous.cap;
    if (!floor.eq(expectedFloor)) {
      const want = previous === undefined ? '0' : `the previous cap ${previous.cap.format('trunc')}`;
      return err(
        inputError(
          'tiers_not_contiguous',
          `${childPath(at, 'floor')} must equal ${want}`,
          childPath(at, 'floor'),
        ),
      );
    }
    if (!cap.gt(floor))
      return err(
        inputError('invalid_tiers', `${childPath(at, 'cap')} must be above its floor`, childPath(at, 'cap')),
      );
    if (mmr.sign() < 0 || mmr.gt(Rational.ONE)) {
      return err(
        inputError('invalid_tiers', `${childPath(at, 'mmr')} must be between 0 and 1`, childPath(at, 'mmr')),
      );
    }
    if (maxLeverage.sign() <= 0) {
      return err(
        inputError(
          'invalid_tiers',
          `${childPath(at, 'maxLeverage')} must be positive`,
          childPath(at, 'maxLeverage'),
        ),
      );
    }
    let cum = Rational.ZERO;
    if (model === 'cumulative') {
      if (previous !== undefined) {
        if (mmr.lt(previous.mmr)) {
          return err(
            inputError(
              'invalid_tiers',
              `${childPath(at, 'mmr')} must not fall below the previous tier's`,
              childPath(at, 'mmr'),
            ),
          );
        }
        cum = floor.mul(mmr.sub(previous.mmr)).add(previous.cum);
      }
      if (spec.cum !== undefined && !spec.cum.eq(cum)) {
        return err(
          inputError(
            'cum_mismatch',
            `${childPath(at, 'cum')} is ${spec.cum.format('trunc')} but the cumulative formula gives ${cum.format('trunc')}`,
            childPath(at, 'cum'),
          ),
        );
      }
    } else if (spec.cum !== undefined && !spec.cum.isZero()) {
      return err(
        inputError(
          'cum_mismatch',
          `${childPath(at, 'cum')} must be 0 or absent in the whole tier model`,
          childPath(at, 'cum'),
        ),
      );
    }
    const tier: Tier = { index: i + 1, floor, cap, mmr, maxLeverage, cum };
    tiers.push(tier);
    previous = tier;
  }
  const rates = tiers.map((t) => t.mmr);
  const minMmr = rates.reduce((a, b) => (b.lt(a) ? b : a));
  const maxMmr = rates.reduce((a, b) => (b.gt(a) ? b : a));
  return ok({ model, tiers, minMmr, maxMmr });
}

/**
 * The tier whose [floor, cap) holds `notional` (floors inclusive, as venues publish "from floor"); a notional
 * at or beyond the last cap stays in the last tier (callers that must refuse such a size check `exceedsTable`).
 */
export function tierForNotional(table: TierTable, notional: Rational): Tier {
  const tiers = table.tiers;
  let lo = 0;
  let hi = tiers.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const tier = tiers[mid];
    if (tier !== undefined && notional.gte(tier.floor)) lo = mid;
    else hi = mid - 1;
  }
  const found = tiers[lo];
  assert(found !== undefined, 'empty tier table');
  return found;
}

/** True when the notional is beyond what the table covers (at or above the last cap). */
export function exceedsTable(table: TierTable, notional: Rational): boolean {
  const last = table.tiers[table.tiers.length - 1];
  return last !== undefined && notional.gte(last.cap);
}

/** Maintenance margin of `notional` under the table, exact. */
export function maintenanceMargin(table: TierTable, notional: Rational): Rational {
  const tier = tierForNotional(table, notional);
  return notional.mul(tier.mmr).sub(tier.cum);
}
