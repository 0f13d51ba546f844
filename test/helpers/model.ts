/**
 * An independent reference model of the calculator contract (CALC.md, RULEBOOK.md §1–2), for tests only.
 *
 * It reads the request as written (decimal strings) and recomputes every figure with exact Rational arithmetic,
 * without calling the engine's margin code: its own cumulative `cum`, its own tier lookup, its own PnL and
 * maintenance formulas, and a root finder that works by evaluating the margin balance at sample points (the
 * balance is linear in x = P, or x = 1/P for inverse contracts, between tier breakpoints) rather than by the
 * engine's symbolic lines.
 */
import { readFileSync } from 'node:fs';
import { parseDecimal, Rational } from '../../src/numbers/index.js';

export interface TierJson {
  floor: string;
  cap: string;
  mmr?: string;
  maxLeverage: string;
  cum?: string;
}

export interface InstrumentJson {
  symbol: string;
  kind?: 'linear' | 'inverse';
  contractSize?: string;
  settleAsset?: string;
  tierModel?: 'cumulative' | 'whole';
  maintenanceBasis?: 'mark' | 'entry';
  tiers: TierJson[];
}

export interface PositionJson {
  symbol: string;
  side: 'long' | 'short';
  positionSide?: 'BOTH' | 'LONG' | 'SHORT';
  qty: string;
  entryPrice: string;
  marginMode?: 'cross' | 'isolated';
  isolatedWallet?: string;
  leverage?: string;
}

export interface RequestJson {
  rulebook?: string;
  instruments: InstrumentJson[];
  marks: Record<string, string>;
  account: { walletBalance: string; positions: PositionJson[] };
}

/** A plain decimal string (any number of fraction digits) as an exact Rational; throws on anything else. */
export function dec(text: string): Rational {
  const parsed = parseDecimal(text, 100_000);
  if (!parsed.ok) throw new Error(`not a plain decimal: "${text}" (${parsed.error})`);
  return Rational.fromDecimal(parsed.value);
}

/** A decimal with an optional exponent ("1e-9", "4.97038E7") as an exact Rational. */
export function decScientific(text: string): Rational {
  const match = /^(-?\d+(?:\.\d+)?)(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) throw new Error(`not a number: "${text}"`);
  const mantissa = dec(match[1] ?? '');
  const exponent = Number(match[2] ?? '0');
  const power = Rational.fromInt(10n ** BigInt(Math.abs(exponent)));
  return exponent >= 0 ? mantissa.mul(power) : mantissa.div(power);
}

/** Exact decimal text of a Rational whose expansion terminates (throws otherwise). */
export function exactText(value: Rational): string {
  const scale = value.terminatingScale();
  if (scale === null) throw new Error(`${value.toString()} has no finite decimal expansion`);
  return value.format('trunc', 1, scale);
}

/** Decimal text of a Rational rounded up (ceil) or down (floor) at `scale` fraction digits. */
export function roundedText(value: Rational, scale: number, rounding: 'ceil' | 'floor'): string {
  return exactText(Rational.fromUnits(value.toUnits(scale, rounding), scale));
}

export interface TierRow {
  readonly floor: Rational;
  readonly cap: Rational;
  readonly mmr: Rational;
  readonly maxLeverage: Rational;
  /** Computed here from the cumulative formula (0 in the whole model), never read from the request. */
  readonly cum: Rational;
}

export interface InstrumentModel {
  readonly symbol: string;
  readonly kind: 'linear' | 'inverse';
  readonly contractSize: Rational;
  readonly tierModel: 'cumulative' | 'whole';
  readonly basis: 'mark' | 'entry';
  readonly tiers: readonly TierRow[];
}

export interface PositionModel {
  readonly instrument: InstrumentModel;
  readonly side: 'long' | 'short';
  readonly positionSide: 'BOTH' | 'LONG' | 'SHORT';
  readonly qty: Rational;
  readonly entry: Rational;
  readonly marginMode: 'cross' | 'isolated';
  readonly isolatedWallet: Rational;
  readonly leverage: Rational | null;
}

