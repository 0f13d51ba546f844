import type { FormulaNode } from './ast.js';
import { formulaError, type FormulaError, type FormulaErrorCode } from './errors.js';
import { fitsFixed, fixedDiv, fixedMul, FIXED_MAX, FIXED_ONE, formatFixed, type Fixed } from './fixed.js';
import {
  expFixed,
  lnFixed,
  MAX_EXACT_EXPONENT,
  normInvFixed,
  powFixed,
  sqrtFixed,
  type MathResult,
} from './fixedMath.js';
import { arityAccepts, FUNCTIONS } from './functions.js';
import type { FixedRange } from './inputs.js';
import {
  absInterval,
  addInterval,
  BOOLEAN_INTERVAL,
  containsZero,
  divideInterval,
  FULL_INTERVAL,
  hullInterval,
  increasingImage,
  interval,
  maxInterval,
  minInterval,
  multiplyInterval,
  negateInterval,
  NON_NEGATIVE_INTERVAL,
  point,
  subtractInterval,
  type Interval,
} from './interval.js';
import {
  ewmaVolSeries,
  GARCH_DEFAULT_ALPHA,
  GARCH_DEFAULT_BETA,
  garchVolSeries,
  MAX_SERIES_WINDOW,
  MIN_SERIES_WINDOW,
  parkinsonVolSeries,
  quantileSeries,
  returnWindowBars,
  stdevSeries,
  VOL_LOOKBACK_BARS,
  type SeriesResult,
  type SeriesView,
} from './series.js';

/** What one evaluation reads. */
export interface EvalContext {
  readonly inputs: Readonly<Record<string, Fixed>>;
  readonly view: SeriesView;
}

/** A node's value, or the error that stopped the evaluation. */
export type Value = Fixed | FormulaError;
export type Evaluator = (context: EvalContext) => Value;

/** A compiled node: its evaluator, the interval of its successful values, and what it reads. */
export interface CompiledNode {
  readonly evaluate: Evaluator;
  readonly interval: Interval;
  /** No inputs, no history: the value is known at compile time. */
  readonly constant: boolean;
  /** Most history bars a series call under this node reads. */
  readonly bars: number;
}

/** Context for compile-time evaluation of constant arguments (they read neither inputs nor history). */
const CONSTANT_CONTEXT: EvalContext = {
  inputs: {},
  view: { history: { bars: [], returns: [] }, visibleBars: 0 },
};

/** Slack (raw units) around computed bounds of exp and ln: their error is far below one unit. */
const TRANSCENDENTAL_SLACK = 1n;
/** Slack around normInv bounds: AS 241 is accurate to ~1e-16, so monotone only to within that. */
const NORM_INV_SLACK = 1_000_000n;
const ULP = 1n;

const SQRT_DOMAIN: Interval = { min: 0n, max: FIXED_MAX };
const LN_DOMAIN: Interval = { min: ULP, max: FIXED_MAX };
const NORM_INV_DOMAIN: Interval = { min: ULP, max: FIXED_ONE - ULP };

function isError(value: Value): value is FormulaError {
  return typeof value !== 'bigint';
}

function rangeText(range: FixedRange): string {
  return `[${formatFixed(range.min)}, ${formatFixed(range.max)}]`;
}

/** An integer window in [MIN_SERIES_WINDOW, MAX_SERIES_WINDOW], or why not. */
function windowProblem(value: Fixed): string | null {
  if (
    value % FIXED_ONE !== 0n ||
    value < BigInt(MIN_SERIES_WINDOW) * FIXED_ONE ||
    value > BigInt(MAX_SERIES_WINDOW) * FIXED_ONE
  ) {
    return `a window is an integer number of bars from ${MIN_SERIES_WINDOW} to ${MAX_SERIES_WINDOW}, not ${formatFixed(value)}`;
  }
  return null;
}

