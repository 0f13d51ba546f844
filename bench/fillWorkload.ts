/**
 * The seeded fill workload of the engine benchmark (bench/engine.ts): one USDT asset at 8 decimals, three linear
 * instruments on Binance's real 2024-10-24 brackets, ~1,000 accounts with deposits, leverage, margin modes and a
 * few resting orders (the setup), then a pre-generated array of fill commands between random buyer/seller pairs.
 *
 * Fills are drawn knowing the state they will meet, as a venue's matching engine knows its users: the generator
 * applies every command to its own Bulwark engine while it draws (untimed), so it can size each fill to the
 * accounts' available margin and choose to open, add to, reduce, close or flip the taker's position. The marks
 * stay where the setup put them, so the fills all meet the same margin picture in every timed run.
 */
import { readFileSync } from 'node:fs';
import {
  Engine,
  formatUnits,
  positionKey,
  type Command,
  type EngineState,
  type FillParty,
  type TierInput,
} from '../src/index.js';
import { crossFigures, type CrossFigures } from '../src/engine/marginView.js';
import { integerBetween, mulberry32, uniform, type Rng } from '../src/simulator/prng.js';

export const ASSET = 'USDT';
export const ASSET_SCALE = 8;
export const QTY_SCALE = 3;
const MAKER_FEE = '0.0002';
const TAKER_FEE = '0.0005';
/** The engine's default leverage for a symbol whose settings were never set (20×, Binance's default). */
const DEFAULT_LEVERAGE = 20;
const START_MS = 1_729_728_000_000;

export interface InstrumentPlan {
  readonly symbol: string;
  /** ccxt market name in the bracket dump. */
  readonly market: string;
  readonly priceScale: number;
  /** Mark in price units (10^−priceScale). */
  readonly markTicks: bigint;
  /** Share of fills on this symbol. */
  readonly weight: number;
  /** Leverage choices for accounts that set one (all within the tiers up to `maxNotional`). */
  readonly leverages: readonly number[];
  /** Position notional the generator keeps each account under (USDT). */
  readonly maxNotional: number;
  readonly tiers: readonly TierInput[];
}

const INSTRUMENTS: readonly Omit<InstrumentPlan, 'tiers'>[] = [
  {
    symbol: 'BTCUSDT',
    market: 'BTC/USDT:USDT',
    priceScale: 1,
    markTicks: 672_345n,
    weight: 0.5,
    leverages: [5, 10, 20, 25, 50],
    maxNotional: 2_000_000,
  },
  {
    symbol: 'ETHUSDT',
    market: 'ETH/USDT:USDT',
    priceScale: 2,
    markTicks: 253_427n,
    weight: 0.35,
    leverages: [5, 10, 20, 25, 50],
    maxNotional: 1_500_000,
  },
  {
    symbol: 'SOLUSDT',
    market: 'SOL/USDT:USDT',
    priceScale: 2,
    markTicks: 17_123n,
    weight: 0.15,
    leverages: [5, 10, 20, 25],
    maxNotional: 600_000,
  },
];

const BRACKETS_FILE = new URL(
  '../data/binance-leverage-brackets/binance_leverage_tiers_2024-10-24.json',
  import.meta.url,
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The published brackets of `market` (ccxt dump), as the engine's tier inputs (decimal strings, cum included). */
function loadTiers(dump: unknown, market: string): TierInput[] {
  const entries = isRecord(dump) ? dump[market] : undefined;
  if (!Array.isArray(entries)) throw new Error(`no ${market} brackets in the 2024-10-24 dump`);
  return entries.map((entry: unknown, i): TierInput => {
    const info = isRecord(entry) ? entry.info : undefined;
    if (!isRecord(info)) throw new Error(`${market}[${i}].info missing`);
    const field = (key: string): string => {
      const value = info[key];
      if (typeof value !== 'string') throw new Error(`${market}[${i}].info.${key} is not a string`);
      return value;
    };
    return {
      floor: field('notionalFloor'),
      cap: field('notionalCap'),
      mmr: field('maintMarginRatio'),
      maxLeverage: field('initialLeverage'),
      cum: field('cum'),
    };
  });
}

/** What the taker's side of a fill does to the taker's position. */
export type FillKind = 'open' | 'add' | 'reduce' | 'close' | 'flip';

export interface FillWorkload {
  readonly seed: number;
  readonly instruments: readonly InstrumentPlan[];
  readonly accounts: readonly string[];
  /** Set-up commands (assets, listings, marks, accounts, deposits, settings, resting orders), seq from 1. */
  readonly setup: readonly Command[];
  /** The timed commands: fills only, numbered right after the set-up. */
  readonly fills: readonly Command[];
  /** Per fill, the generator engine's outcome: null when applied, else the rejection code. */
  readonly expected: readonly (string | null)[];
  readonly stats: {
    readonly kinds: Readonly<Record<FillKind, number>>;
    readonly bySymbol: Readonly<Record<string, number>>;
    readonly againstOrders: number;
    readonly restingOrders: number;
    readonly isolatedAccounts: number;
    readonly partlyIsolatedAccounts: number;
    readonly meanNotional: number;
    readonly payloadBytes: number;
    readonly generationMs: number;
  };
}

export interface WorkloadOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly fills: number;
}

