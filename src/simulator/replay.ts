import { Engine, checkInvariants, type Command, type EngineEvent } from '../engine/index.js';
import { isRulebookId, loadBinanceBracketsByDate, RULEBOOK_IDS, type RulebookId } from '../market/index.js';

/** Every rulebook the engine emulates (`--compare` runs them all). */
export const RULEBOOKS: readonly RulebookId[] = RULEBOOK_IDS;
import { assert, formatUnits, shortDecimalToScale } from '../numbers/index.js';
import { readFileSync } from 'node:fs';
import { parseOhlcCsv } from '../statutory/backtest/index.js';
import { loadCrashWindow } from './crashWindows.js';
import { DEFAULT_DEPTH_SCALE, depthBook, impactAfterFill, loadBtcDepthProfile } from './depthModel.js';
import {
  comparePolicy,
  dailyVolatility,
  policyCommands,
  POLICY_DEFAULTS,
  type PolicyOptions,
} from './investorPolicy.js';
import { generatePopulation, populationCommands } from './population.js';
import { realityOf } from './reality.js';
import type {
  PolicyComparison,
  RulebookRun,
  ScenarioInfo,
  SeriesPoint,
  SimulationReport,
} from './report/types.js';
import { ticksOfMinute } from './tickPath.js';

/**
 * One real crash window through the engine under one rulebook (issue 7): a venue with the day's Binance
 * leverage brackets, an insurance fund and a liquidity account; a seeded population opened before the window;
 * then, minute by minute, the window's 1-minute candles expanded to sub-minute ticks quoted to the price layer
 * (which computes the mark by the rulebook's method), a book snapshot shaped like real depth and scaled to the
 * minute's volume (the liquidation orders' liquidity), and the real funding at its times. Everything the
 * waterfall does comes out of the engine's events; invariants are checked in the run.
 */

export const SYMBOL = 'BTCUSDT';
export const ASSET = 'USDT';
export const FUND = 'if-btc';
export const LIQUIDITY_ACCOUNT = 'book';
/**
 * The population trades against market makers (the rest of the market), each holding part of the other side so
 * that none passes the last tier's notional cap; they are deep-pocketed and at 1× leverage.
 */
export const MARKET_MAKERS: readonly string[] = Array.from({ length: 16 }, (_, i) => `mm-${i}`);
/** Money scale of USDT in the simulation (cents would do; 8 digits keep every fee and funding payment exact). */
export const MONEY_SCALE = 8;
const QTY_SCALE = 3;

/** A sequencer in front of an engine: stamps seq and time, keeps the events and checks invariants. */
export class SimulatedVenue {
  readonly engine = Engine.create();
  private seq = 0;
  commandsApplied = 0;
  invariantChecks = 0;
  invariantViolations = 0;
  readonly rejections = new Map<string, number>();

  /** Applies one command at `timeMs`; rejections are counted by code (the caller decides what is fatal). */
  apply(body: Record<string, unknown>, timeMs: number): EngineEvent[] | null {
    const command = { seq: ++this.seq, timestampMs: timeMs, ...body } as unknown as Command;
    const result = this.engine.apply(command);
    this.commandsApplied++;
    if (!result.ok) {
      this.rejections.set(result.code, (this.rejections.get(result.code) ?? 0) + 1);
      return null;
    }
    // After every command: long open interest equals short (O(1)); the full check runs every simulated hour.
    const instrument = this.engine.view.instruments.get(SYMBOL);
    if (instrument !== undefined && instrument.longOpenInterest !== instrument.shortOpenInterest)
      this.invariantViolations++;
    return result.events;
  }

  /** A command that must be accepted (set-up): a rejection is a bug in the simulator. */
  must(body: Record<string, unknown>, timeMs: number): EngineEvent[] {
    const command = { seq: ++this.seq, timestampMs: timeMs, ...body } as unknown as Command;
    const result = this.engine.apply(command);
    this.commandsApplied++;
    assert(
      result.ok,
      `simulator set-up ${String(body.type)} rejected: ${result.ok ? '' : `${result.code} ${result.message}`}`,
    );
    return result.events;
  }

  /**
   * The full invariant check (every asset sums to zero across accounts, open interest balances, negative balances
   * flagged): O(accounts), so the replay runs it every simulated hour and at the end.
   */
  checkInvariants(): void {
    this.invariantChecks++;
    this.invariantViolations += checkInvariants(this.engine.view).length;
  }

