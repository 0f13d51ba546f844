import { assert, childPath, Rational, type InputError } from '../numbers/index.js';
import { checkNonNegative, checkOpenFraction, checkPositive, fieldError } from './indexPrice.js';
import { premiumIndex } from './premium.js';

/**
 * Funding rates (RULEBOOK.md §3). Rates are fractions of the position's notional per period; a positive rate
 * means longs pay shorts. The formula helpers take values that were validated where they entered (a model
 * with `validateFundingModel`, prices by the index and the book), so they assert instead of returning errors.
 */

const HOUR_MS = 3_600_000;
/** The premium and interest are quoted per 8 hours by every venue here. */
const QUOTE_HOURS = 8n;
const EIGHT = Rational.fromInt(QUOTE_HOURS);
/** Binance: 200 USDT of initial margin at the top tier sets the impact notional. */
const BINANCE_IMPACT_MARGIN = Rational.fromInt(200n);
/** dYdX: 500 USDC of initial margin sets the impact notional. */
const DYDX_IMPACT_MARGIN = Rational.fromInt(500n);
/** dYdX: the 8-hour rate is capped at 600 % of (imf − mmf). */
const DYDX_CAP_FACTOR = Rational.fromInt(6n);
/** BitMEX: the 8-hour interest is a third of the daily rate difference (three fundings a day). */
const BITMEX_FUNDINGS_PER_DAY = Rational.fromInt(3n);
/** Binance's published cap factor: cap = 0.75 × first-tier maintenance margin rate. */
export const BINANCE_CAP_FACTOR = Rational.of(3n, 4n);
/** Hyperliquid's hourly cap, 4 % per hour. */
export const HYPERLIQUID_CAP_PER_HOUR = Rational.of(4n, 100n);
/** Most premium samples one average may take: 8 h at one per second. */
export const MAX_PREMIUM_SAMPLES = 28_800;
/** Funding interval lengths (hours) that divide a UTC day, so funding times fall on the same clock hours daily. */
const INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24];

/** `value` clamped into `[low, high]`. */
function clamp(value: Rational, low: Rational, high: Rational): Rational {
  return value.lt(low) ? low : value.gt(high) ? high : value;
}

/** `premium + clamp(interest − premium, −clampWidth, +clampWidth)`: the 8-hour rate before any cap. */
function premiumPlusClampedInterest(premium: Rational, interest: Rational, clampWidth: Rational): Rational {
  return premium.add(clamp(interest.sub(premium), clampWidth.neg(), clampWidth));
}

/** Binance's time-weighted average premium, a fraction: `Σ i·P_i / Σ i` with i from 1 (later samples count more). */
export function averagePremium(samples: readonly Rational[]): Rational {
  assert(
    samples.length > 0 && samples.length <= MAX_PREMIUM_SAMPLES,
    'premium samples: 1 to MAX_PREMIUM_SAMPLES',
  );
  const weighted = samples.reduce((sum, sample, i) => sum.add(sample.mulInt(BigInt(i + 1))), Rational.ZERO);
  const n = BigInt(samples.length);
  return weighted.div(Rational.fromInt((n * (n + 1n)) / 2n));
}

export interface BinanceFundingInput {
  readonly averagePremium: Rational;
  /** Interest per 8 hours, a fraction (0.0001). */
  readonly interest: Rational;
  /** Half-width of the interest clamp, a fraction (0.0005). */
  readonly clamp: Rational;
  /** Funding interval N, hours. */
  readonly intervalHours: number;
}

/** Binance funding rate per N-hour interval, uncapped: `[P + clamp(I − P, −c, +c)] / (8 / N)`. */
export function binanceFundingRate(input: BinanceFundingInput): Rational {
  assert(INTERVAL_HOURS.includes(input.intervalHours), 'funding interval must divide a day');
  const rate8h = premiumPlusClampedInterest(input.averagePremium, input.interest, input.clamp);
  return rate8h.mulInt(BigInt(input.intervalHours)).div(EIGHT);
}

/** Binance's funding cap per interval, a fraction: `capFactor × mmr of the first tier` (floor is its negative). */
export function binanceFundingCap(
  firstTierMmr: Rational,
  capFactor: Rational = BINANCE_CAP_FACTOR,
): Rational {
  return capFactor.mul(firstTierMmr);
}