interface Held {
  /** +1 long, −1 short, 0 flat. */
  readonly sign: number;
  /** Lots (10^−3). */
  readonly lots: number;
}

class Generator {
  readonly rng: Rng;
  readonly engine = Engine.create();
  seq = 0;
  time = START_MS;
  /** Cross figures per account, cached until a command names the account. */
  private readonly figures = new Map<string, CrossFigures>();
  /** One-way position keys per symbol, built once. */
  private readonly keys = new Map<string, string>();

  constructor(seed: number) {
    this.rng = mulberry32(seed);
  }

  get view(): Readonly<EngineState> {
    return this.engine.view;
  }

  /** Numbers and applies a command; returns it with the outcome (null: applied). */
  push(body: Record<string, unknown>): { command: Command; outcome: string | null } {
    this.seq += 1;
    this.time += integerBetween(this.rng, 0, 3);
    const command = { seq: this.seq, timestampMs: this.time, ...body } as unknown as Command;
    const result = this.engine.apply(command);
    // Only the accounts a command names can change (marks stay put), so only their figures go stale.
    for (const party of [body, body.buyer, body.seller]) {
      const id = isRecord(party) ? party.accountId : undefined;
      if (typeof id === 'string') this.figures.delete(id);
    }
    return { command, outcome: result.ok ? null : result.code };
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.rng() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  held(accountId: string, symbol: string): Held {
    let key = this.keys.get(symbol);
    if (key === undefined) {
      key = positionKey(symbol, 'BOTH');
      this.keys.set(symbol, key);
    }
    const p = this.view.accounts.get(accountId)?.positions.get(key);
    return p === undefined ? { sign: 0, lots: 0 } : { sign: p.sign === 1n ? 1 : -1, lots: Number(p.qty) };
  }

  leverage(accountId: string, symbol: string): number {
    const stored = this.view.accounts.get(accountId)?.settings.get(symbol);
    return stored === undefined ? DEFAULT_LEVERAGE : Number(stored.leverage);
  }

  isolated(accountId: string, symbol: string): boolean {
    return this.view.accounts.get(accountId)?.settings.get(symbol)?.marginMode === 'isolated';
  }

  /** Margin the account can still commit to new exposure on `symbol`, in USDT (float: sizing only). */
  available(accountId: string, symbol: string): number {
    let figures = this.figures.get(accountId);
    if (figures === undefined) {
      const account = this.view.accounts.get(accountId);
      if (account === undefined) return 0;
      figures = crossFigures(this.view, account, ASSET);
      this.figures.set(accountId, figures);
    }
    const units = this.isolated(accountId, symbol)
      ? figures.available < figures.wallet
        ? figures.available
        : figures.wallet
      : figures.available;
    return Number(units) / 10 ** ASSET_SCALE;
  }

  /** Most lots of new exposure the account should open on `plan` at `price` (USDT), keeping half its margin free. */
  openCapacity(accountId: string, plan: InstrumentPlan, price: number, heldNotional: number): number {
    const margin = this.available(accountId, plan.symbol) * 0.5;
    const byMargin = (margin * this.leverage(accountId, plan.symbol)) / (1 + 0.001);
    const byCap = plan.maxNotional - heldNotional;
    const notional = Math.min(byMargin, byCap);
    return notional <= 0 ? 0 : Math.floor((notional / price) * 10 ** QTY_SCALE);
  }
}

/** Builds the workload (set-up and fills) for `options`; deterministic in the seed. */
export function buildFillWorkload(options: WorkloadOptions): FillWorkload {
  const started = process.hrtime.bigint();
  const dump: unknown = JSON.parse(readFileSync(BRACKETS_FILE, 'utf8'));
  const instruments: InstrumentPlan[] = INSTRUMENTS.map((i) => ({ ...i, tiers: loadTiers(dump, i.market) }));
  const g = new Generator(options.seed);
  const setup: Command[] = [];
  const add = (body: Record<string, unknown>): void => {
    const { command, outcome } = g.push(body);
    if (outcome !== null)
      throw new Error(`workload set-up command ${command.seq} (${command.type}): ${outcome}`);
    setup.push(command);
  };

  // Venue.
  add({ type: 'configureAsset', asset: ASSET, scale: ASSET_SCALE });
  for (const i of instruments) {
    add({
      type: 'listInstrument',
      symbol: i.symbol,
      asset: ASSET,
      priceScale: i.priceScale,
      qtyScale: QTY_SCALE,
      tierModel: 'cumulative',
      maintenanceBasis: 'mark',
      tiers: i.tiers,
      makerFeeRate: MAKER_FEE,
      takerFeeRate: TAKER_FEE,
    });
  }
  for (const i of instruments)
    add({ type: 'markPrice', symbol: i.symbol, price: formatUnits(i.markTicks, i.priceScale) });

  // Accounts: deposits log-uniform 2,000 … 2,000,000 USDT (some to the satoshi-like 8th decimal); 30 % keep the
  // default 20× per symbol; 15 % isolated on every symbol, 15 % on one symbol, the rest cross.
  const accounts = Array.from({ length: options.accounts }, (_, i) => `acct-${String(i).padStart(5, '0')}`);
  let isolatedAccounts = 0;
  let partlyIsolatedAccounts = 0;
  for (const accountId of accounts) {
    add({ type: 'createAccount', accountId });
    const cents = BigInt(Math.round(Math.exp(uniform(g.rng, Math.log(2_000), Math.log(2_000_000))) * 100));
    const amount =
      g.rng() < 0.2
        ? formatUnits(cents * 1_000_000n + BigInt(integerBetween(g.rng, 0, 999_999)), ASSET_SCALE)
        : formatUnits(cents, 2);
    add({ type: 'deposit', accountId, asset: ASSET, amount });
    for (const i of instruments) {
      if (g.rng() < 0.7)
        add({ type: 'setLeverage', accountId, symbol: i.symbol, leverage: g.pick(i.leverages) });
    }
    const roll = g.rng();
    const isolatedSymbols =
      roll < 0.15 ? instruments.map((i) => i.symbol) : roll < 0.3 ? [g.pick(instruments).symbol] : [];
    if (isolatedSymbols.length === instruments.length) isolatedAccounts++;
    else if (isolatedSymbols.length > 0) partlyIsolatedAccounts++;
    for (const symbol of isolatedSymbols)
      add({ type: 'setMarginMode', accountId, symbol, marginMode: 'isolated' });
  }

  // A few market makers (5 % of accounts) rest 2–4 orders each, 0.1–1 % away from the mark, ~5–15 % of their
  // buying power each; fills execute them later (partly or wholly).
  let restingOrders = 0;
  for (const accountId of accounts) {
    if (g.rng() >= 0.05) continue;
    const count = integerBetween(g.rng, 2, 4);
    for (let k = 0; k < count; k++) {
      const plan = g.pick(instruments);
      const side = g.rng() < 0.5 ? 'buy' : 'sell';
      const away = uniform(g.rng, 0.001, 0.01) * (side === 'buy' ? -1 : 1);
      const ticks = BigInt(Math.round(Number(plan.markTicks) * (1 + away)));
      const price = Number(ticks) / 10 ** plan.priceScale;
      const budget = g.available(accountId, plan.symbol) * g.leverage(accountId, plan.symbol);
      const lots = Math.floor(((budget * uniform(g.rng, 0.05, 0.15)) / price) * 10 ** QTY_SCALE);
      if (lots < 1) continue;
      add({
        type: 'placeOrder',
        accountId,
        orderId: `mm-${accountId}-${k}`,
        symbol: plan.symbol,
        side,
        qty: formatUnits(BigInt(lots), QTY_SCALE),
        price: formatUnits(ticks, plan.priceScale),
      });
      restingOrders++;
    }
  }

  // Fills.
  const fills: Command[] = [];
  const expected: (string | null)[] = [];
  const kinds: Record<FillKind, number> = { open: 0, add: 0, reduce: 0, close: 0, flip: 0 };
  const bySymbol: Record<string, number> = {};
  let againstOrders = 0;
  let notionalSum = 0;
  let payloadBytes = 0;
  const weights = instruments.map((i) => i.weight);
  while (fills.length < options.fills) {
    // Symbol by weight.
    let r = g.rng();
    let plan = instruments[instruments.length - 1];
    for (const [k, w] of weights.entries()) {
      if (r < w) {
        plan = instruments[k];
        break;
      }
      r -= w;
    }
    if (plan === undefined) throw new Error('no instrument');
    const symbol = plan.symbol;
    const move = Math.round(Number(plan.markTicks) * uniform(g.rng, -0.001, 0.001));
    const priceTicks = plan.markTicks + BigInt(move);
    const price = Number(priceTicks) / 10 ** plan.priceScale;
    const lotValue = price / 10 ** QTY_SCALE;

    // The taker's intent.
    const taker = g.pick(accounts);
    const held = g.held(taker, symbol);
    const heldNotional = held.lots * lotValue;
    const capacity = g.openCapacity(taker, plan, price, 0);
    const sized = (cap: number): number =>
      cap < 1 ? 0 : Math.max(1, Math.floor(cap * Math.exp(uniform(g.rng, Math.log(0.002), Math.log(0.4)))));
    let takerSign: number;
    let qty: number;
    if (held.sign === 0) {
      qty = sized(capacity);
      takerSign = g.rng() < 0.5 ? 1 : -1;
    } else {
      const roll = g.rng();
      const addRoom = g.openCapacity(taker, plan, price, heldNotional);
      if (roll < 0.4 && addRoom >= 1) {
        takerSign = held.sign;
        qty = sized(addRoom);
      } else {
        takerSign = -held.sign;
        if (roll < 0.55 && capacity >= 1) qty = held.lots + sized(capacity);
        else if (roll < 0.7 || held.lots === 1) qty = held.lots;
        else qty = integerBetween(g.rng, 1, held.lots - 1);
      }
    }
    if (qty < 1) continue;

    // The maker: three candidates; half the time one whose position this trade reduces, else the roomiest.
    const candidates: string[] = [];
    while (candidates.length < 3) {
      const c = g.pick(accounts);
      if (c !== taker && !candidates.includes(c)) candidates.push(c);
    }
    const makerSign = -takerSign;
    const reducing = candidates.filter((c) => g.held(c, symbol).sign === -makerSign);
    let maker: string;
    if (reducing.length > 0 && g.rng() < 0.5) maker = g.pick(reducing);
    else {
      maker = candidates[0] ?? '';
      let best = -1;
      for (const c of candidates) {
        const room = g.available(c, symbol) * g.leverage(c, symbol);
        if (room > best) {
          best = room;
          maker = c;
        }
      }
    }
    const makerHeld = g.held(maker, symbol);
    const makerClose = makerHeld.sign === -makerSign ? Math.min(qty, makerHeld.lots) : 0;
    const makerRoom = g.openCapacity(
      maker,
      plan,
      price,
      makerHeld.sign === makerSign ? makerHeld.lots * lotValue : 0,
    );
    if (qty - makerClose > makerRoom) qty = makerClose + makerRoom;
    if (qty < 1) continue;

    // Sometimes the maker's resting order on this side is what trades (at its price).
    let orderId: string | undefined;
    let fillTicks = priceTicks;
    const makerSide = makerSign === 1 ? 'buy' : 'sell';
    for (const order of g.view.accounts.get(maker)?.orders.values() ?? []) {
      if (order.symbol !== symbol || order.side !== makerSide || g.rng() >= 0.6) continue;
      orderId = order.orderId;
      qty = Math.min(qty, Number(order.remainingQty));
      const instrument = g.view.instruments.get(symbol);
      fillTicks = order.price / (instrument?.priceFactor ?? 1n);
      break;
    }

    // What the taker's side does, for the summary.
    let kind: FillKind;
    if (held.sign === 0) kind = 'open';
    else if (takerSign === held.sign) kind = 'add';
    else if (qty < held.lots) kind = 'reduce';
    else if (qty === held.lots) kind = 'close';
    else kind = 'flip';

    const takerParty: FillParty = { accountId: taker, liquidity: 'taker' };
    const makerParty: FillParty =
      orderId === undefined
        ? { accountId: maker, liquidity: 'maker' }
        : { accountId: maker, liquidity: 'maker', orderId };
    const { command, outcome } = g.push({
      type: 'fill',
      fillId: `f-${fills.length + 1}`,
      symbol,
      price: formatUnits(fillTicks, plan.priceScale),
      qty: formatUnits(BigInt(qty), QTY_SCALE),
      buyer: takerSign === 1 ? takerParty : makerParty,
      seller: takerSign === 1 ? makerParty : takerParty,
    });
    fills.push(command);
    expected.push(outcome);
    kinds[kind]++;
    bySymbol[symbol] = (bySymbol[symbol] ?? 0) + 1;
    if (orderId !== undefined) againstOrders++;
    notionalSum += (qty * Number(fillTicks)) / 10 ** (plan.priceScale + QTY_SCALE);
    payloadBytes += JSON.stringify(command).length;
  }
  return {
    seed: options.seed,
    instruments,
    accounts,
    setup,
    fills,
    expected,
    stats: {
      kinds,
      bySymbol,
      againstOrders,
      restingOrders,
      isolatedAccounts,
      partlyIsolatedAccounts,
      meanNotional: notionalSum / fills.length,
      payloadBytes,
      generationMs: Number(process.hrtime.bigint() - started) / 1e6,
    },
  };
}
