import { pow10, Rational } from '../numbers/index.js';
import {
  binanceMark,
  clampMove,
  computeIndex,
  deribitMark,
  emaUpdate,
  emaValue,
  fairPrice,
  fundingIntervalMs,
  fundingRateFor,
  hyperliquidMark,
  impactPrice,
  median,
  nextFundingTimeMs,
  premiumIndex,
  validateBook,
  type BookLevel,
  type IndexSource,
} from '../prices/index.js';
import type { Command, Rejection, SourceQuote } from './commands.js';
import type { EngineEvent } from './events.js';
import { isRejection, reject, shown } from './parse.js';
import {
  BASIS_SAMPLES,
  FINE_DIGITS,
  MAX_BOOK_LEVELS,
  MAX_PRICE_WHOLE,
  MAX_SOURCES,
  PREMIUM_SCALE,
  type PriceState,
} from './priceLayer.js';
import { RATE_SCALE, type DepthLevel, type EngineState, type InstrumentState } from './state.js';
import { assert, parseDecimal, toScaleExact, type InputError, type Result } from '../numbers/index.js';
import { recordMark } from './marginModel.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

/** The instrument and its price layer, or the rejection a command without one gets. */
function layerOf(
  state: EngineState,
  symbol: unknown,
): { instrument: InstrumentState; layer: PriceState } | Rejection {
  const instrument = state.instruments.get(symbol as string);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(symbol)} is not listed`);
  if (instrument.prices === null)
    return reject('no_price_layer', `${shown(symbol)} has no price layer (it was listed without prices)`);
  return { instrument, layer: instrument.prices };
}

const fineScale = (instrument: InstrumentState): number => instrument.spec.priceScale + FINE_DIGITS;

/** A price string in fine units: positive, at most the fine scale's digits, below MAX_PRICE_WHOLE. */
function finePrice(
  instrument: InstrumentState,
  text: unknown,
  field: string,
  code: 'invalid_price' | 'invalid_book',
): bigint | Rejection {
  if (typeof text !== 'string') return reject(code, `${field} must be a decimal string`);
  const parsed = parseDecimal(text);
  if (!parsed.ok) return reject(code, `${field} "${text.slice(0, 40)}" is not a plain decimal`);
  const scale = fineScale(instrument);
  const value = toScaleExact(parsed.value, scale);
  if (value === null) return reject(code, `${field} ${text} has more than ${scale} fraction digits`);
  if (value <= 0n) return reject(code, `${field} must be positive`);
  if (value >= MAX_PRICE_WHOLE * pow10(scale)) return reject(code, `${field} ${text} is absurdly large`);
  return value;
}

const rationalOfFine = (instrument: InstrumentState, value: bigint): Rational =>
  Rational.fromUnits(value, fineScale(instrument));

/** Publishes a price at the instrument's tick, in kernel price units (half-even: a price favours no side). */
function kernelPrice(instrument: InstrumentState, value: Rational): bigint {
  return value.toUnits(instrument.spec.priceScale, 'halfEven') * instrument.priceFactor;
}

/** Whether the index may still be used at `nowMs`: fresh, or stale for no longer than the rules allow. */
export function indexUsable(layer: PriceState, nowMs: number): boolean {
  if (layer.indexStatus === 'ok') return true;
  return layer.indexStatus === 'stale' && nowMs - layer.indexAtMs <= layer.config.maxStaleMs;
}

/**
 * Rejects a command that needs the mark when the price layer has gone without a good index for longer than
 * its rules allow: a stale price is reported, never silently used for ever.
 */
export function checkPricesAvailable(instrument: InstrumentState, nowMs: number): Rejection | null {
  const layer = instrument.prices;
  if (layer === null || layer.indexStatus === 'ok') return null;
  if (layer.indexStatus === 'none')
    return reject('stale_price', `${instrument.spec.symbol} has no index yet`);
  if (indexUsable(layer, nowMs)) return null;
  return reject(
    'stale_price',
    `${instrument.spec.symbol}'s index has been stale since ${layer.indexAtMs} (more than ${layer.config.maxStaleMs} ms)`,
  );
}

/** The funding rate this interval's samples predict so far, or the last settled one (rate units). */
function predictedRate(instrument: InstrumentState, layer: PriceState): Rational {
  if (layer.premiumCount === 0) return Rational.fromUnits(layer.lastFundingRate, RATE_SCALE);
  return fundingRateFor(layer.config.funding, {
    averagePremium: averagePremiumOf(layer),
    firstTierMmr: firstTierMmr(instrument),
  }).rate;
}

export function firstTierMmr(instrument: InstrumentState): Rational {
  const first = instrument.compiled.instrument.tiers.tiers[0];
  return first === undefined ? Rational.ZERO : first.mmr;
}