/** Binance impact notional, quote: `200 / IMR of the top tier` (25,000 USDT at 125x). */
export function impactNotionalBinance(topTierImr: Rational): Rational {
  assert(topTierImr.sign() > 0, 'impact notional needs a positive IMR');
  return BINANCE_IMPACT_MARGIN.div(topTierImr);
}

/** dYdX impact notional, quote: `500 / imf`. */
export function impactNotionalDydx(imf: Rational): Rational {
  assert(imf.sign() > 0, 'impact notional needs a positive imf');
  return DYDX_IMPACT_MARGIN.div(imf);
}

export interface HyperliquidFundingInput {
  /** Average fill price selling the impact notional, quote per base. */
  readonly impactBid: Rational;
  /** Average fill price buying the impact notional, quote per base. */
  readonly impactAsk: Rational;
  readonly oracle: Rational;
  /** Interest per 8 hours, a fraction. */
  readonly interest: Rational;
  /** Half-width of the interest clamp, a fraction. */
  readonly clamp: Rational;
  /** Cap on the hourly payment, a fraction (4 %). */
  readonly capPerHour?: Rational;
}

/** Hyperliquid's premium and rates, fractions. */
export interface HyperliquidFunding {
  readonly premium: Rational;
  /** `premium + clamp(interest − premium, ±clamp)`, per 8 hours. */
  readonly rate8h: Rational;
  /** `rate8h / 8`, capped at ±capPerHour: what one hourly funding pays. */
  readonly paidPerHour: Rational;
}

/** Hyperliquid funding from one premium sample (impact prices against the oracle), fractions per 8 h and per hour. */
export function hyperliquidFunding(input: HyperliquidFundingInput): HyperliquidFunding {
  const cap = input.capPerHour ?? HYPERLIQUID_CAP_PER_HOUR;
  const premium = premiumIndex(input.impactBid, input.impactAsk, input.oracle);
  const rate8h = premiumPlusClampedInterest(premium, input.interest, input.clamp);
  return { premium, rate8h, paidPerHour: clamp(rate8h.div(EIGHT), cap.neg(), cap) };
}

/** dYdX's 8-hour funding cap, a fraction: `6 × (imf − mmf)`. */
export function dydxCap8h(imf: Rational, mmf: Rational): Rational {
  assert(imf.gte(mmf), 'dYdX imf below mmf');
  return DYDX_CAP_FACTOR.mul(imf.sub(mmf));
}

export interface DeribitFundingInput {
  readonly mark: Rational;
  readonly index: Rational;
  /** Half-width of the band in which no funding is paid, a fraction (0.00025). */
  readonly deadBand: Rational;
}

/** Deribit's rates, fractions. */
export interface DeribitFunding {
  readonly rate8h: Rational;
  /** `rate8h / 8`: the accrual over one hour. */
  readonly perHour: Rational;
}

/** Deribit funding, fractions: premium p = (mark − index)/index, rate = max(0, p − db) + min(0, p + db). */
export function deribitDeadBand(input: DeribitFundingInput): DeribitFunding {
  assert(input.index.sign() > 0, 'Deribit funding needs a positive index');
  return deadBandRates(input.mark.sub(input.index).div(input.index), input.deadBand);
}

function deadBandRates(premium: Rational, deadBand: Rational): DeribitFunding {
  const above = premium.sub(deadBand);
  const below = premium.add(deadBand);
  const rate8h = (above.sign() > 0 ? above : Rational.ZERO).add(below.sign() < 0 ? below : Rational.ZERO);
  return { rate8h, perHour: rate8h.div(EIGHT) };
}

/** BitMEX interest per 8 hours, a fraction: `(quoteRateDaily − baseRateDaily) / 3`. */
export function bitmexInterest(quoteRateDaily: Rational, baseRateDaily: Rational): Rational {
  return quoteRateDaily.sub(baseRateDaily).div(BITMEX_FUNDINGS_PER_DAY);
}

/** How Binance bounds its rate: a factor of the first tier's mmr (±), or fixed per-interval limits. */
export type BinanceFundingLimit =
  | { readonly kind: 'mmrFactor'; readonly capFactor: Rational }
  | { readonly kind: 'explicit'; readonly cap: Rational; readonly floor: Rational };

