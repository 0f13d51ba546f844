import { assert, divide } from '../../numbers/index.js';
import {
  FIXED_ONE,
  priceHistory,
  type CompiledFormula,
  type Fixed,
  type FormulaEnv,
  type PriceBar,
} from '../formula/index.js';
import { kupiecPof, type KupiecResult } from './kupiec.js';
import { procyclicality, type Procyclicality } from './procyclicality.js';

/** Most horizons in one backtest, and the longest margin period of risk, in days (clearing uses 1, 2 or 5). */
export const MAX_BACKTEST_HORIZONS = 8;
export const MAX_HORIZON_DAYS = 30;

export interface BacktestMarginOptions {
  /** Daily bars, oldest first (one bar = one day: a horizon of h days spans h bars). */
  readonly bars: readonly PriceBar[];
  /** The bars' dates, only for naming skipped days. */
  readonly dates: readonly string[];
  readonly formula: CompiledFormula;
  /**
   * Published parameters and constant inputs (leverage, ltv, …). The backtest sets `confidence` and `mporDays`
   * (the horizon) itself, and supplies `mark` and `index` (the day's close) and `sigma` (from `sigmaFormula`) when
   * they are not given here.
   */
  readonly inputs: Readonly<Record<string, Fixed>>;
  /** Claimed coverage, a fraction in (0, 1): the expected exceedance rate is 1 − confidence. */
  readonly confidence: Fixed;
  readonly horizonsDays: readonly number[];
  /** Bars at the start used only as history: the first tested day is bar `warmupBars`. */
  readonly warmupBars: number;
  /** First and last bar (inclusive) whose rate is tested; default all (history before `firstIndex` is still used). */
  readonly firstIndex?: number;
  readonly lastIndex?: number;
  /** Computes `sigma` for a day when the formula reads it and `inputs` does not fix it. */
  readonly sigmaFormula?: CompiledFormula;
  /** A statutory floor and a cap: the tested rate is min(max(formula rate, floor), cap), as the effective rate is. */
  readonly floorRate?: Fixed;
  readonly capRate?: Fixed;
  /** What a move is; default `close`. */
  readonly moveBasis?: MoveBasis;
}

/**
 * `close`: |close[t+h] / close[t] − 1|, the simple close-to-close return. `extreme`: the worst excursion from
 * close[t] during days t+1..t+h, max(high / close[t] − 1, 1 − low / close[t]) — what a position marked
 * continuously (a liquidation engine) has to survive, for a long or a short.
 */
export type MoveBasis = 'close' | 'extreme';

/** One tested day: the rate set at its close and the move over the following horizon, both fractions. */
export interface BacktestPoint {
  /** Bar the rate was computed on (the formula saw bars 0..index only). */
  readonly index: number;
  readonly rate: Fixed;
  /** The move over the horizon (see MoveBasis) as a fraction, rounded half-even (the exceedance test is exact). */
  readonly move: Fixed;
  readonly exceeded: boolean;
}

/** Exceedance counts of one sample and Kupiec's test of them. */
export interface ExceedanceSample {
  readonly observations: number;
  readonly exceedances: number;
  /** exceedances / observations (float64 statistic); null without observations. */
  readonly exceedanceRate: number | null;
  /** 1 − exceedance rate. */
  readonly coverage: number | null;
  readonly kupiec: KupiecResult | null;
}

export interface SkippedDays {
  readonly count: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly first: {
    readonly index: number;
    readonly date: string;
    readonly code: string;
    readonly message: string;
  } | null;
}

export interface HorizonBacktest extends ExceedanceSample {
  readonly horizonDays: number;
  /** 1 − confidence (float64). */
  readonly expectedRate: number;
  /**
   * Every h-th day only (h > 1), so that the windows do not overlap and the trials are closer to independent;
   * null for h = 1, where the daily sample already does not overlap.
   */
  readonly nonOverlapping: ExceedanceSample | null;
  readonly skipped: SkippedDays;
  readonly points: readonly BacktestPoint[];
  readonly procyclicality: Procyclicality | null;
}

export interface MarginBacktest {
  readonly formulaHash: string;
  readonly confidence: Fixed;
  readonly warmupBars: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly floorRate: Fixed | null;
  readonly capRate: Fixed | null;
  readonly moveBasis: MoveBasis;
  readonly horizons: readonly HorizonBacktest[];
}

function sample(points: readonly BacktestPoint[], expectedRate: number): ExceedanceSample {
  const observations = points.length;
  const exceedances = points.filter((point) => point.exceeded).length;
  const exceedanceRate = observations === 0 ? null : exceedances / observations;
  return {
    observations,
    exceedances,
    exceedanceRate,
    coverage: exceedanceRate === null ? null : 1 - exceedanceRate,
    kupiec: kupiecPof(observations, exceedances, expectedRate),
  };
}

function clampRate(rate: Fixed, floor: Fixed | undefined, cap: Fixed | undefined): Fixed {
  const floored = floor !== undefined && floor > rate ? floor : rate;
  return cap !== undefined && cap < floored ? cap : floored;
}

function absoluteChange(from: Fixed, to: Fixed): Fixed {
  return to > from ? to - from : from - to;
}

/** Largest |price − close[t]| over the highs and lows of bars t+1..t+h (price units). */
function extremeChange(bars: readonly PriceBar[], t: number, horizonDays: number): Fixed {
  const close = bars[t]?.close;
  assert(close !== undefined, 'bar in range');
  let change = 0n;
  for (let k = t + 1; k <= t + horizonDays; k++) {
    const bar = bars[k];
    assert(bar !== undefined, 'bar in range');
    const up = bar.high - close;
    const down = close - bar.low;
    if (up > change) change = up;
    if (down > change) change = down;
  }
  return change;
}

