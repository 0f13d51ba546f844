import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  compileFormula,
  DEFAULT_FORMULA,
  FIXED_ONE,
  FORMULA_EXAMPLES,
  FOUNDING_FORMULA,
  parseFixed,
  priceHistory,
  STANDARD_INPUTS,
  type EvaluateResult,
  type Fixed,
} from '../../src/statutory/formula/index.js';
import { fixed, compiled } from './helpers.js';

const EMPTY_HISTORY = priceHistory([]);

function run(
  source: string,
  inputs: Record<string, string> = {},
  parameters: readonly string[] = [],
): EvaluateResult {
  const values = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, fixed(v)]));
  return compiled(source, parameters).evaluate({ inputs: values, history: EMPTY_HISTORY });
}

function valueOf(result: EvaluateResult): Fixed {
  if (!result.ok) assert.fail(JSON.stringify(result.error));
  return result.value;
}

function divisionError(source: string, parameters: readonly string[] = []): [number, number] {
  const result = compileFormula(source, { parameters });
  assert.ok(!result.ok, `${source} should not compile`);
  const error = result.errors[0];
  assert.ok(error?.code === 'division_by_zero', `${source}: ${JSON.stringify(result.errors)}`);
  return [error.start, error.end];
}

describe('division by a value that can be zero does not compile', () => {
  test('the brief’s cases', () => {
    assert.ok(compileFormula('alpha * sigma / ltv + beta', { parameters: ['alpha', 'beta'] }).ok);
    assert.deepEqual(divisionError('1 / sigma'), [4, 9]);
    assert.ok(compileFormula('1 / max(sigma, 0.0001)').ok);
  });

  test('interval analysis in Fixed semantics', () => {
    const accepted = [
      '1 / ltv',
      '1 / leverage',
      '1 / (leverage - 1)',
      '1 / (1 + sigma)',
      '1 / exp(sigma)',
      '1 / sqrt(mporDays)',
      '1 / mark',
      'notional / index',
      '1 / (1 - ltv)',
      '1 / (confidence - 0.5)',
      '1 / abs(mporDays - 31)',
      '1 / clamp(sigma, 0.01, 1)',
      '1 / (2 ^ 3)',
      '1 / max(sigma, 0.01) ^ 2',
      '1 / if(sigma > 1, 2, 3)',
      'ltv ^ -2',
      '2 ^ fundingRate',
    ];
    for (const source of accepted) assert.ok(compileFormula(source).ok, source);
    assert.deepEqual(divisionError('1 / (ltv * ltv)'), [5, 14]); // 1e-18 × 1e-18 rounds to 0
    assert.deepEqual(divisionError('2 / (sigma - 1)'), [5, 14]);
    assert.deepEqual(divisionError('1 / fundingRate'), [4, 15]);
    assert.deepEqual(divisionError('1 / exp(-sigma)'), [4, 15]); // e^-50 rounds to 0
    assert.deepEqual(divisionError('1 / (1 - 1)'), [5, 10]);
    assert.deepEqual(divisionError('1 / alpha', ['alpha']), [4, 9]);
    assert.deepEqual(divisionError('sigma ^ -1'), [0, 5]);
    assert.deepEqual(divisionError('1 / quantile(30, 0.5)'), [4, 21]);
    assert.deepEqual(divisionError('1 / (sigma > 1)'), [5, 14]);
  });

  test('declared parameter ranges narrow the analysis and are enforced', () => {
    const options = { parameters: ['alpha'], parameterRanges: { alpha: { min: fixed('0.1') } } };
    const result = compileFormula('1 / alpha', options);
    assert.ok(result.ok);
    assert.equal(
      valueOf(result.formula.evaluate({ inputs: { alpha: fixed('0.5') }, history: EMPTY_HISTORY })),
      2n * FIXED_ONE,
    );
    const low = result.formula.evaluate({ inputs: { alpha: 0n }, history: EMPTY_HISTORY });
    assert.ok(!low.ok && low.error.code === 'input_out_of_range');
  });
});

