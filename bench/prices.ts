/**
 * Price layer and funding (issue 4): (a) mark-price updates per second through `Engine.apply` — `sourcePrices`
 * commands (index from four sources, then the mark by the rulebook's method) and `bookSnapshot` commands (20
 * levels a side: impact prices, a premium sample, basis and EMA, then the mark) — for each venue's price rules;
 * (b) one funding settlement over 1,000,000 open positions (mixed cross and isolated). Commands are generated
 * from a seeded random walk before any clock starts; every result is checked afterwards (untimed): every command
 * accepted, every update moved the mark, funding conserved money and paid every position.
 */
import { loadavg } from 'node:os';
import { checkInvariants, LedgerAccounts, type Command, type TierInput } from '../src/index.js';
import { mulberry32 } from '../src/simulator/prng.js';
import { btcListing, Feed } from './feed.js';

const SEED = 0x0b17_0404;
const SOURCES = ['binance', 'okx', 'coinbase', 'kraken'];
const TIERS: readonly TierInput[] = [
  { floor: '0', cap: '50000', mmr: '0.004', maxLeverage: '125' },
  { floor: '50000', cap: '1000000000', mmr: '0.005', maxLeverage: '100' },
];
const START_MS = Date.UTC(2025, 9, 10, 20);

export interface PriceBenchOptions {
  readonly updates: number;
  readonly snapshots: number;
  readonly bookLevels: number;
  readonly reps: number;
  readonly fundingPositions: number;
  readonly fundingReps: number;
}

export const PRICE_BENCH_DEFAULTS: PriceBenchOptions = {
  updates: 50_000,
  snapshots: 20_000,
  bookLevels: 20,
  reps: 5,
  fundingPositions: 1_000_000,
  fundingReps: 3,
};

export interface RateRow {
  readonly rules: string;
  readonly sourceUpdatesPerSecond: number;
  readonly snapshotsPerSecond: number;
}

export interface FundingRow {
  readonly positions: number;
  readonly msPerTick: readonly number[];
  readonly setupSeconds: number;
  readonly heapMiB: number;
}

export interface PriceBenchResult {
  readonly options: PriceBenchOptions;
  readonly rates: readonly RateRow[];
  readonly funding: FundingRow;
  readonly failures: readonly string[];
  readonly totalMs: number;
  readonly load: { readonly before: number; readonly after: number };
}

function listing(rules: string, prices: Record<string, unknown> = {}): Record<string, unknown> {
  return btcListing(TIERS, {
    prices: {
      rules,
      sources: SOURCES.map((name, i) => ({ name, weight: String(i + 1) })),
      impactNotional: '25000',
      minSources: 3,
      ...prices,
    },
  });
}

const tick = (value: number): string => value.toFixed(1);

/** Seeded random-walk commands: `updates` source-price commands and `snapshots` book snapshots, interleaved. */
function buildCommands(feed: Feed, options: PriceBenchOptions): { sources: Command[]; books: Command[] } {
  const rng = mulberry32(SEED);
  let price = 112_000;
  const sources: Command[] = [];
  const books: Command[] = [];
  const total = options.updates + options.snapshots;
  for (let i = 0; i < total; i++) {
    price *= 1 + (rng() - 0.5) * 0.002;
    const every = Math.ceil(total / options.snapshots);
    // The first command is a source update: a book before any index has nothing to price against.
    const book = i % every === every - 1 && books.length < options.snapshots;
    if (book || sources.length >= options.updates) {
      const bids: [string, string][] = [];
      const asks: [string, string][] = [];
      for (let l = 0; l < options.bookLevels; l++) {
        bids.push([tick(price - 0.1 - l * 0.5), (0.1 + rng() * 2).toFixed(3)]);
        asks.push([tick(price + 0.1 + l * 0.5), (0.1 + rng() * 2).toFixed(3)]);
      }
      books.push(
        feed.command({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids, asks, lastPrice: tick(price) }, 250),
      );
    } else {
      const at = feed.time + 250;
      sources.push(
        feed.command(
          {
            type: 'sourcePrices',
            symbol: 'BTCUSDT',
            quotes: SOURCES.map((source) => ({
              source,
              price: (price * (1 + (rng() - 0.5) * 0.0004)).toFixed(2),
              observedAtMs: at,
            })),
          },
          250,
        ),
      );
    }
  }
  return { sources, books };
}