/** Checks of the scalar arguments of series functions, shared by compile time (constants) and run time. */
const SCALAR_CHECKS = {
  lambda: (v: Fixed) => (v > 0n && v < FIXED_ONE ? null : `lambda must be in (0, 1), not ${formatFixed(v)}`),
  level: (v: Fixed) => (v >= 0n && v <= FIXED_ONE ? null : `q must be in [0, 1], not ${formatFixed(v)}`),
  garchWeight: (v: Fixed) =>
    v >= 0n && v < FIXED_ONE ? null : `alpha and beta must be in [0, 1), not ${formatFixed(v)}`,
} as const;

function garchSumProblem(alpha: Fixed, beta: Fixed): string | null {
  return alpha + beta < FIXED_ONE ? null : 'alpha + beta must be below 1 (a stationary GARCH)';
}

/**
 * Turns an AST into a closure tree, checking names, arities and, by interval analysis, that no divisor can
 * be zero. Collects every error it finds; returns undefined for a node with an error in it.
 */
export class NodeCompiler {
  readonly errors: FormulaError[] = [];
  readonly namesRead = new Set<string>();

  constructor(private readonly known: ReadonlyMap<string, FixedRange>) {}

  private error(code: FormulaErrorCode, message: string, span: { start: number; end: number }): void {
    this.errors.push(formulaError(code, message, span.start, span.end));
  }

  compile(node: FormulaNode): CompiledNode | undefined {
    switch (node.kind) {
      case 'number': {
        const value = node.value;
        return { evaluate: () => value, interval: point(value), constant: true, bars: 0 };
      }
      case 'name':
        return this.compileName(node);
      case 'negate': {
        const operand = this.compile(node.operand);
        if (operand === undefined) return undefined;
        const run = operand.evaluate;
        return {
          evaluate: (context) => {
            const v = run(context);
            return isError(v) ? v : -v; // the range is symmetric, so negation cannot overflow
          },
          interval: negateInterval(operand.interval),
          constant: operand.constant,
          bars: operand.bars,
        };
      }
      case 'compare':
        return this.compileCompare(node);
      case 'arithmetic':
        return this.compileArithmetic(node);
      case 'call':
        return this.compileCall(node);
    }
  }

  private compileName(node: FormulaNode & { kind: 'name' }): CompiledNode | undefined {
    const { name } = node;
    if (FUNCTIONS.has(name)) {
      this.error('function_without_call', `${name} is a function; call it as ${name}(…)`, node);
      return;
    }
    const range = this.known.get(name);
    if (range === undefined) {
      this.error('unknown_name', `unknown name '${name}'`, node);
      return;
    }
    this.namesRead.add(name);
    const evaluate: Evaluator = (context) => {
      if (!Object.hasOwn(context.inputs, name)) {
        return formulaError('missing_input', `input '${name}' is missing`, node.start, node.end);
      }
      const value: unknown = context.inputs[name];
      if (typeof value !== 'bigint') {
        return formulaError('missing_input', `input '${name}' is not a Fixed (bigint)`, node.start, node.end);
      }
      if (value < range.min || value > range.max) {
        const message = `input '${name}' = ${formatFixed(value)} is outside its declared range ${rangeText(range)}`;
        return formulaError('input_out_of_range', message, node.start, node.end);
      }
      return value;
    };
    return { evaluate, interval: range, constant: false, bars: 0 };
  }

  private compileCompare(node: FormulaNode & { kind: 'compare' }): CompiledNode | undefined {
    const left = this.compile(node.left);
    const right = this.compile(node.right);
    if (left === undefined || right === undefined) return undefined;
    const test = {
      '<': (a: Fixed, b: Fixed) => a < b,
      '<=': (a: Fixed, b: Fixed) => a <= b,
      '>': (a: Fixed, b: Fixed) => a > b,
      '>=': (a: Fixed, b: Fixed) => a >= b,
      '==': (a: Fixed, b: Fixed) => a === b,
      '!=': (a: Fixed, b: Fixed) => a !== b,
    }[node.operator];
    return binaryNode(left, right, (a, b) => (test(a, b) ? FIXED_ONE : 0n), BOOLEAN_INTERVAL);
  }

