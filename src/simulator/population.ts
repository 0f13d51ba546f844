import {
  err,
  formatUnits,
  inputError,
  ok,
  parseDecimal,
  pow10,
  Rational,
  type InputError,
  type Result,
} from '../numbers/index.js';
import { RATE_SCALE, type Command } from '../engine/index.js';
import type { MarginMode, Side as PositionSide } from '../margin/index.js';
import { mulberry32, type Rng } from './prng.js';

/**
 * A seeded population of traders holding one BTCUSDT-perpetual position each at the start of a crash window,
 * for the replay (issue 7). Every parameter is documented where it is defined (DEFAULT_POPULATION_PARAMS) and
 * can be overridden. The same seed and inputs give the same population, byte for byte: floats appear only in the
 * draws (mulberry32, Math.log/exp/cos/sqrt, which are deterministic IEEE operations); every check that makes a
 * position valid is exact integer arithmetic.
 *
 * Validity (checked per account, exactly): at its entry, with the mark at the entry price, the position passes
 * the engine's opening checks: initial margin plus the opening fee within the wallet (cross and isolated alike),
 * leverage within the tier of its notional, notional below the last tier's cap. Survivorship: it also keeps at
 * least `maintenanceBuffer` × its maintenance margin (the tier's rate on the notional, without Binance's `cum`
 * offset, which only lowers it) at the most adverse price the replay can quote between its opening and the
 * window (the entry path's extreme after its opening time, widened by the entry noise). A position that fails is
 * redrawn younger (a new opening time, price and utilisation; the trader's wallet, leverage, side and mode stay);
 * after MAX_ENTRY_ATTEMPTS it opens one minute before the window at the reference price, where it always passes.
 */

/** BTCUSDT: tick 0.1, lot 0.001, deposits in cents. */
export const PRICE_SCALE = 1;
export const QTY_SCALE = 3;
export const DEPOSIT_SCALE = 2;
/** Money is compared in qty × price units (10^−(QTY_SCALE + PRICE_SCALE) USDT): PnL is exact there. */
const VALUE_SCALE = QTY_SCALE + PRICE_SCALE;
/** Rates (mmr, fee) are held as the engine holds them (10^−RATE_SCALE). */
const RATE_ONE = pow10(RATE_SCALE);

/** Most accounts one population may have (ids are six digits). */
export const MAX_POPULATION_ACCOUNTS = 1_000_000;
/** Most tiers and leverage choices a parameter set may list. */
export const MAX_TIERS = 32;
export const MAX_LEVERAGE_CHOICES = 64;
/** Longest entry history, days. */
export const MAX_ENTRY_DAYS = 90;
/** Entry draws per account before its position opens at the reference price (each draw is younger). */
export const MAX_ENTRY_ATTEMPTS = 8;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Drawn positions open at least this long before the window; the fallback opens one minute before it. */
const MIN_AGE_MS = 2 * MINUTE_MS;
const FALLBACK_AGE_MS = MINUTE_MS;
const HOURS_PER_YEAR = 8760;

/** One tier of the listing, decimal text as the engine's `listInstrument` takes it (extra fields are ignored). */
export interface PopulationTier {
  readonly floor: string;
  readonly cap: string;
  readonly mmr: string;
  readonly maxLeverage: string;
}

export interface PopulationParams {
  /** Wallet (deposit) size in USDT: log-normal with this median and log-σ, clamped to [min, max]. */
  readonly wallet: {
    readonly medianUsdt: number;
    readonly sigma: number;
    readonly minUsdt: number;
    readonly maxUsdt: number;
  };
  /** Chosen leverage: `[leverage, weight]`, whole leverages; lowered to the tier maximum of the position's size. */
  readonly leverageWeights: readonly (readonly [number, number])[];
  /** Share of accounts long, and share isolated (the rest cross). */
  readonly longShare: number;
  readonly isolatedShare: number;
  /** Share of the wallet the position's initial margin and opening fee use: uniform in [min, max]. */
  readonly utilisation: { readonly min: number; readonly max: number };
  readonly entries: {
    /** How far back positions were opened, days. */
    readonly days: number;
    /** Ages are exponential with this mean (truncated at `days`): recent positions are more numerous. */
    readonly meanAgeDays: number;
    /** The entry path: an hourly log-normal random walk ending at the reference price, this annualised σ. */
    readonly annualVolatility: number;
    /** …held within ± this fraction of the reference price. */
    readonly maxDeviation: number;
    /** Each entry is the path's price × (1 + uniform(−noise, +noise)). */
    readonly noise: number;
  };
  /** The opening fee the wallet must also cover (the listing's taker rate, decimal text). */
  readonly feeRate: string;
  /** Survivorship: equity at the adverse extreme ≥ this × maintenance margin (decimal text). */
  readonly maintenanceBuffer: string;
  /** The listing's tiers (the population's leverage caps and maintenance rates). */
  readonly tiers: readonly PopulationTier[];
}

