import {
  assert,
  AssertionError,
  childPath,
  inputError,
  Rational,
  type InputError,
} from '../numbers/index.js';

/**
 * The index price (RULEBOOK.md §3): one spot price per instrument built from several venues' spot prices, so
 * no single venue can move the mark, the funding or a liquidation. Pure: the caller passes the sources and
 * the time; nothing here reads a clock.
 */

/** Most sources one index may combine; a bound, not a venue rule (venues use 3 to 10). */
export const MAX_INDEX_SOURCES = 32;

const TWO = Rational.fromInt(2n);

/** One spot venue's latest price for the index. */
export interface IndexSource {
  readonly name: string;
  /** Latest spot price, quote per base; null when the venue has none. */
  readonly price: Rational | null;
  /** Configured weight, any scale (renormalised over live sources); 0 switches the source off. */
  readonly weight: Rational;
  /** When the price last changed, ms since the Unix epoch; null when never. */
  readonly updatedAtMs: number | null;
}

/**
 * How the sources are combined; `band` is a fraction of the median of live sources, and a source whose last
 * update is older than `staleAfterMs` (ms) at `nowMs` loses its weight.
 * - `binance`: a source beyond `median × (1 ± band)` is capped at that bound, then weighted average.
 * - `binance2020`: a source beyond the band gets weight 0; two or more such sources → plain median.
 * - `deribit`: each source clamped into `median × (1 ± band)`, then equal weights.
 * - `weightedMedian`: Hyperliquid's oracle, the weighted median (tie rule in `weightedMedian`).
 */
export type IndexRule =
  | { readonly kind: 'binance'; readonly band: Rational; readonly staleAfterMs: number }
  | { readonly kind: 'binance2020'; readonly band: Rational; readonly staleAfterMs: number }
  | { readonly kind: 'deribit'; readonly band: Rational; readonly staleAfterMs: number }
  | { readonly kind: 'weightedMedian'; readonly staleAfterMs: number };

export interface IndexConfig {
  readonly rule: IndexRule;
  /** Fewest live sources that still make an index; fewer gives `insufficient_sources`. */
  readonly minSources: number;
}

/** Why a source did not count: no price, too old, switched off, or an outlier under `binance2020`. */
export type SourceExclusion = 'no_price' | 'stale' | 'zero_weight' | 'deviant';

/** What one source contributed. */
export interface UsedSource {
  readonly name: string;
  /** The price that entered the index (after capping or clamping); null when excluded. */
  readonly price: Rational | null;
  /** Its share of the vote, normalised over the sources used (shares sum to 1); 0 when excluded. */
  readonly weight: Rational;
  readonly excluded: SourceExclusion | null;
}

/** The index, or why there is none: too few live sources, or an input that is not valid (naming the field). */
export type IndexResult =
  | { readonly status: 'ok'; readonly price: Rational; readonly sources: readonly UsedSource[] }
  | { readonly status: 'insufficient_sources'; readonly live: number; readonly needed: number }
  | { readonly status: 'invalid_input'; readonly error: InputError };

/** A price with a weight (any scale), as `weightedMedian` takes them. */
export interface PriceWeight {
  readonly price: Rational;
  readonly weight: Rational;
}

/**
 * The weighted median price: sort by price and take the first price at which the cumulative weight reaches
 * half the total. Tie rule: when the cumulative weight equals exactly half, the result is the mean of that
 * price and the next one, so equal weights give the ordinary median (mean of the two middle values for an
 * even count). Zero weights do not vote; at least one weight must be positive and none negative.
 */
export function weightedMedian(pairs: readonly PriceWeight[]): Rational {
  const voting = pairs.filter((pair) => pair.weight.sign() > 0).sort((a, b) => a.price.cmp(b.price));
  assert(voting.length > 0, 'weighted median of no positive weights');
  assert(
    pairs.every((pair) => pair.weight.sign() >= 0),
    'weighted median with a negative weight',
  );
  const total = voting.reduce((sum, pair) => sum.add(pair.weight), Rational.ZERO);
  let cumulative = Rational.ZERO;
  for (const [i, pair] of voting.entries()) {
    cumulative = cumulative.add(pair.weight);
    const side = cumulative.mulInt(2n).cmp(total);
    if (side < 0) continue;
    const next = voting[i + 1];
    return side === 0 && next !== undefined ? pair.price.add(next.price).div(TWO) : pair.price;
  }
  throw new AssertionError('weighted median: the cumulative weight never reached the total');
}