/**
 * Rolling out-of-sample backtest of a margin-rate formula on daily bars: for each tested day t the rate is computed
 * from bars 0..t only (asOf = t + 1), with mporDays = h, and compared with the realised simple return
 * |close[t+h] / close[t] − 1| — the loss a margin rate has to cover. Days whose evaluation fails are skipped and
 * counted. Returns, per horizon, the exceedances, Kupiec's POF test and the rate's procyclicality figures.
 */
export function backtestMargin(options: BacktestMarginOptions): MarginBacktest {
  const { bars, dates, formula, inputs, confidence, horizonsDays, warmupBars } = options;
  assert(dates.length === bars.length, 'one date per bar');
  assert(confidence > 0n && confidence < FIXED_ONE, 'confidence must be in (0, 1)');
  assert(
    horizonsDays.length >= 1 && horizonsDays.length <= MAX_BACKTEST_HORIZONS,
    `between 1 and ${MAX_BACKTEST_HORIZONS} horizons`,
  );
  assert(
    horizonsDays.every((h) => Number.isInteger(h) && h >= 1 && h <= MAX_HORIZON_DAYS),
    `horizons must be whole days in [1, ${MAX_HORIZON_DAYS}]`,
  );
  assert(Number.isInteger(warmupBars) && warmupBars >= 0, 'warm-up must be a whole number of bars');
  const firstIndex = Math.max(options.firstIndex ?? 0, warmupBars);
  const lastIndex = Math.min(options.lastIndex ?? bars.length - 1, bars.length - 1);
  const history = priceHistory(bars);
  const moveBasis = options.moveBasis ?? 'close';
  // 1 − confidence as a float for the statistics: both are exact multiples of 10^-18, far inside float64's range.
  const expectedRate = Number(FIXED_ONE - confidence) / Number(FIXED_ONE);

  const reads = new Set(formula.inputs);
  const needsSigma = reads.has('sigma') && inputs.sigma === undefined;
  assert(
    !needsSigma || options.sigmaFormula !== undefined,
    'the formula reads sigma: give sigmaFormula or a sigma input',
  );
  // Sigma does not depend on the horizon: one evaluation per day serves every horizon.
  const sigmaByDay = new Map<number, ReturnType<CompiledFormula['evaluate']>>();

  const horizons = horizonsDays.map((horizonDays): HorizonBacktest => {
    const points: BacktestPoint[] = [];
    const byCode: Record<string, number> = {};
    let skippedCount = 0;
    let firstSkip: SkippedDays['first'] = null;
    const mporDays = BigInt(horizonDays) * FIXED_ONE;
    const skip = (index: number, code: string, message: string): void => {
      skippedCount++;
      byCode[code] = (byCode[code] ?? 0) + 1;
      firstSkip ??= { index, date: dates[index] ?? '', code, message };
    };
    for (let t = firstIndex; t <= lastIndex && t + horizonDays < bars.length; t++) {
      const bar = bars[t];
      const later = bars[t + horizonDays];
      assert(bar !== undefined && later !== undefined, 'bar in range');
      const dayInputs: Record<string, Fixed> = {
        mark: bar.close,
        index: bar.close,
        ...inputs,
        confidence,
        mporDays,
      };
      if (needsSigma && options.sigmaFormula !== undefined) {
        let sigma = sigmaByDay.get(t);
        if (sigma === undefined) {
          sigma = options.sigmaFormula.evaluate({ inputs: {}, history, asOf: t + 1 });
          sigmaByDay.set(t, sigma);
        }
        if (!sigma.ok) {
          skip(t, sigma.error.code, `sigma: ${sigma.error.message}`);
          continue;
        }
        dayInputs.sigma = sigma.value;
      }
      const env: FormulaEnv = { inputs: dayInputs, history, asOf: t + 1 };
      const evaluation = formula.evaluate(env);
      if (!evaluation.ok) {
        skip(t, evaluation.error.code, evaluation.error.message);
        continue;
      }
      const rate = clampRate(evaluation.value, options.floorRate, options.capRate);
      const change =
        moveBasis === 'close' ? absoluteChange(bar.close, later.close) : extremeChange(bars, t, horizonDays);
      // Exact, no rounding in the verdict: |Δ| / close > rate ⇔ |Δ| · 10^18 > rate · close (close > 0, rate scaled).
      const exceeded = change * FIXED_ONE > rate * bar.close;
      points.push({ index: t, rate, move: divide(change * FIXED_ONE, bar.close, 'halfEven'), exceeded });
    }
    const firstTested = points[0]?.index ?? 0;
    return {
      horizonDays,
      expectedRate,
      ...sample(points, expectedRate),
      nonOverlapping:
        horizonDays === 1
          ? null
          : sample(
              points.filter((point) => (point.index - firstTested) % horizonDays === 0),
              expectedRate,
            ),
      skipped: { count: skippedCount, byCode, first: firstSkip },
      points,
      procyclicality: procyclicality(points.map((point) => ({ index: point.index, rate: point.rate }))),
    };
  });
  return {
    formulaHash: formula.hash,
    confidence,
    warmupBars,
    firstIndex,
    lastIndex,
    floorRate: options.floorRate ?? null,
    capRate: options.capRate ?? null,
    moveBasis,
    horizons,
  };
}