/** Overrides: any top-level field, and any field of `wallet`, `utilisation` and `entries`. */
export interface PopulationParamsInput {
  readonly wallet?: Partial<PopulationParams['wallet']>;
  readonly leverageWeights?: PopulationParams['leverageWeights'];
  readonly longShare?: number;
  readonly isolatedShare?: number;
  readonly utilisation?: Partial<PopulationParams['utilisation']>;
  readonly entries?: Partial<PopulationParams['entries']>;
  readonly feeRate?: string;
  readonly maintenanceBuffer?: string;
  readonly tiers?: readonly PopulationTier[];
}

/**
 * Binance's BTCUSDT brackets of 2022-02-12 (`data/binance-leverage-brackets/btc_eth_usdt_perp_brackets_by_date.json`,
 * the earliest table in the repository, so the nearest to 2020): 125× to 50k USDT … 1× to 1 bn.
 */
export const BINANCE_BTCUSDT_TIERS_2022_02_12: readonly PopulationTier[] = [
  { floor: '0', cap: '50000', mmr: '0.004', maxLeverage: '125' },
  { floor: '50000', cap: '250000', mmr: '0.005', maxLeverage: '100' },
  { floor: '250000', cap: '1000000', mmr: '0.01', maxLeverage: '50' },
  { floor: '1000000', cap: '7500000', mmr: '0.025', maxLeverage: '20' },
  { floor: '7500000', cap: '40000000', mmr: '0.05', maxLeverage: '10' },
  { floor: '40000000', cap: '100000000', mmr: '0.1', maxLeverage: '5' },
  { floor: '100000000', cap: '200000000', mmr: '0.125', maxLeverage: '4' },
  { floor: '200000000', cap: '400000000', mmr: '0.15', maxLeverage: '3' },
  { floor: '400000000', cap: '600000000', mmr: '0.25', maxLeverage: '2' },
  { floor: '600000000', cap: '1000000000', mmr: '0.5', maxLeverage: '1' },
];

/**
 * The defaults, with their reasoning. They are modelling choices to vary, not measurements of any venue:
 * - wallet: log-normal (balances grow multiplicatively; the usual model of account sizes), median 300 USDT,
 *   σ = 1.6: the mean is e^(σ²/2) = 3.6 × the median (1,080 USDT); the top 1 % start at e^(2.326σ) = 41 × the
 *   median (12,400 USDT) and hold 1 − Φ(2.326 − σ) = 23 % of the money; clamped to 20 USDT … 5 M USDT. With the
 *   leverage and utilisation below, 100,000 traders hold about 0.8 bn USDT of notional on 2020-03-12 (seed 1):
 *   a venue-sized population, not a sample. How that compares with the day's real open interest is for the report.
 * - leverage: 2×–20× for 88 % of traders (weights 2×: 10, 3×: 10, 5×: 18, 10×: 25, 15×: 8, 20×: 17), a tail of
 *   12 % above (25×: 3, 50×: 5, 75×: 2, 100×: 1.5, 125×: 0.5); 20× is the venue's default leverage (the engine's
 *   too), hence its weight; the median is 10×.
 * - 55 % long: a mild long lean (Binance's published long/short account ratio for BTCUSDT is usually above 1);
 *   30 % isolated, the rest on the venue's default, cross.
 * - utilisation uniform 20 %–90 % of the wallet (an effective leverage about half the chosen one), leaving 10 % of
 *   the margin for the mark to differ from the fill price at opening.
 * - entries over the 7 days before the window, ages exponential with a 2-day mean; the path has 80 % annualised
 *   volatility (high but ordinary for BTC) within ±15 % of the reference; noise ±0.2 %.
 * - opening fee 0.05 % (a taker rate); survivorship buffer 1.25 × maintenance.
 */