  balance(ledgerAccount: string): bigint {
    return this.engine.view.ledger.balance(ledgerAccount, ASSET);
  }
}

/** Binance's BTCUSDT brackets in force on `dateText` (the latest dump on or before it, else the earliest). */
export function bracketsOn(dateText: string): Record<string, string>[] {
  const file = new URL(
    '../../data/binance-leverage-brackets/btc_eth_usdt_perp_brackets_by_date.json',
    import.meta.url,
  );
  const loaded = loadBinanceBracketsByDate(readFileSync(file, 'utf8'));
  assert(loaded.ok, 'the bundled bracket file loads');
  const dates = [...loaded.value.keys()].sort();
  const date = [...dates].reverse().find((d) => d <= dateText) ?? dates[0];
  assert(date !== undefined, 'the bracket file has a date');
  const set = loaded.value.get(date);
  const btc =
    set === undefined ? undefined : [...set.symbols.values()].find((s) => s.symbol.startsWith('BTC'));
  assert(btc !== undefined, `BTC brackets on ${date}`);
  return btc.table.tiers.map((t) => ({
    floor: t.floor.format('halfEven', 8, 0),
    cap: t.cap.format('halfEven', 8, 0),
    mmr: t.mmr.format('halfEven', 8, 0),
    maxLeverage: t.maxLeverage.format('halfEven', 8, 0),
    cum: t.cum.format('halfEven', 8, 0),
  }));
}

/** Money units of USDT as decimal text. */
export function money(units: bigint): string {
  return formatUnits(units, MONEY_SCALE);
}

/** Kernel price units of BTCUSDT as decimal text (kernel scale = money scale − qty scale). */
export function priceText(units: bigint | null): string {
  return units === null ? '0' : formatUnits(units, MONEY_SCALE - QTY_SCALE);
}

/** Running totals of a run, from the engine's events. */
export class RunMetrics {
  liquidations = 0;
  readonly accountsLiquidated = new Set<string>();
  /** Money units (qty × price, kernel units: money). */
  liquidatedNotional = 0n;
  adlEvents = 0;
  adlNotional = 0n;
  adlProfitTaken = 0n;
  shortfallCovered = 0n;
  readonly series: SeriesPoint[] = [];

  /** Takes one command's events; `mark` is the mark the command ran at (kernel units). */
  observe(events: readonly EngineEvent[], mark: bigint | null): void {
    for (const e of events) {
      if (e.type === 'LiquidationTriggered') {
        this.liquidations++;
        this.accountsLiquidated.add(e.accountId);
      } else if (e.type === 'LiquidationFill') {
        const notional = e.qty * e.price;
        this.liquidatedNotional += notional;
        if (e.via === 'adl') {
          this.adlEvents++;
          this.adlNotional += notional;
          if (mark !== null) {
            // The counterparty gives up the move from the ADL price to the mark; the bankrupt side's shortfall
            // beyond its margin is the distance from its bankruptcy price to the mark.
            const taken = (mark > e.price ? mark - e.price : e.price - mark) * e.qty;
            const shortfall =
              (mark > e.bankruptcyPrice ? mark - e.bankruptcyPrice : e.bankruptcyPrice - mark) * e.qty;
            this.adlProfitTaken += taken;
            this.shortfallCovered += shortfall;
          }
        }
      }
    }
  }
}

/** The insurance fund's money (base and reserve). */
export function fundBalance(venue: SimulatedVenue): bigint {
  return venue.balance(`insurance:${FUND}`) + venue.balance(`insurance:${FUND}:reserve`);
}

/** The run's summary in the report's shape. */
export function runSummary(
  rulebook: RulebookId,
  adlPolicy: string,
  metrics: RunMetrics,
  venue: SimulatedVenue,
  fundStart: bigint,
): RulebookRun {
  const fundEnd = fundBalance(venue);
  const badDebt = -venue.balance('bad-debt');
  return {
    rulebook,
    adlPolicy,
    series: metrics.series,
    totals: {
      liquidations: metrics.liquidations,
      accountsLiquidated: metrics.accountsLiquidated.size,
      liquidatedNotional: money(metrics.liquidatedNotional),
      adlEvents: metrics.adlEvents,
      adlNotional: money(metrics.adlNotional),
      adlProfitTaken: money(metrics.adlProfitTaken),
      shortfallCovered: money(metrics.shortfallCovered),
      insuranceFundStart: money(fundStart),
      insuranceFundEnd: money(fundEnd),
      badDebt: money(badDebt > 0n ? badDebt : 0n),
      lossBorneBy: {
        insuranceFund: money(fundStart > fundEnd ? fundStart - fundEnd : 0n),
        adlCounterparties: money(metrics.adlProfitTaken),
        venue: money(badDebt > 0n ? badDebt : 0n),
      },
    },
    invariants: { commandsChecked: venue.commandsApplied, violations: venue.invariantViolations },
  };
}