describe('evaluation', () => {
  test('comparisons, if (lazy), min, max, clamp, abs', () => {
    assert.equal(
      valueOf(run('(1 < 2) + (2 <= 2) + (3 > 4) + (4 >= 5) + (1 == 1) + (1 != 1)')),
      3n * FIXED_ONE,
    );
    assert.equal(valueOf(run('if(sigma > 0.5, ln(0 - 1), 7)', { sigma: '0.1' })), 7n * FIXED_ONE);
    assert.equal(valueOf(run('min(3, 1, 2) + max(3, 1, 2)')), 4n * FIXED_ONE);
    assert.equal(valueOf(run('clamp(5, 1, 2) + clamp(-5, 1, 2) + clamp(1.5, 1, 2)')), fixed('4.5'));
    assert.equal(valueOf(run('abs(0 - 2.5)')), fixed('2.5'));
    assert.equal(valueOf(run('-2 ^ 2')), -4n * FIXED_ONE);
    assert.equal(valueOf(run('1 / 3 * 3')), fixed('0.999999999999999999'));
  });

  test('run-time errors are values positioned at the offending node', () => {
    const at = (source: string, inputs: Record<string, string> = {}) => {
      const result = run(source, inputs);
      assert.ok(!result.ok, source);
      return [result.error.code, result.error.start, result.error.end];
    };
    assert.deepEqual(at('1 + sqrt(fundingRate)', { fundingRate: '-1' }), ['domain', 4, 21]);
    assert.deepEqual(at('ln(fundingRate)', { fundingRate: '0' }), ['domain', 0, 15]);
    assert.deepEqual(at('normInv(tierRate)', { tierRate: '1' }), ['domain', 0, 17]);
    assert.deepEqual(at('notional * notional', { notional: '1e20' }), ['overflow', 0, 19]);
    assert.deepEqual(at('exp(fundingRate)', { fundingRate: '100' }), ['overflow', 0, 16]);
    assert.deepEqual(at('fundingRate ^ 0.5', { fundingRate: '-1' }), ['domain', 0, 17]);
    assert.deepEqual(at('clamp(1, tierRate, 0)', { tierRate: '0.5' }), ['domain', 0, 21]);
    assert.deepEqual(at('1 + sigma'), ['missing_input', 4, 9]);
    assert.deepEqual(at('1 / ltv', { ltv: '0' }), ['input_out_of_range', 4, 7]);
    assert.deepEqual(at('leverage', { leverage: '1' }), ['input_out_of_range', 0, 8]);
    assert.deepEqual(at('confidence', { confidence: '0.5' }), ['input_out_of_range', 0, 10]);
  });

  test('inputs are read from own properties only', () => {
    const formula = compiled('1 + sigma');
    const inputs = Object.create({ sigma: FIXED_ONE }) as Record<string, Fixed>;
    const result = formula.evaluate({ inputs, history: EMPTY_HISTORY });
    assert.ok(!result.ok && result.error.code === 'missing_input');
  });

  test('hash, inputs and source of a compiled formula', () => {
    const formula = compiled('sigma * alpha + sigma', ['alpha']);
    assert.equal(formula.hash, createHash('sha256').update('sigma * alpha + sigma', 'utf8').digest('hex'));
    assert.deepEqual(formula.inputs, ['alpha', 'sigma']);
    assert.equal(formula.source, 'sigma * alpha + sigma');
  });
});

describe('shipped examples', () => {
  test('the founding formula compiles and decreases as leverage rises', () => {
    const formula = compiled(FOUNDING_FORMULA.source, FOUNDING_FORMULA.parameters);
    const rateAt = (leverage: bigint) => {
      const ltv = FIXED_ONE - FIXED_ONE / leverage;
      const inputs = {
        alpha: fixed(FOUNDING_FORMULA.defaults.alpha),
        beta: fixed(FOUNDING_FORMULA.defaults.beta),
        sigma: fixed('0.04'),
        ltv,
      };
      return valueOf(formula.evaluate({ inputs, history: EMPTY_HISTORY }));
    };
    assert.equal(rateAt(2n), fixed('0.05')); // 0.5 × 0.04 / 0.5 + 0.01
    assert.ok(rateAt(10n) < rateAt(2n));
  });

  test('every example compiles with its parameters, and its defaults parse', () => {
    assert.deepEqual(
      FORMULA_EXAMPLES.map((e) => e.name),
      ['founding', 'default'],
    );
    for (const example of FORMULA_EXAMPLES) {
      const formula = compiled(example.source, example.parameters);
      for (const name of example.parameters)
        assert.ok(parseFixed(example.defaults[name] ?? '') !== null, name);
      for (const name of formula.inputs) {
        assert.ok(STANDARD_INPUTS.includes(name) || example.parameters.includes(name), name);
      }
    }
    assert.deepEqual(compiled(DEFAULT_FORMULA.source, DEFAULT_FORMULA.parameters).inputs, [
      'apcBuffer',
      'confidence',
      'floor',
      'mporDays',
    ]);
  });
});