export const DEFAULT_POPULATION_PARAMS: PopulationParams = {
  wallet: { medianUsdt: 300, sigma: 1.6, minUsdt: 20, maxUsdt: 5_000_000 },
  leverageWeights: [
    [2, 10],
    [3, 10],
    [5, 18],
    [10, 25],
    [15, 8],
    [20, 17],
    [25, 3],
    [50, 5],
    [75, 2],
    [100, 1.5],
    [125, 0.5],
  ],
  longShare: 0.55,
  isolatedShare: 0.3,
  utilisation: { min: 0.2, max: 0.9 },
  entries: { days: 7, meanAgeDays: 2, annualVolatility: 0.8, maxDeviation: 0.15, noise: 0.002 },
  feeRate: '0.0005',
  maintenanceBuffer: '1.25',
  tiers: BINANCE_BTCUSDT_TIERS_2022_02_12,
};

/** The margin model's own names for a position's direction and margin mode. */
export type { Side as PositionSide, MarginMode } from '../margin/index.js';

/** One trader: a deposit and one position opened at `openedAtMs`. Decimal text at the scales above. */
export interface PopulationAccount {
  readonly id: string;
  /** USDT, cents. */
  readonly deposit: string;
  readonly leverage: number;
  readonly marginMode: MarginMode;
  readonly side: PositionSide;
  /** BTC, lot 0.001. */
  readonly qty: string;
  /** USDT per BTC, tick 0.1. */
  readonly entryPrice: string;
  readonly openedAtMs: number;
}

export interface Population {
  readonly symbol: string;
  readonly seed: number;
  readonly referencePrice: string;
  readonly windowStartMs: number;
  /** Accounts in opening order (ids `t000000`, … in that order). */
  readonly accounts: readonly PopulationAccount[];
  readonly params: PopulationParams;
  readonly stats: {
    /** Entry redraws for survivorship, and positions that fell back to the reference price. */
    readonly entryRedraws: number;
    readonly fallbacks: number;
    /** Wallets raised so that one lot fits (a lot is ~7 USDT of BTC in 2020, ~110 USDT in 2025). */
    readonly walletsRaised: number;
  };
}

export interface PopulationOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly symbol: string;
  /** The price the window opens at (decimal text): the entry path ends here. */
  readonly referencePrice: string;
  /** The window's first minute, epoch ms: every position opens before it. */
  readonly windowStartMs: number;
  readonly params?: PopulationParamsInput;
}

/** A tier in exact units: bounds in value units, mmr in rate units. */
interface Tier {
  readonly floor: bigint;
  readonly cap: bigint;
  readonly mmr: bigint;
  readonly maxLeverage: bigint;
}

/** Everything the per-account draws need, checked and converted once. */
interface Setup {
  readonly rng: Rng;
  readonly params: PopulationParams;
  readonly tiers: readonly Tier[];
  readonly feeRate: bigint;
  /** maintenanceBuffer in rate units. */
  readonly buffer: bigint;
  readonly referenceTicks: bigint;
  readonly windowStartMs: number;
  readonly pathStartMs: number;
  /** Hourly entry path (float prices) and the lowest / highest of it from each hour to the end. */
  readonly path: readonly number[];
  readonly lowAfter: readonly number[];
  readonly highAfter: readonly number[];
  readonly leverageCumulative: readonly number[];
  readonly leverageValues: readonly number[];
  /** The largest price a drawn entry can have, ticks (for the one-lot wallet floor). */
  readonly maxEntryTicks: bigint;
}

function mergeParams(input: PopulationParamsInput | undefined): PopulationParams {
  const d = DEFAULT_POPULATION_PARAMS;
  if (input === undefined) return d;
  return {
    wallet: { ...d.wallet, ...input.wallet },
    leverageWeights: input.leverageWeights ?? d.leverageWeights,
    longShare: input.longShare ?? d.longShare,
    isolatedShare: input.isolatedShare ?? d.isolatedShare,
    utilisation: { ...d.utilisation, ...input.utilisation },
    entries: { ...d.entries, ...input.entries },
    feeRate: input.feeRate ?? d.feeRate,
    maintenanceBuffer: input.maintenanceBuffer ?? d.maintenanceBuffer,
    tiers: input.tiers ?? d.tiers,
  };
}