export function isRulebook(value: string): value is RulebookId {
  return isRulebookId(value);
}

/** What one replay needs from the window and the population (the building blocks' outputs). */
export interface ReplayInputs {
  /** Ticks in time order: [timeMs, price text at the tick]. */
  readonly minutes: readonly {
    readonly openTimeMs: number;
    readonly ticks: readonly (readonly [number, string])[];
    /** The minute's book (the engine's bookSnapshot format), best first. */
    readonly book: {
      readonly bids: readonly (readonly [string, string])[];
      readonly asks: readonly (readonly [string, string])[];
    };
  }[];
  /** Real funding in the window: [timeMs, rate text]. */
  readonly funding: readonly (readonly [number, string])[];
  /** Population commands in time order: [timeMs, body]; the fills' prices are quoted to the price layer first. */
  readonly population: readonly (readonly [number, Record<string, unknown>])[];
  readonly populationStartMs: number;
  readonly insuranceFund: string;
  readonly brackets: readonly Record<string, string>[];
}

export interface ReplayOptions {
  readonly rulebook: RulebookId;
  /**
   * Price-impact feedback (cascades): liquidation orders that take the book's liquidity move the following ticks by
   * the distance into the book they reached, decaying by half each minute. Off: the ticks are the real candles'.
   */
  readonly impact?: boolean;
  readonly adlPolicy?: string;
  /** Full invariant check every this many minutes (and at the end); the cheap ones run after every command. */
  readonly invariantEveryMinutes?: number;
  readonly progress?: (minutesDone: number, minutes: number) => void;
}

const SOURCE = 'binance-perp';
/** Share of the price impact left after a minute (the book refills). */
const IMPACT_DECAY = 0.5;

/** The liquidity account's signed position (qty units): it grows when liquidated longs sell into the bids. */
function liquidityPosition(venue: SimulatedVenue): bigint {
  const p = venue.engine.view.accounts.get(LIQUIDITY_ACCOUNT)?.positions.get(`${SYMBOL}/BOTH`);
  return p === undefined ? 0n : p.sign * p.qty;
}

/** A price on the tick (0.1), as text. */
function tickPrice(price: number): string {
  return (Math.round(price * 10) / 10).toFixed(1);
}

/** How far (a fraction of mid) taking `taken` qty units (+: the book bought, so bids were hit) moves the book. */
function impactFraction(book: ReplayInputs['minutes'][number]['book'], taken: bigint): number {
  const side = taken > 0n ? 'bids' : 'asks';
  const qty = formatUnits(taken > 0n ? taken : -taken, QTY_SCALE);
  const moved = impactAfterFill({ bids: [...book.bids], asks: [...book.asks] }, side, qty);
  const best = book[side][0]?.[0];
  if (!moved.ok || moved.value.price === null || best === undefined) return 0;
  return Number(moved.value.price) / Number(best) - 1;
}

/** A book quantity in lots (the depth model writes them at the lot). */
function lots(qty: string): bigint {
  const units = shortDecimalToScale(qty, QTY_SCALE);
  assert(units !== undefined, `book qty ${qty} is on the lot`);
  return units;
}

/** The book with every price scaled by `factor` (levels that meet on one tick merged), best first. */
function shiftBook(
  book: ReplayInputs['minutes'][number]['book'],
  factor: number,
): ReplayInputs['minutes'][number]['book'] {
  const side = (levels: readonly (readonly [string, string])[]): [string, string][] => {
    const out: [string, string][] = [];
    for (const [price, qty] of levels) {
      const shifted = tickPrice(Number(price) * factor);
      const last = out[out.length - 1];
      if (last?.[0] === shifted) last[1] = formatUnits(lots(last[1]) + lots(qty), QTY_SCALE);
      else out.push([shifted, qty]);
    }
    return out;
  };
  return { bids: side(book.bids), asks: side(book.asks) };
}

