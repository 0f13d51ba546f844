import { isRulebookId } from '../market/index.js';
import { parseDecimal, Rational } from '../numbers/index.js';
import {
  BINANCE_INDEX_BAND_MAJOR,
  DERIBIT_PRICE_RULES,
  PRICE_RULES,
  type EmaState,
  type FundingModel,
  type IndexConfig,
  type MarkMethod,
  type PriceRules,
} from '../prices/index.js';
import type { PriceSpecInput, Rejection } from './commands.js';
import { identifier, isRejection, reject, shown } from './parse.js';

/** Bounds of the price layer (TigerBeetle: bound everything). */
export const MAX_SOURCES = 16;
export const MAX_BOOK_LEVELS = 1000;
/** Basis samples in the moving average of Binance's price 2 (30 one-second samples since 2025-09-18). */
export const BASIS_SAMPLES = 30;
/** Extra fraction digits the price layer keeps beyond the instrument's tick (sources quote finer than it). */
export const FINE_DIGITS = 6;
/** Fraction digits of a premium sample (1e-12 of the index). */
export const PREMIUM_SCALE = 12;
/** Largest price any source may quote, in whole units of the quote asset (an absurd price is an input error). */
export const MAX_PRICE_WHOLE = 10n ** 12n;
const HOUR_MS = 3_600_000;
const DEFAULT_MAX_STALE_MS = 15 * 60_000;

/** An instrument's price rules, parsed once at listing. */
export interface PriceConfig {
  readonly rulesId: string;
  readonly index: IndexConfig;
  /** Source names in listing order with their weights. */
  readonly sources: readonly { readonly name: string; readonly weight: Rational }[];
  readonly mark: MarkMethod;
  readonly maxMovePerTick: Rational | null;
  readonly maxStaleMs: number;
  readonly funding: FundingModel;
  readonly fundingPriceBasis: 'mark' | 'index';
  readonly impactNotional: Rational;
  /** Premium sampling period (Binance: every 5 s). */
  readonly sampleIntervalMs: number;
}

export interface SourceQuoteState {
  /** Price in fine units (10^−(priceScale + FINE_DIGITS)). */
  readonly price: bigint;
  readonly observedAtMs: number;
}

/** What the price layer remembers between commands; all of it is hashed and snapshotted. */
export interface PriceState {
  readonly config: PriceConfig;
  readonly quotes: Map<string, SourceQuoteState>;
  /** Published index, fine units; null until the first good computation. */
  index: bigint | null;
  /** `ok`: computed from live sources at `indexAtMs`; `stale`: the sources failed since, the value is old. */
  indexStatus: 'none' | 'ok' | 'stale';
  indexAtMs: number;
  bestBid: bigint | null;
  bestAsk: bigint | null;
  lastPrice: bigint | null;
  /** The last BASIS_SAMPLES values of (mid − index), fine units, oldest first: one a second at most. */
  basis: bigint[];
  /** The second (timestamp / 1000) of the last basis sample. */
  lastBasisSecond: number;
  /** Hyperliquid's 150-s EMA of (mid − oracle). */
  ema: EmaState | null;
  emaAtMs: number;
  /** Σ premium_i and Σ i × premium_i over this interval's samples, premium in 10^−PREMIUM_SCALE. */
  premiumSum: bigint;
  premiumWeightedSum: bigint;
  premiumCount: number;
  /** The sampling slot (timestamp / sampleIntervalMs) of the last sample taken. */
  lastSampleSlot: number;
  /** Rate units (10^−RATE_SCALE). */
  lastFundingRate: bigint;
  /** The funding time last paid (a multiple of the interval), or null before the first. */
  lastFundingAtMs: number | null;
}

