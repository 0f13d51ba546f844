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
import {
  checkMs,
  checkNonNegative,
  checkPositive,
  median,
  weightedMedian,
  type PriceWeight,
} from './indexPrice.js';

/**
 * Mark prices (RULEBOOK.md §3): the price positions are valued and liquidated at. Each venue blends the index
 * with its own book so that one print on a thin book cannot liquidate anyone. Inputs are data from feeds, so a
 * bad one is a returned error naming the field, never an exception.
 */

/** How a rulebook computes its mark: Binance median, Hyperliquid median, BitMEX fair price, Deribit clamp, or the index itself (dYdX's oracle). */
export type MarkMethod = 'binance' | 'hyperliquid' | 'bitmexFair' | 'deribit' | 'index';

export const MARK_METHODS: readonly MarkMethod[] = [
  'binance',
  'hyperliquid',
  'bitmexFair',
  'deribit',
  'index',
];

/** Most external venues' mids one Hyperliquid mark may weigh. */
export const MAX_EXTERNAL_MIDS = 16;

export interface FairPriceInput {
  readonly index: Rational;
  /** The funding rate per interval, a fraction. */
  readonly fundingRate: Rational;
  /** Time left until the next funding, ms, from 0 to `intervalMs`. */
  readonly msToFunding: number;
  /** Length of the funding interval, ms. */
  readonly intervalMs: number;
}

/** BitMEX fair price and Binance's P1, quote per base: `index × (1 + fundingRate × msToFunding / intervalMs)`. */
export function fairPrice(input: FairPriceInput): Result<Rational, InputError> {
  return fairPriceNaming(input, 'fundingRate');
}

/** `fairPrice`, with errors about the rate naming `ratePath` (Binance calls it lastFundingRate). */
function fairPriceNaming(input: FairPriceInput, ratePath: string): Result<Rational, InputError> {
  const invalid =
    checkPositive(input.index, 'index') ??
    checkMs(input.msToFunding, 'msToFunding') ??
    checkMs(input.intervalMs, 'intervalMs') ??
    (input.intervalMs > 0
      ? null
      : inputError('invalid_field', 'intervalMs must be positive', 'intervalMs')) ??
    (input.msToFunding <= input.intervalMs
      ? null
      : inputError('invalid_field', 'msToFunding must not exceed intervalMs', 'msToFunding'));
  if (invalid !== null) return err(invalid);
  const remainingShare = Rational.of(BigInt(input.msToFunding), BigInt(input.intervalMs));
  const price = input.index.mul(Rational.ONE.add(input.fundingRate.mul(remainingShare)));
  if (price.sign() <= 0)
    return err(inputError('invalid_field', `${ratePath} makes the fair price not positive`, ratePath));
  return ok(price);
}

export interface BinanceMarkInput {
  readonly index: Rational;
  /** The last settled funding rate per interval, a fraction. */
  readonly lastFundingRate: Rational;
  readonly msToFunding: number;
  readonly intervalMs: number;
  /** Moving average of `(bid1 + ask1)/2 − index`, quote per base (may be negative). */
  readonly basisAverage: Rational;
  readonly lastPrice: Rational;
}

/** Binance's three candidates and their median, quote per base. */
export interface BinanceMark {
  /** Fair price: `index × (1 + lastFundingRate × msToFunding / intervalMs)`. */
  readonly price1: Rational;
  /** `index + basisAverage`. */
  readonly price2: Rational;
  readonly mark: Rational;
}

/** Binance mark, quote per base: `median(price1, price2, lastPrice)`. */
export function binanceMark(input: BinanceMarkInput): Result<BinanceMark, InputError> {
  const price1 = fairPriceNaming({ ...input, fundingRate: input.lastFundingRate }, 'lastFundingRate');
  if (!price1.ok) return price1;
  const lastError = checkPositive(input.lastPrice, 'lastPrice');
  if (lastError !== null) return err(lastError);
  const price2 = input.index.add(input.basisAverage);
  // price1 and lastPrice are positive, so the median of the three is too, whatever the basis.
  return ok({ price1: price1.value, price2, mark: median([price1.value, price2, input.lastPrice]) });
}

export interface BookPrices {
  readonly bid: Rational;
  readonly ask: Rational;
  readonly last: Rational;
}