/** Replays the window under one rulebook: the run's series and totals, the venue after it, who was liquidated. */
export function replayWindow(
  inputs: ReplayInputs,
  options: ReplayOptions,
): { run: RulebookRun; venue: SimulatedVenue; liquidated: ReadonlySet<string> } {
  const venue = new SimulatedVenue();
  const t0 = inputs.populationStartMs;
  const whole = options.rulebook === 'bitmex' || options.rulebook === 'okx';
  venue.must({ type: 'configureAsset', asset: ASSET, scale: MONEY_SCALE }, t0);
  venue.must({ type: 'createInsuranceFund', fund: FUND, asset: ASSET }, t0);
  venue.must({ type: 'fundInsurance', fund: FUND, amount: inputs.insuranceFund }, t0);
  for (const accountId of [LIQUIDITY_ACCOUNT, ...MARKET_MAKERS]) {
    venue.must({ type: 'createAccount', accountId }, t0);
    venue.must({ type: 'deposit', accountId, asset: ASSET, amount: '100000000000' }, t0);
  }
  venue.must(
    {
      type: 'listInstrument',
      symbol: SYMBOL,
      asset: ASSET,
      priceScale: 1,
      qtyScale: QTY_SCALE,
      tierModel: whole ? 'whole' : 'cumulative',
      maintenanceBasis: 'mark',
      // The whole-position model (BitMEX, OKX) has no cumulative amounts: a tier's rate applies to all of it.
      tiers: whole ? inputs.brackets.map(({ cum: _cum, ...tier }) => tier) : inputs.brackets,
      makerFeeRate: '0.0002',
      takerFeeRate: '0.0005',
      prices: {
        rules: options.rulebook,
        sources: [{ name: SOURCE, weight: '1' }],
        impactNotional: '10000',
        minSources: 1,
      },
      liquidation: {
        rules: options.rulebook,
        insuranceFund: FUND,
        liquidityAccount: LIQUIDITY_ACCOUNT,
        ...(options.adlPolicy === undefined ? {} : { adlPolicy: options.adlPolicy }),
      },
    },
    t0,
  );
  for (const accountId of MARKET_MAKERS)
    venue.must({ type: 'setLeverage', accountId, symbol: SYMBOL, leverage: 1 }, t0);
  const quote = (price: string, timeMs: number): EngineEvent[] | null =>
    venue.apply(
      { type: 'sourcePrices', symbol: SYMBOL, quotes: [{ source: SOURCE, price, observedAtMs: timeMs }] },
      timeMs,
    );
  const instrument = (): { mark: bigint | null } => {
    const i = venue.engine.view.instruments.get(SYMBOL);
    assert(i !== undefined, 'the listing exists');
    return i;
  };

  // The population: each fill's price is quoted first, so it opens at the mark of its time. (Accounts the
  // days before the window already liquidate are the venue's history, not the window's: not counted.)
  let lastQuoted = '';
  for (const [timeMs, body] of inputs.population) {
    if (body.type === 'fill' && typeof body.price === 'string' && body.price !== lastQuoted) {
      quote(body.price, timeMs);
      lastQuoted = body.price;
    }
    venue.apply(body, timeMs);
  }
  venue.checkInvariants();
  const fundStart = fundBalance(venue);
  const metrics = new RunMetrics();

  const every = options.invariantEveryMinutes ?? 60;
  let carried = 0;
  let fundingIndex = 0;
  for (const [m, minute] of inputs.minutes.entries()) {
    // Price impact: last minutes' liquidation flow moved the market; it decays by half a minute.
    carried *= IMPACT_DECAY;
    const book = options.impact === true ? shiftBook(minute.book, 1 + carried) : minute.book;
    venue.apply(
      { type: 'bookSnapshot', symbol: SYMBOL, bids: book.bids, asks: book.asks },
      minute.openTimeMs,
    );
    const bookBefore = options.impact === true ? liquidityPosition(venue) : 0n;
    let intraMinute = 0;
    for (const [timeMs, realPrice] of minute.ticks) {
      const price =
        options.impact === true ? tickPrice(Number(realPrice) * (1 + carried + intraMinute)) : realPrice;
      while (
        fundingIndex < inputs.funding.length &&
        (inputs.funding[fundingIndex]?.[0] ?? Infinity) <= timeMs
      ) {
        const [fundingMs, rate] = inputs.funding[fundingIndex] ?? [timeMs, '0'];
        const events = venue.apply(
          { type: 'fundingTick', symbol: SYMBOL, rate },
          Math.max(fundingMs, timeMs),
        );
        if (events !== null) metrics.observe(events, instrument().mark);
        fundingIndex++;
      }
      const events = quote(price, timeMs);
      if (events !== null) metrics.observe(events, instrument().mark);
      if (options.impact === true) {
        // What the liquidation orders took from this minute's book so far moves the following ticks.
        const taken = liquidityPosition(venue) - bookBefore;
        intraMinute = taken === 0n ? 0 : impactFraction(book, taken);
      }
    }
    carried += intraMinute;
    const view = instrument();
    metrics.series.push({
      timeMs: minute.openTimeMs,
      mark: priceText(view.mark),
      liquidatedNotional: money(metrics.liquidatedNotional),
      insuranceFund: money(fundBalance(venue)),
      badDebt: money(-venue.balance('bad-debt') > 0n ? -venue.balance('bad-debt') : 0n),
      adlCount: metrics.adlEvents,
    });
    if ((m + 1) % every === 0) venue.checkInvariants();
    options.progress?.(m + 1, inputs.minutes.length);
  }
  venue.checkInvariants();
  const adlPolicy = venue.engine.view.instruments.get(SYMBOL)?.liquidation?.adlPolicy ?? '';
  return {
    run: runSummary(options.rulebook, adlPolicy, metrics, venue, fundStart),
    venue,
    liquidated: metrics.accountsLiquidated,
  };
}

