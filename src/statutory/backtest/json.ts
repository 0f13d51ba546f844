import { formatFixed, type Fixed } from '../formula/index.js';
import type { ExceedanceSample, MarginBacktest } from './backtestMargin.js';
import type { AtBar } from './procyclicality.js';
import type { BacktestReportContext } from './report.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

function fixedOrNull(value: Fixed | null): string | null {
  return value === null ? null : formatFixed(value);
}

function sampleJson(sample: ExceedanceSample): Json {
  return {
    observations: sample.observations,
    exceedances: sample.exceedances,
    exceedanceRate: sample.exceedanceRate,
    coverage: sample.coverage,
    kupiec: sample.kupiec === null ? null : { lr: sample.kupiec.lr, pValue: sample.kupiec.pValue },
  };
}

/**
 * The backtest as JSON: rates and moves as exact decimal strings (fractions), statistics as numbers, bars named by
 * date. `series` adds every tested day as [date, rate, move, exceeded].
 */
export function backtestToJson(
  result: MarginBacktest,
  context: BacktestReportContext,
  series: boolean,
): Json {
  const date = (index: number): string => context.dates[index] ?? `bar ${index}`;
  const atBar = (value: AtBar | null): Json =>
    value === null ? null : { date: date(value.index), value: formatFixed(value.value) };
  return {
    formula: {
      name: context.formulaName,
      source: context.formulaSource,
      hash: result.formulaHash,
      parameters: context.parameters,
    },
    data: {
      label: context.dataLabel,
      bars: context.dates.length,
      first: date(0),
      last: date(context.dates.length - 1),
    },
    ...(context.profileLine === undefined ? {} : { profile: context.profileLine }),
    confidence: formatFixed(result.confidence),
    floorRate: fixedOrNull(result.floorRate),
    capRate: fixedOrNull(result.capRate),
    warmupBars: result.warmupBars,
    testedRange: { from: date(result.firstIndex), to: date(result.lastIndex) },
    moveBasis: result.moveBasis,
    move:
      result.moveBasis === 'close'
        ? 'abs(close[t+h] / close[t] - 1), simple return; rate[t] from bars <= t; exceedance when move > rate'
        : 'max over days t+1..t+h of max(high / close[t] - 1, 1 - low / close[t]); rate[t] from bars <= t; exceedance when move > rate',
    horizons: result.horizons.map((horizon) => ({
      horizonDays: horizon.horizonDays,
      expectedRate: horizon.expectedRate,
      ...(sampleJson(horizon) as Record<string, Json>),
      overlapping: horizon.horizonDays > 1,
      nonOverlapping: horizon.nonOverlapping === null ? null : sampleJson(horizon.nonOverlapping),
      skipped: {
        count: horizon.skipped.count,
        byCode: horizon.skipped.byCode,
        first: horizon.skipped.first === null ? null : { ...horizon.skipped.first },
      },
      procyclicality:
        horizon.procyclicality === null
          ? null
          : {
              min: atBar(horizon.procyclicality.min),
              max: atBar(horizon.procyclicality.max),
              range: formatFixed(horizon.procyclicality.range),
              peakToTroughRatio: fixedOrNull(horizon.procyclicality.peakToTroughRatio),
              largestIncreaseAbsolute: atBar(horizon.procyclicality.largestIncreaseAbsolute),
              largestIncreaseRelative: atBar(horizon.procyclicality.largestIncreaseRelative),
            },
      ...(series
        ? {
            series: horizon.points.map((point) => [
              date(point.index),
              formatFixed(point.rate),
              formatFixed(point.move),
              point.exceeded,
            ]),
          }
        : {}),
    })),
  };
}
