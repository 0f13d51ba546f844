/**
 * Liquidation screening (issue 5): 1,000,000 open BTCUSDT positions (pairs of accounts, long and short; a
 * realistic leverage spread, mostly 2–20×, a tail to 100×; one in five isolated) on Binance's real
 * 2024-10-24 brackets, then timed mark ticks on a seeded random walk through `Engine.apply` — the index pops
 * the units whose safe range the mark left, checks them exactly and liquidates the unhealthy against a deep
 * book — beside a float64 full scan with its error band (borderline units re-checked exactly) and a naive
 * decimal.js full scan of the same units, measured in one run and reported as ratios. Agreement is checked
 * untimed: at the final mark and at a shocked mark, the float scan (plus exact re-checks) and decimal.js find
 * the same unhealthy units; the engine's own safety-net audit finds nothing the index would miss.
 */
import { Decimal } from 'decimal.js';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { EngineState } from '../src/index.js';
import { floatScan, floatScanParts, type FloatBook } from '../src/liquidation/floatScan.js';
import { integerBetween, mulberry32, uniform } from '../src/simulator/prng.js';
import { btcListing, Feed } from './feed.js';
import type { FloatScanJob, FloatScanReply } from './floatScanWorker.js';
import { loadBtcBrackets, tierInputs } from './population.js';
import { collectGarbage } from './timing.js';

const START_MS = Date.UTC(2025, 9, 10, 20);
const PRICE_UNITS = 100_000; // kernel price units per USDT: asset scale 8 − qty scale 3

export interface LiquidationBenchOptions {
  readonly seed: number;
  readonly positions: number;
  readonly ticks: number;
  /** Standard deviation of one tick's log return. */
  readonly sigma: number;
  readonly floatReps: number;
}

export const LIQUIDATION_BENCH_DEFAULTS: LiquidationBenchOptions = {
  seed: 0x0b17_0505,
  positions: 1_000_000,
  ticks: 3_000,
  sigma: 0.0003,
  floatReps: 9,
};

/** Issue 5's targets. */
export const LIQUIDATION_TARGETS = { indexP99Ms: 1, floatScanMs: 15, naiveRatio: 1000 } as const;

export interface LiquidationBenchResult {
  readonly options: LiquidationBenchOptions;
  readonly setupSeconds: number;
  readonly units: number;
  readonly isolatedUnits: number;
  /** Every tick, end to end. */
  readonly tick: { p50Ns: number; p99Ns: number; maxNs: number; meanNs: number };
  /** Ticks that liquidated nothing: detection alone (pops, exact re-checks, fresh ranges). */
  readonly detection: { ticks: number; p50Ns: number; p99Ns: number; maxNs: number };
  /** Ticks that liquidated: their time per liquidated unit (detection + waterfall), mean. */
  readonly perLiquidationNs: number;
  readonly fills: { book: number; takeover: number; adl: number; backstop: number };
  /** Ticks on which at least one unit was liquidated, units liquidated, units re-derived in all. */
  readonly liquidatingTicks: number;
  readonly liquidations: number;
  readonly rechecked: number;
  /** Most units popped on one tick, as a share of the units. */
  readonly maxPoppedShare: number;
  readonly markPath: { first: number; last: number; low: number; high: number };
  /** Median float scan on worker threads (bench/floatScanWorker.ts), one per core, over the shared arrays. */
  readonly floatScanNs: number;
  readonly floatScanThreads: number;
  /** Median float scan on the engine's thread, inside its heap. */
  readonly floatScanInProcessNs: number;
  readonly floatBorderline: number;
  readonly decimalScanNs: number;
  readonly exactAuditNs: number;
  readonly agreement: { finalMark: string; shockedMark: string; unhealthyAtShock: number };
  readonly failures: readonly string[];
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** The engine process's JS heap in use after the ticks. */
  readonly heapBytes: number;
}

/** A standard normal draw (Box–Muller on the seeded generator). */
function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

const price = (units: number): string => (units / PRICE_UNITS).toFixed(1);

