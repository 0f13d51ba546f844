import { sha256Hex } from '../../crypto/sha256.js';
import { NodeCompiler, type EvalContext } from './compileNode.js';
import { formulaError, type FormulaError } from './errors.js';
import { fitsFixed, type Fixed } from './fixed.js';
import { FUNCTIONS } from './functions.js';
import { FULL_RANGE, STANDARD_INPUT_RANGES, type FixedRange } from './inputs.js';
import { MAX_NAME_LENGTH } from './lexer.js';
import { parseFormula } from './parser.js';
import type { PriceHistory } from './series.js';

/** Most published parameters one formula may declare. */
export const MAX_PARAMETERS = 32;

/** Everything an evaluation reads: named inputs and published parameters, and the price history. */
export interface FormulaEnv {
  readonly inputs: Readonly<Record<string, Fixed>>;
  readonly history: PriceHistory;
  /** Only the first `asOf` bars are visible (a rolling backtest evaluates day t with asOf = t + 1); default all. */
  readonly asOf?: number;
}

export type EvaluateResult = { ok: true; value: Fixed } | { ok: false; error: FormulaError };

export interface CompiledFormula {
  readonly source: string;
  /** SHA-256 (hex) of the UTF-8 source text. */
  readonly hash: string;
  /** Input and parameter names the formula reads, sorted. */
  readonly inputs: readonly string[];
  /** The most history bars any series function reads (0: none). */
  readonly historyBars: number;
  /** Deterministic: the same env gives the same Fixed, bit for bit, on every machine and Node version. */
  evaluate(env: FormulaEnv): EvaluateResult;
}

/** A declared range of a published parameter (closed; a missing bound is the Fixed range's end). */
export interface ParameterRange {
  readonly min?: Fixed;
  readonly max?: Fixed;
}

export interface CompileOptions {
  /** The published parameter names this formula may use besides the standard inputs. */
  readonly parameters?: readonly string[];
  /** Declared ranges of parameters, used by the division check and enforced at evaluation; default unbounded. */
  readonly parameterRanges?: Readonly<Record<string, ParameterRange>>;
}

export type CompileResult =
  { ok: true; formula: CompiledFormula } | { ok: false; errors: readonly FormulaError[] };

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** SHA-256 (hex) of the UTF-8 text. */
export function formulaHash(source: string): string {
  return sha256Hex(source);
}

/** The names a formula may read: the standard inputs and the declared parameters with their ranges. */
function knownNames(
  options: CompileOptions,
): { ok: true; known: Map<string, FixedRange> } | { ok: false; error: FormulaError } {
  const bad = (message: string) => ({
    ok: false as const,
    error: formulaError('invalid_option', message, 0, 0),
  });
  const known = new Map(STANDARD_INPUT_RANGES);
  const parameters = options.parameters ?? [];
  if (parameters.length > MAX_PARAMETERS) return bad(`at most ${MAX_PARAMETERS} parameters`);
  for (const name of parameters) {
    if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name))
      return bad(`parameter name '${name}' is not a name`);
    if (FUNCTIONS.has(name)) return bad(`parameter '${name}' is a function name`);
    if (known.has(name)) return bad(`parameter '${name}' is declared twice or is a standard input`);
    known.set(name, FULL_RANGE);
  }
  const ranges = options.parameterRanges ?? {};
  for (const name of Object.keys(ranges)) {
    const range = Object.hasOwn(ranges, name) ? ranges[name] : undefined;
    if (range === undefined || !parameters.includes(name))
      return bad(`range given for '${name}', which is not a parameter`);
    const min = range.min ?? FULL_RANGE.min;
    const max = range.max ?? FULL_RANGE.max;
    if (!fitsFixed(min) || !fitsFixed(max) || min > max)
      return bad(`range of '${name}' is empty or outside |x| < 1e30`);
    known.set(name, { min, max });
  }
  return { ok: true, known };
}

/** Parses and checks a formula, and compiles it to a closure tree (never eval/Function). */
export function compileFormula(source: string, options: CompileOptions = {}): CompileResult {
  const names = knownNames(options);
  if (!names.ok) return { ok: false, errors: [names.error] };
  const parsed = parseFormula(source);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const compiler = new NodeCompiler(names.known);
  const root = compiler.compile(parsed.node);
  if (root === undefined || compiler.errors.length > 0) {
    return { ok: false, errors: [...compiler.errors].sort((a, b) => a.start - b.start || a.end - b.end) };
  }
  const run = root.evaluate;
  const evaluate = (env: FormulaEnv): EvaluateResult => {
    const barCount = env.history.bars.length;
    const asOf = env.asOf ?? barCount;
    const consistent = env.history.returns.length === Math.max(0, barCount - 1);
    if (!Number.isSafeInteger(asOf) || asOf < 0 || asOf > barCount || !consistent) {
      const message = consistent
        ? `asOf must be an integer in [0, ${barCount}]`
        : 'history was not built by priceHistory';
      return { ok: false, error: formulaError('invalid_env', message, 0, source.length) };
    }
    const context: EvalContext = { inputs: env.inputs, view: { history: env.history, visibleBars: asOf } };
    const value = run(context);
    return typeof value === 'bigint' ? { ok: true, value } : { ok: false, error: value };
  };
  const formula: CompiledFormula = {
    source,
    hash: formulaHash(source),
    inputs: [...compiler.namesRead].sort(),
    historyBars: root.bars,
    evaluate,
  };
  return { ok: true, formula };
}