  private compileArithmetic(node: FormulaNode & { kind: 'arithmetic' }): CompiledNode | undefined {
    const left = this.compile(node.left);
    const right = this.compile(node.right);
    if (left === undefined || right === undefined) return undefined;
    let combine: (a: Fixed, b: Fixed) => Value;
    let result: Interval;
    const overflow = () =>
      formulaError('overflow', 'result is outside the range (|x| < 1e30)', node.start, node.end);
    const checked = (v: Fixed): Value => (fitsFixed(v) ? v : overflow());
    switch (node.operator) {
      case '+':
        combine = (a, b) => checked(a + b);
        result = addInterval(left.interval, right.interval);
        break;
      case '-':
        combine = (a, b) => checked(a - b);
        result = subtractInterval(left.interval, right.interval);
        break;
      case '*':
        combine = (a, b) => checked(fixedMul(a, b));
        result = multiplyInterval(left.interval, right.interval);
        break;
      case '/': {
        if (containsZero(right.interval)) {
          this.error(
            'division_by_zero',
            `the divisor can be zero (its range is ${rangeText(right.interval)}); divide by e.g. max(x, 0.0001)`,
            node.right,
          );
          return;
        }
        const divisor = node.right;
        combine = (a, b) =>
          b === 0n
            ? formulaError('division_by_zero', 'division by zero', divisor.start, divisor.end)
            : checked(fixedDiv(a, b));
        result = divideInterval(left.interval, right.interval);
        break;
      }
      case '^': {
        const power = powInterval(left.interval, right.interval);
        if (power === null) {
          this.error(
            'division_by_zero',
            `x ^ y with a possibly negative y divides by x, and x can be zero (its range is ${rangeText(left.interval)})`,
            node.left,
          );
          return;
        }
        combine = (a, b) => this.mathValue(powFixed(a, b), '^', node);
        result = power;
        break;
      }
    }
    return binaryNode(left, right, combine, result);
  }

  /** A MathResult as a value, errors positioned at the node. */
  private mathValue(result: MathResult, what: string, node: FormulaNode): Value {
    if (typeof result === 'bigint') return result;
    const messages = {
      domain: `${what}: argument outside its domain`,
      overflow: `${what}: result is outside the range (|x| < 1e30)`,
      division_by_zero: `${what}: division by zero`,
    };
    return formulaError(result, messages[result], node.start, node.end);
  }

  private compileCall(node: FormulaNode & { kind: 'call' }): CompiledNode | undefined {
    const nameSpan = { start: node.start, end: node.nameEnd };
    const arity = FUNCTIONS.get(node.name);
    if (arity === undefined) {
      if (this.known.has(node.name)) {
        this.error('not_a_function', `'${node.name}' is not a function`, nameSpan);
        return;
      }
      this.error('unknown_function', `unknown function '${node.name}'`, nameSpan);
      return;
    }
    if (!arityAccepts(arity, node.args.length)) {
      this.error('arity', `${node.name} takes ${arity.text}, not ${node.args.length}`, node);
      return;
    }
    const compiled: CompiledNode[] = [];
    let failed = false;
    for (const arg of node.args) {
      const c = this.compile(arg);
      if (c === undefined) failed = true;
      else compiled.push(c);
    }
    if (failed) return undefined;
    switch (node.name) {
      case 'min':
      case 'max':
        return this.compileMinMax(node, compiled);
      case 'clamp':
        return this.compileClamp(node, compiled);
      case 'if':
        return this.compileIf(compiled);
      case 'abs':
        return this.unary(compiled, absInterval, (x) => (x < 0n ? -x : x));
      case 'sqrt':
        return this.unary(
          compiled,
          (i) => increasingImage(i, SQRT_DOMAIN, sqrtFixed, 0n),
          (x) => this.mathValue(sqrtFixed(x), 'sqrt', node),
        );
      case 'ln':
        return this.unary(
          compiled,
          (i) => increasingImage(i, LN_DOMAIN, lnFixed, TRANSCENDENTAL_SLACK),
          (x) => this.mathValue(lnFixed(x), 'ln', node),
        );
      case 'exp':
        return this.unary(
          compiled,
          (i) => increasingImage(i, FULL_INTERVAL, expFixed, TRANSCENDENTAL_SLACK),
          (x) => this.mathValue(expFixed(x), 'exp', node),
        );
      case 'normInv':
        return this.unary(
          compiled,
          (i) => increasingImage(i, NORM_INV_DOMAIN, normInvFixed, NORM_INV_SLACK),
          (x) => this.mathValue(normInvFixed(x), 'normInv', node),
        );
      default:
        return this.compileSeries(node, compiled);
    }
  }

