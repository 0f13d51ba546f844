import { assert, divide } from '../../numbers/index.js';
import {
  FIXED_ONE,
  fixedFromRatio,
  formatFixed,
  priceHistory,
  type CompiledFormula,
  type Fixed,
  type PriceBar,
  type PriceHistory,
} from '../formula/index.js';
import { finding, type Finding } from './finding.js';

/**
 * Volatility scales of the grid: the `sigma` input is k × the base sigma and every log return of the history
 * is multiplied by k (k = 0 is a flat market). Whole numbers, so a scaled history is an exact power of each
 * price ratio, rounded once per bar.
 */
export const SIGMA_SCALES: readonly number[] = [0, 1, 2, 3, 4, 5];
/** Leverages of the grid (ltv = 1 − 1/leverage), inside the formula language's declared range (1, 1000]. */
export const LEVERAGE_GRID: readonly number[] = [2, 3, 4, 5, 10, 20, 25, 50, 100, 125];
/** The sigma (daily volatility) at scale 1 when the base inputs give none. */
export const DEFAULT_BASE_SIGMA: Fixed = fixedFromRatio(2n, 100n);
/** Bars of the synthetic history used when the caller gives none. */
const SYNTHETIC_MIN_BARS = 2;
/** Closing price level of the synthetic history (any positive level: returns are what matter). */
const SYNTHETIC_PRICE: Fixed = 100n * FIXED_ONE;

export interface MonotonicityOptions {
  /** What the findings are about, e.g. the formula name and version. */
  readonly subject: string;
  /** Published parameter values. */
  readonly parameters: Readonly<Record<string, Fixed>>;
  /** The other inputs (mporDays, confidence, notional, …); sigma, leverage and ltv are set by the grid. */
  readonly baseInputs: Readonly<Record<string, Fixed>>;
  /** Daily bars, oldest first; the most recent `historyBars` are scaled. Default: a synthetic alternating market. */
  readonly history?: readonly PriceBar[];
}

export interface MonotonicityResult {
  readonly findings: readonly Finding[];
  /** Grid points evaluated. */
  readonly evaluations: number;
}

/**
 * The synthetic base history: closes alternate between P and P·(1 + σ), so every log return is ±ln(1 + σ)
 * and every volatility measure grows with σ; high = close·(1 + σ), low = close gives Parkinson a range too.
 */
function syntheticBars(count: number, sigma: Fixed): PriceBar[] {
  const up = divide(SYNTHETIC_PRICE * (FIXED_ONE + sigma), FIXED_ONE, 'halfEven');
  return Array.from({ length: count }, (_, i) => {
    const close = i % 2 === 0 ? SYNTHETIC_PRICE : up;
    return {
      close,
      high: divide(close * (FIXED_ONE + sigma), FIXED_ONE, 'halfEven'),
      low: close,
    };
  });
}

/** a × (num / den)^k rounded half-even: one price scaled by the k-th power of a price ratio. */
function scaleByPower(a: Fixed, num: bigint, den: bigint, k: number): Fixed {
  const exponent = BigInt(k);
  return divide(a * num ** exponent, den ** exponent, 'halfEven');
}

/**
 * The history with every close-to-close log return multiplied by k, and each bar's high and low kept at the
 * same log distance from its close times k. k = 0 gives a flat market at the first close.
 */
function scaledHistory(bars: readonly PriceBar[], k: number): PriceHistory {
  const scaled: PriceBar[] = [];
  let previous: PriceBar | undefined;
  let close: Fixed = 0n;
  for (const bar of bars) {
    close = previous === undefined ? bar.close : scaleByPower(close, bar.close, previous.close, k);
    // A price cannot round to zero: the history must stay valid for priceHistory.
    if (close <= 0n) close = 1n;
    const high = scaleByPower(close, bar.high, bar.close, k);
    const low = scaleByPower(close, bar.low, bar.close, k);
    scaled.push({ close, high: high < low ? low : high, low: low > 0n ? low : 1n });
    previous = bar;
  }
  return priceHistory(scaled);
}

interface GridPoint {
  readonly k: number;
  readonly leverage: number;
}

function describe(point: GridPoint, sigma: Fixed): string {
  return `sigma ${formatFixed(sigma)} (scale ${point.k}), leverage ${point.leverage}`;
}