/** The median of one or more values; an even count gives the mean of the two middle values. */
export function median(values: readonly Rational[]): Rational {
  return weightedMedian(values.map((price) => ({ price, weight: Rational.ONE })));
}

/** `price` clamped into `[median × (1 − band), median × (1 + band)]` (Binance's cap, Deribit's clamp). */
export function capToBand(price: Rational, medianPrice: Rational, band: Rational): Rational {
  const low = medianPrice.mul(Rational.ONE.sub(band));
  const high = medianPrice.mul(Rational.ONE.add(band));
  return price.lt(low) ? low : price.gt(high) ? high : price;
}

/** The index price, quote per base, from the sources at `nowMs` (ms since the Unix epoch) under `config`. */
export function computeIndex(
  config: IndexConfig,
  sources: readonly IndexSource[],
  nowMs: number,
): IndexResult {
  const invalid = validateIndexConfig(config, 'config') ?? validateSources(sources, nowMs);
  if (invalid !== null) return { status: 'invalid_input', error: invalid };

  const exclusions = sources.map((source) => exclusionOf(source, config.rule.staleAfterMs, nowMs));
  const live: LiveSource[] = [];
  for (const [i, source] of sources.entries()) {
    if (exclusions[i] === null && source.price !== null)
      live.push({ i, price: source.price, weight: source.weight });
  }
  if (live.length < config.minSources)
    return { status: 'insufficient_sources', live: live.length, needed: config.minSources };

  const medianOfLive = median(live.map((source) => source.price));
  const rule = config.rule;
  let used: readonly LiveSource[];
  let price: Rational;
  switch (rule.kind) {
    case 'binance':
      used = live.map((source) => ({ ...source, price: capToBand(source.price, medianOfLive, rule.band) }));
      price = weightedMean(used);
      break;
    case 'deribit':
      used = live.map((source) => ({
        ...source,
        price: capToBand(source.price, medianOfLive, rule.band),
        weight: Rational.ONE,
      }));
      price = weightedMean(used);
      break;
    case 'binance2020': {
      const limit = medianOfLive.mul(rule.band);
      const deviants = live.filter((source) => source.price.sub(medianOfLive).abs().gt(limit));
      if (deviants.length >= 2) {
        // Several outliers mean the sources disagree too much to pick one out: fall back to the median.
        used = live.map((source) => ({ ...source, weight: Rational.ONE }));
        price = medianOfLive;
      } else {
        for (const deviant of deviants) exclusions[deviant.i] = 'deviant';
        used = live.filter((source) => !deviants.includes(source));
        price = weightedMean(used);
      }
      break;
    }
    case 'weightedMedian':
      used = live;
      price = weightedMedian(live);
      break;
  }
  return { status: 'ok', price, sources: report(sources, exclusions, used) };
}

/** The first problem with an index configuration, naming the field under `path`, or null when valid. */
export function validateIndexConfig(config: IndexConfig, path: string): InputError | null {
  const rulePath = childPath(path, 'rule');
  const { rule } = config;
  if (!Number.isSafeInteger(rule.staleAfterMs) || rule.staleAfterMs <= 0)
    return fieldError(rulePath, 'staleAfterMs', 'must be a positive whole number of milliseconds');
  if (rule.kind !== 'weightedMedian') {
    const bandError = checkOpenFraction(rule.band, childPath(rulePath, 'band'));
    if (bandError !== null) return bandError;
  }
  if (
    !Number.isSafeInteger(config.minSources) ||
    config.minSources < 1 ||
    config.minSources > MAX_INDEX_SOURCES
  )
    return fieldError(path, 'minSources', `must be a whole number from 1 to ${MAX_INDEX_SOURCES}`);
  return null;
}