export interface PortfolioModel {
  readonly wallet: Rational;
  readonly marks: ReadonlyMap<string, Rational>;
  readonly positions: readonly PositionModel[];
}

const DEFAULTS: Record<string, { tierModel: 'cumulative' | 'whole'; basis: 'mark' | 'entry' }> = {
  binance: { tierModel: 'cumulative', basis: 'mark' },
  bybit: { tierModel: 'cumulative', basis: 'entry' },
  bitmex: { tierModel: 'whole', basis: 'entry' },
  hyperliquid: { tierModel: 'cumulative', basis: 'mark' },
  dydx: { tierModel: 'cumulative', basis: 'mark' },
  okx: { tierModel: 'whole', basis: 'mark' },
};

/** Tier rows with `cum` from RULEBOOK §1: cum(1) = 0, cum(n) = floor(n) × (mmr(n) − mmr(n−1)) + cum(n−1). */
export function tierRows(
  tiers: readonly TierJson[],
  model: 'cumulative' | 'whole',
  mmrFromLeverage = false,
): TierRow[] {
  const rows: TierRow[] = [];
  for (const t of tiers) {
    const maxLeverage = dec(t.maxLeverage);
    const mmr =
      t.mmr === undefined && mmrFromLeverage
        ? Rational.ONE.div(maxLeverage.mulInt(2n))
        : dec(t.mmr ?? 'missing');
    const floor = dec(t.floor);
    const previous = rows[rows.length - 1];
    const cum =
      model === 'whole' || previous === undefined
        ? Rational.ZERO
        : previous.cum.add(floor.mul(mmr.sub(previous.mmr)));
    rows.push({ floor, cap: dec(t.cap), mmr, maxLeverage, cum });
  }
  return rows;
}

export function instrumentModel(json: InstrumentJson, rulebook = 'binance'): InstrumentModel {
  const defaults = DEFAULTS[rulebook] ?? { tierModel: 'cumulative', basis: 'mark' };
  const tierModel = json.tierModel ?? defaults.tierModel;
  return {
    symbol: json.symbol,
    kind: json.kind ?? 'linear',
    contractSize: dec(json.contractSize ?? '1'),
    tierModel,
    basis: json.maintenanceBasis ?? defaults.basis,
    tiers: tierRows(json.tiers, tierModel, rulebook === 'hyperliquid'),
  };
}

export function portfolioModel(request: RequestJson): PortfolioModel {
  const rulebook = request.rulebook ?? 'binance';
  const instruments = new Map(request.instruments.map((i) => [i.symbol, instrumentModel(i, rulebook)]));
  const marks = new Map(Object.entries(request.marks).map(([s, m]) => [s, dec(m)]));
  const positions = request.account.positions.map((p): PositionModel => {
    const instrument = instruments.get(p.symbol);
    if (instrument === undefined) throw new Error(`no instrument ${p.symbol}`);
    return {
      instrument,
      side: p.side,
      positionSide: p.positionSide ?? 'BOTH',
      qty: dec(p.qty),
      entry: dec(p.entryPrice),
      marginMode: p.marginMode ?? 'cross',
      isolatedWallet: p.isolatedWallet === undefined ? Rational.ZERO : dec(p.isolatedWallet),
      leverage: p.leverage === undefined ? null : dec(p.leverage),
    };
  });
  return { wallet: dec(request.account.walletBalance), marks, positions };
}

/** Index of the tier holding `notional`: the last tier whose floor is at or below it (floors inclusive). */
export function tierIndexAt(tiers: readonly TierRow[], notional: Rational): number {
  let index = 0;
  for (const [i, tier] of tiers.entries()) if (notional.gte(tier.floor)) index = i;
  return index;
}

