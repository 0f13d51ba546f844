import { formatUnits, pow10 } from '../numbers/index.js';
import { fixedFromRatio, FIXED_DIGITS, formatFixed } from '../statutory/formula/index.js';
import {
  compiledMarginFormula,
  evaluateMarginRate,
  FALLBACK_CLAMP,
  type LoggedRateInputs,
} from '../statutory/marginRate.js';
import type { Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { reject } from './parse.js';
import { MAX_HISTORY_DAYS, RATE_SCALE, type InstrumentState } from './state.js';

/**
 * The margin-rate model of a symbol (STATUTORY.md §2, §4): the daily history of its marks, the formula rate that
 * governance put in force, recomputed when a model is activated and at every UTC day's close, and the leverage
 * cap that rate sets at opening (initial margin ≥ rate × notional ⇔ leverage ≤ 1 / rate).
 *
 * A symbol-level rate cannot see a position, so the position inputs are those of a reference position: the first
 * tier's largest leverage (`leverage`, `ltv` = 1 − 1/leverage), its notional cap (`notional`) and maintenance rate
 * (`tierRate`). `mporDays` = 2 and `confidence` = 0.99 unless the parameter set publishes them. `sigma` is the
 * RiskMetrics 1-day volatility, `ewmaVol(0.94)`, of the completed days.
 */

export const DAY_MS = 86_400_000;
/** The volatility the `sigma` input carries. */
const SIGMA_FORMULA = 'ewmaVol(0.94)';
const DEFAULT_INPUTS: Readonly<Record<string, string>> = { mporDays: '2', confidence: '0.99' };

/** Records a new mark in the day's bar; the first mark of a new UTC day closes the last and recomputes the rate. */
export function recordMark(
  instrument: InstrumentState,
  mark: bigint,
  timestampMs: number,
  events: EngineEvent[],
): void {
  const model = instrument.marginModel;
  const history = model.history;
  const dayMs = Math.floor(timestampMs / DAY_MS) * DAY_MS;
  const last = history[history.length - 1];
  if (last?.dayMs === dayMs) {
    if (mark > last.high) last.high = mark;
    if (mark < last.low) last.low = mark;
    last.close = mark;
    return;
  }
  history.push({ dayMs, high: mark, low: mark, close: mark });
  if (history.length > MAX_HISTORY_DAYS) history.shift();
  if (last !== undefined && model.active !== null)
    recomputeMarginRate(instrument, timestampMs, 'daily', events);
}

/** The inputs a rate is computed from now, as the disclosure log records them. */
function loggedInputs(
  instrument: InstrumentState,
  parameters: Readonly<Record<string, string>>,
  nowMs: number,
): LoggedRateInputs {
  const priceScale = instrument.compiled.scales.priceScale;
  // The completed days: every bar but today's (only the last bar can be today's).
  const bars = instrument.marginModel.history;
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const completed = bars[bars.length - 1]?.dayMs === today ? bars.slice(0, -1) : bars;
  const history = completed.map(
    (b) =>
      [
        formatUnits(b.close, priceScale),
        formatUnits(b.high, priceScale),
        formatUnits(b.low, priceScale),
      ] as const,
  );
  const inputs: Record<string, string> = { ...DEFAULT_INPUTS };
  const leverage = instrument.limits.maxLeverage[0] ?? 1n;
  inputs.leverage = leverage.toString();
  // The logged text is the input (recomputation reads it), so its rounding (half-even, 18 digits) is part of it.
  inputs.ltv = formatFixed(fixedFromRatio(leverage - 1n, leverage));
  const cap = instrument.compiled.floors[1];
  if (cap !== undefined) inputs.notional = formatUnits(cap, instrument.compiled.scales.valueScale);
  inputs.tierRate = formatUnits(instrument.compiled.mmr[0] ?? 0n, instrument.compiled.scales.rateScale);
  if (instrument.mark !== null) inputs.mark = formatUnits(instrument.mark, priceScale);
  // Too little history: no sigma, and a formula that reads it fails (the last good rate stands).
  const sigma = evaluateMarginRate(SIGMA_FORMULA, {}, { inputs: {}, history }, FIXED_DIGITS);
  if (sigma.ok) inputs.sigma = formatFixed(sigma.rate);
  // A published parameter of the same name overrides the standard input (e.g. confidence, mporDays).
  const own = Object.fromEntries(Object.entries(inputs).filter(([name]) => !Object.hasOwn(parameters, name)));
  return { inputs: own, history };
}

/** Evaluates the active model and records the rate (an event when it changed, or a model was activated). */
export function recomputeMarginRate(
  instrument: InstrumentState,
  timestampMs: number,
  reason: 'model-activated' | 'daily',
  events: EngineEvent[],
): void {
  const model = instrument.marginModel;
  const active = model.active;
  if (active === null) return;
  const logged = loggedInputs(instrument, active.parameters, timestampMs);
  const result = evaluateMarginRate(active.source, active.parameters, logged, RATE_SCALE);
  const oldRate = model.rate;
  const newRate = result.ok ? result.rate : oldRate;
  if (reason === 'daily' && newRate === oldRate && result.ok) return;
  model.rate = newRate;
  const formula = compiledMarginFormula(active.source, Object.keys(active.parameters));
  events.push({
    type: 'MarginRateChanged',
    symbol: instrument.spec.symbol,
    proposalId: active.proposalId,
    formulaId: active.formulaId,
    formulaVersion: active.formulaVersion,
    formulaHash: typeof formula === 'string' ? '' : formula.hash,
    source: active.source,
    parameterSetVersion: active.parameterSetVersion,
    parameters: active.parameters,
    oldRate,
    newRate,
    rateScale: RATE_SCALE,
    inputs: logged.inputs,
    history: logged.history,
    clamps: result.ok ? result.clamps : [FALLBACK_CLAMP],
    error: result.ok ? null : result.error,
    reason,
    effectiveMs: timestampMs,
  });
}

/** Opening at `leverage` under the symbol's formula rate: initial margin must cover rate × notional. */
export function checkMarginRate(instrument: InstrumentState, leverage: bigint): Rejection | null {
  const rate = instrument.marginModel.rate;
  if (rate === null || rate <= 0n || leverage * rate <= pow10(RATE_SCALE)) return null;
  return reject(
    'leverage_above_margin_rate',
    `leverage ${leverage} is above ${instrument.spec.symbol}'s margin rate ${formatUnits(rate, RATE_SCALE)} allows`,
  );
}