function bad(field: string, message: string): Result<never, InputError> {
  return err(inputError('invalid_parameter', `${field} ${message}`, field));
}

function inRange(value: number, lo: number, hi: number): boolean {
  return Number.isFinite(value) && value >= lo && value <= hi;
}

function decimalUnits(text: string, scale: number, rounding: 'floor' | 'ceil'): bigint | null {
  const parsed = parseDecimal(text);
  if (!parsed.ok || parsed.value.units < 0n) return null;
  return Rational.fromDecimal(parsed.value).toUnits(scale, rounding);
}

/** Checks the options and converts what the draws need; errors name the field. */
function prepare(options: PopulationOptions): Result<Setup, InputError> {
  const params = mergeParams(options.params);
  if (!Number.isInteger(options.seed)) return bad('seed', 'must be a whole number');
  if (
    !Number.isInteger(options.accounts) ||
    options.accounts < 0 ||
    options.accounts > MAX_POPULATION_ACCOUNTS
  )
    return bad('accounts', `must be a whole number from 0 to ${MAX_POPULATION_ACCOUNTS}`);
  if (!Number.isSafeInteger(options.windowStartMs)) return bad('windowStartMs', 'must be epoch ms');
  const reference = decimalUnits(options.referencePrice, PRICE_SCALE, 'floor');
  if (reference === null || reference <= 0n) return bad('referencePrice', 'must be a positive decimal');
  const { wallet, utilisation, entries } = params;
  if (!inRange(wallet.minUsdt, 1, wallet.maxUsdt) || !inRange(wallet.maxUsdt, wallet.minUsdt, 1e12))
    return bad('params.wallet', 'needs 1 ≤ minUsdt ≤ maxUsdt ≤ 10^12');
  if (!inRange(wallet.medianUsdt, wallet.minUsdt, wallet.maxUsdt) || !inRange(wallet.sigma, 0, 5))
    return bad('params.wallet', 'needs minUsdt ≤ medianUsdt ≤ maxUsdt and 0 ≤ sigma ≤ 5');
  if (!inRange(params.longShare, 0, 1)) return bad('params.longShare', 'must be within [0, 1]');
  if (!inRange(params.isolatedShare, 0, 1)) return bad('params.isolatedShare', 'must be within [0, 1]');
  if (!inRange(utilisation.min, 0.01, utilisation.max) || !inRange(utilisation.max, utilisation.min, 0.95))
    return bad('params.utilisation', 'needs 0.01 ≤ min ≤ max ≤ 0.95');
  if (!inRange(entries.days, 0.01, MAX_ENTRY_DAYS) || !inRange(entries.meanAgeDays, 0.001, MAX_ENTRY_DAYS))
    return bad('params.entries', `needs days and meanAgeDays within (0, ${MAX_ENTRY_DAYS}]`);
  if (!inRange(entries.annualVolatility, 0, 5) || !inRange(entries.maxDeviation, 0, 0.9))
    return bad('params.entries', 'needs 0 ≤ annualVolatility ≤ 5 and 0 ≤ maxDeviation ≤ 0.9');
  if (!inRange(entries.noise, 0, 0.05)) return bad('params.entries.noise', 'must be within [0, 0.05]');
  const feeRate = decimalUnits(params.feeRate, RATE_SCALE, 'ceil');
  if (feeRate === null || feeRate > RATE_ONE / 100n) return bad('params.feeRate', 'must be within [0, 0.01]');
  const buffer = decimalUnits(params.maintenanceBuffer, RATE_SCALE, 'ceil');
  if (buffer === null || buffer < RATE_ONE || buffer > 2n * RATE_ONE)
    return bad('params.maintenanceBuffer', 'must be within [1, 2]');

  const tiers = prepareTiers(params.tiers);
  if (!tiers.ok) return tiers;
  const weights = params.leverageWeights;
  if (weights.length === 0 || weights.length > MAX_LEVERAGE_CHOICES)
    return bad('params.leverageWeights', `needs 1 to ${MAX_LEVERAGE_CHOICES} entries`);
  const leverageValues: number[] = [];
  const leverageCumulative: number[] = [];
  let total = 0;
  for (const [leverage, weight] of weights) {
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > 1000 || !inRange(weight, 0, 1e9))
      return bad('params.leverageWeights', 'holds whole leverages 1–1000 with non-negative weights');
    total += weight;
    leverageValues.push(leverage);
    leverageCumulative.push(total);
  }
  if (total <= 0) return bad('params.leverageWeights', 'needs a positive total weight');

  const rng = mulberry32(options.seed);
  const hours = Math.max(1, Math.ceil(entries.days * 24));
  const referencePrice = Number(reference) / 10 ** PRICE_SCALE;
  const path = entryPath(rng, hours, referencePrice, params);
  const lowAfter = [...path];
  const highAfter = [...path];
  for (let h = hours - 1; h >= 0; h--) {
    lowAfter[h] = Math.min(path[h] ?? referencePrice, lowAfter[h + 1] ?? referencePrice);
    highAfter[h] = Math.max(path[h] ?? referencePrice, highAfter[h + 1] ?? referencePrice);
  }
  const maxEntry = referencePrice * (1 + entries.maxDeviation) * (1 + entries.noise);
  return ok({
    rng,
    params,
    tiers: tiers.value,
    feeRate,
    buffer,
    referenceTicks: reference,
    windowStartMs: options.windowStartMs,
    pathStartMs: options.windowStartMs - hours * HOUR_MS,
    path,
    lowAfter,
    highAfter,
    leverageCumulative,
    leverageValues,
    maxEntryTicks: BigInt(Math.ceil(maxEntry * 10 ** PRICE_SCALE)) + 1n,
  });
}

