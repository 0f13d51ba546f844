import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  backtestMargin,
  parseOhlcCsv,
  procyclicality,
  renderBacktestSvg,
  renderBacktestText,
  type BacktestReportContext,
  type MarginBacktest,
} from '../../src/statutory/backtest/index.js';
import { DEFAULT_BACKTEST_DATA_PATH, SIGMA_SOURCE } from '../../src/cli/backtestMargin.js';
import {
  DEFAULT_FORMULA,
  FIXED_ONE,
  FOUNDING_FORMULA,
  priceHistory,
  type CompiledFormula,
  type Fixed,
  type PriceBar,
} from '../../src/statutory/formula/index.js';
import { fixed, compiled as compile } from './helpers.js';

function closesToBars(closes: readonly string[]): PriceBar[] {
  return closes.map((close) => ({ close: fixed(close), high: fixed(close), low: fixed(close) }));
}

function dayDates(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
  );
}

const CONFIDENCE_99 = fixed('0.99');

/** 10 % exactly is not an exceedance (strict >); 12.1000001 / 121 is. */
const SYNTHETIC_CLOSES = ['100', '110', '121', '133.1000001', '100', '100', '95'];

function syntheticBacktest(clamps: { floorRate?: Fixed; capRate?: Fixed } = {}): MarginBacktest {
  return backtestMargin({
    bars: closesToBars(SYNTHETIC_CLOSES),
    dates: dayDates(SYNTHETIC_CLOSES.length),
    formula: compile('0.1'),
    inputs: {},
    confidence: CONFIDENCE_99,
    horizonsDays: [1, 2],
    warmupBars: 0,
    ...clamps,
  });
}

test('a synthetic series with known exceedances, at a constant 10 % rate', () => {
  const [one, two] = syntheticBacktest().horizons;
  assert.ok(one !== undefined && two !== undefined);
  assert.equal(one.observations, 6);
  assert.deepEqual(
    one.points.filter((point) => point.exceeded).map((point) => point.index),
    [2, 3],
  );
  assert.equal(one.exceedances, 2);
  assert.equal(one.exceedanceRate, 2 / 6);
  assert.equal(one.expectedRate, 0.01);
  assert.equal(one.nonOverlapping, null);
  assert.equal(one.points[0]?.move, fixed('0.1'));
  // 2 days: 21 %, 21 %, 17.4 %, 24.9 % exceed, 5 % does not; every other day: t = 0, 2, 4.
  assert.equal(two.observations, 5);
  assert.equal(two.exceedances, 4);
  assert.deepEqual(
    two.nonOverlapping && [two.nonOverlapping.observations, two.nonOverlapping.exceedances],
    [3, 2],
  );
  assert.equal(two.skipped.count, 0);
  // A constant rate: peak-to-trough 1, no increase.
  assert.equal(one.procyclicality?.peakToTroughRatio, FIXED_ONE);
  assert.equal(one.procyclicality.largestIncreaseAbsolute, null);
});

test('a statutory floor raises the tested rate and a cap lowers it', () => {
  const [capped] = syntheticBacktest({ capRate: fixed('0.06') }).horizons;
  assert.deepEqual(
    capped?.points.filter((point) => point.exceeded).map((point) => point.index),
    [0, 1, 2, 3],
  );
  const [one] = syntheticBacktest({ floorRate: fixed('0.2') }).horizons;
  assert.deepEqual(
    one?.points.filter((point) => point.exceeded).map((point) => point.index),
    [3],
  );
  assert.ok(one.points.every((point) => point.rate === fixed('0.2')));
});