  private unary(
    compiled: readonly CompiledNode[],
    image: (i: Interval) => Interval,
    apply: (x: Fixed) => Value,
  ): CompiledNode | undefined {
    const [arg] = compiled;
    if (arg === undefined) return undefined;
    const run = arg.evaluate;
    return {
      evaluate: (context) => {
        const x = run(context);
        return isError(x) ? x : apply(x);
      },
      interval: image(arg.interval),
      constant: arg.constant,
      bars: arg.bars,
    };
  }

  private compileMinMax(
    node: FormulaNode & { kind: 'call' },
    compiled: readonly CompiledNode[],
  ): CompiledNode {
    const isMin = node.name === 'min';
    const runs = compiled.map((c) => c.evaluate);
    return {
      evaluate: (context) => {
        let best: Fixed | undefined;
        for (const run of runs) {
          const v = run(context);
          if (isError(v)) return v;
          if (best === undefined || (isMin ? v < best : v > best)) best = v;
        }
        return best ?? 0n; // arity ≥ 2, so best is set
      },
      interval: (isMin ? minInterval : maxInterval)(compiled.map((c) => c.interval)),
      constant: compiled.every((c) => c.constant),
      bars: Math.max(...compiled.map((c) => c.bars)),
    };
  }

  private compileClamp(
    node: FormulaNode & { kind: 'call' },
    compiled: readonly CompiledNode[],
  ): CompiledNode | undefined {
    const [x, lo, hi] = compiled;
    if (x === undefined || lo === undefined || hi === undefined) return undefined;
    return {
      evaluate: (context) => {
        const v = x.evaluate(context);
        if (isError(v)) return v;
        const low = lo.evaluate(context);
        if (isError(low)) return low;
        const high = hi.evaluate(context);
        if (isError(high)) return high;
        if (low > high) return formulaError('domain', 'clamp: lo is above hi', node.start, node.end);
        return v < low ? low : v > high ? high : v;
      },
      interval: maxInterval([lo.interval, minInterval([x.interval, hi.interval])]),
      constant: x.constant && lo.constant && hi.constant,
      bars: Math.max(x.bars, lo.bars, hi.bars),
    };
  }

  private compileIf(compiled: readonly CompiledNode[]): CompiledNode | undefined {
    const [condition, then, otherwise] = compiled;
    if (condition === undefined || then === undefined || otherwise === undefined) return undefined;
    return {
      // Only the taken branch is evaluated.
      evaluate: (context) => {
        const c = condition.evaluate(context);
        if (isError(c)) return c;
        return c !== 0n ? then.evaluate(context) : otherwise.evaluate(context);
      },
      interval: hullInterval([then.interval, otherwise.interval]),
      constant: condition.constant && then.constant && otherwise.constant,
      bars: Math.max(condition.bars, then.bars, otherwise.bars),
    };
  }