function prepareTiers(input: readonly PopulationTier[]): Result<Tier[], InputError> {
  if (input.length === 0 || input.length > MAX_TIERS)
    return bad('params.tiers', `needs 1 to ${MAX_TIERS} tiers`);
  const tiers: Tier[] = [];
  for (const [i, t] of input.entries()) {
    const floor = decimalUnits(t.floor, VALUE_SCALE, 'floor');
    const cap = decimalUnits(t.cap, VALUE_SCALE, 'floor');
    const mmr = decimalUnits(t.mmr, RATE_SCALE, 'ceil');
    const maxLeverage = decimalUnits(t.maxLeverage, 0, 'floor');
    const previous = tiers[i - 1];
    if (
      floor === null ||
      cap === null ||
      mmr === null ||
      maxLeverage === null ||
      cap <= floor ||
      maxLeverage < 1n ||
      (previous === undefined ? floor !== 0n : floor !== previous.cap)
    ) {
      return bad(`params.tiers[${i}]`, 'must be contiguous from 0 with cap > floor and maxLeverage ≥ 1');
    }
    tiers.push({ floor, cap, mmr, maxLeverage });
  }
  return ok(tiers);
}

/** A standard normal draw (Box–Muller; 1 − u keeps the logarithm finite). */
function normal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Hourly prices, index `hours` = the reference, walking backwards with the hourly σ, held within the band. */
function entryPath(rng: Rng, hours: number, reference: number, params: PopulationParams): number[] {
  const { annualVolatility, maxDeviation } = params.entries;
  const sigma = annualVolatility / Math.sqrt(HOURS_PER_YEAR);
  const low = Math.log(reference * (1 - maxDeviation));
  const high = Math.log(reference * (1 + maxDeviation));
  const path = new Array<number>(hours + 1);
  let log = Math.log(reference);
  path[hours] = reference;
  for (let h = hours - 1; h >= 0; h--) {
    log = Math.min(high, Math.max(low, log + sigma * normal(rng)));
    path[h] = Math.exp(log);
  }
  return path;
}

/** The tier a position of `value` (value units) falls in, or undefined past the last cap. */
function tierOf(tiers: readonly Tier[], value: bigint): Tier | undefined {
  return tiers.find((t) => value < t.cap);
}

interface Sized {
  readonly lots: bigint;
  readonly leverage: bigint;
}