/**
 * A venue's funding model. Interest and clamp are fractions per 8 hours; `averagePremium` passed to
 * `fundingRateFor` is the venue's average of premium samples over the interval (Binance weights sample i by
 * i; Hyperliquid, dYdX and BitMEX take the plain mean).
 * - `binance`: `[P + clamp(I − P)] × N/8`, capped per `limit`; N-hour intervals (8, 4, 2 or 1).
 * - `hyperliquid`: hourly `[P + clamp(I − P)] / 8`, capped at ±capPerHour.
 * - `dydx`: hourly `(P + I) / 8`, with the 8-hour rate capped at ±6 × (imf − mmf).
 * - `deribit`: dead band around the premium, accrued hourly here (Deribit accrues continuously).
 * - `bitmex`: 8-hourly `P + clamp(I − P)`, no cap modelled (BitMEX's 0.75 × (IM − MM) needs the IM).
 */
export type FundingModel =
  | {
      readonly kind: 'binance';
      readonly intervalHours: number;
      readonly interest: Rational;
      readonly clamp: Rational;
      readonly limit: BinanceFundingLimit;
    }
  | {
      readonly kind: 'hyperliquid';
      readonly interest: Rational;
      readonly clamp: Rational;
      readonly capPerHour: Rational;
    }
  | {
      readonly kind: 'dydx';
      readonly intervalHours: 1;
      readonly interest: Rational;
      readonly imf: Rational;
      readonly mmf: Rational;
    }
  | { readonly kind: 'deribit'; readonly deadBand: Rational }
  | { readonly kind: 'bitmex'; readonly interest: Rational; readonly clamp: Rational };

export type FundingLimit = 'cap' | 'floor';

export interface FundingInputs {
  /** Average premium over the interval, a fraction. */
  readonly averagePremium: Rational;
  /** Maintenance margin rate of the instrument's first tier (Binance's cap is 0.75 × this). */
  readonly firstTierMmr: Rational;
  /** Deribit: premium from mark and index when both are given, else `averagePremium` is the premium. */
  readonly mark?: Rational;
  readonly index?: Rational;
}

/** A rate for one funding interval, fractions: after and before the cap, and which limit it sits on. */
export interface FundingRate {
  readonly rate: Rational;
  readonly uncapped: Rational;
  readonly limit: FundingLimit | null;
}

/** The rate for one funding interval under `model`, a fraction of notional; the model must be valid. */
export function fundingRateFor(model: FundingModel, inputs: FundingInputs): FundingRate {
  const invalid = validateFundingModel(model, 'funding');
  assert(invalid === null, `invalid funding model reached fundingRateFor: ${invalid?.message ?? ''}`);
  const uncapped = uncappedRate(model, inputs);
  return { uncapped, ...limitRate(model, uncapped, inputs.firstTierMmr) };
}

function uncappedRate(model: FundingModel, inputs: FundingInputs): Rational {
  const premium = inputs.averagePremium;
  switch (model.kind) {
    case 'binance':
      return binanceFundingRate({ ...model, averagePremium: premium });
    case 'hyperliquid':
      return premiumPlusClampedInterest(premium, model.interest, model.clamp).div(EIGHT);
    case 'dydx':
      return premium.add(model.interest).mulInt(BigInt(model.intervalHours)).div(EIGHT);
    case 'deribit': {
      const { mark, index } = inputs;
      const rates =
        mark !== undefined && index !== undefined
          ? deribitDeadBand({ mark, index, deadBand: model.deadBand })
          : deadBandRates(premium, model.deadBand);
      return rates.perHour;
    }
    case 'bitmex':
      return premiumPlusClampedInterest(premium, model.interest, model.clamp);
  }
}

/** The cap and floor per interval under `model` (fractions), or null when the model sets none. */
export function fundingLimits(
  model: FundingModel,
  firstTierMmr: Rational,
): { readonly cap: Rational; readonly floor: Rational } | null {
  switch (model.kind) {
    case 'binance': {
      if (model.limit.kind === 'explicit') return { cap: model.limit.cap, floor: model.limit.floor };
      const cap = binanceFundingCap(firstTierMmr, model.limit.capFactor);
      return { cap, floor: cap.neg() };
    }
    case 'hyperliquid':
      return { cap: model.capPerHour, floor: model.capPerHour.neg() };
    case 'dydx': {
      const cap = dydxCap8h(model.imf, model.mmf).mulInt(BigInt(model.intervalHours)).div(EIGHT);
      return { cap, floor: cap.neg() };
    }
    case 'deribit':
    case 'bitmex':
      return null;
  }
}

