import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkMonotonicity } from '../../src/statutory/compliance/index.js';
import {
  DEFAULT_FORMULA,
  FIXED_ONE,
  FOUNDING_FORMULA,
  type Fixed,
  type FormulaExample,
  type PriceBar,
} from '../../src/statutory/formula/index.js';
import { fixed, compiled } from './helpers.js';

function parametersOf(example: FormulaExample): Record<string, Fixed> {
  return Object.fromEntries(Object.entries(example.defaults).map(([name, text]) => [name, fixed(text)]));
}

const BASE_INPUTS = { mporDays: fixed('2'), confidence: fixed('0.99'), notional: fixed('10000') };

/** A deterministic, non-periodic daily path: closes from a fixed pattern of moves (no randomness). */
function pathBars(count: number): PriceBar[] {
  const moves = [3n, -2n, 5n, -4n, 1n, -1n, 2n, -3n, 4n, -5n, 0n, 2n];
  let close = 100n * FIXED_ONE;
  return Array.from({ length: count }, (_, i) => {
    const move = moves[i % moves.length] ?? 0n;
    close = close + (close * move) / 100n;
    return { close, high: close + close / 50n, low: close - close / 50n };
  });
}

test('check 7: the founding formula α·σ/LTV + β is flagged as decreasing in leverage', () => {
  const founding = compiled(FOUNDING_FORMULA.source, FOUNDING_FORMULA.parameters);
  const { findings, evaluations } = checkMonotonicity(founding, {
    subject: 'founding',
    parameters: parametersOf(FOUNDING_FORMULA),
    baseInputs: BASE_INPUTS,
  });
  assert.ok(evaluations > 0);
  assert.deepEqual(
    findings.map((f) => f.code),
    ['decreasing_in_leverage'],
  );
  const [first] = findings;
  assert.ok(first);
  assert.equal(first.check, 7);
  assert.equal(first.severity, 'error');
  assert.match(first.message, /leverage 2 → .* leverage 3/);
});

test('check 7: the shipped default formula passes, on a synthetic and on a given history', () => {
  const defaultFormula = compiled(DEFAULT_FORMULA.source, DEFAULT_FORMULA.parameters);
  assert.ok(defaultFormula.historyBars > 0, 'the default reads the price history');
  const options = { subject: 'default', parameters: parametersOf(DEFAULT_FORMULA), baseInputs: BASE_INPUTS };
  assert.deepEqual(checkMonotonicity(defaultFormula, options).findings, []);
  const history = pathBars(defaultFormula.historyBars + 20);
  assert.deepEqual(checkMonotonicity(defaultFormula, { ...options, history }).findings, []);
});

test('check 7: a rate that falls with volatility is flagged on the sigma axis', () => {
  const inverse = compiled('0.5 - sigma');
  assert.deepEqual(
    checkMonotonicity(inverse, { subject: 'inverse', parameters: {}, baseInputs: {} }).findings.map(
      (f) => f.code,
    ),
    ['decreasing_in_sigma'],
  );
  const seriesInverse = compiled('max(0.01, 0.5 - 3 * stdev(30))');
  assert.deepEqual(
    checkMonotonicity(seriesInverse, {
      subject: 'series',
      parameters: {},
      baseInputs: {},
      history: pathBars(60),
    }).findings.map((f) => f.code),
    ['decreasing_in_sigma'],
    'scaling the history moves series functions with sigma',
  );
});

test('check 7: sound shapes pass (leverage-increasing, constant, clamped)', () => {
  for (const source of [
    '0.02 + 0.5 * sigma * leverage / 100',
    '0.05',
    'clamp(3 * sigma, 0.02, 0.5)',
    'sigma / (1 - ltv) / 100',
  ]) {
    const formula = compiled(source);
    assert.deepEqual(
      checkMonotonicity(formula, { subject: source, parameters: {}, baseInputs: {} }).findings,
      [],
      source,
    );
  }
});

test('check 7: evaluation failures and short histories are reported, not thrown', () => {
  const needsInput = compiled('max(tierRate, sigma)');
  const missing = checkMonotonicity(needsInput, {
    subject: 'needs tierRate',
    parameters: {},
    baseInputs: {},
  });
  assert.deepEqual(
    missing.findings.map((f) => f.code),
    ['evaluation_failed'],
  );
  const series = compiled('3 * stdev(100)');
  const short = checkMonotonicity(series, {
    subject: 'short',
    parameters: {},
    baseInputs: {},
    history: pathBars(50),
  });
  assert.deepEqual(
    short.findings.map((f) => f.code),
    ['insufficient_history'],
  );
  assert.equal(short.evaluations, 0);
});
