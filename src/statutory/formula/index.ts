/**
 * The margin-rate formula language (STATUTORY.md §2): safe, bounded, deterministic.
 *
 * Grammar (whitespace is space, tab, CR, LF; names are ASCII [A-Za-z_][A-Za-z0-9_]*):
 *
 *   formula        := comparison
 *   comparison     := additive [("<" | "<=" | ">" | ">=" | "==" | "!=") additive]   (no chaining; 1 or 0)
 *   additive       := multiplicative (("+" | "-") multiplicative)*                   (left-associative)
 *   multiplicative := unary (("*" | "/") unary)*                                     (left-associative)
 *   unary          := "-" unary | power                                             (so -x^2 = -(x^2))
 *   power          := primary ["^" unary]                                           (right-associative)
 *   primary        := number | name | name "(" [comparison ("," comparison)*] ")" | "(" comparison ")"
 *   number         := digits ["." digits] [("e" | "E") ["+" | "-"] digits]
 *
 * Nothing else exists: no member access, indexing, strings, assignment, statements or blocks. The AST is a
 * closed set of node types (ast.ts); names resolve through Maps, never an object prototype, so `constructor`
 * or `__proto__` are simply unknown names. Names are the standard inputs (STANDARD_INPUTS, with declared
 * ranges) and the parameters passed to compileFormula. Functions: min, max (2–16 args), clamp(x, lo, hi),
 * abs, sqrt, ln, exp, normInv(q), if(c, a, b) (only the taken branch is evaluated), and the series
 * functions ewmaVol(λ), stdev(window), garchVol() / garchVol(α, β), parkinsonVol(window),
 * quantile(window, q) (series.ts documents each; windows are constant integers in [2, 999]).
 *
 * Bounds: MAX_SOURCE_LENGTH = 2000 UTF-16 units, MAX_DEPTH = 32 levels of parentheses, calls, unary minus
 * and exponents (the parser never recurses deeper), MAX_NODES = 256, MAX_CALL_ARGUMENTS = 16,
 * MAX_NAME_LENGTH = 64, MAX_SERIES_BARS = 1000 bars read by a series function. Every violation is a compile
 * error with its [start, end) position.
 *
 * Static checks: unknown names and functions, calls of non-functions, arity, constant windows, and an
 * interval analysis (interval.ts) that makes division by a value that can be zero a compile error at the
 * divisor's position (also x ^ y when y can be negative and x can be zero). Domain errors of sqrt, ln and
 * normInv remain run-time errors.
 *
 * Arithmetic: Fixed = bigint × 10^-18. + and − are exact; every * and / rounds half-even to 18 digits;
 * sqrt is the integer square root of the scaled value rounded half-even; ln, exp, x^y (non-integer y) and
 * normInv (Wichura AS 241) compute with 36 guard digits and round once, half-even, to 18 (fixedMath.ts);
 * x^n for an integer |n| ≤ 64 is the exact power rounded once. Any value with |x| ≥ 10^30 is an `overflow`
 * error. Evaluation never throws and never yields NaN: errors are values with the offending node's position.
 */
export {
  FIXED_DIGITS,
  FIXED_ONE,
  FIXED_MAX,
  FIXED_INTEGER_DIGITS,
  parseFixed,
  formatFixed,
  fixedFromRatio,
  fixedMul,
  fixedDiv,
  type Fixed,
} from './fixed.js';
export {
  sqrtFixed,
  lnFixed,
  expFixed,
  powFixed,
  normInvFixed,
  GUARD_DIGITS,
  MAX_EXACT_EXPONENT,
  type MathResult,
} from './fixedMath.js';
export type { FormulaError, FormulaErrorCode } from './errors.js';
export type { FormulaNode, ArithmeticOperator, ComparisonOperator } from './ast.js';
export { MAX_SOURCE_LENGTH, MAX_NAME_LENGTH } from './lexer.js';
export { parseFormula, MAX_DEPTH, MAX_NODES, MAX_CALL_ARGUMENTS } from './parser.js';
export { printFormula } from './print.js';
export { FUNCTIONS } from './functions.js';
export { STANDARD_INPUTS, STANDARD_INPUT_RANGES, type FixedRange } from './inputs.js';
export {
  priceHistory,
  checkPriceBars,
  MAX_SERIES_BARS,
  MAX_SERIES_WINDOW,
  MIN_SERIES_WINDOW,
  VOL_LOOKBACK_RETURNS,
  EWMA_SEED_RETURNS,
  GARCH_DEFAULT_ALPHA,
  GARCH_DEFAULT_BETA,
  type PriceBar,
  type PriceHistory,
} from './series.js';
export {
  compileFormula,
  formulaHash,
  MAX_PARAMETERS,
  type CompiledFormula,
  type CompileOptions,
  type CompileResult,
  type EvaluateResult,
  type FormulaEnv,
  type ParameterRange,
} from './compile.js';
export { FOUNDING_FORMULA, DEFAULT_FORMULA, FORMULA_EXAMPLES, type FormulaExample } from './examples.js';