/** An `invalid_field` error for `path.key`; `message` follows the field name. */
export function fieldError(path: string, key: string, message: string): InputError {
  const field = childPath(path, key);
  return inputError('invalid_field', `${field} ${message}`, field);
}

/** Null when `value > 0`, else an error naming `path`. */
export function checkPositive(value: Rational, path: string): InputError | null {
  return value.sign() > 0 ? null : inputError('invalid_field', `${path} must be positive`, path);
}

/** Null when `value ≥ 0`, else an error naming `path`. */
export function checkNonNegative(value: Rational, path: string): InputError | null {
  return value.sign() >= 0 ? null : inputError('invalid_field', `${path} must not be negative`, path);
}

/** Null when `0 < value < 1`, else an error naming `path`. */
export function checkOpenFraction(value: Rational, path: string): InputError | null {
  return value.sign() > 0 && value.lt(Rational.ONE)
    ? null
    : inputError('invalid_field', `${path} must be a fraction strictly between 0 and 1`, path);
}

/** Null when `value` is a whole number of milliseconds ≥ 0, else an error naming `path`. */
export function checkMs(value: number, path: string): InputError | null {
  return Number.isSafeInteger(value) && value >= 0
    ? null
    : inputError('invalid_field', `${path} must be a whole number of milliseconds, not negative`, path);
}

interface LiveSource {
  readonly i: number;
  readonly price: Rational;
  readonly weight: Rational;
}

function validateSources(sources: readonly IndexSource[], nowMs: number): InputError | null {
  const timeError = checkMs(nowMs, 'nowMs');
  if (timeError !== null) return timeError;
  if (sources.length > MAX_INDEX_SOURCES)
    return inputError('too_many_items', `sources has more than ${MAX_INDEX_SOURCES} items`, 'sources');
  const names = new Set<string>();
  for (const [i, source] of sources.entries()) {
    const path = childPath('sources', i);
    if (source.name.length === 0) return fieldError(path, 'name', 'must not be empty');
    if (names.has(source.name)) return fieldError(path, 'name', `repeats "${source.name}"`);
    names.add(source.name);
    const error =
      (source.price === null ? null : checkPositive(source.price, childPath(path, 'price'))) ??
      checkNonNegative(source.weight, childPath(path, 'weight')) ??
      (source.updatedAtMs === null ? null : checkMs(source.updatedAtMs, childPath(path, 'updatedAtMs')));
    if (error !== null) return error;
    // Sources are stamped when received, by the same clock as nowMs: a later stamp is a caller bug.
    if (source.updatedAtMs !== null && source.updatedAtMs > nowMs)
      return fieldError(path, 'updatedAtMs', 'is after nowMs');
  }
  return null;
}

function exclusionOf(source: IndexSource, staleAfterMs: number, nowMs: number): SourceExclusion | null {
  if (source.price === null) return 'no_price';
  if (source.updatedAtMs === null || nowMs - source.updatedAtMs > staleAfterMs) return 'stale';
  if (source.weight.isZero()) return 'zero_weight';
  return null;
}

function weightedMean(sources: readonly LiveSource[]): Rational {
  const total = sources.reduce((sum, source) => sum.add(source.weight), Rational.ZERO);
  const weighted = sources.reduce((sum, source) => sum.add(source.price.mul(source.weight)), Rational.ZERO);
  return weighted.div(total);
}

function report(
  sources: readonly IndexSource[],
  exclusions: readonly (SourceExclusion | null)[],
  used: readonly LiveSource[],
): UsedSource[] {
  const total = used.reduce((sum, source) => sum.add(source.weight), Rational.ZERO);
  return sources.map((source, i) => {
    const entry = used.find((candidate) => candidate.i === i);
    const excluded = exclusions[i] ?? null;
    if (entry === undefined) return { name: source.name, price: null, weight: Rational.ZERO, excluded };
    return { name: source.name, price: entry.price, weight: entry.weight.div(total), excluded };
  });
}
