import type { RealityCheck, RulebookRun } from './report/types.js';

/**
 * What is publicly known about a bundled crash day, with sources, and how a simulation compares with it. The
 * population is synthetic (its size is `--accounts`), so absolute liquidation totals are not comparable with a
 * venue's; when the liquidations happened is: the share of the run's liquidated notional that fell in the legs
 * the public accounts describe, against the share of the window's minutes those legs take.
 */
interface KnownDay {
  readonly legs: readonly { readonly label: string; readonly fromMs: number; readonly toMs: number }[];
  readonly facts: readonly string[];
  readonly citations: RealityCheck['citations'];
}

const KNOWN: Readonly<Record<string, KnownDay>> = {
  '2020-03-12': {
    legs: [
      { label: '10:00–11:00 UTC', fromMs: Date.UTC(2020, 2, 12, 10), toMs: Date.UTC(2020, 2, 12, 11) },
      { label: '23:00–02:15 UTC', fromMs: Date.UTC(2020, 2, 12, 23), toMs: Date.UTC(2020, 2, 13, 2, 15) },
    ],
    facts: [
      'Public accounts describe two legs: about 10:00–11:00 UTC (BTC from ~7,300 to ~5,690) and 23:00–02:15 UTC (from ~5,800 to ~3,900).',
      'On BitMEX alone over 700 million USD of bitcoin perpetuals were liquidated in the first leg; the BitMEX perpetual bottomed at 3,596.',
    ],
    citations: [
      {
        title: "LedgerPrime Research, Crypto's Black Thursday: the Market Crash of March 2020",
        url: 'https://www.research.ledgerprime.com/p/cryptos-black-thursday-the-market',
        states:
          'BitMEX XBTUSD perpetual 7,353 at 10:00 UTC, 3,978 by 02:00 the next day, bottom 3,596; first leg to 5,678 around 10:45 with over 700 million USD of perpetuals liquidated on BitMEX.',
      },
      {
        title: 'BTCMEX blog, Black Thursday: what actually happened to Bitcoin',
        url: 'https://blog.btcmex.com/black-thursday-what-actually-happened-to-bitcoin/',
        states:
          'First crash roughly 10:00–11:00 UTC, 7,300 to 5,690; second 23:00–02:15 UTC (12–13 March), 5,800 to 3,900; mass liquidations fed the fall.',
      },
    ],
  },
};

/** The reality check of a scenario for these runs, or null when nothing is on record for it. */
export function realityOf(
  scenario: string,
  runs: readonly RulebookRun[],
  window: { readonly fromMs: number; readonly toMs: number },
): RealityCheck | null {
  const known = KNOWN[scenario];
  if (known === undefined) return null;
  const legMinutes = known.legs.reduce(
    (sum, l) => sum + (Math.min(l.toMs, window.toMs) - Math.max(l.fromMs, window.fromMs)) / 60_000,
    0,
  );
  const windowMinutes = (window.toMs - window.fromMs) / 60_000;
  const statements = [...known.facts];
  for (const run of runs) {
    statements.push(
      `${run.rulebook}: ${(legShare(scenario, run) ?? 0).toFixed(1)} % of the liquidated notional fell in those two ` +
        `legs, which are ${((100 * legMinutes) / windowMinutes).toFixed(1)} % of the window's minutes.`,
    );
  }
  return { statements, citations: known.citations };
}

/** The share (0–100) of a run's liquidated notional inside the scenario's recorded legs; null when none recorded. */
export function legShare(scenario: string, run: RulebookRun): number | null {
  const known = KNOWN[scenario];
  if (known === undefined) return null;
  let inside = 0;
  let previous = 0;
  for (const point of run.series) {
    const cumulative = Number(point.liquidatedNotional);
    if (known.legs.some((l) => point.timeMs >= l.fromMs && point.timeMs < l.toMs))
      inside += cumulative - previous;
    previous = cumulative;
  }
  return previous > 0 ? (100 * inside) / previous : 0;
}