function positiveDecimal(text: unknown, field: string): Rational | Rejection {
  const parsed = typeof text === 'string' ? parseDecimal(text) : null;
  if (!parsed?.ok) return reject('invalid_instrument', `${field} must be a plain decimal string`);
  const value = Rational.fromDecimal(parsed.value);
  if (value.sign() <= 0) return reject('invalid_instrument', `${field} must be positive`);
  return value;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number | Rejection {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
    return reject('invalid_instrument', `${field} must be a whole number from ${min} to ${max}`);
  return value;
}

function rulesOf(id: unknown): PriceRules | Rejection {
  if (id === 'deribit') return DERIBIT_PRICE_RULES;
  if (typeof id === 'string' && isRulebookId(id)) return PRICE_RULES[id];
  return reject('invalid_instrument', `prices.rules must be a rulebook id or deribit, not ${shown(id)}`);
}

/** Validates `listInstrument.prices` into a config (also used to rebuild it from a snapshot). */
export function parsePriceSpec(spec: PriceSpecInput, symbol: string): PriceConfig | Rejection {
  if (typeof spec !== 'object' || spec === null)
    return reject('invalid_instrument', 'prices must be an object');
  const rules = rulesOf(spec.rules);
  if (isRejection(rules)) return rules;
  if (!Array.isArray(spec.sources) || spec.sources.length === 0 || spec.sources.length > MAX_SOURCES)
    return reject('invalid_instrument', `prices.sources must list 1 to ${MAX_SOURCES} sources`);
  const sources: { name: string; weight: Rational }[] = [];
  for (const [i, given] of (spec.sources as unknown[]).entries()) {
    if (typeof given !== 'object' || given === null)
      return reject('invalid_instrument', `prices.sources[${i}] must be an object`);
    const source = given as Partial<PriceSpecInput['sources'][number]>;
    const name = identifier(source.name, `prices.sources[${i}].name`);
    if (isRejection(name)) return reject('invalid_instrument', name.message);
    if (sources.some((s) => s.name === name))
      return reject('invalid_instrument', `prices.sources[${i}].name ${name} is listed twice`);
    const weight = positiveDecimal(source.weight, `prices.sources[${i}].weight`);
    if (isRejection(weight)) return weight;
    sources.push({ name, weight });
  }
  const impactNotional = positiveDecimal(spec.impactNotional, 'prices.impactNotional');
  if (isRejection(impactNotional)) return impactNotional;
  let index = rules.index;
  // Binance caps BTC and ETH index sources at 1 % from the median, every other symbol at 3 %.
  if (rules.id === 'binance' && index.rule.kind === 'binance' && /^(BTC|ETH)/.test(symbol))
    index = { ...index, rule: { ...index.rule, band: BINANCE_INDEX_BAND_MAJOR } };
  if (spec.band !== undefined) {
    const band = positiveDecimal(spec.band, 'prices.band');
    if (isRejection(band)) return band;
    if (band.gte(Rational.ONE)) return reject('invalid_instrument', 'prices.band must be below 1');
    if (index.rule.kind === 'weightedMedian')
      return reject('invalid_instrument', 'prices.band does not apply to a weighted-median index');
    index = { ...index, rule: { ...index.rule, band } };
  }
  if (spec.staleAfterMs !== undefined) {
    const staleAfterMs = wholeNumber(spec.staleAfterMs, 'prices.staleAfterMs', 1, 24 * HOUR_MS);
    if (isRejection(staleAfterMs)) return staleAfterMs;
    index = { ...index, rule: { ...index.rule, staleAfterMs } };
  }
  if (spec.minSources !== undefined) {
    const minSources = wholeNumber(spec.minSources, 'prices.minSources', 1, MAX_SOURCES);
    if (isRejection(minSources)) return minSources;
    index = { ...index, minSources };
  }
  if (index.minSources > sources.length)
    return reject(
      'invalid_instrument',
      `prices.minSources ${index.minSources} is more than the ${sources.length} sources listed`,
    );
  const maxStaleMs =
    spec.maxStaleMs === undefined
      ? DEFAULT_MAX_STALE_MS
      : wholeNumber(spec.maxStaleMs, 'prices.maxStaleMs', 0, 24 * HOUR_MS);
  if (isRejection(maxStaleMs)) return maxStaleMs;
  let maxMovePerTick = rules.maxMovePerTick;
  if (spec.maxMovePerTick !== undefined) {
    const value = positiveDecimal(spec.maxMovePerTick, 'prices.maxMovePerTick');
    if (isRejection(value)) return value;
    if (value.gte(Rational.ONE)) return reject('invalid_instrument', 'prices.maxMovePerTick must be below 1');
    maxMovePerTick = value;
  }
  let funding = rules.funding;
  if (spec.fundingIntervalHours !== undefined) {
    const hours = wholeNumber(spec.fundingIntervalHours, 'prices.fundingIntervalHours', 1, 8);
    if (isRejection(hours)) return hours;
    if (8 % hours !== 0) return reject('invalid_instrument', 'prices.fundingIntervalHours must divide 8');
    if (funding.kind !== 'binance')
      return reject('invalid_instrument', `prices.fundingIntervalHours is fixed by the ${rules.id} rules`);
    funding = { ...funding, intervalHours: hours };
  }
  return {
    rulesId: rules.id,
    index,
    sources,
    mark: rules.mark,
    maxMovePerTick,
    maxStaleMs,
    funding,
    fundingPriceBasis: rules.fundingPriceBasis,
    impactNotional,
    sampleIntervalMs: rules.premiumSampleMs,
  };
}

export function emptyPriceState(config: PriceConfig): PriceState {
  return {
    config,
    quotes: new Map(),
    index: null,
    indexStatus: 'none',
    indexAtMs: 0,
    bestBid: null,
    bestAsk: null,
    lastPrice: null,
    basis: [],
    lastBasisSecond: -1,
    ema: null,
    emaAtMs: 0,
    premiumSum: 0n,
    premiumWeightedSum: 0n,
    premiumCount: 0,
    lastSampleSlot: -1,
    lastFundingRate: 0n,
    lastFundingAtMs: null,
  };
}
