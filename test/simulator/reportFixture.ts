import { formatUnits } from '../../src/numbers/index.js';
import type { RulebookRun, SeriesPoint, SimulationReport } from '../../src/simulator/report/types.js';

/** 2020-03-12 00:00 UTC. */
const START_MS = Date.UTC(2020, 2, 12, 0, 0);
const MINUTE_MS = 60_000;

export interface FixtureOptions {
  /** Rulebook names, one run each (default binance, bybit, dydx). */
  readonly rulebooks?: readonly string[];
  /** ADL policy per run (default the rulebook's name). */
  readonly adlPolicies?: readonly string[];
  /** Series points per run, one a minute (default 120). */
  readonly points?: number;
  readonly withPolicy?: boolean;
  readonly withReality?: boolean;
  /** Title of the first citation (to test escaping). */
  readonly citationTitle?: string;
  readonly citationUrl?: string;
}

function cents(value: bigint): string {
  return formatUnits(value, 2);
}

/**
 * A crash-shaped mark in cents at minute `i` of `n`: flat at 7,900, a fall to 3,800 between 40 % and 60 % of
 * the window, then a partial recovery to 4,800 (integers only, so the fixture is exact).
 */
function markCents(i: number, n: number): bigint {
  const fallStart = Math.floor(n * 0.4);
  const fallEnd = Math.floor(n * 0.6);
  const top = 790_000n;
  const low = 380_000n;
  const end = 480_000n;
  if (i <= fallStart) return top - BigInt(i) * 100n;
  const atFallStart = top - BigInt(fallStart) * 100n;
  if (i <= fallEnd)
    return atFallStart - ((atFallStart - low) * BigInt(i - fallStart)) / BigInt(fallEnd - fallStart);
  return low + ((end - low) * BigInt(i - fallEnd)) / BigInt(Math.max(1, n - 1 - fallEnd));
}

function run(rulebook: string, adlPolicy: string, index: number, n: number): RulebookRun {
  // Each rulebook liquidates a different share of the fall and pays a different shortfall from the fund.
  const severity = BigInt(index + 2);
  const fundStart = 1_000_000_00n; // 1,000,000.00 in cents
  const series: SeriesPoint[] = [];
  let liquidated = 0n;
  let fund = fundStart;
  let badDebt = 0n;
  let adl = 0;
  const top = markCents(0, n);
  for (let i = 0; i < n; i++) {
    const mark = markCents(i, n);
    const fallen = top - mark;
    const rise = fallen > 0n ? (fallen * severity * 37n) / 10n : 0n;
    liquidated += rise;
    // The fund earns fees early, then pays shortfalls at the bottom; the last run exhausts it.
    fund += rise / 500n;
    if (fallen > 300_000n) fund -= (fallen - 300_000n) * severity * 40n;
    if (fund < 0n) {
      badDebt -= fund;
      fund = 0n;
    }
    if (index >= 1 && fallen > 350_000n && i % 3 === 0) adl += index;
    series.push({
      timeMs: START_MS + i * MINUTE_MS,
      mark: cents(mark),
      liquidatedNotional: cents(liquidated),
      insuranceFund: cents(fund),
      badDebt: cents(badDebt),
      adlCount: adl,
    });
  }
  const fundPaid = fundStart - fund > 0n ? fundStart - fund : 0n;
  return {
    rulebook,
    adlPolicy,
    series,
    totals: {
      liquidations: 40 * (index + 2),
      accountsLiquidated: 31 * (index + 2),
      liquidatedNotional: cents(liquidated),
      adlEvents: adl,
      adlNotional: cents(BigInt(adl) * 123_456n),
      adlProfitTaken: cents(BigInt(adl) * 4_567n),
      shortfallCovered: cents(BigInt(adl) * 4_000n),
      insuranceFundStart: cents(fundStart),
      insuranceFundEnd: cents(fund),
      badDebt: cents(badDebt),
      lossBorneBy: {
        insuranceFund: cents(fundPaid),
        adlCounterparties: cents(BigInt(adl) * 4_000n),
        venue: cents(badDebt),
      },
    },
    invariants: { commandsChecked: 10_000 + index, violations: 0 },
  };
}

/** A synthetic report shaped like a 2020-03-12 replay: `points` minutes, one run per rulebook. */
export function buildReport(options: FixtureOptions = {}): SimulationReport {
  const rulebooks = options.rulebooks ?? ['binance', 'bybit', 'dydx'];
  const n = options.points ?? 120;
  const marks = Array.from({ length: n }, (_, i) => markCents(i, n));
  const low = marks.reduce((a, b) => (b < a ? b : a), marks[0] ?? 0n);
  return {
    version: 1,
    scenario: {
      id: '2020-03-12',
      symbol: 'BTCUSDT',
      fromMs: START_MS,
      toMs: START_MS + (n - 1) * MINUTE_MS,
      minutes: n,
      source: 'data/btcusdt-perp-1m-crashes/2020-03-12.csv (synthetic test fixture)',
      open: cents(marks[0] ?? 0n),
      low: cents(low),
      close: cents(marks[n - 1] ?? 0n),
    },
    seed: 1,
    accounts: 100_000,
    population: { leverageMedian: 10, sizeTailAlpha: '1.6', longShare: '0.55', isolatedShare: '0.4' },
    runs: rulebooks.map((rulebook, i) => run(rulebook, options.adlPolicies?.[i] ?? rulebook, i, n)),
    policy:
      options.withPolicy === false
        ? null
        : {
            description:
              'Halve leverage when 1-hour realised volatility doubles; restore it when it falls back.',
            fixed: { liquidated: 412, traders: 1000, lossOfMargin: '183250.5' },
            adaptive: { liquidated: 97, traders: 1000, lossOfMargin: '41002.25', cost: '-1250.75' },
          },
    reality:
      options.withReality === false
        ? null
        : {
            statements: ['The run liquidates most in the hour the real market fell hardest.'],
            citations: [
              {
                title: options.citationTitle ?? 'BitMEX: a review of 12-13 March 2020',
                url: options.citationUrl ?? 'https://blog.bitmex.com/',
                states: 'Liquidations concentrated between 02:00 and 03:00 UTC on 13 March.',
              },
            ],
          },
  };
}
