import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_BACKTEST_DATA_PATH, runBacktestMargin } from '../../src/cli/backtestMargin.js';

/** A decimal string as an integer at `scale` digits (test-only, independent of the Fixed parser). */
function scaled(text: string, scale: number): bigint {
  const [whole = '', fraction = ''] = text.split('.');
  assert.ok(fraction.length <= scale, `${text} has more than ${scale} decimals`);
  return BigInt(`${whole}${fraction.padEnd(scale, '0')}`);
}

interface JsonHorizon {
  horizonDays: number;
  observations: number;
  exceedances: number;
  coverage: number;
  kupiec: { lr: number; pValue: number };
  nonOverlapping: { observations: number; exceedances: number } | null;
  series: [string, string, string, boolean][];
}

test('the default formula on the bundled BTC history at 99 %, 1 and 2 days: coverage stated, counts recounted', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bulwark-backtest-'));
  try {
    const chart = join(directory, 'chart.svg');
    const text = runBacktestMargin({ chart });
    assert.equal(text.exitCode, 0, text.output);
    const json = runBacktestMargin({ json: true, series: true });
    assert.equal(json.exitCode, 0, json.output);
    const report = JSON.parse(json.output) as { confidence: string; horizons: JsonHorizon[] };
    assert.equal(report.confidence, '0.99');
    assert.deepEqual(
      report.horizons.map((horizon) => horizon.horizonDays),
      [1, 2],
    );

    // Independent recount: closes straight from the CSV text, rates from the returned series, exact integers.
    const closeByDate = new Map<string, bigint>();
    for (const line of readFileSync(DEFAULT_BACKTEST_DATA_PATH, 'utf8').trim().split('\n').slice(1)) {
      const cells = line.split(',');
      closeByDate.set(cells[0] ?? '', scaled(cells[4] ?? '', 8));
    }
    const dates = [...closeByDate.keys()];
    for (const horizon of report.horizons) {
      let exceedances = 0;
      for (const [date, rate] of horizon.series) {
        const start = closeByDate.get(date);
        const end = closeByDate.get(dates[dates.indexOf(date) + horizon.horizonDays] ?? '');
        assert.ok(start !== undefined && end !== undefined, date);
        const change = end > start ? end - start : start - end;
        if (change * 10n ** 18n > scaled(rate, 18) * start) exceedances++;
      }
      assert.equal(horizon.series.length, horizon.observations);
      assert.equal(exceedances, horizon.exceedances, `${horizon.horizonDays}-day exceedances`);
      assert.equal(
        horizon.series.filter((point) => point[3]).length,
        exceedances,
        'the exceeded flags agree with the recount',
      );
      assert.ok(horizon.observations > 2800, 'eight years of days are tested (the first year feeds ewmaVol)');
      assert.equal(horizon.coverage, 1 - horizon.exceedances / horizon.observations);
      // The text report states the coverage of both horizons with the same figures.
      const label = horizon.horizonDays === 1 ? '1 day ' : '2 days';
      const row = new RegExp(
        `${label}\\s+every day[^\\n]*?\\s${horizon.observations}\\s+${horizon.exceedances}\\s+[\\d.]+ %\\s+1\\.00 %\\s+${(horizon.coverage * 100).toFixed(2)} %`,
      );
      assert.match(text.output, row);
    }
    assert.match(text.output, /overlap/);
    assert.match(text.output, /Procyclicality/);
    const svg = readFileSync(chart, 'utf8');
    assert.ok(svg.startsWith('<svg'));
    assert.equal(
      [...svg.matchAll(/<circle class="exceedance"/g)].length,
      report.horizons.reduce((sum, horizon) => sum + horizon.exceedances, 0),
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('invalid options exit 2 with a message naming the option', () => {
  const cases: [Parameters<typeof runBacktestMargin>[0], RegExp][] = [
    [{ data: '/nonexistent/prices.csv' }, /--data: \/nonexistent\/prices\.csv: no such file/],
    [{ formula: 'sigma * 2 +' }, /--formula: .*\n {4}sigma \* 2 \+\n {4} *\^/],
    [{ formula: 'unknownName * 2' }, /--formula: /],
    [{ confidence: '1.5' }, /--confidence: "1\.5" is not a number in \(0, 1\)/],
    [{ confidence: 'abc' }, /--confidence/],
    [{ horizons: '1,x' }, /--horizons: "x" is not a whole number/],
    [{ horizons: '1,1' }, /--horizons: 1,1 repeats a horizon/],
    [{ horizons: '0' }, /--horizons: 0 is not in \[1, 30\]/],
    [{ param: 'alpha' }, /--param: "alpha" is not name=value/],
    [{ param: 'alpha=x' }, /--param: alpha="x" is not a number/],
    [{ formula: 'founding' }, /--input: the formula reads (leverage|ltv)/],
    [{ input: 'volume=3' }, /--input: volume is not a standard input/],
    [{ input: 'mporDays=3' }, /--input: mporDays is set by the backtest/],
    [{ from: '2020-13-01' }, /--from: "2020-13-01" is not a date/],
    [{ from: '2021-01-01', to: '2020-01-01' }, /--from 2021-01-01 is after --to 2020-01-01/],
    [{ from: '2030-01-01' }, /--from\/--to: no bars/],
    [{ warmup: '-1' }, /--warmup/],
    [{ move: 'open' }, /--move: "open" is neither close nor extreme/],
    [{ profile: 'no-such-profile' }, /--profile: no profile "no-such-profile"/],
    [{ chart: '/nonexistent/dir/chart.svg', from: '2025-01-01' }, /--chart: cannot write/],
  ];
  for (const [options, message] of cases) {
    const outcome = runBacktestMargin(options);
    assert.equal(outcome.exitCode, 2, `${JSON.stringify(options)} → ${outcome.output}`);
    assert.match(outcome.output, message, JSON.stringify(options));
  }
});

test('the founding formula runs with a leverage input (sigma computed each day), over a date range', () => {
  const outcome = runBacktestMargin({
    formula: 'founding',
    input: 'leverage=10',
    from: '2024-01-01',
    to: '2024-12-31',
    horizons: '1',
    json: true,
  });
  assert.equal(outcome.exitCode, 0, outcome.output);
  const report = JSON.parse(outcome.output) as { horizons: JsonHorizon[] };
  assert.equal(report.horizons[0]?.observations, 366);
});

test("a profile's statutory floor applies to every tested rate and is named in the report", () => {
  const outcome = runBacktestMargin({
    profile: 'eu-esma-retail',
    horizons: '1',
    from: '2020-03-01',
    to: '2020-03-31',
    json: true,
    series: true,
  });
  assert.equal(outcome.exitCode, 0, outcome.output);
  const report = JSON.parse(outcome.output) as {
    floorRate: string;
    profile: string;
    horizons: JsonHorizon[];
  };
  assert.equal(report.floorRate, '0.5');
  assert.match(report.profile, /^eu-esma-retail v\d+ /);
  const series = report.horizons[0]?.series ?? [];
  assert.equal(series.length, 31);
  // Even the 2020-03-12 crash (−39 %) stays inside a 50 % rate.
  assert.ok(series.every(([, rate, , exceeded]) => rate === '0.5' && !exceeded));
});
