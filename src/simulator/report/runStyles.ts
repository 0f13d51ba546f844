import type { RulebookRun } from './types.js';

/** How one run is named and drawn, the same in every chart and table of a report. */
export interface RunStyle {
  /** The rulebook, or `rulebook/adlPolicy` when the report runs one rulebook under several ADL policies. */
  readonly key: string;
  readonly color: string;
  /** SVG `stroke-dasharray`, or null for a solid line (a rulebook's second and later ADL policies). */
  readonly dash: string | null;
}

/**
 * Colours per rulebook from the Okabe–Ito palette (distinguishable with the common colour-vision
 * deficiencies), fixed per name so a rulebook has the same colour in every report.
 */
const RULEBOOK_COLORS: Readonly<Record<string, string>> = {
  binance: '#E69F00',
  bybit: '#0072B2',
  bitmex: '#D55E00',
  hyperliquid: '#009E73',
  dydx: '#CC79A7',
  okx: '#56B4E9',
};
/** For rulebooks not named above, in order of first appearance. */
const FALLBACK_COLORS = ['#444444', '#882255', '#117733', '#332288', '#999933', '#AA4499'];
const DASHES = ['6 3', '2 3', '8 3 2 3'];

/** The style of each run, in the report's order. */
export function runStyles(runs: readonly RulebookRun[]): RunStyle[] {
  const perRulebook = new Map<string, number>();
  for (const run of runs) perRulebook.set(run.rulebook, (perRulebook.get(run.rulebook) ?? 0) + 1);
  const seen = new Map<string, number>();
  const fallback = new Map<string, string>();
  return runs.map((run) => {
    const occurrence = seen.get(run.rulebook) ?? 0;
    seen.set(run.rulebook, occurrence + 1);
    let color = Object.hasOwn(RULEBOOK_COLORS, run.rulebook) ? RULEBOOK_COLORS[run.rulebook] : undefined;
    if (color === undefined) {
      color =
        fallback.get(run.rulebook) ?? FALLBACK_COLORS[fallback.size % FALLBACK_COLORS.length] ?? '#444444';
      fallback.set(run.rulebook, color);
    }
    const shared = (perRulebook.get(run.rulebook) ?? 0) > 1;
    return {
      key: shared ? `${run.rulebook}/${run.adlPolicy}` : run.rulebook,
      color,
      dash: occurrence === 0 ? null : (DASHES[(occurrence - 1) % DASHES.length] ?? null),
    };
  });
}
