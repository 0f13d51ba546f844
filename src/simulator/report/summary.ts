import {
  compareAmounts,
  formatAmount,
  formatCount,
  formatUtcMinute,
  percentChange,
  quoteAsset,
  subtractAmounts,
} from './format.js';
import type { RunStyle } from './runStyles.js';
import type { RulebookRun, SimulationReport } from './types.js';

/** One row of the runs' totals table: a label and one formatted cell per run, shared by HTML and terminal. */
export interface TotalsRow {
  readonly label: string;
  readonly cells: readonly string[];
  /** Cells flagged for attention (an invariant violation). */
  readonly alert: readonly boolean[];
}

function signed(amount: string): string {
  const text = formatAmount(amount);
  return compareAmounts(amount, '0') > 0 ? `+${text}` : text;
}

/** The totals of every run, one row per measure (money in the settlement asset, formatted exactly). */
export function totalsRows(report: SimulationReport): TotalsRow[] {
  const asset = quoteAsset(report.scenario.symbol);
  const row = (
    label: string,
    cell: (run: RulebookRun) => string,
    alert?: (run: RulebookRun) => boolean,
  ): TotalsRow => ({
    label,
    cells: report.runs.map(cell),
    alert: report.runs.map((run) => alert?.(run) ?? false),
  });
  return [
    row('ADL policy', (run) => run.adlPolicy),
    row('Liquidations', (run) => formatCount(run.totals.liquidations)),
    row('Accounts liquidated', (run) => formatCount(run.totals.accountsLiquidated)),
    row(`Liquidated notional (${asset})`, (run) => formatAmount(run.totals.liquidatedNotional)),
    row('ADL events', (run) => formatCount(run.totals.adlEvents)),
    row(`ADL notional (${asset})`, (run) => formatAmount(run.totals.adlNotional)),
    row(`ADL profit taken (${asset})`, (run) => formatAmount(run.totals.adlProfitTaken)),
    row(`Shortfall covered by ADL (${asset})`, (run) => formatAmount(run.totals.shortfallCovered)),
    row(`Insurance fund start (${asset})`, (run) => formatAmount(run.totals.insuranceFundStart)),
    row(`Insurance fund end (${asset})`, (run) => formatAmount(run.totals.insuranceFundEnd)),
    row(`Insurance fund change (${asset})`, (run) =>
      signed(subtractAmounts(run.totals.insuranceFundEnd, run.totals.insuranceFundStart)),
    ),
    row(
      `Bad debt (${asset})`,
      (run) => formatAmount(run.totals.badDebt),
      (run) => compareAmounts(run.totals.badDebt, '0') > 0,
    ),
    row(`Loss borne by insurance fund (${asset})`, (run) =>
      formatAmount(run.totals.lossBorneBy.insuranceFund),
    ),
    row(`Loss borne by ADL counterparties (${asset})`, (run) =>
      formatAmount(run.totals.lossBorneBy.adlCounterparties),
    ),
    row(`Loss borne by venue (${asset})`, (run) => formatAmount(run.totals.lossBorneBy.venue)),
    row('Commands checked', (run) => formatCount(run.invariants.commandsChecked)),
    row(
      'Invariant violations',
      (run) => formatCount(run.invariants.violations),
      (run) => run.invariants.violations > 0,
    ),
  ];
}

/** `a (x), b (y) and c (z)`. */
function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** The run with the largest one-minute rise of liquidated notional, and that rise. */
function heaviestMinute(
  report: SimulationReport,
  styles: readonly RunStyle[],
): { key: string; timeMs: number; amount: string } | null {
  let best: { key: string; timeMs: number; amount: string } | null = null;
  report.runs.forEach((run, r) => {
    for (let i = 1; i < run.series.length; i++) {
      const point = run.series[i];
      const before = run.series[i - 1];
      if (point === undefined || before === undefined) continue;
      const rise = subtractAmounts(point.liquidatedNotional, before.liquidatedNotional);
      if (compareAmounts(rise, best?.amount ?? '0') > 0) {
        best = { key: styles[r]?.key ?? run.rulebook, timeMs: point.timeMs, amount: rise };
      }
    }
  });
  return best;
}

/**
 * "What happened", as plain sentences (the HTML escapes them, the terminal prints them): the market's move,
 * the spread of liquidations across rulebooks, the heaviest minute, bad debt, ADL, the invariants, and the
 * investor policy.
 */
