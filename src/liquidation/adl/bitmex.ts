import { assert, Rational } from '../../numbers/index.js';
import { scoreQueuePolicy, type AdlCandidate, type AdlPolicy } from './policy.js';

/**
 * BitMEX's ADL inputs, signed as BitMEX signs them (positive for a long, negative for a short), all in one
 * money unit: qty × entry, qty × mark and qty × the leg's own bankruptcy price.
 */
export interface BitmexAdlValues {
  readonly entryValue: Rational;
  readonly markValue: Rational;
  readonly bankruptValue: Rational;
}

/**
 * BitMEX's (and classic Bybit's) ADL ranking, dimensionless: `PnL% × effLev` when PnL% > 0, else
 * `PnL% / effLev`, with `PnL% = (markValue − entryValue) / |entryValue|` and
 * `effLev = |markValue| / (markValue − bankruptValue)`. The leg must be solvent (mark strictly better than its
 * own bankruptcy price, so effLev > 0); the engine liquidates a leg past it before it can be a counterparty.
 */
export function bitmexAdlScore(values: BitmexAdlValues): Rational {
  const { entryValue, markValue, bankruptValue } = values;
  assert(!entryValue.isZero() && !markValue.isZero(), 'BitMEX ADL: entry and mark values must not be zero');
  const distance = markValue.sub(bankruptValue);
  assert(distance.sign() > 0, 'BitMEX ADL: the leg is at or past its own bankruptcy price');
  const pnlRatio = markValue.sub(entryValue).div(entryValue.abs());
  const effectiveLeverage = markValue.abs().div(distance);
  return pnlRatio.sign() > 0 ? pnlRatio.mul(effectiveLeverage) : pnlRatio.div(effectiveLeverage);
}

/** A candidate's values with BitMEX's signs. */
function signedValues(candidate: AdlCandidate): BitmexAdlValues {
  return {
    entryValue: Rational.fromInt(candidate.sign * candidate.entryValue),
    markValue: Rational.fromInt(candidate.sign * candidate.markValue),
    bankruptValue: Rational.fromInt(candidate.sign * candidate.bankruptcyValue),
  };
}

/** BitMEX: rank by `bitmexAdlScore`, close from the top at the bankruptcy price. */
export const BITMEX_ADL: AdlPolicy = scoreQueuePolicy({
  id: 'bitmex',
  name: 'BitMEX',
  closePrice: 'bankruptcy',
  score: (candidate) => bitmexAdlScore(signedValues(candidate)),
});

/** Classic Bybit: BitMEX's ranking and close price. */
export const BYBIT_CLASSIC_ADL: AdlPolicy = scoreQueuePolicy({
  id: 'bybitClassic',
  name: 'Bybit (classic)',
  closePrice: 'bankruptcy',
  score: (candidate) => bitmexAdlScore(signedValues(candidate)),
});