function tierAtIndex(tiers: readonly TierRow[], index: number): TierRow {
  const tier = tiers[index];
  if (tier === undefined) throw new Error(`no tier ${index}`);
  return tier;
}

/** Maintenance margin of a notional: notional × mmr − cum (cumulative) or notional × mmr (whole). */
export function maintenanceOf(instrument: InstrumentModel, notional: Rational): Rational {
  const tier = tierAtIndex(instrument.tiers, tierIndexAt(instrument.tiers, notional));
  return notional.mul(tier.mmr).sub(tier.cum);
}

export function exposureOf(p: PositionModel): Rational {
  return p.qty.mul(p.instrument.contractSize);
}

/** The coordinate in which everything is linear: P for linear contracts, 1/P for inverse ones. */
export function coordinate(instrument: InstrumentModel, price: Rational): Rational {
  return instrument.kind === 'linear' ? price : price.inverse();
}

/** Notional in the settlement asset: qty × size × P (linear), qty × size / P in coin (inverse). */
export function notional(p: PositionModel, price: Rational): Rational {
  return p.instrument.kind === 'linear' ? exposureOf(p).mul(price) : exposureOf(p).div(price);
}

/** Unrealized PnL: side × qty × size × (P − E) (linear), side × qty × size × (1/E − 1/P) (inverse). */
export function pnl(p: PositionModel, price: Rational): Rational {
  const move = p.instrument.kind === 'linear' ? price.sub(p.entry) : p.entry.inverse().sub(price.inverse());
  const value = exposureOf(p).mul(move);
  return p.side === 'long' ? value : value.neg();
}

/** The notional that selects the tier and prices maintenance. */
export function maintenanceNotional(p: PositionModel, price: Rational): Rational {
  return notional(p, p.instrument.basis === 'mark' ? price : p.entry);
}

export function maintenance(p: PositionModel, price: Rational): Rational {
  return maintenanceOf(p.instrument, maintenanceNotional(p, price));
}

export function tierIndexOf(p: PositionModel, price: Rational): number {
  return tierIndexAt(p.instrument.tiers, maintenanceNotional(p, price));
}

export function initialMargin(p: PositionModel, price: Rational): Rational {
  const n = maintenanceNotional(p, price);
  const leverage =
    p.leverage ?? tierAtIndex(p.instrument.tiers, tierIndexAt(p.instrument.tiers, n)).maxLeverage;
  return n.div(leverage);
}

export function markOf(model: PortfolioModel, p: PositionModel): Rational {
  const mark = model.marks.get(p.instrument.symbol);
  if (mark === undefined) throw new Error(`no mark for ${p.instrument.symbol}`);
  return mark;
}

/** The positions whose margin balance position `i` shares: itself (isolated) or every cross position. */
function sameSymbolLegs(model: PortfolioModel, i: number): PositionModel[] {
  const p = model.positions[i];
  if (p === undefined) throw new Error(`no position ${i}`);
  if (p.marginMode === 'isolated') return [p];
  return model.positions.filter(
    (q) => q.marginMode === 'cross' && q.instrument.symbol === p.instrument.symbol,
  );
}

/**
 * Position i's margin balance if its symbol's mark were `price` (every other symbol at its mark), minus
 * its maintenance margin when `withMaintenance`. Isolated: its wallet + own PnL. Cross: the account's
 * wallet + PnL of all cross positions, maintenance of all cross positions.
 */
export function balanceAt(
  model: PortfolioModel,
  i: number,
  price: Rational,
  withMaintenance: boolean,
): Rational {
  const p = model.positions[i];
  if (p === undefined) throw new Error(`no position ${i}`);
  const terms = (q: PositionModel, at: Rational): Rational =>
    withMaintenance ? pnl(q, at).sub(maintenance(q, at)) : pnl(q, at);
  if (p.marginMode === 'isolated') return p.isolatedWallet.add(terms(p, price));
  let balance = model.wallet;
  for (const q of model.positions) {
    if (q.marginMode !== 'cross') continue;
    balance = balance.add(terms(q, q.instrument.symbol === p.instrument.symbol ? price : markOf(model, q)));
  }
  return balance;
}