  /** A window argument: a constant expression with an integer value in the window range. */
  private constantWindow(arg: FormulaNode, compiled: CompiledNode | undefined): number | undefined {
    if (compiled === undefined) return undefined;
    if (!compiled.constant) {
      this.error('invalid_window', 'a window must be a constant (a number or an expression of numbers)', arg);
      return;
    }
    const value = compiled.evaluate(CONSTANT_CONTEXT);
    if (isError(value)) {
      this.errors.push(value);
      return undefined;
    }
    const problem = windowProblem(value);
    if (problem !== null) {
      this.error('invalid_window', problem, arg);
      return;
    }
    return Number(value / FIXED_ONE);
  }

  /** A scalar argument: checked now if constant, else at every evaluation. */
  private scalar(
    arg: FormulaNode,
    compiled: CompiledNode | undefined,
    check: (v: Fixed) => string | null,
  ): Evaluator | undefined {
    if (compiled === undefined) return undefined;
    const run = compiled.evaluate;
    const evaluate: Evaluator = (context) => {
      const v = run(context);
      if (isError(v)) return v;
      const problem = check(v);
      return problem === null ? v : formulaError('invalid_argument', problem, arg.start, arg.end);
    };
    if (!compiled.constant) return evaluate;
    const value = evaluate(CONSTANT_CONTEXT);
    if (isError(value)) {
      this.errors.push(value);
      return undefined;
    }
    return () => value;
  }

  private seriesNode(
    node: FormulaNode & { kind: 'call' },
    bars: number,
    resultInterval: Interval,
    compute: (view: SeriesView, args: readonly Fixed[]) => SeriesResult,
    argRuns: readonly Evaluator[],
  ): CompiledNode {
    return {
      evaluate: (context) => {
        const args: Fixed[] = [];
        for (const run of argRuns) {
          const v = run(context);
          if (isError(v)) return v;
          args.push(v);
        }
        const result = compute(context.view, args);
        if (!result.ok)
          return formulaError(result.code, `${node.name}: ${result.message}`, node.start, node.end);
        return fitsFixed(result.value)
          ? result.value
          : formulaError('overflow', `${node.name}: result is outside the range`, node.start, node.end);
      },
      interval: resultInterval,
      constant: false,
      bars,
    };
  }

  private compileSeries(
    node: FormulaNode & { kind: 'call' },
    compiled: readonly CompiledNode[],
  ): CompiledNode | undefined {
    const [arg0, arg1] = node.args;
    const [c0, c1] = compiled;
    switch (node.name) {
      case 'stdev':
      case 'parkinsonVol': {
        if (arg0 === undefined) return undefined;
        const window = this.constantWindow(arg0, c0);
        if (window === undefined) return undefined;
        return node.name === 'stdev'
          ? this.seriesNode(
              node,
              returnWindowBars(window),
              NON_NEGATIVE_INTERVAL,
              (view) => stdevSeries(view, window),
              [],
            )
          : this.seriesNode(
              node,
              window,
              NON_NEGATIVE_INTERVAL,
              (view) => parkinsonVolSeries(view, window),
              [],
            );
      }
      case 'quantile': {
        if (arg0 === undefined || arg1 === undefined) return undefined;
        const window = this.constantWindow(arg0, c0);
        const level = this.scalar(arg1, c1, SCALAR_CHECKS.level);
        if (window === undefined || level === undefined) return undefined;
        const compute = (view: SeriesView, [q = 0n]: readonly Fixed[]) => quantileSeries(view, window, q);
        return this.seriesNode(node, returnWindowBars(window), FULL_INTERVAL, compute, [level]);
      }
      case 'ewmaVol': {
        if (arg0 === undefined) return undefined;
        const lambda = this.scalar(arg0, c0, SCALAR_CHECKS.lambda);
        if (lambda === undefined) return undefined;
        const compute = (view: SeriesView, [l = 0n]: readonly Fixed[]) => ewmaVolSeries(view, l);
        return this.seriesNode(node, VOL_LOOKBACK_BARS, NON_NEGATIVE_INTERVAL, compute, [lambda]);
      }
      case 'garchVol':
        return this.compileGarch(node, compiled);
    }
    this.error('unknown_function', `unknown function '${node.name}'`, node);
  }