/**
 * The interval's average premium, from running sums so the state stays small: Binance-style models weight
 * sample i by i (`Σ i·P_i / Σ i`); Hyperliquid, dYdX, BitMEX and Deribit take the plain mean.
 */
export function averagePremiumOf(layer: PriceState): Rational {
  const n = BigInt(layer.premiumCount);
  assert(n > 0n, 'an average of no premium samples');
  return layer.config.funding.kind === 'binance'
    ? Rational.of(layer.premiumWeightedSum, ((n * (n + 1n)) / 2n) * pow10(PREMIUM_SCALE))
    : Rational.of(layer.premiumSum, n * pow10(PREMIUM_SCALE));
}

/** The value of a price function whose inputs the engine validated: an error here is a bug. */
function valid<T>(result: Result<T, InputError>): T {
  assert(result.ok, `price layer inputs were validated: ${result.ok ? '' : result.error.message}`);
  return result.value;
}

/** Recomputes the mark from the index and the book by the instrument's method; null when it cannot move. */
function recomputeMark(instrument: InstrumentState, layer: PriceState, nowMs: number): EngineEvent[] {
  if (layer.index === null || layer.indexStatus !== 'ok') return [];
  const index = rationalOfFine(instrument, layer.index);
  const intervalMs = fundingIntervalMs(layer.config.funding);
  const msToFunding = nextFundingTimeMs(layer.config.funding, nowMs) - nowMs;
  const last = layer.lastPrice === null ? null : rationalOfFine(instrument, layer.lastPrice);
  const bid = layer.bestBid === null ? null : rationalOfFine(instrument, layer.bestBid);
  const ask = layer.bestAsk === null ? null : rationalOfFine(instrument, layer.bestAsk);
  const fundingRate = predictedRate(instrument, layer);
  let target: Rational;
  switch (layer.config.mark) {
    case 'index':
      target = index;
      break;
    case 'bitmexFair':
      target = valid(fairPrice({ index, fundingRate, msToFunding, intervalMs }));
      break;
    case 'binance': {
      const n = BigInt(layer.basis.length);
      const basisAverage =
        n === 0n
          ? Rational.ZERO
          : Rational.of(
              layer.basis.reduce((a, b) => a + b, 0n),
              n * pow10(fineScale(instrument)),
            );
      target =
        last === null
          ? median([
              valid(fairPrice({ index, fundingRate, msToFunding, intervalMs })),
              index.add(basisAverage),
            ])
          : valid(
              binanceMark({
                index,
                lastFundingRate: fundingRate,
                msToFunding,
                intervalMs,
                basisAverage,
                lastPrice: last,
              }),
            ).mark;
      break;
    }
    case 'deribit':
      target = bid === null || ask === null || last === null ? index : valid(deribitMark({ bid, ask, last }));
      break;
    case 'hyperliquid': {
      const emaBasis = layer.ema === null ? null : emaValue(layer.ema);
      target =
        bid === null || ask === null || emaBasis === null
          ? index
          : valid(hyperliquidMark({ oracle: index, emaBasis, bid, ask, last: last ?? median([bid, ask]) }))
              .mark;
      break;
    }
  }
  let clamped = false;
  const previous = instrument.mark;
  if (previous !== null && layer.config.maxMovePerTick !== null) {
    const previousPrice = Rational.of(previous, pow10(instrument.spec.priceScale) * instrument.priceFactor);
    const guarded = clampMove(previousPrice, target, layer.config.maxMovePerTick);
    target = guarded.price;
    clamped = guarded.clamped;
  }
  const mark = kernelPrice(instrument, target);
  if (mark <= 0n) return [];
  instrument.mark = mark;
  const events: EngineEvent[] = [
    { type: 'MarkPriceUpdated', symbol: instrument.spec.symbol, price: mark, clamped },
  ];
  recordMark(instrument, mark, nowMs, events);
  return events;
}