export function whatHappened(report: SimulationReport, styles: readonly RunStyle[]): string[] {
  const { scenario } = report;
  const asset = quoteAsset(scenario.symbol);
  const money = (amount: string): string => `${formatAmount(amount)} ${asset}`;
  const drop = percentChange(scenario.open, scenario.low);
  const net = percentChange(scenario.open, scenario.close);
  const sentences = [
    `${scenario.symbol} on ${scenario.id}: opened at ${formatAmount(scenario.open)}, fell to ${formatAmount(scenario.low)}` +
      `${drop === null ? '' : ` (${drop})`} and closed at ${formatAmount(scenario.close)}${net === null ? '' : ` (${net} on the open)`}` +
      ` over ${formatCount(scenario.minutes)} minutes, ${formatUtcMinute(scenario.fromMs)} to ${formatUtcMinute(scenario.toMs)}.`,
  ];
  const runs = report.runs.map((run, r) => ({ run, key: styles[r]?.key ?? run.rulebook }));
  if (runs.length === 0) return [...sentences, 'No rulebook was run.'];
  sentences.push(
    `${formatCount(runs.length)} ${runs.length === 1 ? 'run' : 'runs'} on the same ${formatCount(report.accounts)} accounts (seed ${report.seed}).`,
  );
  const byNotional = [...runs].sort((a, b) =>
    compareAmounts(a.run.totals.liquidatedNotional, b.run.totals.liquidatedNotional),
  );
  const least = byNotional[0];
  const most = byNotional[byNotional.length - 1];
  if (least !== undefined && most !== undefined) {
    if (compareAmounts(most.run.totals.liquidatedNotional, '0') === 0) {
      sentences.push('No position was liquidated under any rulebook.');
    } else if (runs.length === 1) {
      sentences.push(
        `${most.key} liquidated ${formatCount(most.run.totals.accountsLiquidated)} accounts, ${money(most.run.totals.liquidatedNotional)} of notional.`,
      );
    } else {
      sentences.push(
        `Liquidated notional ranged from ${money(least.run.totals.liquidatedNotional)} (${least.key}, ` +
          `${formatCount(least.run.totals.accountsLiquidated)} accounts) to ${money(most.run.totals.liquidatedNotional)} ` +
          `(${most.key}, ${formatCount(most.run.totals.accountsLiquidated)} accounts).`,
      );
    }
  }
  const heaviest = heaviestMinute(report, styles);
  if (heaviest !== null) {
    sentences.push(
      `The heaviest minute was the one ending ${formatUtcMinute(heaviest.timeMs)}: ${money(heaviest.amount)} liquidated under ${heaviest.key}.`,
    );
  }
  const withBadDebt = runs.filter(({ run }) => compareAmounts(run.totals.badDebt, '0') > 0);
  sentences.push(
    withBadDebt.length === 0
      ? 'No rulebook left bad debt.'
      : `Bad debt under ${listing(withBadDebt.map(({ run, key }) => `${key} (${money(run.totals.badDebt)})`))}` +
          `${withBadDebt.length < runs.length ? '; none under the others' : ''}.`,
  );
  const withAdl = runs.filter(({ run }) => run.totals.adlEvents > 0);
  sentences.push(
    withAdl.length === 0
      ? 'No rulebook needed auto-deleveraging.'
      : `Auto-deleveraging under ${listing(
          withAdl.map(
            ({ run, key }) =>
              `${key} (${formatCount(run.totals.adlEvents)} events taking ${money(run.totals.adlProfitTaken)} of profit to cover ${money(run.totals.shortfallCovered)} of shortfall)`,
          ),
        )}${withAdl.length < runs.length ? '; none under the others' : ''}.`,
  );
  const violated = runs.filter(({ run }) => run.invariants.violations > 0);
  const checked = runs.reduce((sum, { run }) => sum + run.invariants.commandsChecked, 0);
  sentences.push(
    violated.length === 0
      ? `The engine's invariants held throughout: open interest balanced after every one of the ${formatCount(checked)} commands, money conserved and negative balances flagged at every hourly full check.`
      : `INVARIANT VIOLATIONS: ${listing(violated.map(({ run, key }) => `${key} (${formatCount(run.invariants.violations)} of ${formatCount(run.invariants.commandsChecked)} commands)`))}.`,
  );
  const { policy } = report;
  if (policy !== null) {
    const cost = policy.adaptive.cost;
    sentences.push(
      `Investor policy: ${formatCount(policy.adaptive.liquidated)} of ${formatCount(policy.adaptive.traders)} traders who lowered leverage as volatility rose were liquidated, ` +
        `against ${formatCount(policy.fixed.liquidated)} of ${formatCount(policy.fixed.traders)} at fixed leverage; ` +
        (compareAmounts(cost, '0') < 0
          ? `the policy earned ${money(subtractAmounts('0', cost))} more.`
          : `the policy cost ${money(cost)} in forgone profit.`),
    );
  }
  return sentences;
}
