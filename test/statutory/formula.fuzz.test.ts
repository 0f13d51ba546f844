import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compileFormula,
  FIXED_ONE,
  parseFormula,
  priceHistory,
  printFormula,
  type CompileResult,
  type EvaluateResult,
  type FormulaEnv,
  type FormulaError,
  type PriceBar,
} from '../../src/statutory/formula/index.js';
import { fixed } from './helpers.js';

const PARAMETERS = ['alpha', 'beta'];

/** A small synthetic history (deterministic), long enough for every series function. */
const BARS: PriceBar[] = Array.from({ length: 400 }, (_, i) => {
  const close = 100n * FIXED_ONE + BigInt((i * 7919) % 1000) * (FIXED_ONE / 100n);
  return { close, high: close + FIXED_ONE, low: close - FIXED_ONE };
});

const ENV: FormulaEnv = {
  inputs: {
    sigma: fixed('0.03'),
    ltv: fixed('0.8'),
    leverage: fixed('5'),
    notional: fixed('10000'),
    tierRate: fixed('0.02'),
    mark: fixed('101'),
    index: fixed('100'),
    fundingRate: fixed('-0.0001'),
    mporDays: fixed('2'),
    confidence: fixed('0.99'),
    alpha: fixed('0.5'),
    beta: fixed('-0.25'),
  },
  history: priceHistory(BARS),
};

function assertSpan(error: FormulaError, source: string): void {
  assert.ok(
    0 <= error.start && error.start <= error.end && error.end <= source.length,
    JSON.stringify(error),
  );
  assert.equal(typeof error.code, 'string');
}

/** Compiles and (when it compiles) evaluates; checks every error span. Throws only on a bug. */
function check(source: string): CompileResult {
  const result = compileFormula(source, { parameters: PARAMETERS });
  if (!result.ok) {
    assert.ok(result.errors.length > 0);
    for (const e of result.errors) assertSpan(e, source);
    return result;
  }
  const value = result.formula.evaluate(ENV);
  if (!value.ok) assertSpan(value.error, source);
  return result;
}

const TOKENS = [
  '(',
  ')',
  ',',
  '+',
  '-',
  '*',
  '/',
  '^',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  '=',
  '.',
  '[',
  ']',
  '`',
  '"',
  ';',
  '{',
  '}',
  '!',
  '0',
  '1',
  '2.5',
  '1e3',
  '1e999',
  '0.0000000000000000001',
  'sigma',
  'ltv',
  'alpha',
  'beta',
  'constructor',
  '__proto__',
  'toString',
  'x',
  'min',
  'max',
  'clamp',
  'abs',
  'sqrt',
  'ln',
  'exp',
  'normInv',
  'if',
  'ewmaVol',
  'stdev',
  'garchVol',
  'parkinsonVol',
  'quantile',
  ' ',
  '\u0000',
  'é',
  '😀',
];

describe('fuzz: arbitrary text never throws and errors are positioned', () => {
  test('random strings', () => {
    // Any UTF-16 unit (lone surrogates and NUL included), mixed with the characters the language uses.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom(...'0123456789.eE+-*/^<>=!(),_ sigmaltvxyz'.split('')),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 200 }), (s) => void check(s)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), (s) => void check(s)),
      {
        numRuns: 2000,
      },
    );
  });

  test('random token soups', () => {
    const soup = fc
      .tuple(fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }), fc.constantFrom('', ' '))
      .map(([tokens, sep]) => tokens.join(sep));
    fc.assert(
      fc.property(soup, (s) => void check(s)),
      { numRuns: 3000 },
    );
  });

  test('long inputs return (bounds stop them early)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TOKENS),
        fc.integer({ min: 500, max: 5000 }),
        (token, n) => void check(token.repeat(n)),
      ),
      { numRuns: 200 },
    );
  });
});

/** A formula from the grammar; divisors, exponents and domains are shaped so that it always compiles. */
interface Expr {
  text: string;
}

const leaf: fc.Arbitrary<Expr> = fc
  .oneof(
    fc.constantFrom('sigma', 'ltv', 'leverage', 'tierRate', 'fundingRate', 'mporDays', 'alpha', 'beta'),
    fc.integer({ min: 0, max: 1000 }).map(String),
    fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999_999 }))
      .map(([a, b]) => `${a}.${b}`),
  )
  .map((text) => ({ text }));

const { expr } = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  const safe = (e: Expr) => `(1 + abs(${e.text}))`; // ≥ 1: a safe divisor, ln argument and positive base
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(sub, fc.constantFrom('+', '-', '*', '<', '<=', '>', '>=', '==', '!='), sub)
        .map(([a, op, b]) => ({
          text: `(${a.text} ${op} ${b.text})`,
        })),
      fc.tuple(sub, sub).map(([a, b]) => ({ text: `(${a.text} / ${safe(b)})` })),
      fc.tuple(sub, fc.integer({ min: -3, max: 3 })).map(([a, n]) => ({ text: `(${safe(a)} ^ ${n})` })),
      fc.tuple(sub, fc.constantFrom('2', '0.5', '-1.5')).map(([a, y]) => ({ text: `(${safe(a)} ^ ${y})` })),
      sub.map((a) => ({ text: `(-${a.text})` })),
      fc
        .tuple(fc.constantFrom('abs', 'sqrt', 'ln', 'exp', 'normInv'), sub)
        .map(([f, a]) => ({ text: `${f}(${a.text})` })),
      fc
        .tuple(fc.constantFrom('min', 'max'), fc.array(sub, { minLength: 2, maxLength: 4 }))
        .map(([f, args]) => ({
          text: `${f}(${args.map((a) => a.text).join(', ')})`,
        })),
      fc.tuple(sub, sub, sub).map(([a, b, c]) => ({ text: `if(${a.text}, ${b.text}, ${c.text})` })),
      fc.tuple(sub, sub, sub).map(([a, b, c]) => ({ text: `clamp(${a.text}, ${b.text}, ${c.text})` })),
      fc
        .constantFrom('ewmaVol(0.94)', 'stdev(20)', 'garchVol()', 'parkinsonVol(10)', 'quantile(50, 0.05)')
        .map((text) => ({ text })),
    ),
  };
});

function sameResult(a: EvaluateResult, b: EvaluateResult): void {
  assert.deepEqual(a, b);
}

describe('random valid formulas', () => {
  test('compile, evaluate deterministically, and survive printing', () => {
    fc.assert(
      fc.property(expr, ({ text }) => {
        const parsed = parseFormula(text);
        fc.pre(parsed.ok); // deep trees can exceed MAX_DEPTH or MAX_NODES: those are rejected, checked elsewhere
        const compiled = check(text);
        assert.ok(compiled.ok, `${text}: ${compiled.ok ? '' : JSON.stringify(compiled.errors)}`);
        const first = compiled.formula.evaluate(ENV);
        sameResult(compiled.formula.evaluate(ENV), first);
        const printed = printFormula(parsed.node);
        const again = compileFormula(printed, { parameters: PARAMETERS });
        assert.ok(again.ok, printed);
        const second = again.formula.evaluate(ENV);
        // Error positions refer to each text; the outcome and the value are the same.
        if (first.ok) sameResult(second, first);
        else assert.ok(!second.ok && second.error.code === first.error.code);
        const reparsed = parseFormula(printed);
        assert.ok(reparsed.ok && printFormula(reparsed.node) === printed);
      }),
      { numRuns: 500 },
    );
  });
});