/** Source quotes in: the index is recomputed from the live sources, then the mark. */
export function sourcePrices(state: EngineState, c: Of<'sourcePrices'>): EngineEvent[] | Rejection {
  const found = layerOf(state, c.symbol);
  if (isRejection(found)) return found;
  const { instrument, layer } = found;
  if (!Array.isArray(c.quotes) || c.quotes.length === 0 || c.quotes.length > MAX_SOURCES)
    return reject('invalid_command', `quotes must hold 1 to ${MAX_SOURCES} quotes`);
  const accepted = new Map<string, { price: bigint; observedAtMs: number }>();
  for (const [i, item] of (c.quotes as readonly unknown[]).entries()) {
    const field = `quotes[${i}]`;
    if (typeof item !== 'object' || item === null)
      return reject('invalid_command', `${field} must be an object`);
    const quote = item as SourceQuote;
    if (!layer.config.sources.some((s) => s.name === quote.source))
      return reject(
        'unknown_source',
        `${field}.source ${shown(quote.source)} is not one of ${c.symbol}'s sources`,
      );
    if (accepted.has(quote.source))
      return reject('duplicate_price', `${field}.source ${quote.source} is quoted twice in one command`);
    const price = finePrice(instrument, quote.price, `${field}.price`, 'invalid_price');
    if (isRejection(price)) return price;
    const at = quote.observedAtMs;
    if (!Number.isSafeInteger(at) || at < 0 || at > c.timestampMs)
      return reject(
        'invalid_command',
        `${field}.observedAtMs must be a whole ms time no later than the command's`,
      );
    const held = layer.quotes.get(quote.source);
    if (held !== undefined && at < held.observedAtMs)
      return reject(
        'price_out_of_order',
        `${field} from ${quote.source} at ${at} is older than the one held (${held.observedAtMs})`,
      );
    if (at === held?.observedAtMs)
      return reject('duplicate_price', `${field} from ${quote.source} at ${at} was already received`);
    accepted.set(quote.source, { price, observedAtMs: at });
  }
  for (const [source, quote] of accepted) layer.quotes.set(source, quote);
  return updateIndex(instrument, layer, c.timestampMs);
}

function updateIndex(instrument: InstrumentState, layer: PriceState, nowMs: number): EngineEvent[] {
  const sources: IndexSource[] = layer.config.sources.map(({ name, weight }) => {
    const quote = layer.quotes.get(name);
    return {
      name,
      weight,
      price: quote === undefined ? null : rationalOfFine(instrument, quote.price),
      updatedAtMs: quote === undefined ? null : quote.observedAtMs,
    };
  });
  const result = computeIndex(layer.config.index, sources, nowMs);
  // Quotes are never stamped after the command, so the sources are always valid input.
  assert(result.status !== 'invalid_input', 'index sources are validated');
  const symbol = instrument.spec.symbol;
  if (result.status !== 'ok') {
    const wasOk = layer.indexStatus === 'ok';
    if (layer.indexStatus === 'ok') layer.indexStatus = 'stale';
    return [
      {
        type: 'IndexPriceUpdated',
        symbol,
        price: layer.index,
        status: layer.index === null ? 'none' : 'stale',
        liveSources: result.live,
        ...(wasOk ? { staleSinceMs: layer.indexAtMs } : {}),
      },
    ];
  }
  layer.index = result.price.toUnits(fineScale(instrument), 'halfEven');
  layer.indexStatus = 'ok';
  layer.indexAtMs = nowMs;
  return [
    {
      type: 'IndexPriceUpdated',
      symbol,
      price: layer.index,
      status: 'ok',
      liveSources: result.sources.filter((s) => s.weight.sign() > 0).length,
    },
    ...recomputeMark(instrument, layer, nowMs),
  ];
}

function bookSide(instrument: InstrumentState, levels: unknown, field: string): BookLevel[] | Rejection {
  if (!Array.isArray(levels) || levels.length > MAX_BOOK_LEVELS)
    return reject('invalid_book', `${field} must be an array of at most ${MAX_BOOK_LEVELS} levels`);
  const parsed: BookLevel[] = [];
  for (const [i, level] of (levels as unknown[]).entries()) {
    if (!Array.isArray(level) || level.length !== 2)
      return reject('invalid_book', `${field}[${i}] must be [price, qty]`);
    const price = finePrice(instrument, level[0], `${field}[${i}][0]`, 'invalid_book');
    if (isRejection(price)) return price;
    const qtyText: unknown = level[1];
    const qty = typeof qtyText === 'string' ? parseDecimal(qtyText) : null;
    if (!qty?.ok) return reject('invalid_book', `${field}[${i}][1] must be a plain decimal string`);
    const qtyUnits = toScaleExact(qty.value, instrument.spec.qtyScale);
    if (qtyUnits === null || qtyUnits <= 0n)
      return reject(
        'invalid_book',
        `${field}[${i}][1] must be a positive quantity at ${instrument.spec.qtyScale} digits`,
      );
    parsed.push({
      price: rationalOfFine(instrument, price),
      qty: Rational.fromUnits(qtyUnits, instrument.spec.qtyScale),
    });
  }
  return parsed;
}

/**
 * Book levels as the liquidation executor's depth, in kernel price units: a bid rounded down and an ask up
 * (a liquidation never assumes a better price than the book shows).
 */
