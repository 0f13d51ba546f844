import type { Command, TierInput } from '../engine/index.js';
import type { EngineState } from '../engine/index.js';
import { formatUnits } from '../numbers/index.js';
import { integerBetween, mulberry32, type Rng } from './prng.js';

/**
 * A seeded synthetic command stream: a venue with a few symbols and many accounts trading, depositing,
 * withdrawing, placing and cancelling orders, changing settings, with mark ticks and funding — plus a share
 * of malformed or impossible commands. Each command is drawn knowing the engine's current state (as a real
 * client knows its own orders and positions), so most are valid; the same seed always gives the same stream
 * against the same engine.
 */
export interface WorkloadOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly symbols: number;
  /** Share of commands that are deliberately bad (unknown account, bad numbers, duplicates, …). */
  readonly invalidShare: number;
  /** First timestamp (ms); each command advances 0–999 ms. */
  readonly startMs?: number;
}

/** Binance BTCUSDT's first brackets of 2024-10-24, cut to five tiers. */
const TIERS: readonly TierInput[] = [
  { floor: '0', cap: '50000', mmr: '0.004', maxLeverage: '125' },
  { floor: '50000', cap: '600000', mmr: '0.005', maxLeverage: '100' },
  { floor: '600000', cap: '3000000', mmr: '0.0065', maxLeverage: '75' },
  { floor: '3000000', cap: '12000000', mmr: '0.01', maxLeverage: '50' },
  { floor: '12000000', cap: '70000000', mmr: '0.02', maxLeverage: '25' },
];

type Body = Record<string, unknown> & { type: Command['type'] };

/** Spot sources of the symbol with a price layer (weights 1, 2, 3). */
const PRICE_SOURCES = ['spotA', 'spotB', 'spotC'] as const;

export class CommandStream {
  private readonly rng: Rng;
  private seq = 0;
  private time: number;
  private readonly symbols: string[];
  private readonly accounts: string[];
  private readonly basePrices: number[];
  private readonly setup: Body[] = [];
  private fillCounter = 0;
  private orderCounter = 0;

  constructor(private readonly options: WorkloadOptions) {
    this.rng = mulberry32(options.seed);
    this.time = options.startMs ?? 1_700_000_000_000;
    this.symbols = Array.from({ length: options.symbols }, (_, i) => `SYM${i}USDT`);
    this.accounts = Array.from({ length: options.accounts }, (_, i) => `acct-${i}`);
    this.basePrices = this.symbols.map((_, i) => 100 * 10 ** (i % 4));
    this.setup.push({ type: 'configureAsset', asset: 'USDT', scale: 8 });
    for (const symbol of this.symbols) {
      this.setup.push({
        type: 'listInstrument',
        symbol,
        asset: 'USDT',
        priceScale: 2,
        qtyScale: 3,
        tierModel: 'cumulative',
        maintenanceBasis: 'mark',
        tiers: TIERS,
        makerFeeRate: '0.0002',
        takerFeeRate: '0.0005',
        ...(this.isPriced(symbol)
          ? {
              prices: {
                rules: 'binance',
                sources: PRICE_SOURCES.map((name, i) => ({ name, weight: String(i + 1) })),
                impactNotional: '25000',
                minSources: 2,
                maxMovePerTick: '0.05',
              },
            }
          : {}),
      });
    }
    for (const [i, symbol] of this.symbols.entries()) {
      const price = (this.basePrices[i] ?? 100).toFixed(2);
      this.setup.push(
        this.isPriced(symbol)
          ? {
              type: 'sourcePrices',
              symbol,
              quotes: PRICE_SOURCES.map((source) => ({ source, price, observedAtMs: 0 })),
            }
          : { type: 'markPrice', symbol, price },
      );
    }
    for (const [i, accountId] of this.accounts.entries()) {
      this.setup.push({ type: 'createAccount', accountId });
      this.setup.push({
        type: 'deposit',
        accountId,
        asset: 'USDT',
        amount: String(integerBetween(this.rng, 1_000, 1_000_000)),
      });
      // Settings can only change while flat, so a quarter start in hedge mode and a third isolate a symbol.
      if (i % 4 === 1) this.setup.push({ type: 'setPositionMode', accountId, mode: 'hedge' });
      if (i % 3 === 2)
        this.setup.push({
          type: 'setMarginMode',
          accountId,
          symbol: this.pick(this.symbols),
          marginMode: 'isolated',
        });
    }
    this.setup.reverse();
  }

  /** The next command given the engine's current state. */
  next(view: Readonly<EngineState>): Command {
    const body = this.setup.pop() ?? this.draw(view);
    this.seq += 1;
    this.time += integerBetween(this.rng, 0, 999);
    // Source quotes are observed when they are sent (set-up quotes carry 0 until stamped here).
    if (body.type === 'sourcePrices' && Array.isArray(body.quotes))
      body.quotes = (body.quotes as Record<string, unknown>[]).map((q) =>
        q.observedAtMs === 0 ? { ...q, observedAtMs: this.time } : q,
      );
    return { seq: this.seq, timestampMs: this.time, ...body } as unknown as Command;
  }