/** `rate` held within [floor, cap] (fractions), and the limit the result sits on (null strictly inside). */
export function capRate(
  rate: Rational,
  cap: Rational,
  floor: Rational,
): { readonly rate: Rational; readonly limit: FundingLimit | null } {
  assert(floor.lte(cap), 'funding floor above cap');
  if (rate.gte(cap)) return { rate: cap, limit: 'cap' };
  if (rate.lte(floor)) return { rate: floor, limit: 'floor' };
  return { rate, limit: null };
}

/** A per-interval rate (e.g. one given by an operator) held within `model`'s limits, fractions. */
export function limitRate(
  model: FundingModel,
  rate: Rational,
  firstTierMmr: Rational,
): { readonly rate: Rational; readonly limit: FundingLimit | null } {
  const limits = fundingLimits(model, firstTierMmr);
  return limits === null ? { rate, limit: null } : capRate(rate, limits.cap, limits.floor);
}

/**
 * Which of `model`'s limits a per-interval rate (a fraction) sits on or beyond, or null: e.g. Binance
 * BTCUSDT's −0.003 on 2020-03-13 with first-tier mmr 0.004 is on the floor.
 */
export function isAtLimit(model: FundingModel, rate: Rational, firstTierMmr: Rational): FundingLimit | null {
  return limitRate(model, rate, firstTierMmr).limit;
}

/** Length of one funding interval under `model`, ms. */
export function fundingIntervalMs(model: FundingModel): number {
  switch (model.kind) {
    case 'binance':
    case 'dydx':
      return model.intervalHours * HOUR_MS;
    case 'hyperliquid':
    case 'deribit':
      return HOUR_MS;
    case 'bitmex':
      return Number(QUOTE_HOURS) * HOUR_MS;
  }
}

/**
 * The first funding time strictly after `nowMs`, ms since the Unix epoch: funding falls on multiples of the
 * interval since the epoch (00:00, 08:00, 16:00 UTC for 8 hours). At a funding instant the next one is a
 * whole interval away, so `next − now` lies in (0, interval], as the fair price expects.
 */
export function nextFundingTimeMs(model: FundingModel, nowMs: number): number {
  assert(Number.isSafeInteger(nowMs) && nowMs >= 0, 'funding time needs a whole ms time ≥ 0');
  const intervalMs = fundingIntervalMs(model);
  return nowMs - (nowMs % intervalMs) + intervalMs;
}

/** The first problem with a funding model, naming the field under `path`, or null when valid. */
export function validateFundingModel(model: FundingModel, path: string): InputError | null {
  switch (model.kind) {
    case 'binance': {
      if (!INTERVAL_HOURS.includes(model.intervalHours))
        return fieldError(path, 'intervalHours', `must be one of ${INTERVAL_HOURS.join(', ')}`);
      const limitPath = childPath(path, 'limit');
      const limitError =
        model.limit.kind === 'mmrFactor'
          ? checkPositive(model.limit.capFactor, childPath(limitPath, 'capFactor'))
          : (checkNonNegative(model.limit.cap, childPath(limitPath, 'cap')) ??
            (model.limit.floor.sign() <= 0 ? null : fieldError(limitPath, 'floor', 'must not be positive')));
      return limitError ?? checkClamp(model, path);
    }
    case 'hyperliquid':
      return checkClamp(model, path) ?? checkOpenFraction(model.capPerHour, childPath(path, 'capPerHour'));
    case 'dydx':
      return (
        checkOpenFraction(model.imf, childPath(path, 'imf')) ??
        checkOpenFraction(model.mmf, childPath(path, 'mmf')) ??
        (model.imf.gte(model.mmf) ? null : fieldError(path, 'imf', 'must not be below mmf'))
      );
    case 'deribit':
      return checkNonNegative(model.deadBand, childPath(path, 'deadBand'));
    case 'bitmex':
      return checkClamp(model, path);
  }
}

function checkClamp(model: { readonly clamp: Rational }, path: string): InputError | null {
  return checkNonNegative(model.clamp, childPath(path, 'clamp'));
}