/**
 * Lots for `walletCents × leverage × utilisation` of notional at `entryTicks`, counting the opening fee as used
 * margin (so margin + fee = utilisation × wallet), at least one lot; leverage lowered to the tier's maximum of
 * that size (and the size recomputed, which only lowers it). Null past the last tier's cap.
 */
function sizePosition(
  setup: Setup,
  walletCents: bigint,
  leverage: number,
  utilisation: number,
  entryTicks: bigint,
): Sized | null {
  const fee = Number(setup.feeRate) / Number(RATE_ONE);
  const lotsFor = (lev: number): bigint => {
    const notional = (Number(walletCents) / 100) * utilisation * (lev / (1 + lev * fee));
    const lots = Math.floor((notional * 10 ** VALUE_SCALE) / Number(entryTicks));
    return lots < 1 ? 1n : BigInt(lots);
  };
  let lots = lotsFor(leverage);
  let tier = tierOf(setup.tiers, lots * entryTicks);
  if (tier === undefined) return null;
  let chosen = BigInt(leverage);
  if (chosen > tier.maxLeverage) {
    chosen = tier.maxLeverage;
    lots = lotsFor(Number(chosen));
    tier = tierOf(setup.tiers, lots * entryTicks);
    if (tier === undefined || chosen > tier.maxLeverage) return null;
  }
  return { lots, leverage: chosen };
}

/** Exact: margin and fee within the wallet at the entry, and `buffer` × maintenance kept at `adverseTicks`. */
function isValid(
  setup: Setup,
  walletCents: bigint,
  isolated: boolean,
  long: boolean,
  sized: Sized,
  entryTicks: bigint,
  adverseTicks: bigint,
): boolean {
  const wallet = walletCents * pow10(VALUE_SCALE - DEPOSIT_SCALE);
  const notional = sized.lots * entryTicks;
  const fee = (notional * setup.feeRate + RATE_ONE - 1n) / RATE_ONE;
  const margin = (notional + sized.leverage - 1n) / sized.leverage;
  if (margin + fee > wallet) return false;
  const adverseValue = sized.lots * adverseTicks;
  const tier = tierOf(setup.tiers, adverseValue);
  if (tier === undefined) return false;
  const pnl = long ? adverseValue - notional : notional - adverseValue;
  const equity = (isolated ? margin : wallet - fee) + pnl;
  // equity ≥ buffer × mmr × value, compared in value × rate² units (no division).
  return equity * RATE_ONE * RATE_ONE >= setup.buffer * tier.mmr * adverseValue;
}

/** The entry path's price at `timeMs` (linear between hours). */
function pathPriceAt(setup: Setup, timeMs: number): { price: number; hour: number } {
  const hours = (timeMs - setup.pathStartMs) / HOUR_MS;
  const hour = Math.min(setup.path.length - 1, Math.max(0, Math.floor(hours)));
  const from = setup.path[hour] ?? 0;
  const to = setup.path[hour + 1] ?? from;
  return { price: from + (to - from) * (hours - hour), hour };
}

/** One drawn trader, in exact units (formatted once, after the accounts are put in opening order). */
interface Drawn {
  readonly walletCents: bigint;
  readonly sized: Sized;
  readonly isolated: boolean;
  readonly long: boolean;
  readonly entryTicks: bigint;
  readonly openedAtMs: number;
  readonly redraws: number;
  readonly fallback: boolean;
  readonly walletRaised: boolean;
}

