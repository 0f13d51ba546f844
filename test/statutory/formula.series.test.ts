import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  DEFAULT_FORMULA,
  compileFormula,
  EWMA_SEED_RETURNS,
  FIXED_ONE,
  parseFixed,
  priceHistory,
  VOL_LOOKBACK_RETURNS,
  type FormulaEnv,
  type PriceBar,
} from '../../src/statutory/formula/index.js';
import { compiled } from './helpers.js';

/** BTCUSDT daily bars from 2017-08-17 (real Binance data in the repository), the first `count` rows. */
function btcBars(count: number): {
  bars: PriceBar[];
  floats: { close: number; high: number; low: number }[];
} {
  const url = new URL('../../data/spot-daily-2017-2026/BTCUSDT_1d_extended.csv', import.meta.url);
  const rows = readFileSync(url, 'utf8')
    .trim()
    .split('\n')
    .slice(1, count + 1);
  const bars: PriceBar[] = [];
  const floats: { close: number; high: number; low: number }[] = [];
  for (const row of rows) {
    const [, , high = '', low = '', close = ''] = row.split(',');
    const fixed = (text: string) => {
      const v = parseFixed(text);
      assert.ok(v !== null, text);
      return v;
    };
    bars.push({ close: fixed(close), high: fixed(high), low: fixed(low) });
    floats.push({ close: Number(close), high: Number(high), low: Number(low) });
  }
  assert.equal(bars.length, count);
  return { bars, floats };
}

const BAR_COUNT = 800;
const { bars, floats } = btcBars(BAR_COUNT);
const history = priceHistory(bars);
const floatReturns = floats.slice(1).map((b, i) => Math.log(b.close / (floats[i]?.close ?? NaN)));

function evaluate(source: string, env: Partial<FormulaEnv> = {}): number {
  const result = compiled(source).evaluate({ inputs: {}, history, ...env });
  if (!result.ok) assert.fail(JSON.stringify(result.error));
  return Number(result.value) / 1e18;
}

function assertClose(got: number, expected: number, what: string): void {
  const tolerance = 1e-10 * Math.abs(expected) + 1e-15;
  assert.ok(Math.abs(got - expected) <= tolerance, `${what}: ${got} vs float64 ${expected}`);
}

// Straightforward float64 versions, written independently of the library.
function sampleVariance(xs: readonly number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
}

function lastN<T>(xs: readonly T[], n: number, end = xs.length): T[] {
  return xs.slice(end - n, end);
}