/**
 * Check 7: samples the formula on a deterministic grid — volatility scale × leverage, with sigma, the price
 * history, leverage and ltv = 1 − 1/leverage moved together — and reports an error for any decrease of the
 * rate as volatility rises at fixed leverage, or as leverage rises at fixed volatility. Comparisons are exact
 * (Fixed): the language's operations round monotonically, so a sound formula never dips by even one unit.
 * Evaluation failures are reported (the check is then incomplete) and their points skipped.
 */
export function checkMonotonicity(
  formula: CompiledFormula,
  options: MonotonicityOptions,
): MonotonicityResult {
  const findings: Finding[] = [];
  const push = (code: string, message: string): void => {
    findings.push(finding(7, code, 'error', options.subject, message));
  };
  const baseSigma = options.baseInputs.sigma ?? DEFAULT_BASE_SIGMA;
  const barCount = Math.max(formula.historyBars, SYNTHETIC_MIN_BARS);
  const given = options.history;
  if (given !== undefined && given.length < formula.historyBars) {
    push('insufficient_history', `the formula reads ${formula.historyBars} bars, ${given.length} were given`);
    return { findings, evaluations: 0 };
  }
  const baseBars =
    given === undefined ? syntheticBars(barCount, baseSigma) : given.slice(given.length - barCount);

  // values[i][j]: scale SIGMA_SCALES[i], leverage LEVERAGE_GRID[j]; null where evaluation failed.
  const values: (Fixed | null)[][] = [];
  let evaluations = 0;
  let failures = 0;
  let firstFailure = '';
  for (const k of SIGMA_SCALES) {
    const history = scaledHistory(baseBars, k);
    const sigma = baseSigma * BigInt(k);
    const row: (Fixed | null)[] = [];
    for (const leverage of LEVERAGE_GRID) {
      const inputs = {
        ...options.baseInputs,
        ...options.parameters,
        sigma,
        leverage: fixedFromRatio(BigInt(leverage), 1n),
        ltv: fixedFromRatio(BigInt(leverage - 1), BigInt(leverage)),
      };
      const result = formula.evaluate({ inputs, history });
      evaluations++;
      if (result.ok) {
        row.push(result.value);
      } else {
        row.push(null);
        if (failures++ === 0)
          firstFailure = `${result.error.code} at ${describe({ k, leverage }, sigma)}: ${result.error.message}`;
      }
    }
    values.push(row);
  }
  if (failures > 0)
    push('evaluation_failed', `${failures} of ${evaluations} grid points failed; first: ${firstFailure}`);

  const decrease: DecreaseReporter = (code, axis, from, to, a, b, count) => {
    const sigmaFrom = baseSigma * BigInt(from.k);
    const sigmaTo = baseSigma * BigInt(to.k);
    push(
      code,
      `rate falls as ${axis} rises at ${count} grid step(s); first: ${formatFixed(a)} at ${describe(from, sigmaFrom)} → ` +
        `${formatFixed(b)} at ${describe(to, sigmaTo)}`,
    );
  };
  compareAlong(values, 'sigma', decrease);
  compareAlong(values, 'leverage', decrease);
  return { findings, evaluations };
}

type DecreaseReporter = (
  code: string,
  axis: string,
  from: GridPoint,
  to: GridPoint,
  a: Fixed,
  b: Fixed,
  count: number,
) => void;

/** Counts decreases between neighbouring grid points along one axis and reports the first. */
function compareAlong(
  values: readonly (readonly (Fixed | null)[])[],
  axis: 'sigma' | 'leverage',
  report: DecreaseReporter,
): void {
  let count = 0;
  let first: [GridPoint, GridPoint, Fixed, Fixed] | null = null;
  for (let i = 0; i < SIGMA_SCALES.length; i++) {
    for (let j = 0; j < LEVERAGE_GRID.length; j++) {
      const [ni, nj] = axis === 'sigma' ? [i + 1, j] : [i, j + 1];
      const a = values[i]?.[j];
      const b = values[ni]?.[nj];
      if (a === undefined || b === undefined || a === null || b === null || b >= a) continue;
      count++;
      if (first === null) {
        const point = (x: number, y: number): GridPoint => {
          const k = SIGMA_SCALES[x];
          const leverage = LEVERAGE_GRID[y];
          assert(k !== undefined && leverage !== undefined, 'grid index');
          return { k, leverage };
        };
        first = [point(i, j), point(ni, nj), a, b];
      }
    }
  }
  if (first !== null) report(`decreasing_in_${axis}`, axis, first[0], first[1], first[2], first[3], count);
}