  /** With two or more symbols the last one has a price layer (index, computed mark, funding from samples). */
  private isPriced(symbol: string): boolean {
    return this.symbols.length >= 2 && symbol === this.symbols[this.symbols.length - 1];
  }

  /** A price tick for the priced symbol: quotes from some sources, or a book snapshot around the mark. */
  private priceTick(view: Readonly<EngineState>, symbol: string): Body {
    if (this.rng() < 0.6) {
      const sources = PRICE_SOURCES.filter(() => this.rng() < 0.7);
      return {
        type: 'sourcePrices',
        symbol,
        quotes: (sources.length > 0 ? sources : PRICE_SOURCES).map((source) => ({
          source,
          price: this.price(view, symbol, 40),
          observedAtMs: 0,
        })),
      };
    }
    const mid = Number(this.price(view, symbol, 10));
    const levels = (sign: number): [string, string][] =>
      Array.from({ length: integerBetween(this.rng, 1, 6) }, (_, l) => [
        (mid * (1 + sign * (0.0005 + l * 0.0005))).toFixed(2),
        this.qty(),
      ]);
    return { type: 'bookSnapshot', symbol, bids: levels(-1), asks: levels(1), lastPrice: mid.toFixed(2) };
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.rng() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  private price(view: Readonly<EngineState>, symbol: string, spreadBps: number): string {
    const instrument = view.instruments.get(symbol);
    const mark = instrument?.mark ?? 100n;
    const factor = instrument?.priceFactor ?? 1n;
    const ticks = mark / factor;
    const move = (BigInt(Math.round((this.rng() * 2 - 1) * spreadBps)) * ticks) / 10_000n;
    const price = ticks + move > 0n ? ticks + move : 1n;
    return formatUnits(price, 2);
  }

  private qty(): string {
    return formatUnits(BigInt(integerBetween(this.rng, 1, this.rng() < 0.1 ? 200_000 : 5_000)), 3);
  }

  private legFor(view: Readonly<EngineState>, accountId: string): 'BOTH' | 'LONG' | 'SHORT' {
    return view.accounts.get(accountId)?.positionMode === 'hedge'
      ? this.pick(['LONG', 'SHORT'] as const)
      : 'BOTH';
  }

  private draw(view: Readonly<EngineState>): Body {
    if (this.rng() < this.options.invalidShare) return this.invalid(view);
    const roll = this.rng();
    const symbol = this.pick(this.symbols);
    const accountId = this.pick(this.accounts);
    if (roll < 0.45) return this.fill(view, symbol);
    if (roll < 0.57)
      return this.isPriced(symbol)
        ? this.priceTick(view, symbol)
        : { type: 'markPrice', symbol, price: this.price(view, symbol, 60) };
    if (roll < 0.66)
      return {
        type: 'deposit',
        accountId,
        asset: 'USDT',
        amount: String(integerBetween(this.rng, 1, 50_000)),
      };
    if (roll < 0.74)
      return {
        type: 'withdraw',
        accountId,
        asset: 'USDT',
        amount: String(integerBetween(this.rng, 1, 80_000)),
      };
    if (roll < 0.8) {
      return {
        type: 'placeOrder',
        accountId,
        orderId: `o${++this.orderCounter}`,
        symbol,
        side: this.pick(['buy', 'sell'] as const),
        positionSide: this.legFor(view, accountId),
        qty: this.qty(),
        price: this.price(view, symbol, 200),
        reduceOnly: this.rng() < 0.2,
      };
    }
    if (roll < 0.85) {
      const orders = [...(view.accounts.get(accountId)?.orders.keys() ?? [])];
      return { type: 'cancelOrder', accountId, orderId: orders.length > 0 ? this.pick(orders) : 'none' };
    }
    if (roll < 0.87)
      return {
        type: 'fundingTick',
        symbol,
        // The priced symbol computes its own rate half the time (due once per 8 hours; early ticks are refused).
        ...(this.isPriced(symbol) && this.rng() < 0.5
          ? {}
          : { rate: formatUnits(BigInt(integerBetween(this.rng, -30_000, 30_000)), 8) }),
      };
    if (roll < 0.91)
      return { type: 'setLeverage', accountId, symbol, leverage: integerBetween(this.rng, 1, 125) };
    if (roll < 0.93)
      return {
        type: 'setMarginMode',
        accountId,
        symbol,
        marginMode: this.pick(['cross', 'isolated'] as const),
      };
    if (roll < 0.94)
      return { type: 'setPositionMode', accountId, mode: this.pick(['oneWay', 'hedge'] as const) };
    if (roll < 0.98) {
      const account = view.accounts.get(accountId);
      const positions = [...(account?.positions.values() ?? [])].filter(
        (p) => account?.settings.get(p.symbol)?.marginMode === 'isolated',
      );
      const position = positions.length > 0 ? this.pick(positions) : undefined;
      const amount = String(integerBetween(this.rng, -2_000, 5_000) || 1);
      return {
        type: 'adjustIsolatedMargin',
        accountId,
        symbol: position?.symbol ?? symbol,
        positionSide: position?.positionSide ?? 'BOTH',
        amount,
      };
    }
    if (roll < 0.99) {
      // Fill ids forgotten after about 60 or 600 commands (~0.5 s of command time apart), or remembered for good.
      const windowMs = this.pick([30_000, 300_000, 0]);
      return windowMs === 0 ? { type: 'setIdempotencyWindow' } : { type: 'setIdempotencyWindow', windowMs };
    }
    return {
      type: 'setParameter',
      symbol,
      takerFeeRate: this.pick(['0.0004', '0.0005']),
      makerFeeRate: this.pick(['0.0001', '0.0002', '-0.0001']),
    };
  }

  private fill(view: Readonly<EngineState>, symbol: string): Body {
    const buyer = this.pick(this.accounts);
    let seller = this.pick(this.accounts);
    if (seller === buyer)
      seller = this.accounts[(this.accounts.indexOf(buyer) + 1) % this.accounts.length] ?? seller;
    const makerIsBuyer = this.rng() < 0.5;
    // Sometimes execute a resting order of the maker.
    const maker = makerIsBuyer ? buyer : seller;
    const side = makerIsBuyer ? 'buy' : 'sell';
    const resting = [...(view.accounts.get(maker)?.orders.values() ?? [])].find(
      (o) => o.symbol === symbol && o.side === side,
    );
    const useOrder = resting !== undefined && this.rng() < 0.7;
    const qty = useOrder
      ? formatUnits(
          resting.remainingQty <= 1n
            ? resting.remainingQty
            : BigInt(
                integerBetween(
                  this.rng,
                  1,
                  Number(resting.remainingQty > 1_000_000n ? 1_000_000n : resting.remainingQty),
                ),
              ),
          3,
        )
      : this.qty();
    const party = (accountId: string, liquidity: 'maker' | 'taker'): Record<string, unknown> => ({
      accountId,
      liquidity,
      positionSide: useOrder && accountId === maker ? resting.positionSide : this.legFor(view, accountId),
      ...(useOrder && accountId === maker ? { orderId: resting.orderId } : {}),
    });
    return {
      type: 'fill',
      fillId: `f${++this.fillCounter}`,
      symbol,
      price: this.price(view, symbol, 30),
      qty,
      buyer: party(buyer, makerIsBuyer ? 'maker' : 'taker'),
      seller: party(seller, makerIsBuyer ? 'taker' : 'maker'),
    };
  }

  private invalid(view: Readonly<EngineState>): Body {
    const symbol = this.pick(this.symbols);
    const accountId = this.pick(this.accounts);
    switch (integerBetween(this.rng, 0, 7)) {
      case 0:
        return { type: 'deposit', accountId: 'nobody', asset: 'USDT', amount: '10' };
      case 1:
        return {
          type: 'deposit',
          accountId,
          asset: 'USDT',
          amount: this.pick(['0', '-5', 'NaN', '1e5', '', '0.000000001']),
        };
      case 2:
        return { type: 'markPrice', symbol, price: this.pick(['0', '-1', 'NaN', 'Infinity', '1.001']) };
      case 3:
        return { ...this.fill(view, symbol), qty: this.pick(['0', '-1', '0.0001']) };
      case 4:
        return {
          ...this.fill(view, symbol),
          fillId: this.fillCounter > 0 ? `f${integerBetween(this.rng, 1, this.fillCounter)}` : 'f0',
        };
      case 5:
        return this.rng() < 0.5
          ? { type: 'withdraw', accountId, asset: 'USDT', amount: '1000000000000' }
          : {
              type: 'sourcePrices',
              symbol: this.symbols[this.symbols.length - 1],
              quotes: [
                {
                  source: this.pick([...PRICE_SOURCES, 'nobody']),
                  price: this.pick(['NaN', '0', '-3', '1e9']),
                  observedAtMs: 0,
                },
              ],
            };
      case 6:
        return {
          type: 'fill',
          fillId: `f${++this.fillCounter}`,
          symbol: 'NOPE',
          price: '1',
          qty: '1',
          buyer: { accountId, liquidity: 'maker' },
          seller: { accountId: 'acct-0', liquidity: 'taker' },
        };
      default:
        return { type: 'cancelOrder', accountId, orderId: 'never-placed' };
    }
  }
}