/** Deribit futures mark, quote per base: the last trade clamped into [bid, ask]. */
export function deribitMark(input: BookPrices): Result<Rational, InputError> {
  const invalid = checkBook(input);
  if (invalid !== null) return err(invalid);
  const { bid, ask, last } = input;
  return ok(last.lt(bid) ? bid : last.gt(ask) ? ask : last);
}

export interface HyperliquidMarkInput extends BookPrices {
  /** The oracle (index) price. */
  readonly oracle: Rational;
  /** The 150-s EMA of `mid − oracle` (see ema.ts), quote per base; may be negative. */
  readonly emaBasis: Rational;
  /** Other venues' perp mid prices with weights (Binance 3, OKX 2, Bybit 2, Gate 1, MEXC 1). */
  readonly externalMids?: readonly PriceWeight[];
}

/** Hyperliquid's three candidates and their median, quote per base. */
export interface HyperliquidMark {
  /** `oracle + emaBasis`. */
  readonly basisPrice: Rational;
  /** `median(bid, ask, last)` of Hyperliquid's own book. */
  readonly bookPrice: Rational;
  /** Weighted median of the external mids, or the oracle when there are none. */
  readonly externalPrice: Rational;
  readonly mark: Rational;
}

/**
 * Hyperliquid mark, quote per base: `median(oracle + emaBasis, median(bid, ask, last), weightedMedian(externalMids))`.
 * Without external mids the oracle takes their place (Bulwark's choice): the mark then stays between the
 * oracle, the book and the smoothed basis, and one of the two exchange-driven inputs can never set it alone.
 */
export function hyperliquidMark(input: HyperliquidMarkInput): Result<HyperliquidMark, InputError> {
  const mids = input.externalMids ?? [];
  const invalid = checkPositive(input.oracle, 'oracle') ?? checkBook(input) ?? checkMids(mids);
  if (invalid !== null) return err(invalid);
  const basisPrice = input.oracle.add(input.emaBasis);
  const bookPrice = median([input.bid, input.ask, input.last]);
  const externalPrice = mids.length > 0 ? weightedMedian(mids) : input.oracle;
  return ok({ basisPrice, bookPrice, externalPrice, mark: median([basisPrice, bookPrice, externalPrice]) });
}

/** A mark after the feed guard: `clamped` is true when `next` was pulled back toward `previous`. */
export interface GuardedMark {
  readonly price: Rational;
  readonly clamped: boolean;
}

/**
 * Guard against a broken feed, quote per base: the mark moves at most `maxMoveFraction` of `previous` per
 * tick. Both prices come from validated computations and the fraction from validated rules, so a bad one is a
 * bug (asserted).
 */
export function clampMove(previous: Rational, next: Rational, maxMoveFraction: Rational): GuardedMark {
  assert(previous.sign() > 0 && next.sign() > 0, 'clampMove needs positive prices');
  assert(maxMoveFraction.sign() > 0 && maxMoveFraction.lt(Rational.ONE), 'clampMove fraction outside (0, 1)');
  const low = previous.mul(Rational.ONE.sub(maxMoveFraction));
  const high = previous.mul(Rational.ONE.add(maxMoveFraction));
  if (next.lt(low)) return { price: low, clamped: true };
  if (next.gt(high)) return { price: high, clamped: true };
  return { price: next, clamped: false };
}

function checkBook(book: BookPrices): InputError | null {
  const invalid =
    checkPositive(book.bid, 'bid') ?? checkPositive(book.ask, 'ask') ?? checkPositive(book.last, 'last');
  if (invalid !== null) return invalid;
  return book.ask.lt(book.bid) ? inputError('invalid_field', 'ask is below bid (crossed book)', 'ask') : null;
}

function checkMids(mids: readonly PriceWeight[]): InputError | null {
  if (mids.length > MAX_EXTERNAL_MIDS)
    return inputError(
      'too_many_items',
      `externalMids has more than ${MAX_EXTERNAL_MIDS} items`,
      'externalMids',
    );
  for (const [i, mid] of mids.entries()) {
    const path = childPath('externalMids', i);
    const invalid =
      checkPositive(mid.price, childPath(path, 'price')) ??
      checkNonNegative(mid.weight, childPath(path, 'weight'));
    if (invalid !== null) return invalid;
  }
  if (mids.length > 0 && mids.every((mid) => mid.weight.isZero()))
    return inputError('invalid_field', 'externalMids needs at least one positive weight', 'externalMids');
  return null;
}