test('the intraday-extreme move takes the worst high or low over the horizon', () => {
  const bars: PriceBar[] = [
    { close: fixed('100'), high: fixed('100'), low: fixed('100') },
    { close: fixed('101'), high: fixed('112'), low: fixed('99') },
    { close: fixed('100'), high: fixed('101'), low: fixed('85') },
  ];
  const result = backtestMargin({
    bars,
    dates: dayDates(3),
    formula: compile('0.1'),
    inputs: {},
    confidence: CONFIDENCE_99,
    horizonsDays: [1, 2],
    warmupBars: 0,
    moveBasis: 'extreme',
  });
  assert.deepEqual(
    result.horizons.map((horizon) => horizon.points.map((point) => [point.move, point.exceeded])),
    [
      [
        [fixed('0.12'), true],
        [divideHalfEven(16n, 101n), true],
      ],
      [[fixed('0.15'), true]],
    ],
  );
});

function divideHalfEven(numerator: bigint, denominator: bigint): Fixed {
  const scaled = numerator * FIXED_ONE;
  const quotient = scaled / denominator;
  const remainder = scaled - quotient * denominator;
  return 2n * remainder > denominator || (2n * remainder === denominator && quotient % 2n === 1n)
    ? quotient + 1n
    : quotient;
}

test('days the formula cannot evaluate are skipped and counted by code', () => {
  const closes = Array.from({ length: 40 }, (_, i) => String(100 + (i % 3)));
  const result = backtestMargin({
    bars: closesToBars(closes),
    dates: dayDates(closes.length),
    formula: compile('stdev(20)'),
    inputs: {},
    confidence: CONFIDENCE_99,
    horizonsDays: [1],
    warmupBars: 0,
  });
  const [one] = result.horizons;
  assert.ok(one !== undefined);
  assert.ok(one.skipped.count > 0, 'the first days lack 20 returns');
  assert.equal(one.skipped.byCode.insufficient_history, one.skipped.count);
  assert.equal(one.skipped.first?.index, 0);
  assert.equal(one.skipped.count + one.observations, closes.length - 1);
});

test('procyclicality: extremes, ratio, range, and increases only between consecutive days', () => {
  const figures = procyclicality([
    { index: 0, rate: fixed('0.02') },
    { index: 1, rate: fixed('0.03') },
    { index: 2, rate: fixed('0.025') },
    { index: 4, rate: fixed('0.06') },
    { index: 5, rate: fixed('0.05') },
  ]);
  assert.deepEqual(figures, {
    min: { index: 0, value: fixed('0.02') },
    max: { index: 4, value: fixed('0.06') },
    range: fixed('0.04'),
    peakToTroughRatio: fixed('3'),
    largestIncreaseAbsolute: { index: 1, value: fixed('0.01') },
    largestIncreaseRelative: { index: 1, value: fixed('0.5') },
  });
  assert.equal(procyclicality([]), null);
});

const BTC = (() => {
  const parsed = parseOhlcCsv(readFileSync(DEFAULT_BACKTEST_DATA_PATH, 'utf8'));
  assert.ok(parsed.ok);
  return parsed.value;
})();

function defaultParameters(): Record<string, Fixed> {
  return Object.fromEntries(
    Object.entries(DEFAULT_FORMULA.defaults).map(([name, value]) => [name, fixed(value)]),
  );
}

