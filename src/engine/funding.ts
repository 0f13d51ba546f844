import { LedgerAccounts, type Balance } from '../ledger/index.js';
import { divide, pow10, Rational } from '../numbers/index.js';
import { fundingIntervalMs, fundingRateFor, limitRate } from '../prices/index.js';
import { FINE_DIGITS, type PriceState } from './priceLayer.js';
import { averagePremiumOf, checkPricesAvailable, firstTierMmr } from './prices.js';
import { refreshNegativeFlag } from './accounts.js';
import type { Command, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { isRejection, reject, shown, units } from './parse.js';
import {
  holdersOf,
  isolatedOf,
  RATE_SCALE,
  walletOf,
  type AccountState,
  type EngineState,
  type InstrumentState,
} from './state.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

const RATE_ONE = pow10(RATE_SCALE);

/**
 * Pays funding on every open position of the symbol: `mark × qty × rate`, longs pay shorts when the rate is
 * positive. Payers round up and receivers down, so the funding pool never goes below zero (long and short
 * open interest are equal, so the exact amounts match); the pool keeps the rounding dust.
 */
export function fundingTick(state: EngineState, c: Of<'fundingTick'>): EngineEvent[] | Rejection {
  const instrument = state.instruments.get(c.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  const plan = instrument.prices === null ? externalRate(c) : layerRate(instrument, instrument.prices, c);
  if (isRejection(plan)) return plan;
  const { rate, limit, fundingTimeMs } = plan;
  const mark =
    instrument.prices?.config.fundingPriceBasis === 'index' ? indexPrice(instrument) : instrument.mark;
  if (mark === null) return reject('missing_mark', `${c.symbol} has no mark price yet`);
  if (instrument.prices !== null) {
    // Everything is checked: this interval is settled, its samples start over.
    const layer = instrument.prices;
    layer.lastFundingRate = rate;
    layer.lastFundingAtMs = fundingTimeMs;
    layer.premiumSum = 0n;
    layer.premiumWeightedSum = 0n;
    layer.premiumCount = 0;
  }
  const asset = instrument.spec.asset;
  const events: EngineEvent[] = [];
  // Payers first, then receivers, so the pool never lends; one pass collects both, in sorted account order.
  const payments: Movement[] = [];
  const receipts: Movement[] = [];
  const holders = holdersOf(state, instrument);
  const magnitude = rate < 0n ? -rate : rate;
  for (const account of rate === 0n ? [] : holders) {
    const isolated = account.settings.get(c.symbol)?.marginMode === 'isolated';
    for (const position of account.positions.values()) {
      if (position.symbol !== c.symbol) continue;
      const exact = position.qty * mark * magnitude;
      const margin = isolated
        ? isolatedOf(state, account, instrument, position.positionSide)
        : walletOf(state, account, asset);
      if ((position.sign === 1n) === rate > 0n)
        payments.push({ account, balance: margin, amount: divide(exact, RATE_ONE, 'ceil') });
      else receipts.push({ account, balance: margin, amount: divide(exact, RATE_ONE, 'floor') });
    }
  }
  let paid = 0n;
  let received = 0n;
  const pool = state.ledger.balanceOf(LedgerAccounts.fundingPool, asset);
  for (const p of payments) {
    if (p.amount === 0n) continue;
    paid += p.amount;
    events.push(state.ledger.move(p.balance, pool, p.amount, 'funding paid'));
  }
  for (const r of receipts) {
    if (r.amount === 0n) continue;
    received += r.amount;
    events.push(state.ledger.move(pool, r.balance, r.amount, 'funding received'));
  }
  // Only a payer can turn negative, and only a flagged receiver can stop being negative.
  for (const p of payments) events.push(...refreshNegativeFlag(state, p.account));
  for (const r of receipts)
    if (r.account.negativeBalance) events.push(...refreshNegativeFlag(state, r.account));
  events.push({
    type: 'FundingPaid',
    symbol: c.symbol,
    rate,
    paid,
    received,
    ...(instrument.prices === null ? {} : { limit, fundingTimeMs }),
  });
  return events;
}

/** One funding payment or receipt, collected before any money moves. */
interface Movement {
  readonly account: AccountState;
  readonly balance: Balance;
  readonly amount: bigint;
}

interface RatePlan {
  /** Rate units for this interval. */
  readonly rate: bigint;
  readonly limit: 'cap' | 'floor' | null;
  readonly fundingTimeMs: number;
}

/**
 * A rate given with the command (rate units), strictly between −1 and 1: a rate of 100 % or more would take a
 * position's whole notional in one payment, far past any venue's cap, so it is a bad input, not a rate.
 */
function givenRate(text: unknown): bigint | Rejection {
  const rate = units(text, RATE_SCALE, 'rate', 'invalid_command', 'any');
  if (isRejection(rate)) return rate;
  if (rate <= -RATE_ONE || rate >= RATE_ONE)
    return reject('invalid_command', `rate ${shown(text)} is not between -1 and 1 (exclusive)`);
  return rate;
}

/** Without a price layer the rate is the command's, as given. */
function externalRate(c: Of<'fundingTick'>): RatePlan | Rejection {
  if (c.rate === undefined)
    return reject('invalid_command', `${c.symbol} has no price layer: the rate is required`);
  const rate = givenRate(c.rate);
  if (isRejection(rate)) return rate;
  return { rate, limit: null, fundingTimeMs: c.timestampMs };
}

/**
 * With a price layer: funding is due once per interval, at the first tick at or after each funding time, and
 * paid by the positions open then. The rate is the command's (a historical replay) or the one the interval's
 * premium samples give; either way the rate model's cap and floor hold it, and the event says when they did.
 */
function layerRate(
  instrument: InstrumentState,
  layer: PriceState,
  c: Of<'fundingTick'>,
): RatePlan | Rejection {
  const model = layer.config.funding;
  const intervalMs = fundingIntervalMs(model);
  const fundingTimeMs = Math.floor(c.timestampMs / intervalMs) * intervalMs;
  if (layer.lastFundingAtMs !== null && fundingTimeMs <= layer.lastFundingAtMs)
    return reject(
      'funding_not_due',
      `${c.symbol} already paid funding for ${layer.lastFundingAtMs}; the next is due at ${layer.lastFundingAtMs + intervalMs}`,
    );
  const stale = checkPricesAvailable(instrument, c.timestampMs);
  if (stale !== null) return stale;
  const mmr = firstTierMmr(instrument);
  let rate: Rational;
  let limit: 'cap' | 'floor' | null;
  if (c.rate !== undefined) {
    const given = givenRate(c.rate);
    if (isRejection(given)) return given;
    const held = limitRate(model, Rational.fromUnits(given, RATE_SCALE), mmr);
    rate = held.rate;
    limit = held.limit;
  } else {
    if (layer.premiumCount === 0)
      return reject(
        'stale_price',
        `${c.symbol} has no premium samples this interval to compute funding from`,
      );
    const computed = fundingRateFor(model, { averagePremium: averagePremiumOf(layer), firstTierMmr: mmr });
    rate = computed.rate;
    limit = computed.limit;
  }
  // Venues publish rates at 1e-8; half-even favours neither side of a zero-sum payment.
  return { rate: rate.toUnits(RATE_SCALE, 'halfEven'), limit, fundingTimeMs };
}

/** The index at the instrument's tick in kernel price units (Hyperliquid pays funding on the oracle price). */
function indexPrice(instrument: InstrumentState): bigint | null {
  const layer = instrument.prices;
  if (layer?.index == null) return null;
  const fine = Rational.fromUnits(layer.index, instrument.spec.priceScale + FINE_DIGITS);
  return fine.toUnits(instrument.spec.priceScale, 'halfEven') * instrument.priceFactor;
}