/** Applies `commands` in sequence order on a fresh engine per repetition; median commands/s of the `timed` subset. */
function measureRates(rules: string, options: PriceBenchOptions, failures: string[]): RateRow {
  const setup = (): { feed: Feed; sources: Command[]; books: Command[]; all: Command[] } => {
    const feed = new Feed(START_MS);
    feed.must({ type: 'configureAsset', asset: 'USDT', scale: 8 });
    feed.must(listing(rules, { maxMovePerTick: '0.5' }));
    const { sources, books } = buildCommands(feed, options);
    const all = [...sources, ...books].sort((a, b) => a.seq - b.seq);
    return { feed, sources, books, all };
  };
  const sourceRates: number[] = [];
  const bookRates: number[] = [];
  for (let rep = 0; rep <= options.reps; rep++) {
    const { feed, all } = setup();
    let sourceNs = 0;
    let bookNs = 0;
    let marks = 0;
    let sourceCount = 0;
    let bookCount = 0;
    for (const command of all) {
      const start = process.hrtime.bigint();
      const result = feed.engine.apply(command);
      const elapsed = Number(process.hrtime.bigint() - start);
      if (!result.ok) {
        failures.push(
          `${rules}: ${command.type} seq ${command.seq} rejected: ${result.code} ${result.message}`,
        );
        return { rules, sourceUpdatesPerSecond: 0, snapshotsPerSecond: 0 };
      }
      if (result.events.some((e) => e.type === 'MarkPriceUpdated')) marks++;
      if (command.type === 'sourcePrices') {
        sourceNs += elapsed;
        sourceCount++;
      } else {
        bookNs += elapsed;
        bookCount++;
      }
    }
    if (marks !== all.length)
      failures.push(`${rules}: ${all.length - marks} commands did not publish a mark`);
    if (rep === 0) continue; // warm-up
    sourceRates.push(sourceCount / (sourceNs / 1e9));
    bookRates.push(bookCount / (bookNs / 1e9));
  }
  return { rules, sourceUpdatesPerSecond: median(sourceRates), snapshotsPerSecond: median(bookRates) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** One venue with `positions` open positions (pairs of accounts; every tenth isolated), then timed funding ticks. */
function measureFunding(options: PriceBenchOptions, failures: string[]): FundingRow {
  const started = process.hrtime.bigint();
  const feed = new Feed(START_MS);
  feed.must({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  feed.must(listing('binance', { minSources: 1 }));
  feed.must({
    type: 'sourcePrices',
    symbol: 'BTCUSDT',
    quotes: [{ source: 'binance', price: '112000', observedAtMs: feed.time }],
  });
  const n = options.fundingPositions;
  for (let i = 0; i < n; i++) {
    const accountId = `a${i}`;
    feed.must({ type: 'createAccount', accountId }, 0);
    feed.must({ type: 'deposit', accountId, asset: 'USDT', amount: '50000' }, 0);
    if (i % 10 === 0)
      feed.must({ type: 'setMarginMode', accountId, symbol: 'BTCUSDT', marginMode: 'isolated' }, 0);
  }
  const rng = mulberry32(SEED + 1);
  for (let i = 0; i < n; i += 2) {
    feed.must(
      {
        type: 'fill',
        fillId: `f${i}`,
        symbol: 'BTCUSDT',
        price: '112000',
        qty: (0.001 * (1 + Math.floor(rng() * 100))).toFixed(3),
        buyer: { accountId: `a${i}`, liquidity: 'maker' },
        seller: { accountId: `a${i + 1}`, liquidity: 'taker' },
      },
      0,
    );
  }
  const setupSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ledger = feed.engine.view.ledger;
  const msPerTick: number[] = [];
  for (let rep = 0; rep < options.fundingReps; rep++) {
    // One funding a interval: the next 8-hour funding time, fresh index first (it must not be stale).
    const next = (Math.floor(feed.time / 28_800_000) + 1) * 28_800_000;
    feed.time = next - 2000;
    feed.must({
      type: 'sourcePrices',
      symbol: 'BTCUSDT',
      quotes: [
        { source: 'binance', price: rep % 2 === 0 ? '112000' : '111000', observedAtMs: feed.time + 1000 },
      ],
    });
    const poolBefore = ledger.balance(LedgerAccounts.fundingPool, 'USDT');
    feed.time = next - 1;
    const command = feed.command({
      type: 'fundingTick',
      symbol: 'BTCUSDT',
      rate: rep % 2 === 0 ? '0.0001' : '-0.00025',
    });
    const start = process.hrtime.bigint();
    const result = feed.engine.apply(command);
    msPerTick.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!result.ok) {
      failures.push(`funding rejected: ${result.code} ${result.message}`);
      break;
    }
    const transfers = result.events.filter((e) => e.type === 'Transfer').length;
    const paid = result.events.find((e) => e.type === 'FundingPaid');
    if (transfers !== n) failures.push(`funding paid ${transfers} positions, not ${n}`);
    if (paid?.type === 'FundingPaid') {
      const dust = ledger.balance(LedgerAccounts.fundingPool, 'USDT') - poolBefore;
      if (dust !== paid.paid - paid.received || dust < 0n || dust > BigInt(n))
        failures.push(`funding dust ${dust} is not paid − received within one unit a position`);
    }
  }
  const violations = checkInvariants(feed.engine.view);
  if (violations.length > 0)
    failures.push(`invariants after funding: ${JSON.stringify(violations.slice(0, 3))}`);
  return { positions: n, msPerTick, setupSeconds, heapMiB: process.memoryUsage().heapUsed / 2 ** 20 };
}

export function benchPrices(overrides: Partial<PriceBenchOptions> = {}): PriceBenchResult {
  const started = process.hrtime.bigint();
  const before = loadavg()[0] ?? 0;
  const options = { ...PRICE_BENCH_DEFAULTS, ...overrides };
  const failures: string[] = [];
  const rates = ['binance', 'hyperliquid', 'bitmex', 'dydx', 'deribit'].map((rules) =>
    measureRates(rules, options, failures),
  );
  const funding = measureFunding(options, failures);
  return {
    options,
    rates,
    funding,
    failures,
    totalMs: Number(process.hrtime.bigint() - started) / 1e6,
    load: { before, after: loadavg()[0] ?? 0 },
  };
}

const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');

export function formatPriceSection(r: PriceBenchResult): string[] {
  const o = r.options;
  const lines = [
    `\n4. Price layer: mark-price updates through Engine.apply (one BTCUSDT with four weighted sources, seeded random walk; ` +
      `median of ${o.reps} fresh-engine repetitions after a warm-up; every command must publish a mark)`,
    `   sourcePrices: ${grouped(o.updates)} commands of 4 quotes → index (rule of the venue) → mark (method of the venue); ` +
      `bookSnapshot: ${grouped(o.snapshots)} books of ${o.bookLevels} levels a side → impact bid/ask, premium sample, basis/EMA → mark`,
  ];
  const header = ['rules', 'sourcePrices/s', 'µs each', 'bookSnapshot/s', 'µs each'];
  const cells = r.rates.map((row) => [
    row.rules,
    grouped(row.sourceUpdatesPerSecond),
    (1e6 / row.sourceUpdatesPerSecond).toFixed(1),
    grouped(row.snapshotsPerSecond),
    (1e6 / row.snapshotsPerSecond).toFixed(1),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((l) => (l[c] ?? '').length)));
  const row = (line: readonly string[]): string =>
    line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  lines.push(row(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(row));
  const f = r.funding;
  const best = Math.min(...f.msPerTick);
  lines.push(
    `\n5. Funding settlement over ${grouped(f.positions)} open positions (${grouped(f.positions / 2)} fills between ` +
      `${grouped(f.positions)} accounts, every tenth isolated; set-up ${f.setupSeconds.toFixed(1)} s untimed, heap ${f.heapMiB.toFixed(0)} MiB)`,
    `   one fundingTick: ${f.msPerTick.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} → ` +
      `${grouped((f.positions / best) * 1000)} positions/s (${((best * 1000) / f.positions).toFixed(2)} µs a position), ` +
      `one ledger transfer and one event each, payers before receivers, dust to the pool; invariants checked after`,
  );
  for (const failure of r.failures) lines.push(`   FAILURE: ${failure}`);
  lines.push(
    `price section ${(r.totalMs / 1e3).toFixed(1)} s; 1-minute load average ${r.load.before.toFixed(2)} before, ${r.load.after.toFixed(2)} after`,
  );
  return lines;
}
