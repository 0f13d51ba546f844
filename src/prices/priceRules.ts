import type { RulebookId } from '../market/index.js';
import { childPath, Rational, type InputError } from '../numbers/index.js';
import {
  BINANCE_CAP_FACTOR,
  HYPERLIQUID_CAP_PER_HOUR,
  validateFundingModel,
  type FundingModel,
} from './funding.js';
import { checkOpenFraction, fieldError, validateIndexConfig, type IndexConfig } from './indexPrice.js';
import { MARK_METHODS, type MarkMethod } from './markPrice.js';

/**
 * Each rulebook's price rules (RULEBOOK.md §3) as data: how the index, the mark and the funding rate are
 * built. Values a venue publishes are cited; values it does not publish are marked "assumed".
 */

/** A margin rulebook, or Deribit (whose price rules Bulwark offers although it is not a margin rulebook). */
export type PriceRulesId = RulebookId | 'deribit';

export interface PriceRules {
  readonly id: PriceRulesId;
  readonly index: IndexConfig;
  readonly mark: MarkMethod;
  /** Bulwark's feed guard: the most the mark may move per update, a fraction of the last mark; null is off. */
  readonly maxMovePerTick: Rational | null;
  readonly funding: FundingModel;
  /** The price funding is paid on: the mark (most venues) or the index (Hyperliquid and dYdX use the oracle). */
  readonly fundingPriceBasis: 'mark' | 'index';
  /** How often a premium sample is taken, ms. */
  readonly premiumSampleMs: number;
}

const fraction = (num: bigint, den: bigint): Rational => Rational.of(num, den);

/** Binance index band for most symbols: 3 %. */
export const BINANCE_INDEX_BAND = fraction(3n, 100n);
/** Binance index band for BTC and ETH: 1 %. */
export const BINANCE_INDEX_BAND_MAJOR = fraction(1n, 100n);
/** Binance: a source silent for 5 minutes loses its weight. */
const BINANCE_STALE_MS = 5 * 60_000;
/** The usual interest (0.01 % per 8 h) and clamp half-width (0.05 %) of Binance-style funding. */
const INTEREST_8H = fraction(1n, 10_000n);
const CLAMP_8H = fraction(5n, 10_000n);
/**
 * Bulwark's own guard against a broken feed, not a venue rule: 10 % per update is above any one-second move
 * of a listed perpetual, so it only holds back a bad print (a real move of more arrives over several updates).
 */
const MAX_MOVE_PER_TICK = fraction(1n, 10n);
/**
 * Venues compute the index from whatever sources are live, so one live source suffices by default; an operator
 * who wants a cross-check raises `minSources`.
 */
const MIN_SOURCES = 1;
const SECOND_MS = 1000;
const MINUTE_MS = 60_000;

/** Binance's 2020 index rule: a source > 5 % from the median gets weight 0, silent for 10 s gets weight 0. */
export const BINANCE_2020_INDEX: IndexConfig = {
  rule: { kind: 'binance2020', band: fraction(5n, 100n), staleAfterMs: 10 * SECOND_MS },
  minSources: MIN_SOURCES,
};

/** Binance-style index (outliers capped at the band, 5-minute staleness); bybit and okx assume the same. */
const CAPPED_INDEX: IndexConfig = {
  rule: { kind: 'binance', band: BINANCE_INDEX_BAND, staleAfterMs: BINANCE_STALE_MS },
  minSources: MIN_SOURCES,
};

/** Binance-style 8-hour funding capped at 0.75 × the first tier's mmr. */
const BINANCE_FUNDING: FundingModel = {
  kind: 'binance',
  intervalHours: 8,
  interest: INTEREST_8H,
  clamp: CLAMP_8H,
  limit: { kind: 'mmrFactor', capFactor: BINANCE_CAP_FACTOR },
};

/** A venue assumed to follow Binance's index, mark and capped funding, sampling the premium once a minute. */
function binanceLike(id: 'bybit' | 'okx'): PriceRules {
  return {
    id,
    index: CAPPED_INDEX,
    mark: 'binance',
    maxMovePerTick: MAX_MOVE_PER_TICK,
    funding: BINANCE_FUNDING,
    fundingPriceBasis: 'mark',
    premiumSampleMs: MINUTE_MS,
  };
}