function depthOf(
  instrument: InstrumentState,
  levels: readonly BookLevel[],
  rounding: 'floor' | 'ceil',
): DepthLevel[] {
  const priceScale = instrument.compiled.scales.priceScale;
  const qtyScale = instrument.spec.qtyScale;
  return levels.map((l) => ({
    price: l.price.toUnits(priceScale, rounding),
    qty: l.qty.toUnits(qtyScale, 'floor'),
  }));
}

/**
 * A book snapshot in: best bid/ask and last price for the mark, impact prices and a premium sample (one per
 * sampling slot) for funding, a basis sample for Binance's price 2 and the EMA for Hyperliquid's mark.
 */
export function bookSnapshot(state: EngineState, c: Of<'bookSnapshot'>): EngineEvent[] | Rejection {
  const instrument = state.instruments.get(c.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  const layer = instrument.prices;
  // Without a price layer a book only feeds the liquidation executor's liquidity.
  if (layer === null && instrument.liquidation === null)
    return reject('no_price_layer', `${shown(c.symbol)} has neither a price layer nor liquidation rules`);
  const bids = bookSide(instrument, c.bids, 'bids');
  if (isRejection(bids)) return bids;
  const asks = bookSide(instrument, c.asks, 'asks');
  if (isRejection(asks)) return asks;
  const book = { bids, asks };
  const valid = validateBook(book);
  if (!valid.ok) return reject('invalid_book', valid.error.message);
  let lastPrice: bigint | null = null;
  if (c.lastPrice !== undefined) {
    const last = finePrice(instrument, c.lastPrice, 'lastPrice', 'invalid_price');
    if (isRejection(last)) return last;
    lastPrice = last;
  }
  const bestBid = bids[0];
  const bestAsk = asks[0];
  if (bestBid === undefined || bestAsk === undefined)
    return reject('invalid_book', 'a book snapshot needs at least one bid and one ask');

  // Everything is checked; from here on the command changes state.
  instrument.depth = { bids: depthOf(instrument, bids, 'floor'), asks: depthOf(instrument, asks, 'ceil') };
  if (layer === null)
    return [{ type: 'BookDepthSet', symbol: instrument.spec.symbol, bids: bids.length, asks: asks.length }];
  const scale = fineScale(instrument);
  layer.bestBid = bestBid.price.toUnits(scale, 'halfEven');
  layer.bestAsk = bestAsk.price.toUnits(scale, 'halfEven');
  if (lastPrice !== null) layer.lastPrice = lastPrice;
  const events: EngineEvent[] = [];
  const nowMs = c.timestampMs;
  if (layer.index !== null && indexUsable(layer, nowMs)) {
    const index = rationalOfFine(instrument, layer.index);
    const mid = bestBid.price.add(bestAsk.price).div(Rational.fromInt(2n));
    const basis = mid.sub(index);
    // Binance's price 2 averages one basis sample a second (30 since 2025-09-18); more books add nothing.
    const second = Math.floor(nowMs / 1000);
    if (second > layer.lastBasisSecond) {
      layer.basis.push(basis.toUnits(scale, 'halfEven'));
      if (layer.basis.length > BASIS_SAMPLES) layer.basis.shift();
      layer.lastBasisSecond = second;
    }
    if (layer.ema === null || nowMs > layer.emaAtMs) {
      layer.ema = emaUpdate(layer.ema, basis, layer.ema === null ? 1 : nowMs - layer.emaAtMs);
      layer.emaAtMs = nowMs;
    }
    const contract = { kind: 'linear' as const, contractSize: Rational.ONE };
    const impactBid = impactPrice(book, 'bid', layer.config.impactNotional, contract);
    const impactAsk = impactPrice(book, 'ask', layer.config.impactNotional, contract);
    const slot = Math.floor(nowMs / layer.config.sampleIntervalMs);
    if (impactBid.status === 'ok' && impactAsk.status === 'ok') {
      const premium = premiumIndex(impactBid.price, impactAsk.price, index);
      const sampled = slot > layer.lastSampleSlot;
      if (sampled) {
        const sample = premium.toUnits(PREMIUM_SCALE, 'halfEven');
        layer.premiumCount += 1;
        layer.premiumSum += sample;
        layer.premiumWeightedSum += BigInt(layer.premiumCount) * sample;
        layer.lastSampleSlot = slot;
      }
      events.push({
        type: 'PremiumSampled',
        symbol: instrument.spec.symbol,
        impactBid: impactBid.price.toUnits(scale, 'halfEven'),
        impactAsk: impactAsk.price.toUnits(scale, 'halfEven'),
        premium: premium.toUnits(PREMIUM_SCALE, 'halfEven'),
        sampled,
      });
    } else {
      events.push({ type: 'PremiumSkipped', symbol: instrument.spec.symbol, reason: 'insufficient_depth' });
    }
  }
  events.push(...recomputeMark(instrument, layer, nowMs));
  return events;
}