  private compileGarch(
    node: FormulaNode & { kind: 'call' },
    compiled: readonly CompiledNode[],
  ): CompiledNode | undefined {
    const compute = (
      view: SeriesView,
      [alpha = GARCH_DEFAULT_ALPHA, beta = GARCH_DEFAULT_BETA]: readonly Fixed[],
    ) => garchVolSeries(view, alpha, beta);
    const [alphaNode, betaNode] = node.args;
    const [alphaCompiled, betaCompiled] = compiled;
    if (alphaNode === undefined || betaNode === undefined) {
      return this.seriesNode(node, VOL_LOOKBACK_BARS, NON_NEGATIVE_INTERVAL, compute, []);
    }
    const alpha = this.scalar(alphaNode, alphaCompiled, SCALAR_CHECKS.garchWeight);
    const beta = this.scalar(betaNode, betaCompiled, SCALAR_CHECKS.garchWeight);
    if (alpha === undefined || beta === undefined) return undefined;
    // alpha + beta < 1 is checked once both are known: at compile time when both are constant.
    const checkedBeta: Evaluator = (context) => {
      const a = alpha(context);
      if (isError(a)) return a;
      const b = beta(context);
      if (isError(b)) return b;
      const problem = garchSumProblem(a, b);
      return problem === null ? b : formulaError('invalid_argument', problem, node.start, node.end);
    };
    if (alphaCompiled?.constant === true && betaCompiled?.constant === true) {
      const checked = checkedBeta(CONSTANT_CONTEXT);
      if (isError(checked)) {
        this.errors.push(checked);
        return undefined;
      }
    }
    return this.seriesNode(node, VOL_LOOKBACK_BARS, NON_NEGATIVE_INTERVAL, compute, [alpha, checkedBeta]);
  }
}

/**
 * The interval of x ^ y, or null when y can be negative while x can be zero (x ^ -n divides by x^n).
 * Integer constant exponents use the exact power's monotonicity; anything else is non-negative for x > 0.
 */
function powInterval(base: Interval, exponent: Interval): Interval | null {
  const integral = exponent.min === exponent.max && exponent.min % FIXED_ONE === 0n;
  const n = exponent.min / FIXED_ONE;
  if (integral && (n < 0n ? -n : n) <= BigInt(MAX_EXACT_EXPONENT)) {
    if (n === 0n) return point(FIXED_ONE);
    if (n < 0n && containsZero(base)) return null;
    const odd = n % 2n !== 0n;
    const at = (x: Fixed): Fixed => {
      const v = powFixed(x, exponent.min);
      if (typeof v === 'bigint') return v;
      return x < 0n && odd ? -FIXED_MAX : FIXED_MAX; // only overflow can fail here
    };
    const atMin = at(base.min);
    const atMax = at(base.max);
    const low = atMin < atMax ? atMin : atMax;
    const high = atMin < atMax ? atMax : atMin;
    return !odd && containsZero(base) ? interval(0n, high) : interval(low, high);
  }
  if (exponent.min < 0n && containsZero(base)) return null;
  return base.min > 0n ? NON_NEGATIVE_INTERVAL : FULL_INTERVAL;
}

/** A node of two operands: both evaluate left to right (the first error wins), then `combine` runs. */
function binaryNode(
  left: CompiledNode,
  right: CompiledNode,
  combine: (a: Fixed, b: Fixed) => Value,
  interval: Interval,
): CompiledNode {
  const runLeft = left.evaluate;
  const runRight = right.evaluate;
  return {
    evaluate: (context) => {
      const a = runLeft(context);
      if (isError(a)) return a;
      const b = runRight(context);
      if (isError(b)) return b;
      return combine(a, b);
    },
    interval,
    constant: left.constant && right.constant,
    bars: Math.max(left.bars, right.bars),
  };
}