test('no look-ahead: the rate of day t is unchanged by any change to the prices after day t', () => {
  const defaultFormula = compile(DEFAULT_FORMULA.source, DEFAULT_FORMULA.parameters);
  const founding = compile(FOUNDING_FORMULA.source, FOUNDING_FORMULA.parameters);
  const sigmaFormula = compile(SIGMA_SOURCE);
  // ewmaVol reads a year of returns (366 bars): test days from 365 on, within the first 700 days.
  const bars = BTC.bars.slice(0, 700);
  const dates = BTC.dates.slice(0, 700);
  const rateOn = (
    formula: CompiledFormula,
    inputs: Record<string, Fixed>,
    series: readonly PriceBar[],
    t: number,
  ) => {
    const result = backtestMargin({
      bars: series,
      dates,
      formula,
      inputs,
      confidence: CONFIDENCE_99,
      horizonsDays: [1],
      warmupBars: 0,
      firstIndex: t,
      lastIndex: t,
      sigmaFormula,
    });
    return result.horizons[0]?.points[0]?.rate;
  };
  const foundingInputs = {
    ...Object.fromEntries(
      Object.entries(FOUNDING_FORMULA.defaults).map(([name, value]) => [name, fixed(value)]),
    ),
    ltv: fixed('0.9'),
    leverage: fixed('10'),
  };
  fc.assert(
    fc.property(
      fc.integer({ min: defaultFormula.historyBars - 1, max: 690 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 9 }),
      (t, factors) => {
        // Scale every later bar by a random factor (0.01x to 4x): a crash or a rally after day t.
        const changed = bars.map((bar, i) => {
          if (i <= t) return bar;
          const factor = BigInt(factors[i % factors.length] ?? 1);
          return {
            close: (bar.close * factor) / 100n,
            high: (bar.high * factor) / 100n,
            low: (bar.low * factor) / 100n,
          };
        });
        for (const [formula, inputs] of [
          [defaultFormula, defaultParameters()],
          [founding, foundingInputs],
        ] as const) {
          const original = rateOn(formula, inputs, bars, t);
          assert.ok(original !== undefined, `a rate on day ${t}`);
          assert.equal(rateOn(formula, inputs, changed, t), original);
        }
      },
    ),
    { numRuns: 25 },
  );
  // And the rate equals the formula evaluated on the history cut after day t.
  const t = 500;
  const direct = defaultFormula.evaluate({
    inputs: {
      ...defaultParameters(),
      confidence: CONFIDENCE_99,
      mporDays: FIXED_ONE,
      mark: bars[t]?.close ?? 0n,
      index: bars[t]?.close ?? 0n,
    },
    history: priceHistory(bars.slice(0, t + 1)),
  });
  assert.ok(direct.ok);
  assert.equal(rateOn(defaultFormula, defaultParameters(), bars, t), direct.value);
});

test('SVG chart: well-formed, one rate point per tested day, one marker per exceedance', () => {
  const result = syntheticBacktest();
  const context: BacktestReportContext = {
    dates: dayDates(SYNTHETIC_CLOSES.length),
    dataLabel: 'synthetic <test> & data',
    formulaName: 'custom',
    formulaSource: '0.1',
    parameters: {},
  };
  const svg = renderBacktestSvg(result, context);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  assertBalancedTags(svg);
  assert.ok(svg.includes('synthetic &#60;test&#62; &#38; data'), 'text is escaped');
  const polylines = [...svg.matchAll(/<polyline class="rate" points="([^"]*)"/g)].map(
    (match) => match[1] ?? '',
  );
  assert.equal(polylines.length, 2, 'one unbroken rate line per horizon');
  assert.deepEqual(
    polylines.map((points) => points.split(' ').length),
    result.horizons.map((horizon) => horizon.observations),
  );
  assert.equal([...svg.matchAll(/<circle class="exceedance"/g)].length, 2 + 4);
  assert.match(svg, /<path class="moves" d="M/);
  for (const label of ['margin rate', 'exceedance', '2020-01-01']) assert.ok(svg.includes(label), label);
  const text = renderBacktestText(result, context);
  assert.match(text, /1 day\s+every day\s+6\s+2\s+33\.33 %\s+1\.00 %\s+66\.67 %/);
});

/** Every opening tag is closed in order (self-closing tags aside); no text outside the root. */
function assertBalancedTags(xml: string): void {
  const stack: string[] = [];
  for (const match of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name = '', selfClosing] = match;
    if (selfClosing === '/') continue;
    if (closing === '/') assert.equal(stack.pop(), name, `</${name}> closes the wrong tag`);
    else stack.push(name);
  }
  assert.deepEqual(stack, [], 'unclosed tags');
  assert.doesNotMatch(xml.replace(/<[^>]*>/g, '').replace(/[^<>]/g, ''), /[<>]/, 'stray angle brackets');
}