describe('series functions on real BTCUSDT daily history', () => {
  test('returns are ln of close ratios', () => {
    assert.equal(history.returns.length, BAR_COUNT - 1);
    for (const i of [0, 1, 100, 798])
      assertClose(Number(history.returns[i]) / 1e18, floatReturns[i] ?? NaN, `r${i}`);
  });

  test('stdev(window) is the sample standard deviation of the last window returns', () => {
    for (const window of [2, 20, 30, 365, 799 - 1]) {
      assertClose(
        evaluate(`stdev(${window})`),
        Math.sqrt(sampleVariance(lastN(floatReturns, window))),
        `stdev(${window})`,
      );
    }
  });

  test('asOf hides later bars', () => {
    const asOf = 400;
    const expected = Math.sqrt(sampleVariance(lastN(floatReturns, 30, asOf - 1)));
    assertClose(evaluate('stdev(30)', { asOf }), expected, 'stdev(30) asOf 400');
  });

  test('ewmaVol(lambda): RiskMetrics seeded with the sample variance of the first 20 returns', () => {
    for (const lambda of [0.94, 0.97, 0.995]) {
      const returns = lastN(floatReturns, VOL_LOOKBACK_RETURNS);
      let variance = sampleVariance(returns.slice(0, EWMA_SEED_RETURNS));
      for (const r of returns.slice(EWMA_SEED_RETURNS)) variance = lambda * variance + (1 - lambda) * r * r;
      assertClose(evaluate(`ewmaVol(${lambda})`), Math.sqrt(variance), `ewmaVol(${lambda})`);
    }
  });

  test('garchVol: GARCH(1,1) with variance targeting, one day ahead', () => {
    for (const [alpha, beta, source] of [
      [0.1, 0.85, 'garchVol()'],
      [0.05, 0.9, 'garchVol(0.05, 0.9)'],
    ] as const) {
      const returns = lastN(floatReturns, VOL_LOOKBACK_RETURNS);
      const target = sampleVariance(returns);
      const omega = (1 - alpha - beta) * target;
      let variance = target;
      for (const r of returns) variance = omega + alpha * r * r + beta * variance;
      assertClose(evaluate(source), Math.sqrt(variance), source);
    }
  });

  test('parkinsonVol(window)', () => {
    for (const window of [10, 250]) {
      const sum = lastN(floats, window).reduce((a, b) => a + Math.log(b.high / b.low) ** 2, 0);
      assertClose(
        evaluate(`parkinsonVol(${window})`),
        Math.sqrt(sum / (4 * Math.LN2 * window)),
        `parkinsonVol(${window})`,
      );
    }
  });

  test('quantile(window, q): type 7 interpolation', () => {
    for (const [window, q] of [
      [250, 0.01],
      [250, 0.99],
      [100, 0.5],
      [30, 0],
      [30, 1],
    ] as const) {
      const sorted = lastN(floatReturns, window).sort((a, b) => a - b);
      const h = (window - 1) * q;
      const lo = Math.floor(h);
      const expected =
        (sorted[lo] ?? NaN) +
        (h - lo) * ((sorted[Math.min(lo + 1, window - 1)] ?? NaN) - (sorted[lo] ?? NaN));
      assertClose(evaluate(`quantile(${window}, ${q})`), expected, `quantile(${window}, ${q})`);
    }
  });

  test('historyBars and insufficient_history', () => {
    assert.equal(compiled('stdev(30)').historyBars, 31);
    assert.equal(compiled('parkinsonVol(30)').historyBars, 30);
    assert.equal(compiled('max(stdev(10), ewmaVol(0.94))').historyBars, VOL_LOOKBACK_RETURNS + 1);
    assert.equal(compiled('1 + 2').historyBars, 0);
    const formula = compiled('1 + stdev(30)');
    const short = formula.evaluate({ inputs: {}, history, asOf: 30 });
    assert.deepEqual(short, {
      ok: false,
      error: {
        code: 'insufficient_history',
        message: 'stdev: needs 31 price bars, 30 are visible',
        start: 4,
        end: 13,
      },
    });
    assert.ok(formula.evaluate({ inputs: {}, history, asOf: 31 }).ok);
    const bad = formula.evaluate({ inputs: {}, history, asOf: BAR_COUNT + 1 });
    assert.ok(!bad.ok && bad.error.code === 'invalid_env');
  });

  test('windows must be constant integers in range', () => {
    for (const source of [
      'stdev(1)',
      'stdev(2.5)',
      'stdev(1000)',
      'quantile(sigma, 0.5)',
      'parkinsonVol(-3)',
    ]) {
      const result = compileFormula(source);
      assert.ok(!result.ok && result.errors[0]?.code === 'invalid_window', source);
    }
    assert.ok(compileFormula('stdev(10 * 3)').ok);
    const level = compileFormula('quantile(30, 1.5)');
    assert.ok(!level.ok && level.errors[0]?.code === 'invalid_argument');
    const lambda = compileFormula('ewmaVol(tierRate)').ok;
    assert.ok(lambda);
  });

  test('a non-constant scalar argument is checked at evaluation', () => {
    const formula = compiled('ewmaVol(tierRate)');
    const result = formula.evaluate({ inputs: { tierRate: FIXED_ONE }, history });
    assert.ok(!result.ok);
    assert.deepEqual([result.error.code, result.error.start, result.error.end], ['invalid_argument', 8, 16]);
  });

  test('the default formula on real history', () => {
    const result = compileFormula(DEFAULT_FORMULA.source, { parameters: DEFAULT_FORMULA.parameters });
    assert.ok(result.ok);
    const inputs = {
      floor: FIXED_ONE / 100n,
      apcBuffer: FIXED_ONE / 4n,
      confidence: (99n * FIXED_ONE) / 100n,
      mporDays: 2n * FIXED_ONE,
    };
    const value = result.formula.evaluate({ inputs, history });
    assert.ok(value.ok);
    const returns = lastN(floatReturns, VOL_LOOKBACK_RETURNS);
    let variance = sampleVariance(returns.slice(0, EWMA_SEED_RETURNS));
    for (const r of returns.slice(EWMA_SEED_RETURNS)) variance = 0.94 * variance + 0.06 * r * r;
    // The one-year standard deviation floors the EWMA volatility.
    const sigma = Math.max(Math.sqrt(variance), Math.sqrt(sampleVariance(lastN(floatReturns, 365))));
    const expected = Math.max(0.01, 2.3263478740408408 * sigma * Math.SQRT2) * 1.25;
    assertClose(Number(value.value) / 1e18, expected, 'default formula');
  });
});