/** One trader: wallet, leverage, side and mode, then entries until one is valid (see the module comment). */
function drawAccount(setup: Setup): Drawn {
  const { rng, params } = setup;
  const { wallet, utilisation, entries } = params;
  const long = rng() < params.longShare;
  const isolated = rng() < params.isolatedShare;
  const drawnWallet = Math.exp(Math.log(wallet.medianUsdt) + wallet.sigma * normal(rng));
  let walletCents = BigInt(Math.round(Math.min(wallet.maxUsdt, Math.max(wallet.minUsdt, drawnWallet)) * 100));
  const pick = rng() * (setup.leverageCumulative[setup.leverageCumulative.length - 1] ?? 0);
  const index = setup.leverageCumulative.findIndex((c) => pick < c);
  const leverage = setup.leverageValues[index < 0 ? setup.leverageValues.length - 1 : index] ?? 1;

  // One lot at the dearest possible entry must fit in `utilisation.max` of the wallet at this leverage.
  const firstTier = setup.tiers[0];
  const lotLeverage = BigInt(Math.min(leverage, Number(firstTier?.maxLeverage ?? 1n)));
  const lotValue = setup.maxEntryTicks;
  const lotNeed = (lotValue + lotLeverage - 1n) / lotLeverage + (lotValue * setup.feeRate) / RATE_ONE + 1n;
  const maxShareBp = BigInt(Math.floor(utilisation.max * 10_000));
  const needCents =
    (lotNeed * 10_000n + maxShareBp - 1n) / maxShareBp / pow10(VALUE_SCALE - DEPOSIT_SCALE) + 1n;
  const walletRaised = walletCents < needCents;
  if (walletRaised) walletCents = needCents;

  const spanMs = entries.days * DAY_MS - MIN_AGE_MS;
  const truncation = 1 - Math.exp(-entries.days / entries.meanAgeDays);
  for (let attempt = 0; attempt < MAX_ENTRY_ATTEMPTS; attempt++) {
    // Truncated exponential age, halved on each retry (a younger position has less path to survive).
    const ageDays = -entries.meanAgeDays * Math.log(1 - rng() * truncation);
    const ageMs = MIN_AGE_MS + Math.floor(Math.min(spanMs, ageDays * DAY_MS) / 2 ** attempt);
    const openedAtMs = setup.windowStartMs - ageMs;
    const { price, hour } = pathPriceAt(setup, openedAtMs);
    const entryTicks = BigInt(
      Math.max(1, Math.round(price * (1 + entries.noise * (2 * rng() - 1)) * 10 ** PRICE_SCALE)),
    );
    const share = utilisation.min + (utilisation.max - utilisation.min) * rng();
    const sized = sizePosition(setup, walletCents, leverage, share, entryTicks);
    if (sized === null) continue;
    const extreme = long
      ? (setup.lowAfter[hour] ?? price) * (1 - entries.noise)
      : (setup.highAfter[hour] ?? price) * (1 + entries.noise);
    const scaled = extreme * 10 ** PRICE_SCALE;
    const adverseTicks = BigInt(long ? Math.max(1, Math.floor(scaled)) : Math.ceil(scaled));
    if (isValid(setup, walletCents, isolated, long, sized, entryTicks, adverseTicks)) {
      return {
        walletCents,
        sized,
        isolated,
        long,
        entryTicks,
        openedAtMs,
        redraws: attempt,
        fallback: false,
        walletRaised,
      };
    }
  }
  // The fallback: one minute before the window at the reference price, the leverage lowered until it passes
  // (Binance's tiers have mmr × maxLeverage = 0.5, so with a buffer up to 2 the chosen leverage already does).
  const share = utilisation.min + (utilisation.max - utilisation.min) * rng();
  const reference = setup.referenceTicks;
  let sized: Sized = { lots: 1n, leverage: 1n };
  for (let lev = leverage; lev >= 1; lev--) {
    const candidate = sizePosition(setup, walletCents, lev, share, reference);
    if (candidate !== null && isValid(setup, walletCents, isolated, long, candidate, reference, reference)) {
      sized = candidate;
      break;
    }
  }
  const openedAtMs = setup.windowStartMs - FALLBACK_AGE_MS;
  return {
    walletCents,
    sized,
    isolated,
    long,
    entryTicks: reference,
    openedAtMs,
    redraws: MAX_ENTRY_ATTEMPTS,
    fallback: true,
    walletRaised,
  };
}

/**
 * A seeded population of `accounts` traders, each with one valid position opened before `windowStartMs` (see
 * the module comment); accounts come in opening order, ids `t000000`, `t000001`, … in that order. Errors name the
 * parameter (`invalid_parameter`).
 */