export interface SimulateOptions {
  readonly scenario: string;
  readonly rulebooks: readonly RulebookId[];
  readonly accounts: number;
  readonly seed: number;
  readonly ticksPerMinute?: number;
  /** Price levels a side of the minute's book. */
  readonly bookLevels?: number;
  /** Depth of a book side within 10 % of mid, in the window's median minute volumes (decimal text). */
  readonly depthScale?: string;
  /** Price-impact feedback (ReplayOptions.impact). */
  readonly impact?: boolean;
  /** Full invariant check every this many minutes (default 60; 1 in the tests: after every minute). */
  readonly invariantEveryMinutes?: number;
  /** The insurance fund at the start, as a fraction of the population's open notional (decimal text). */
  readonly insuranceFundShare?: string;
  readonly policy?: boolean;
  readonly progress?: (run: number, runs: number, minutesDone: number, minutes: number) => void;
}

export const SIMULATE_DEFAULTS = {
  ticksPerMinute: 6,
  bookLevels: 40,
  insuranceFundShare: '0.002',
} as const;

/** Builds the replay's inputs once (the same population and day for every rulebook). */
export function replayInputs(options: SimulateOptions): {
  inputs: ReplayInputs;
  scenario: ScenarioInfo;
  population: Readonly<Record<string, string | number>>;
  policy: PolicyOptions | null;
} {
  const loaded = loadCrashWindow(options.scenario);
  if (!loaded.ok) throw new SimulationError(`--scenario: ${loaded.error.message}`);
  const window = loaded.value;
  const first = window.klines[0];
  assert(first !== undefined, 'a window has candles');
  const referencePrice = first.open.format('halfEven', 1, 1);
  const generated = generatePopulation({
    seed: options.seed,
    accounts: options.accounts,
    symbol: SYMBOL,
    referencePrice,
    windowStartMs: window.fromMs,
  });
  if (!generated.ok) throw new SimulationError(`population: ${generated.error.message}`);
  const population = generated.value;
  const commands: (readonly [number, Record<string, unknown>])[] = populationCommands(population, {
    symbol: SYMBOL,
    marketMakerId: MARKET_MAKERS,
  });
  // The investor-policy cohorts open one minute before the window at its first price.
  let policy: PolicyOptions | null = null;
  if (options.policy !== false) {
    policy = { ...POLICY_DEFAULTS, sigmaDaily: dailyVolatility(dailyClosesBefore(window.fromMs)) };
    const at = window.fromMs - 60_000;
    for (const body of policyCommands(policy, referencePrice, MARKET_MAKERS, SYMBOL))
      commands.push([at, body]);
  }
  const profile = loadBtcDepthProfile();
  assert(profile.ok, 'the bundled depth profile loads');
  const ticksPerMinute = options.ticksPerMinute ?? SIMULATE_DEFAULTS.ticksPerMinute;
  const minutes = window.klines.map((kline) => {
    const ticks = ticksOfMinute(kline, ticksPerMinute, 1);
    if (!ticks.ok) throw new SimulationError(`--ticks: ${ticks.error.message}`);
    const book = depthBook(profile.value, {
      mid: kline.open.format('halfEven', 1, 1),
      minuteVolumeQty: window.medianMinuteVolumeQty,
      levels: options.bookLevels ?? SIMULATE_DEFAULTS.bookLevels,
      scale: options.depthScale ?? DEFAULT_DEPTH_SCALE,
    });
    if (!book.ok) throw new SimulationError(`--depth-scale: ${book.error.message}`);
    return {
      openTimeMs: kline.openTimeMs,
      ticks: ticks.value.map((t) => [t.timeMs, t.price] as const),
      book: book.value,
    };
  });
  let notional = 0;
  for (const a of population.accounts) notional += Number(a.qty) * Number(a.entryPrice);
  const share = Number(options.insuranceFundShare ?? SIMULATE_DEFAULTS.insuranceFundShare);
  const low = window.klines.reduce((m, k) => (k.low.lt(m) ? k.low : m), first.low);
  const last = window.klines[window.klines.length - 1] ?? first;
  return {
    inputs: {
      minutes,
      funding: window.funding.map((f) => [f.fundingTimeMs, f.rate] as const),
      population: commands,
      populationStartMs: Math.min(commands[0]?.[0] ?? window.fromMs, window.fromMs) - 60_000,
      insuranceFund: (Math.round(notional * share * 100) / 100).toFixed(2),
      brackets: bracketsOn('2022-02-12'),
    },
    scenario: {
      id: window.id,
      symbol: SYMBOL,
      fromMs: window.fromMs,
      toMs: window.toMs,
      minutes: window.minutes,
      source: window.source,
      open: referencePrice,
      low: low.format('halfEven', 1, 1),
      close: last.close.format('halfEven', 1, 1),
    },
    population: {
      accounts: options.accounts,
      seed: options.seed,
      ticksPerMinute,
      bookLevels: options.bookLevels ?? SIMULATE_DEFAULTS.bookLevels,
      depthScale: options.depthScale ?? DEFAULT_DEPTH_SCALE,
      priceImpact: options.impact === true ? 'on (half-life one minute)' : 'off',
      insuranceFundShare: options.insuranceFundShare ?? SIMULATE_DEFAULTS.insuranceFundShare,
      walletMedianUsdt: population.params.wallet.medianUsdt,
      longShare: population.params.longShare,
      isolatedShare: population.params.isolatedShare,
      openNotionalUsdt: notional.toFixed(0),
    },
    policy,
  };
}