/** Balance minus maintenance at price, the quantity whose nearest root is the liquidation price. */
export function healthAt(model: PortfolioModel, i: number, price: Rational): Rational {
  return balanceAt(model, i, price, true);
}

/** The maintenance margin the liquidation condition compares against (isolated: own; cross: all cross). */
export function requiredMaintenanceAt(model: PortfolioModel, i: number, price: Rational): Rational {
  return balanceAt(model, i, price, false).sub(balanceAt(model, i, price, true));
}

/** Sorted distinct coordinates (x) where a mark-basis leg of position i's price problem reaches a tier floor. */
export function breakpoints(model: PortfolioModel, i: number): Rational[] {
  const points: Rational[] = [];
  for (const leg of sameSymbolLegs(model, i)) {
    if (leg.instrument.basis !== 'mark') continue;
    for (const tier of leg.instrument.tiers) {
      if (tier.floor.sign() > 0) points.push(tier.floor.div(exposureOf(leg)));
    }
  }
  points.sort((a, b) => a.cmp(b));
  return points.filter((x, k) => k === 0 || !x.eq(points[k - 1] ?? x));
}

function priceOfX(instrument: InstrumentModel, x: Rational): Rational {
  return instrument.kind === 'linear' ? x : x.inverse();
}

interface Line {
  readonly a: Rational;
  readonly b: Rational;
}

/** The line through two evaluations of f at x1 ≠ x2 (f is linear in x there). */
function lineThrough(f: (x: Rational) => Rational, x1: Rational, x2: Rational): Line {
  const f1 = f(x1);
  const f2 = f(x2);
  const b = f2.sub(f1).div(x2.sub(x1));
  return { a: f1.sub(b.mul(x1)), b };
}

const THREE = Rational.fromInt(3n);
const TWO = Rational.fromInt(2n);

/**
 * Every root of f(x) = health at price(x) over x > 0, found interval by interval between breakpoints, plus
 * every breakpoint where f steps across (or onto) zero; flat zero stretches contribute their point nearest
 * xMark. Returns the root prices.
 */
function allRoots(
  instrument: InstrumentModel,
  f: (x: Rational) => Rational,
  points: readonly Rational[],
  xMark: Rational,
): Rational[] {
  const roots: Rational[] = [];
  const bounds = [Rational.ZERO, ...points];
  const lines: Line[] = [];
  for (const [k, lo] of bounds.entries()) {
    const hi = bounds[k + 1] ?? null;
    const x1 = hi === null ? lo.add(Rational.ONE) : lo.add(hi.sub(lo).div(THREE));
    const x2 = hi === null ? lo.add(TWO) : lo.add(hi.sub(lo).mul(TWO).div(THREE));
    const line = lineThrough(f, x1, x2);
    lines.push(line);
    if (!line.b.isZero()) {
      const x = line.a.neg().div(line.b);
      if (x.sign() > 0 && x.gte(lo) && (hi === null || x.lt(hi))) roots.push(x);
    } else if (line.a.isZero()) {
      if (xMark.lt(lo)) roots.push(lo);
      else if (hi === null || xMark.lt(hi)) roots.push(xMark);
      else roots.push(hi);
    }
  }
  for (const [k, point] of points.entries()) {
    const left = lines[k];
    if (left === undefined) continue;
    const leftLimit = left.a.add(left.b.mul(point));
    if (leftLimit.sign() * f(point).sign() <= 0) roots.push(point);
  }
  return roots.map((x) => priceOfX(instrument, x));
}

function nearest(prices: readonly Rational[], mark: Rational): Rational | null {
  let best: Rational | null = null;
  for (const price of prices) {
    if (best === null || price.sub(mark).abs().lt(best.sub(mark).abs())) best = price;
  }
  return best;
}