export const PRICE_RULES: Readonly<Record<RulebookId, PriceRules>> = {
  // Binance price index, mark price and funding rate FAQs: band 3 % (BTC/ETH 1 %: BINANCE_INDEX_BAND_MAJOR),
  // mark = median(P1, P2, last), F = [P + clamp(I − P)] / (8/N), cap 0.75 × mmr, premium every 5 s.
  binance: {
    id: 'binance',
    index: CAPPED_INDEX,
    mark: 'binance',
    maxMovePerTick: MAX_MOVE_PER_TICK,
    funding: BINANCE_FUNDING,
    fundingPriceBasis: 'mark',
    premiumSampleMs: 5 * SECOND_MS,
  },
  // Bybit "Funding fee calculation": 8 h, I = 0.01 %, clamp ±0.05 %, paid on the mark. Assumed: a
  // Binance-like index (3 % cap, 5 min) and mark (median with basis MA), cap 0.75 × first-tier mmr (Bybit
  // publishes a cap per symbol), and one premium sample a minute.
  bybit: binanceLike('bybit'),
  // BitMEX perpetual contracts guide: fair-price marking, F = P + clamp(I − P, ±0.05 %) every 8 h with
  // I = (quote − base)/3 = 0.01 %, premium index each minute. Assumed: the index drops a constituent more than
  // 5 % from the median or silent for 10 s (the Binance 2020 rule).
  bitmex: {
    id: 'bitmex',
    index: BINANCE_2020_INDEX,
    mark: 'bitmexFair',
    maxMovePerTick: MAX_MOVE_PER_TICK,
    funding: { kind: 'bitmex', interest: INTEREST_8H, clamp: CLAMP_8H },
    fundingPriceBasis: 'mark',
    premiumSampleMs: MINUTE_MS,
  },
  // Hyperliquid docs "Robust price indices", "Funding": oracle = weighted median of spot venues, mark =
  // median of three, hourly funding of 1/8 of the 8-hour rate, capped at 4 %/h, paid on the oracle price,
  // premium every 5 s. Assumed: a source older than 60 s is stale (validators publish every 3 s).
  hyperliquid: {
    id: 'hyperliquid',
    index: { rule: { kind: 'weightedMedian', staleAfterMs: MINUTE_MS }, minSources: MIN_SOURCES },
    mark: 'hyperliquid',
    maxMovePerTick: MAX_MOVE_PER_TICK,
    funding: {
      kind: 'hyperliquid',
      interest: INTEREST_8H,
      clamp: CLAMP_8H,
      capPerHour: HYPERLIQUID_CAP_PER_HOUR,
    },
    fundingPriceBasis: 'index',
    premiumSampleMs: 5 * SECOND_MS,
  },
  // dYdX v4 docs "Funding", "Oracle prices": everything is valued at the oracle (median of validators'
  // prices), hourly funding with the 8-hour rate capped at 6 × (imf − mmf), paid on the oracle price. imf 0.05
  // and mmf 0.03 are BTC-USD's (set each market's own); premium sampled each minute. Assumed: interest 0 and a
  // 60-s staleness.
  dydx: {
    id: 'dydx',
    index: { rule: { kind: 'weightedMedian', staleAfterMs: MINUTE_MS }, minSources: MIN_SOURCES },
    mark: 'index',
    maxMovePerTick: MAX_MOVE_PER_TICK,
    funding: {
      kind: 'dydx',
      intervalHours: 1,
      interest: Rational.ZERO,
      imf: fraction(5n, 100n),
      mmf: fraction(3n, 100n),
    },
    fundingPriceBasis: 'index',
    premiumSampleMs: MINUTE_MS,
  },
  // OKX "Funding rate mechanism": 8 h, interest 0.01 % per 8 h, clamp ±0.05 %, paid on the mark. Assumed: a
  // Binance-like index and mark, cap 0.75 × first-tier mmr (OKX publishes a cap per symbol), and one premium
  // sample a minute.
  okx: binanceLike('okx'),
};

/**
 * Deribit's price rules (not a margin rulebook): index sources clamped to ±0.5 % of the median with equal
 * weights, futures mark = last clamped into [bid, ask], funding with a ±0.025 % dead band paid on the mark
 * (Deribit accrues it continuously; Bulwark settles hourly). Assumed: 60-s staleness, a premium sample a minute.
 */
export const DERIBIT_PRICE_RULES: PriceRules = {
  id: 'deribit',
  index: {
    rule: { kind: 'deribit', band: fraction(5n, 1000n), staleAfterMs: MINUTE_MS },
    minSources: MIN_SOURCES,
  },
  mark: 'deribit',
  maxMovePerTick: MAX_MOVE_PER_TICK,
  funding: { kind: 'deribit', deadBand: fraction(25n, 100_000n) },
  fundingPriceBasis: 'mark',
  premiumSampleMs: MINUTE_MS,
};

/** The first problem with a set of price rules, naming the field under `path`, or null when valid. */
export function validatePriceRules(rules: PriceRules, path: string): InputError | null {
  if (!MARK_METHODS.includes(rules.mark))
    return fieldError(path, 'mark', `must be one of ${MARK_METHODS.join(', ')}`);
  if (!Number.isSafeInteger(rules.premiumSampleMs) || rules.premiumSampleMs <= 0)
    return fieldError(path, 'premiumSampleMs', 'must be a positive whole number of milliseconds');
  return (
    validateIndexConfig(rules.index, childPath(path, 'index')) ??
    (rules.maxMovePerTick === null
      ? null
      : checkOpenFraction(rules.maxMovePerTick, childPath(path, 'maxMovePerTick'))) ??
    validateFundingModel(rules.funding, childPath(path, 'funding'))
  );
}