/** A bad option or input of a simulation (the CLI prints it and exits 2). */
export class SimulationError extends Error {}

/** The BTCUSDT daily closes before `ms` (the bundled spot history), for the policy's volatility. */
function dailyClosesBefore(ms: number): number[] {
  const file = new URL('../../data/spot-daily-2017-2026/BTCUSDT_1d_extended.csv', import.meta.url);
  const parsed = parseOhlcCsv(readFileSync(file, 'utf8'));
  assert(parsed.ok, 'the bundled daily history parses');
  const day = new Date(ms).toISOString().slice(0, 10);
  const closes: number[] = [];
  for (const [i, date] of parsed.value.dates.entries()) {
    const bar = parsed.value.bars[i];
    if (date < day && bar !== undefined) closes.push(Number(bar.close) / 1e18);
  }
  return closes;
}

/** The scenario under each rulebook, on the same population and day. */
export function simulate(options: SimulateOptions): SimulationReport {
  if (!Number.isSafeInteger(options.accounts) || options.accounts < 1)
    throw new SimulationError('--accounts must be a positive whole number');
  const built = replayInputs(options);
  const runs: RulebookRun[] = [];
  let policy: PolicyComparison | null = null;
  for (const [r, rulebook] of options.rulebooks.entries()) {
    const { run, venue, liquidated } = replayWindow(built.inputs, {
      rulebook,
      impact: options.impact === true,
      ...(options.invariantEveryMinutes === undefined
        ? {}
        : { invariantEveryMinutes: options.invariantEveryMinutes }),
      progress: (done, total) => options.progress?.(r, options.rulebooks.length, done, total),
    });
    runs.push(run);
    if (r === 0 && built.policy !== null)
      policy = comparePolicy(built.policy, venue.engine.view, liquidated, MONEY_SCALE);
  }
  return {
    version: 1,
    scenario: built.scenario,
    seed: options.seed,
    accounts: options.accounts,
    population: built.population,
    runs,
    policy,
    reality: realityOf(built.scenario.id, runs, built.scenario),
  };
}