/** Reference liquidation price of position i: the root of balance − maintenance nearest the mark, or null. */
export function referenceLiquidationPrice(model: PortfolioModel, i: number): Rational | null {
  const p = model.positions[i];
  if (p === undefined) throw new Error(`no position ${i}`);
  const mark = markOf(model, p);
  const f = (x: Rational): Rational => healthAt(model, i, priceOfX(p.instrument, x));
  return nearest(allRoots(p.instrument, f, breakpoints(model, i), coordinate(p.instrument, mark)), mark);
}

/** Reference bankruptcy price of position i: where its margin balance (no maintenance) is zero, or null. */
export function referenceBankruptcyPrice(model: PortfolioModel, i: number): Rational | null {
  const p = model.positions[i];
  if (p === undefined) throw new Error(`no position ${i}`);
  const mark = markOf(model, p);
  const f = (x: Rational): Rational => balanceAt(model, i, priceOfX(p.instrument, x), false);
  return nearest(allRoots(p.instrument, f, [], coordinate(p.instrument, mark)), mark);
}

/** Every price where some mark-basis leg of position i's problem sits exactly on a tier floor. */
export function breakpointPrices(model: PortfolioModel, i: number): Rational[] {
  const p = model.positions[i];
  if (p === undefined) throw new Error(`no position ${i}`);
  return breakpoints(model, i).map((x) => priceOfX(p.instrument, x));
}

/** Account figures over cross positions, recomputed (CALC.md "Response"). */
export function referenceAccount(model: PortfolioModel): {
  unrealizedPnl: Rational;
  marginBalance: Rational;
  maintenanceMargin: Rational;
  initialMargin: Rational;
  marginRatio: Rational | null;
  availableBalance: Rational;
} {
  let unrealizedPnl = Rational.ZERO;
  let maintenanceMargin = Rational.ZERO;
  let initial = Rational.ZERO;
  for (const p of model.positions) {
    if (p.marginMode !== 'cross') continue;
    const mark = markOf(model, p);
    unrealizedPnl = unrealizedPnl.add(pnl(p, mark));
    maintenanceMargin = maintenanceMargin.add(maintenance(p, mark));
    initial = initial.add(initialMargin(p, mark));
  }
  const marginBalance = model.wallet.add(unrealizedPnl);
  const available = marginBalance.sub(initial);
  return {
    unrealizedPnl,
    marginBalance,
    maintenanceMargin,
    initialMargin: initial,
    marginRatio: marginBalance.sign() > 0 ? maintenanceMargin.div(marginBalance) : null,
    availableBalance: available.sign() > 0 ? available : Rational.ZERO,
  };
}

/** Real Binance USDⓈ-M brackets from the repository's data folder, as calculator tiers with published cum. */
export function binanceTiers(date: '2022-02-12' | '2022-11-25' | '2024-10-24', symbol: string): TierJson[] {
  const url = new URL(
    '../../data/binance-leverage-brackets/btc_eth_usdt_perp_brackets_by_date.json',
    import.meta.url,
  );
  const dump = JSON.parse(readFileSync(url, 'utf8')) as Record<
    string,
    Record<
      string,
      {
        info: {
          notionalFloor: string;
          notionalCap: string;
          maintMarginRatio: string;
          initialLeverage: string;
          cum: string;
        };
      }[]
    >
  >;
  const brackets = dump[date]?.[symbol] ?? dump[date]?.[`${symbol}:USDT`];
  if (brackets === undefined) throw new Error(`no brackets for ${symbol} on ${date}`);
  return brackets.map(({ info }) => ({
    floor: info.notionalFloor,
    cap: info.notionalCap,
    mmr: info.maintMarginRatio,
    maxLeverage: info.initialLeverage,
    cum: exactText(decScientific(info.cum)),
  }));
}