/** Book levels 0.01 % apart around `mark`, `depth` BTC each: deep enough for every liquidation here. */
function book(mark: number): Record<string, unknown> {
  const level = (k: number, sign: number): [string, string] => [
    price(mark * (1 + (sign * k) / 10_000)),
    '500',
  ];
  return {
    type: 'bookSnapshot',
    symbol: 'BTCUSDT',
    bids: Array.from({ length: 50 }, (_, k) => level(k + 1, -1)),
    asks: Array.from({ length: 50 }, (_, k) => level(k + 1, 1)),
  };
}

/** The venue and its population; returns the feed and the mark (kernel units) it starts at. */
function buildVenue(options: LiquidationBenchOptions): { feed: Feed; isolated: number } {
  const feed = new Feed(START_MS);
  feed.must({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  feed.must({ type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' });
  feed.must({ type: 'fundInsurance', fund: 'if-btc', amount: '100000000' });
  feed.must({ type: 'createAccount', accountId: 'book' });
  feed.must({ type: 'deposit', accountId: 'book', asset: 'USDT', amount: '1000000000000' });
  feed.must(
    btcListing(tierInputs(loadBtcBrackets()), {
      liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' },
    }),
  );
  const mark = 60_000 * PRICE_UNITS;
  feed.must({ type: 'markPrice', symbol: 'BTCUSDT', price: price(mark) });
  const rng = mulberry32(options.seed);
  let isolated = 0;
  for (let pair = 0; pair < options.positions / 2; pair++) {
    // Heavy-tailed size: 0.001 to 2 BTC, log-uniform.
    const qtyUnits = Math.floor(Math.exp(uniform(rng, 0, Math.log(2000))));
    const notional = (qtyUnits / 1000) * 60_000;
    const ids = [`L${pair}`, `S${pair}`];
    for (const accountId of ids) {
      const roll = rng();
      const cap = notional < 50_000 ? 125 : 100;
      const leverage =
        roll < 0.7
          ? integerBetween(rng, 2, 20)
          : roll < 0.95
            ? integerBetween(rng, 21, 50)
            : integerBetween(rng, 51, cap);
      const deposit = (notional / leverage) * uniform(rng, 1.02, 1.8) + 0.01;
      feed.must({ type: 'createAccount', accountId }, 0);
      feed.must({ type: 'deposit', accountId, asset: 'USDT', amount: deposit.toFixed(2) }, 0);
      feed.must({ type: 'setLeverage', accountId, symbol: 'BTCUSDT', leverage }, 0);
      if (rng() < 0.2) {
        isolated++;
        feed.must({ type: 'setMarginMode', accountId, symbol: 'BTCUSDT', marginMode: 'isolated' }, 0);
      }
    }
    feed.must(
      {
        type: 'fill',
        fillId: `f${pair}`,
        symbol: 'BTCUSDT',
        price: price(mark),
        qty: (qtyUnits / 1000).toFixed(3),
        buyer: { accountId: ids[0], liquidity: 'maker' },
        seller: { accountId: ids[1], liquidity: 'taker' },
      },
      0,
    );
  }
  feed.must(book(mark));
  return { feed, isolated };
}

/** The engine's units as the float scan's arrays (untimed: a venue keeps them up to date as positions change). */
function floatBookOf(view: Readonly<EngineState>): {
  book: FloatBook;
  units: number;
  positions: number;
  keys: string[];
} {
  const instrument = view.instruments.get('BTCUSDT');
  if (instrument === undefined) throw new Error('BTCUSDT listed');
  const compiled = instrument.compiled;
  const rateOne = Number(compiled.rateOne);
  const n = view.accounts.size * 2;
  // Shared memory: the scan thread reads the very arrays the writer keeps up to date (no copies).
  const f64 = (): Float64Array => new Float64Array(new SharedArrayBuffer(n * 8));
  const i32 = (): Int32Array => new Int32Array(new SharedArrayBuffer(n * 4));
  const book: FloatBook = {
    unitOf: i32(),
    qty: f64(),
    entryValue: f64(),
    instrument: i32(),
    balance: f64(),
    tables: [
      {
        floors: Float64Array.from(compiled.floors, Number),
        mmr: Float64Array.from(compiled.mmr, (m) => Number(m) / rateOne),
        cum: Float64Array.from(compiled.cum, (c) => Number(c) / rateOne),
      },
    ],
  };
  const keys: string[] = [];
  let units = 0;
  let positions = 0;
  for (const account of view.accounts.values()) {
    if (account.id === 'book') continue;
    for (const [key, p] of account.positions) {
      const isolated = account.settings.get(p.symbol)?.marginMode === 'isolated';
      const ledgerAccount = isolated
        ? `isolated:${account.id}:BTCUSDT:${p.positionSide}`
        : `wallet:${account.id}`;
      book.balance[units] = Number(view.ledger.balance(ledgerAccount, 'USDT'));
      book.unitOf[positions] = units;
      book.qty[positions] = Number(p.sign * p.qty);
      book.entryValue[positions] = Number(p.sign * p.entryValue);
      positions++;
      keys.push(`${account.id}/${key}`);
      units++;
    }
  }
  return { book, units, positions, keys };
}

/** The same units as decimal.js objects (untimed), and a naive full scan over them (timed). */
function decimalBookOf(view: Readonly<EngineState>): {
  scan: (markText: string) => number[];
} {
  const instrument = view.instruments.get('BTCUSDT');
  if (instrument === undefined) throw new Error('BTCUSDT listed');
  const brackets = loadBtcBrackets().map((b) => ({
    floor: new Decimal(b.floor),
    mmr: new Decimal(b.mmr),
    cum: new Decimal(b.cum),
  }));
  const rows: { balance: Decimal; qty: Decimal; entry: Decimal; long: boolean }[] = [];
  for (const account of view.accounts.values()) {
    if (account.id === 'book') continue;
    for (const p of account.positions.values()) {
      const isolated = account.settings.get(p.symbol)?.marginMode === 'isolated';
      const ledgerAccount = isolated
        ? `isolated:${account.id}:BTCUSDT:${p.positionSide}`
        : `wallet:${account.id}`;
      rows.push({
        balance: new Decimal(view.ledger.balance(ledgerAccount, 'USDT').toString()).div(1e8),
        qty: new Decimal(p.qty.toString()).div(1000),
        entry: new Decimal(p.entryValue.toString()).div(1e8),
        long: p.sign === 1n,
      });
    }
  }
  return {
    scan: (markText) => {
      const mark = new Decimal(markText);
      const unhealthy: number[] = [];
      rows.forEach((r, i) => {
        const notional = r.qty.mul(mark);
        let tier = brackets[0];
        for (const b of brackets) if (notional.gte(b.floor)) tier = b;
        if (tier === undefined) return;
        const mm = notional.mul(tier.mmr).minus(tier.cum);
        const pnl = r.long ? notional.minus(r.entry) : r.entry.minus(notional);
        if (r.balance.plus(pnl).lte(mm)) unhealthy.push(i);
      });
      return unhealthy;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/**
 * Times the float scan on `threads` worker threads, each over one unit-aligned part of the (shared) arrays:
 * `warmups` untimed rounds, then `reps` timed rounds, each from the start signal until every part is done.
 * Resolves with the round times and the last round's results, concatenated in unit order.
 */
async function floatScanOnWorkers(
  book: FloatBook,
  positions: number,
  mark: number,
  threads: number,
  warmups: number,
  reps: number,
): Promise<{ timesNs: number[]; unhealthy: number[]; borderline: number[]; parts: number }> {
  const parts = floatScanParts(book, positions, threads);
  const control = new Int32Array(new SharedArrayBuffer(8));
  const rounds = warmups + reps;
  const ready: Promise<void>[] = [];
  const replies = parts.map(([from, to]) => {
    const job: FloatScanJob = { book, from, to, mark, rounds, control };
    const worker = new Worker(new URL('./floatScanWorker.mjs', import.meta.url), { workerData: job });
    ready.push(
      new Promise((resolve) =>
        worker.once('message', () => {
          resolve();
        }),
      ),
    );
    return new Promise<FloatScanReply>((resolve, reject) => {
      worker.on('message', (message: FloatScanReply | 'ready') => {
        if (message === 'ready') return;
        resolve(message);
        void worker.terminate();
      });
      worker.once('error', reject);
    });
  });
  // Every worker has loaded its modules before the first round.
  await Promise.all(ready);
  const timesNs: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const t0 = process.hrtime.bigint();
    Atomics.store(control, 0, round);
    Atomics.notify(control, 0);
    for (let done = Atomics.load(control, 1); done < round * parts.length; done = Atomics.load(control, 1))
      Atomics.wait(control, 1, done, 10_000);
    if (round > warmups) timesNs.push(Number(process.hrtime.bigint() - t0));
  }
  const results = await Promise.all(replies);
  return {
    timesNs,
    unhealthy: results.flatMap((r) => r.unhealthy),
    borderline: results.flatMap((r) => r.borderline),
    parts: parts.length,
  };
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const sameUnits = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((u, i) => u === b[i]);

/** Runs the liquidation benchmark; prints nothing. */
export async function benchLiquidation(
  overrides: Partial<LiquidationBenchOptions> = {},
): Promise<LiquidationBenchResult> {
  const options = { ...LIQUIDATION_BENCH_DEFAULTS, ...overrides };
  const loadBefore = loadavg()[0] ?? 0;
  const failures: string[] = [];
  const started = process.hrtime.bigint();
  const { feed, isolated } = buildVenue(options);
  const setupSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const engine = feed.engine;
  const units = engine.screeningStats.units;
  // Benchmark hygiene: the set-up's garbage collected before timing (node --expose-gc, as `npm run bench` runs),
  // so a collection of the set-up's 3 GB heap does not land inside the timed ticks and scans.
  collectGarbage();

  // Timed: mark ticks through the engine (detection, exact checks, and the waterfall of what crossed).
  const rng = mulberry32(options.seed + 1);
  let mark = 60_000 * PRICE_UNITS;
  let low = mark;
  let high = mark;
  const tickNs: number[] = [];
  const detectionNs: number[] = [];
  let liquidatingNs = 0;
  const fills = { book: 0, takeover: 0, adl: 0, backstop: 0 };
  let liquidations = 0;
  let liquidatingTicks = 0;
  let maxPopped = 0;
  const derivationsBefore = engine.screeningStats.derivations;
  for (let t = 0; t < options.ticks; t++) {
    if (t % 10 === 9) feed.must(book(mark), 0);
    const next = Math.round((mark * Math.exp(options.sigma * normal(rng))) / 10_000) * 10_000;
    if (next === mark) continue;
    mark = next;
    low = Math.min(low, mark);
    high = Math.max(high, mark);
    const command = feed.command({ type: 'markPrice', symbol: 'BTCUSDT', price: price(mark) }, 1000);
    const derived = engine.screeningStats.derivations;
    const t0 = process.hrtime.bigint();
    const result = engine.apply(command);
    const ns = Number(process.hrtime.bigint() - t0);
    tickNs.push(ns);
    if (!result.ok) {
      failures.push(`tick ${t}: ${result.code} ${result.message}`);
      continue;
    }
    let liquidated = 0;
    for (const e of result.events) {
      if (e.type === 'LiquidationTriggered') liquidated++;
      if (e.type === 'LiquidationFill') fills[e.via]++;
    }
    liquidations += liquidated;
    if (liquidated > 0) {
      liquidatingTicks++;
      liquidatingNs += ns;
    } else detectionNs.push(ns);
    maxPopped = Math.max(maxPopped, engine.screeningStats.derivations - derived);
  }
  const rechecked = engine.screeningStats.derivations - derivationsBefore;
  const heapBytes = process.memoryUsage().heapUsed;
  const sorted = [...tickNs].sort((a, b) => a - b);
  const detectionSorted = [...detectionNs].sort((a, b) => a - b);

  // The float full scan (timed over the arrays), its borderline units re-checked exactly (counted): on its own
  // thread, as a venue runs it, and on the engine's thread for comparison; both after two warm-up scans.
  const view = engine.view;
  const fb = floatBookOf(view);
  const marks = new Float64Array([mark]);
  collectGarbage();
  const onWorker = await floatScanOnWorkers(
    fb.book,
    fb.positions,
    mark,
    availableParallelism(),
    2,
    options.floatReps,
  );
  const inProcessTimes: number[] = [];
  let inProcess = floatScan(fb.book, fb.positions, marks);
  floatScan(fb.book, fb.positions, marks);
  for (let rep = 0; rep < options.floatReps; rep++) {
    const t0 = process.hrtime.bigint();
    inProcess = floatScan(fb.book, fb.positions, marks);
    inProcessTimes.push(Number(process.hrtime.bigint() - t0));
  }
  if (
    !sameUnits(onWorker.unhealthy, inProcess.unhealthy) ||
    !sameUnits(onWorker.borderline, inProcess.borderline)
  )
    failures.push('the float scan on its own thread and on the engine thread disagree');
  const borderline = inProcess.borderline.length;

  // The naive decimal.js full scan (timed, one pass) and the exact safety-net audit (timed, one pass).
  const decimalBook = decimalBookOf(view);
  const t1 = process.hrtime.bigint();
  const decimalUnhealthy = decimalBook.scan(price(mark));
  const decimalScanNs = Number(process.hrtime.bigint() - t1);
  const t2 = process.hrtime.bigint();
  const audit = engine.auditScreening();
  const exactAuditNs = Number(process.hrtime.bigint() - t2);
  if (audit.missed.length > 0) failures.push(`screening audit missed ${audit.missed.slice(0, 3).join(', ')}`);

  // Agreement (untimed): at the final mark (the engine has liquidated what was due) and at a 3 % shock, the
  // float scan with its borderline units re-checked (in decimal.js) finds exactly decimal.js's unhealthy units.
  const shocked = Math.round((mark * 0.97) / 10_000) * 10_000;
  let unhealthyAtShock = 0;
  for (const at of [mark, shocked]) {
    const byFloat = floatScan(fb.book, fb.positions, new Float64Array([at]));
    const byDecimal = new Set(at === mark ? decimalUnhealthy : decimalBook.scan(price(at)));
    const decided = new Set(byFloat.unhealthy);
    for (const u of byFloat.borderline) if (byDecimal.has(u)) decided.add(u);
    if (decided.size !== byDecimal.size || [...byDecimal].some((u) => !decided.has(u)))
      failures.push(
        `mark ${price(at)}: float + exact ${decided.size} unhealthy, decimal.js ${byDecimal.size}`,
      );
    if (at === shocked) unhealthyAtShock = byDecimal.size;
  }

  return {
    options,
    setupSeconds,
    units,
    isolatedUnits: isolated,
    tick: {
      p50Ns: percentile(sorted, 0.5),
      p99Ns: percentile(sorted, 0.99),
      maxNs: sorted[sorted.length - 1] ?? 0,
      meanNs: tickNs.reduce((a, b) => a + b, 0) / Math.max(1, tickNs.length),
    },
    detection: {
      ticks: detectionSorted.length,
      p50Ns: percentile(detectionSorted, 0.5),
      p99Ns: percentile(detectionSorted, 0.99),
      maxNs: detectionSorted[detectionSorted.length - 1] ?? 0,
    },
    perLiquidationNs: liquidations === 0 ? 0 : liquidatingNs / liquidations,
    fills,
    liquidatingTicks,
    liquidations,
    rechecked,
    maxPoppedShare: maxPopped / Math.max(1, units),
    markPath: { first: 60_000, last: mark / PRICE_UNITS, low: low / PRICE_UNITS, high: high / PRICE_UNITS },
    floatScanNs: median(onWorker.timesNs),
    floatScanThreads: onWorker.parts,
    floatScanInProcessNs: median(inProcessTimes),
    floatBorderline: borderline,
    decimalScanNs,
    exactAuditNs,
    agreement: { finalMark: price(mark), shockedMark: price(shocked), unhealthyAtShock },
    failures,
    loadBefore,
    loadAfter: loadavg()[0] ?? 0,
    heapBytes,
  };
}

const ms = (ns: number): string => (ns / 1e6).toFixed(3);

/** The section's lines for bench/run.ts. */
export function formatLiquidationSection(r: LiquidationBenchResult): string[] {
  const o = r.options;
  const ratioIndex = r.decimalScanNs / r.detection.p99Ns;
  const ratioFloat = r.decimalScanNs / r.floatScanNs;
  const t = LIQUIDATION_TARGETS;
  const n = (value: number): string => value.toLocaleString('en-US');
  return [
    '',
    `6. Liquidation screening — ${n(r.units)} margin units (${n(o.positions)} positions, ${n(r.isolatedUnits)} isolated) on Binance's real BTCUSDT brackets (compiled dist/)`,
    `   set-up ${r.setupSeconds.toFixed(1)} s (untimed); ${n(o.ticks)} mark ticks, random walk σ ${o.sigma} a tick: ${r.markPath.first} → ${r.markPath.last} (low ${r.markPath.low}, high ${r.markPath.high})`,
    `   ${n(r.liquidations)} units liquidated on ${r.liquidatingTicks} ticks (fills: ${n(r.fills.book)} book, ${n(r.fills.takeover)} fund takeover, ${n(r.fills.adl)} ADL); ${n(r.rechecked)} units re-checked exactly in all, at most ${(100 * r.maxPoppedShare).toFixed(3)} % of the units on one tick`,
    `   detection ticks (nothing liquidated; pops + exact re-checks + fresh ranges), ${n(r.detection.ticks)} ticks   p50 ${ms(r.detection.p50Ns)} ms   p99 ${ms(r.detection.p99Ns)} ms   max ${ms(r.detection.maxNs)} ms`,
    `   every tick end to end (Engine.apply markPrice, waterfalls included)              p50 ${ms(r.tick.p50Ns)} ms   p99 ${ms(r.tick.p99Ns)} ms   max ${ms(r.tick.maxNs)} ms   mean ${ms(r.tick.meanNs)} ms`,
    `   liquidating ticks: ${ms(r.perLiquidationNs)} ms per liquidated unit (detection + waterfall)`,
    `   float64 full scan with error band, ${r.floatScanThreads} worker threads over shared arrays (one per core, median of ${o.floatReps})   ${ms(r.floatScanNs)} ms   (${r.floatBorderline} borderline units left for an exact check)`,
    `   the same scan on the engine's thread, inside its ${(r.heapBytes / 2 ** 30).toFixed(1)} GiB heap (median of ${o.floatReps})           ${ms(r.floatScanInProcessNs)} ms`,
    `   naive decimal.js full scan (one pass)                                           ${ms(r.decimalScanNs)} ms`,
    `   exact full scan (the engine's safety-net audit, one pass)                       ${ms(r.exactAuditNs)} ms`,
    `   agreement (untimed): at ${r.agreement.finalMark} and at a 3 % shock (${r.agreement.shockedMark}: ${n(r.agreement.unhealthyAtShock)} unhealthy) float + exact re-check = decimal.js; the audit found nothing the index would miss`,
    `Target (issue): index-based detection p99 ≤ ${t.indexP99Ms} ms: ${ms(r.detection.p99Ns)} ms → ${r.detection.p99Ns <= t.indexP99Ms * 1e6 ? 'PASS' : 'FAIL'}`,
    `Target (issue): float full scan ≤ ${t.floatScanMs} ms: ${ms(r.floatScanNs)} ms → ${r.floatScanNs <= t.floatScanMs * 1e6 ? 'PASS' : 'FAIL'}`,
    `Target (issue): index detection ≥ ${t.naiveRatio}× the naive scan: ${ratioIndex.toFixed(0)}× (float scan ${ratioFloat.toFixed(0)}×) → ${ratioIndex >= t.naiveRatio ? 'PASS' : 'FAIL'}`,
    `   1-minute load average ${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after`,
    ...r.failures.map((f) => `   FAILURE: ${f}`),
  ];
}
