import { FIXED_ONE, formatFixed } from '../formula/index.js';
import type { ExceedanceSample, HorizonBacktest, MarginBacktest } from './backtestMargin.js';
import { fixedToFloat, formatPercentFixed, formatPercentFloat, renderColumns } from './format.js';
import type { AtBar } from './procyclicality.js';

/** Significance level at which the report says whether Kupiec's test rejects the claimed coverage. */
export const KUPIEC_REPORT_LEVEL = 0.05;

/** What a report says about the run besides the figures. */
export interface BacktestReportContext {
  /** The bars' dates (the result refers to bars by index). */
  readonly dates: readonly string[];
  /** Where the prices came from, e.g. the file name. */
  readonly dataLabel: string;
  /** `default`, `founding` or `custom`. */
  readonly formulaName: string;
  readonly formulaSource: string;
  /** Parameter values used, as text. */
  readonly parameters: Readonly<Record<string, string>>;
  /** One line about the profile, when one was named. */
  readonly profileLine?: string;
}

function horizonLabel(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}

function dateOf(context: BacktestReportContext, index: number): string {
  return context.dates[index] ?? `bar ${index}`;
}

function atBar(context: BacktestReportContext, value: AtBar | null, signed = false): string {
  if (value === null) return '—';
  return `${signed ? '+' : ''}${formatPercentFixed(value.value)} (${dateOf(context, value.index)})`;
}

/** Kupiec's test is two-sided: a model can fail by too many exceedances (unsafe) or too few (over-margined). */
function verdict(sample: ExceedanceSample, pValue: number, expectedRate: number): string {
  if (pValue >= KUPIEC_REPORT_LEVEL) return 'accept';
  return sample.exceedances > expectedRate * sample.observations ? 'reject: too many' : 'reject: too few';
}

function sampleCells(sample: ExceedanceSample, expectedRate: number): string[] {
  const kupiec = sample.kupiec;
  return [
    String(sample.observations),
    String(sample.exceedances),
    sample.exceedanceRate === null ? '—' : formatPercentFloat(sample.exceedanceRate),
    formatPercentFloat(expectedRate),
    sample.coverage === null ? '—' : formatPercentFloat(sample.coverage),
    kupiec === null ? '—' : kupiec.lr.toFixed(3),
    kupiec === null ? '—' : kupiec.pValue < 0.001 ? kupiec.pValue.toExponential(2) : kupiec.pValue.toFixed(4),
    kupiec === null ? '—' : verdict(sample, kupiec.pValue, expectedRate),
  ];
}

/** The backtest as aligned text tables: coverage with Kupiec's test, procyclicality, skipped days. */
export function renderBacktestText(result: MarginBacktest, context: BacktestReportContext): string {
  const tested = result.horizons.flatMap((horizon) => horizon.points);
  const firstTested = Math.min(...result.horizons.map((h) => h.points[0]?.index ?? Infinity));
  const lastTested = Math.max(
    ...result.horizons.map((h) => h.points[h.points.length - 1]?.index ?? -Infinity),
  );
  const parameters = Object.entries(context.parameters)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  const lines = [
    `Margin-model backtest: formula ${context.formulaName} (sha256 ${result.formulaHash.slice(0, 16)}…)`,
    `  rate = ${context.formulaSource}${parameters === '' ? '' : `   [${parameters}]`}`,
    `  data: ${context.dataLabel}, ${context.dates.length} bars ${dateOf(context, 0)} → ${dateOf(context, context.dates.length - 1)}`,
    tested.length === 0
      ? '  tested: no day'
      : `  tested days: ${dateOf(context, firstTested)} → ${dateOf(context, lastTested)} (warm-up ${result.warmupBars} bars)`,
    `  confidence ${formatFixed(result.confidence)}: expected exceedance rate ${formatPercentFixed(FIXED_ONE - result.confidence)}` +
      (result.floorRate === null ? '' : `; statutory floor ${formatPercentFixed(result.floorRate)} applied`) +
      (result.capRate === null ? '' : `; cap ${formatPercentFixed(result.capRate)} applied`),
  ];
  if (context.profileLine !== undefined) lines.push(`  profile: ${context.profileLine}`);
  lines.push(
    result.moveBasis === 'close'
      ? '  move = |close[t+h] / close[t] − 1| (simple close-to-close return, the loss a margin rate covers);'
      : '  move = worst excursion from close[t] over days t+1..t+h: max(high / close[t] − 1, 1 − low / close[t]);',
    '  rate[t] uses bars up to and including day t only; exceedance when move > rate.',
    '',
    'Coverage',
  );
  const coverageRows: string[][] = [];
  for (const horizon of result.horizons) {
    const overlapping = horizon.horizonDays > 1;
    coverageRows.push([
      horizonLabel(horizon.horizonDays),
      overlapping ? 'every day (overlapping)' : 'every day',
      ...sampleCells(horizon, horizon.expectedRate),
    ]);
    if (horizon.nonOverlapping !== null) {
      coverageRows.push([
        horizonLabel(horizon.horizonDays),
        `every ${horizon.horizonDays}${horizon.horizonDays === 2 ? 'nd' : 'th'} day`,
        ...sampleCells(horizon.nonOverlapping, horizon.expectedRate),
      ]);
    }
  }
  lines.push(
    renderColumns(
      [
        'horizon',
        'sample',
        'days',
        'exceed',
        'exc. rate',
        'expected',
        'coverage',
        'Kupiec LR',
        'p-value',
        'at 5 %',
      ],
      coverageRows,
      new Set([2, 3, 4, 5, 6, 7, 8]),
    ),
  );
  if (result.horizons.some((horizon) => horizon.horizonDays > 1)) {
    lines.push(
      'Windows longer than a day overlap in the every-day sample: consecutive observations share days, so',
      "exceedances cluster and Kupiec's test (which assumes independent trials) overstates its significance.",
      'The non-overlapping sample has independent windows but fewer observations.',
    );
  }
  lines.push('', 'Procyclicality of the rate');
  const procyclicalityRows = result.horizons.map((horizon) => {
    const figures = horizon.procyclicality;
    if (figures === null) return [horizonLabel(horizon.horizonDays), '—', '—', '—', '—', '—', '—'];
    return [
      horizonLabel(horizon.horizonDays),
      atBar(context, figures.min),
      atBar(context, figures.max),
      figures.peakToTroughRatio === null ? '—' : fixedToFloat(figures.peakToTroughRatio).toFixed(2),
      formatPercentFixed(figures.range),
      atBar(context, figures.largestIncreaseAbsolute, true),
      atBar(context, figures.largestIncreaseRelative, true),
    ];
  });
  lines.push(
    renderColumns(
      ['horizon', 'min rate', 'max rate', 'max/min', 'range', 'largest 1-day rise', 'largest relative rise'],
      procyclicalityRows,
      new Set([3, 4]),
    ),
  );
  const skippedLines = result.horizons
    .filter((horizon) => horizon.skipped.count > 0)
    .map((horizon) => skippedLine(horizon));
  if (skippedLines.length > 0)
    lines.push('', 'Skipped days (the formula could not be evaluated)', ...skippedLines);
  return `${lines.join('\n')}\n`;
}

function skippedLine(horizon: HorizonBacktest): string {
  const codes = Object.entries(horizon.skipped.byCode)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  const first = horizon.skipped.first;
  return `  ${horizonLabel(horizon.horizonDays)}: ${horizon.skipped.count} (${codes})${
    first === null ? '' : `; first ${first.date}: ${first.message}`
  }`;
}
