import { divide, formatUnits, pow10 } from '../numbers/index.js';
import {
  compileFormula,
  FIXED_DIGITS,
  parseFixed,
  priceHistory,
  type CompiledFormula,
  type PriceBar,
} from './formula/index.js';

/**
 * A symbol's margin rate from its formula: one function for the engine that sets the rate and for the auditor who
 * recomputes it from the disclosure log, so the two agree bit for bit by construction. Inputs travel as decimal
 * text (what the log holds); the formula evaluates in fixed point; the rate is rounded up to the engine's rate
 * scale (against the user) and clamped to [0, 1].
 */

/** What a logged rate was computed from: named inputs and parameters, and the daily bars (oldest first). */
export interface LoggedRateInputs {
  /** Standard inputs and published parameters, decimal strings. */
  readonly inputs: Readonly<Record<string, string>>;
  /** [close, high, low] per completed day, decimal strings. */
  readonly history: readonly (readonly [string, string, string])[];
}

export type MarginRateResult =
  | { readonly ok: true; readonly rate: bigint; readonly clamps: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** Compiled formulas by source and parameter names (bounded: governance proposes few distinct formulas). */
const COMPILED = new Map<string, CompiledFormula>();
const MAX_COMPILED = 256;

/** The formula compiled for `parameterNames`, or the compile error's message. */
export function compiledMarginFormula(
  source: string,
  parameterNames: readonly string[],
): CompiledFormula | string {
  const key = `${[...parameterNames].sort().join(',')}\n${source}`;
  const cached = COMPILED.get(key);
  if (cached !== undefined) return cached;
  const compiled = compileFormula(source, { parameters: parameterNames });
  if (!compiled.ok) {
    const e = compiled.errors[0];
    return `${e?.message ?? 'does not compile'} at ${e?.start ?? 0}–${e?.end ?? 0}`;
  }
  if (COMPILED.size < MAX_COMPILED) COMPILED.set(key, compiled.formula);
  return compiled.formula;
}

function fixedOf(text: string, what: string): bigint | string {
  return parseFixed(text) ?? `${what} is not a decimal: ${text}`;
}

/**
 * The rate (10^−rateScale, rounded up, clamped to [0, 1]) that `source` gives on `logged`, and the clamps that
 * applied; an evaluation error is returned, never thrown (the engine keeps its last good rate).
 */
export function evaluateMarginRate(
  source: string,
  parameters: Readonly<Record<string, string>>,
  logged: LoggedRateInputs,
  rateScale: number,
): MarginRateResult {
  const formula = compiledMarginFormula(source, Object.keys(parameters));
  if (typeof formula === 'string') return { ok: false, error: formula };
  const inputs: Record<string, bigint> = {};
  for (const [name, text] of [...Object.entries(logged.inputs), ...Object.entries(parameters)]) {
    const value = fixedOf(text, name);
    if (typeof value === 'string') return { ok: false, error: value };
    inputs[name] = value;
  }
  const bars: PriceBar[] = [];
  for (const [i, [close, high, low]] of logged.history.entries()) {
    const c = fixedOf(close, `history[${i}].close`);
    const h = fixedOf(high, `history[${i}].high`);
    const l = fixedOf(low, `history[${i}].low`);
    if (typeof c === 'string') return { ok: false, error: c };
    if (typeof h === 'string') return { ok: false, error: h };
    if (typeof l === 'string') return { ok: false, error: l };
    bars.push({ close: c, high: h, low: l });
  }
  const result = formula.evaluate({ inputs, history: priceHistory(bars) });
  if (!result.ok) return { ok: false, error: `${result.error.code}: ${result.error.message}` };
  const one = pow10(rateScale);
  let rate = divide(result.value, pow10(FIXED_DIGITS - rateScale), 'ceil');
  const clamps: string[] = [];
  if (rate < 0n) {
    rate = 0n;
    clamps.push('floor:0');
  }
  if (rate > one) {
    rate = one;
    clamps.push('cap:1');
  }
  return { ok: true, rate, clamps };
}

/** A logged rate entry, as `recomputeLoggedRate` reads it (the disclosure log's entry fields). */
export interface LoggedRateEntry {
  readonly formula: { readonly source: string } | null;
  readonly parameterSet: { readonly values: Readonly<Record<string, string>> } | null;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly clamps: readonly string[];
  readonly oldRate: string | null;
}

/**
 * Recomputes a logged rate from its logged formula, parameters and inputs: the rate as a decimal fraction at
 * `rateScale` digits, the old rate again when the entry records a fallback (its formula gave no rate), or why
 * the entry cannot be recomputed.
 */
export function recomputeLoggedRate(
  entry: LoggedRateEntry,
  rateScale: number,
): { readonly ok: true; readonly rate: string | null } | { readonly ok: false; readonly message: string } {
  if (entry.formula === null || entry.parameterSet === null)
    return { ok: false, message: 'a rate entry needs its formula and parameter set' };
  const inputs: Record<string, string> = {};
  let history: readonly (readonly [string, string, string])[] = [];
  for (const [name, value] of Object.entries(entry.inputs)) {
    if (name === 'history') {
      if (!Array.isArray(value)) return { ok: false, message: 'inputs.history is logged by reference only' };
      history = value as (readonly [string, string, string])[];
    } else if (typeof value === 'string') inputs[name] = value;
    else return { ok: false, message: `inputs.${name} is not a decimal string` };
  }
  const result = evaluateMarginRate(
    entry.formula.source,
    entry.parameterSet.values,
    { inputs, history },
    rateScale,
  );
  if (entry.clamps.includes(FALLBACK_CLAMP)) {
    return result.ok
      ? { ok: false, message: 'the entry records a fallback but the formula gives a rate' }
      : { ok: true, rate: entry.oldRate };
  }
  if (!result.ok) return { ok: false, message: result.error };
  return { ok: true, rate: formatUnits(result.rate, rateScale) };
}

/** The clamp a rate entry records when its formula gave no rate and the previous rate stands. */
export const FALLBACK_CLAMP = 'fallback:previous';
