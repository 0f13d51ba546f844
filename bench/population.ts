import { readFileSync } from 'node:fs';
import {
  formatUnits,
  parseCalcRequest,
  parseExactJson,
  Rational,
  tierForNotional,
  validateAccount,
  type Account,
  type Instrument,
  type MarginMode,
  type Position,
  type Side,
  type TierInput,
} from '../src/index.js';
import { integerBetween, mulberry32, uniform } from '../src/simulator/prng.js';

/** One Binance leverage bracket as published (`info` fields of the ccxt dump), decimal strings. */
export interface BinanceBracket {
  readonly floor: string;
  readonly cap: string;
  readonly mmr: string;
  readonly maxLeverage: string;
  readonly cum: string;
}

export const SYMBOL = 'BTCUSDT';
/** Fraction digits: price tick 0.1, lot 0.001, wallets in cents. */
export const PRICE_SCALE = 1;
export const QTY_SCALE = 3;
export const MONEY_SCALE = 2;

const BRACKETS_FILE = new URL(
  '../data/binance-leverage-brackets/btc_eth_usdt_perp_brackets_by_date.json',
  import.meta.url,
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(object: Record<string, unknown>, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new Error(`${where}.${key} is not a string`);
  return value;
}

/** The real BTCUSDT brackets of one snapshot date (default: the 2024-10-24 `BTC/USDT:USDT` entry). */
export function loadBtcBrackets(date = '2024-10-24', market = 'BTC/USDT:USDT'): BinanceBracket[] {
  const root: unknown = JSON.parse(readFileSync(BRACKETS_FILE, 'utf8'));
  const byDate = isRecord(root) ? root[date] : undefined;
  const entries = isRecord(byDate) ? byDate[market] : undefined;
  if (!Array.isArray(entries)) throw new Error(`no ${market} brackets for ${date}`);
  return entries.map((entry: unknown, i): BinanceBracket => {
    const where = `${date}.${market}[${i}].info`;
    const info = isRecord(entry) ? entry.info : undefined;
    if (!isRecord(info)) throw new Error(`${where} missing`);
    return {
      floor: stringField(info, 'notionalFloor', where),
      cap: stringField(info, 'notionalCap', where),
      mmr: stringField(info, 'maintMarginRatio', where),
      maxLeverage: stringField(info, 'initialLeverage', where),
      cum: stringField(info, 'cum', where),
    };
  });
}

/** Brackets as tier inputs (the field names of both the calc request and the engine's listing). */
export function tierInputs(brackets: readonly BinanceBracket[]): TierInput[] {
  return brackets.map((b) => ({
    floor: b.floor,
    cap: b.cap,
    mmr: b.mmr,
    maxLeverage: b.maxLeverage,
    cum: b.cum,
  }));
}

/** A calc request (CALC.md) for BTCUSDT on the given brackets, with an optional account. */
export function calcRequestText(
  brackets: readonly BinanceBracket[],
  markText: string,
  account: { walletBalance: string; positions: Record<string, string>[] },
): string {
  return JSON.stringify({
    rulebook: 'binance',
    instruments: [
      {
        symbol: SYMBOL,
        kind: 'linear',
        tickSize: '0.1',
        lotSize: '0.001',
        tiers: tierInputs(brackets),
      },
    ],
    marks: { [SYMBOL]: markText },
    account,
  });
}

/** The instrument exactly as the calc request parser builds it (tiers validated, `cum` checked). */
export function parseInstrument(brackets: readonly BinanceBracket[], markText: string): Instrument {
  const json = parseExactJson(calcRequestText(brackets, markText, { walletBalance: '0.01', positions: [] }));
  if (!json.ok) throw new Error(`calc request JSON: ${json.error.message}`);
  const request = parseCalcRequest(json.value);
  if (!request.ok) throw new Error(`calc request: ${request.error.message}`);
  const instrument = request.value.instruments.get(SYMBOL);
  if (instrument === undefined) throw new Error('instrument missing');
  const { price, qty } = instrument.scales;
  if (price !== PRICE_SCALE || qty !== QTY_SCALE) throw new Error(`unexpected scales ${price}/${qty}`);
  return instrument;
}

/** One account of the population: a single BTCUSDT position, isolated or cross. */
export interface BenchAccount {
  readonly id: number;
  readonly side: Side;
  readonly marginMode: MarginMode;
  readonly leverage: number;
  readonly qtyText: string;
  readonly entryText: string;
  /** The balance backing the position: its isolated wallet, or the cross wallet. */
  readonly walletText: string;
  readonly wallet: Rational;
  readonly walletCents: bigint;
  /** Tier (1-based) of the entry notional, for the summary. */
  readonly entryTier: number;
  readonly position: Position;
  readonly account: Account;
}

export interface Population {
  readonly brackets: readonly BinanceBracket[];
  readonly instrument: Instrument;
  /** Mark when the positions were opened, in price units (tenths). */
  readonly openMark: bigint;
  /** The marks of successive ticks, price units (tenths). */
  readonly ticks: readonly bigint[];
  readonly accounts: readonly BenchAccount[];
}

export interface PopulationOptions {
  readonly seed: number;
  readonly size: number;
  readonly ticks: number;
  /** Mark at opening, price units. */
  readonly openMark: bigint;
  readonly minNotional: number;
  readonly maxNotional: number;
}

const toUnits = (value: number): bigint => BigInt(Math.round(value));

/**
 * A seeded population of one-position accounts on the real tiers: entries within ±4 % of the opening mark,
 * notional log-uniform, leverage 2–100× within the tier's maximum, half long, half isolated. Isolated wallets
 * hold the initial margin plus up to 25 %; cross wallets up to 4× it. Every account passes `validateAccount`.
 */
export function buildPopulation(options: PopulationOptions): Population {
  const rng = mulberry32(options.seed);
  const brackets = loadBtcBrackets();
  const markText = formatUnits(options.openMark, PRICE_SCALE);
  const instrument = parseInstrument(brackets, markText);
  const openMark = Rational.fromUnits(options.openMark, PRICE_SCALE);
  const marks = new Map([[SYMBOL, openMark]]);
  const logMin = Math.log(options.minNotional);
  const logMax = Math.log(options.maxNotional);
  const mark0 = Number(options.openMark);

  const accounts: BenchAccount[] = [];
  for (let id = 0; id < options.size; id++) {
    const side: Side = rng() < 0.5 ? 'long' : 'short';
    const marginMode: MarginMode = rng() < 0.5 ? 'isolated' : 'cross';
    const entryTenths = toUnits(mark0 * (1 + uniform(rng, -0.04, 0.04)));
    const targetNotional = Math.exp(uniform(rng, logMin, logMax));
    // qty (milli) = notional / entry × 1000 = notional × 10^4 / entryTenths
    const qtyMilli = BigInt(Math.max(1, Math.round((targetNotional * 1e4) / Number(entryTenths))));
    const qty = Rational.fromUnits(qtyMilli, QTY_SCALE);
    const entry = Rational.fromUnits(entryTenths, PRICE_SCALE);
    const entryNotional = qty.mul(entry);
    const markNotional = qty.mul(openMark);
    const sizing = entryNotional.gt(markNotional) ? entryNotional : markNotional;
    const tier = tierForNotional(instrument.tiers, sizing);
    const leverage = integerBetween(rng, 2, Math.min(100, tier.maxLeverage.toNumber()));
    const initialMargin = entryNotional.toNumber() / leverage;
    const cushion = marginMode === 'isolated' ? uniform(rng, 0, 0.25) : uniform(rng, 0, 3);
    const walletCents = BigInt(Math.ceil(initialMargin * 100 * (1 + cushion)));
    const wallet = Rational.fromUnits(walletCents, MONEY_SCALE);
    const position: Position = {
      instrument,
      side,
      positionSide: 'BOTH',
      qty,
      entryPrice: entry,
      marginMode,
      isolatedWallet: marginMode === 'isolated' ? wallet : Rational.ZERO,
      leverage: Rational.fromInt(BigInt(leverage)),
    };
    const account: Account = {
      walletBalance: marginMode === 'cross' ? wallet : Rational.ZERO,
      positions: [position],
    };
    const validated = validateAccount(account, marks, `accounts[${id}]`, 'marks');
    if (!validated.ok) throw new Error(`population account ${id}: ${validated.error.message}`);
    accounts.push({
      id,
      side,
      marginMode,
      leverage,
      qtyText: formatUnits(qtyMilli, QTY_SCALE),
      entryText: formatUnits(entryTenths, PRICE_SCALE),
      walletText: formatUnits(walletCents, MONEY_SCALE),
      wallet,
      walletCents,
      entryTier: tierForNotional(instrument.tiers, entryNotional).index,
      position,
      account: validated.value,
    });
  }
  const ticks = [options.openMark];
  while (ticks.length < options.ticks) ticks.push(toUnits(mark0 * (1 + uniform(rng, -0.02, 0.02))));
  return { brackets, instrument, openMark: options.openMark, ticks, accounts };
}