export function generatePopulation(options: PopulationOptions): Result<Population, InputError> {
  const setup = prepare(options);
  if (!setup.ok) return setup;
  const drawn: Drawn[] = [];
  let entryRedraws = 0;
  let fallbacks = 0;
  let walletsRaised = 0;
  for (let i = 0; i < options.accounts; i++) {
    const account = drawAccount(setup.value);
    entryRedraws += account.redraws;
    if (account.fallback) fallbacks++;
    if (account.walletRaised) walletsRaised++;
    drawn.push(account);
  }
  // Equal opening times keep their draw order.
  const order = Array.from(drawn.keys()).sort((a, b) => {
    const ta = drawn[a]?.openedAtMs ?? 0;
    const tb = drawn[b]?.openedAtMs ?? 0;
    return ta === tb ? a - b : ta - tb;
  });
  const accounts: PopulationAccount[] = [];
  for (const drawIndex of order) {
    const d = drawn[drawIndex];
    if (d === undefined) continue;
    accounts.push({
      id: `t${String(accounts.length).padStart(6, '0')}`,
      deposit: formatUnits(d.walletCents, DEPOSIT_SCALE),
      leverage: Number(d.sized.leverage),
      marginMode: d.isolated ? 'isolated' : 'cross',
      side: d.long ? 'long' : 'short',
      qty: formatUnits(d.sized.lots, QTY_SCALE),
      entryPrice: formatUnits(d.entryTicks, PRICE_SCALE),
      openedAtMs: d.openedAtMs,
    });
  }
  return ok({
    symbol: options.symbol,
    seed: options.seed,
    referencePrice: formatUnits(setup.value.referenceTicks, PRICE_SCALE),
    windowStartMs: options.windowStartMs,
    accounts,
    params: setup.value.params,
    stats: { entryRedraws, fallbacks, walletsRaised },
  });
}

/** The engine command bodies that open a population (no `seq`/`timestampMs`: the sequencer stamps them). */
/** An engine command without its sequence number and time (the replay stamps them). */
type Body<T extends Command['type']> = Omit<Extract<Command, { type: T }>, 'seq' | 'timestampMs'>;

export type PopulationCommand =
  Body<'createAccount'> | Body<'deposit'> | Body<'setLeverage'> | Body<'setMarginMode'> | Body<'fill'>;

export interface PopulationCommandOptions {
  readonly symbol: string;
  /** Settlement asset of the deposits; default USDT. */
  readonly asset?: string;
  /**
   * The account(s) taking the other side of every fill (as maker; the trader is the taker), so open interest
   * balances. Several are used in turn (account i trades with marketMakerIds[i mod n]) so that none passes the
   * last tier's cap. They must exist, be funded and be set to a leverage their size allows before the fills.
   */
  readonly marketMakerId: string | readonly string[];
}

/**
 * The commands that open the population, as `[timeMs, body]` in time order (each account's at its opening
 * time): createAccount, deposit, setLeverage, setMarginMode (isolated only) and one fill against a market maker
 * (`fillId` `open-<id>`). Three to five commands per account. The fill is valid when the symbol's mark equals the
 * fill price at that time (without a price layer: a `markPrice` of it first; with one: a quote of it).
 */
export function populationCommands(
  population: Population,
  options: PopulationCommandOptions,
): (readonly [number, PopulationCommand])[] {
  const makers = typeof options.marketMakerId === 'string' ? [options.marketMakerId] : options.marketMakerId;
  const asset = options.asset ?? 'USDT';
  const symbol = options.symbol;
  const commands: (readonly [number, PopulationCommand])[] = [];
  for (const [i, a] of population.accounts.entries()) {
    const t = a.openedAtMs;
    const maker = makers[i % makers.length] ?? '';
    commands.push([t, { type: 'createAccount', accountId: a.id }]);
    commands.push([t, { type: 'deposit', accountId: a.id, asset, amount: a.deposit }]);
    commands.push([t, { type: 'setLeverage', accountId: a.id, symbol, leverage: a.leverage }]);
    if (a.marginMode === 'isolated')
      commands.push([t, { type: 'setMarginMode', accountId: a.id, symbol, marginMode: 'isolated' }]);
    const trader = { accountId: a.id, liquidity: 'taker' } as const;
    const counterparty = { accountId: maker, liquidity: 'maker' } as const;
    commands.push([
      t,
      {
        type: 'fill',
        fillId: `open-${a.id}`,
        symbol,
        price: a.entryPrice,
        qty: a.qty,
        buyer: a.side === 'long' ? trader : counterparty,
        seller: a.side === 'long' ? counterparty : trader,
      },
    ]);
  }
  return commands;
}
