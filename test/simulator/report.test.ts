import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError, formatUnits, parseDecimal } from '../../src/numbers/index.js';
import { renderHtmlReport, renderTerminalSummary, reportJson } from '../../src/simulator/report/index.js';
import { formatAmount, groupThousands, percentChange } from '../../src/simulator/report/format.js';
import { axisLabel, downsample, MAX_CHART_POINTS } from '../../src/simulator/report/lineChart.js';
import type { SimulationReport } from '../../src/simulator/report/types.js';
import { buildReport } from './reportFixture.js';

const KINDS = ['price', 'liquidations', 'fund', 'adl'] as const;
const SERIES_KINDS = ['liquidations', 'fund', 'adl'] as const;

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The text of the `<svg data-chart="kind">` element. */
function chartSvg(html: string, kind: string): string {
  const start = html.indexOf(`<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${kind}"`);
  assert.ok(start >= 0, `no ${kind} chart`);
  return html.slice(start, html.indexOf('</svg>', start));
}

describe('renderHtmlReport', () => {
  const report = buildReport();
  const html = renderHtmlReport(report);

  test('is deterministic: the same report, even rebuilt, gives the same bytes', () => {
    assert.equal(renderHtmlReport(report), html);
    assert.equal(renderHtmlReport(buildReport()), html);
  });

  test('is self-contained: no external script, style, font or image, only citation links', () => {
    assert.ok(html.startsWith('<!doctype html>'));
    assert.doesNotMatch(html, /<link|<img|<iframe|@import|url\(|<script[^>]*\ssrc=/i);
    const withoutLinks = html
      .replaceAll('xmlns="http://www.w3.org/2000/svg"', '')
      .replace(/<a href="[^"]*"/g, '<a');
    assert.doesNotMatch(withoutLinks, /https?:/);
  });

  test('draws one chart per kind with an accessible title and description', () => {
    for (const kind of KINDS) {
      assert.equal(count(html, `data-chart="${kind}"`), 1, kind);
      const svg = chartSvg(html, kind);
      assert.match(svg, new RegExp(`role="img" aria-labelledby="chart-${kind}-title chart-${kind}-desc"`));
      assert.match(svg, new RegExp(`<title id="chart-${kind}-title">[^<]+</title>`));
      assert.match(svg, new RegExp(`<desc id="chart-${kind}-desc">[^<]+</desc>`));
      assert.match(svg, />time \(UTC\)</);
    }
  });

  test('draws one line per run in each series chart, and one mark line when every run saw the same marks', () => {
    for (const kind of SERIES_KINDS) {
      const svg = chartSvg(html, kind);
      assert.equal(count(svg, 'data-series='), report.runs.length, kind);
      for (const run of report.runs) {
        const line = new RegExp(`data-series="${run.rulebook}" d="M[0-9.]+ [0-9.]+(L[0-9.]+ [0-9.]+){119}"`);
        assert.match(svg, line, `${kind}/${run.rulebook}`);
      }
    }
    assert.equal(count(chartSvg(html, 'price'), 'data-series="mark"'), 1);
  });

  test('headline states the move, the spread of liquidations, bad debt, ADL and the invariants', () => {
    assert.match(html, /fell to 3,800\.00 \(-51.9%\)/);
    assert.match(
      html,
      /Liquidated notional ranged from [0-9,.]+ USDT \(binance, 62 accounts\) to [0-9,.]+ USDT \(dydx, 124 accounts\)/,
    );
    assert.match(html, /open interest balanced after every one of the 30,003 commands/);
    assert.match(html, /Auto-deleveraging under bybit/);
    assert.match(html, /Liquidations avoided by the policy: <strong>315<\/strong>/);
  });

  test('the totals table has a column per run and every measure', () => {
    const table = html.slice(
      html.indexOf('<table class="totals"'),
      html.indexOf('</table>', html.indexOf('<table class="totals"')),
    );
    for (const label of [
      'Liquidations',
      'Accounts liquidated',
      'Liquidated notional (USDT)',
      'ADL events',
      'ADL notional (USDT)',
      'ADL profit taken (USDT)',
      'Shortfall covered by ADL (USDT)',
      'Insurance fund start (USDT)',
      'Insurance fund end (USDT)',
      'Bad debt (USDT)',
      'Loss borne by insurance fund (USDT)',
      'Loss borne by ADL counterparties (USDT)',
      'Loss borne by venue (USDT)',
    ]) {
      assert.match(
        table,
        new RegExp(
          `<th scope="row">${label.replace(/[()]/g, '\\$&')}</th>(<td class="num[^"]*">[^<]*</td>){3}</tr>`,
        ),
        label,
      );
    }
    assert.match(table, /<td class="num">1,000,000\.00<\/td>/);
  });

  test('escapes hostile names and keeps a javascript: link inert', () => {
    const hostile = buildReport({
      rulebooks: ['<script>alert(1)</script>', 'a"b&c', "o'k"],
      citationTitle: '<img src=x onerror=alert(1)>',
      citationUrl: 'javascript:alert(1)',
    });
    const out = renderHtmlReport(hostile);
    assert.doesNotMatch(out, /<script>alert|<img|href="javascript:/);
    // Our own scripts only: four inert chart-data blocks and the tooltip script.
    assert.equal(count(out, '<script'), 5);
    assert.equal(count(out, '</script>'), 5);
    assert.match(out, /data-series="&#60;script&#62;alert\(1\)&#60;\/script&#62;"/);
    assert.match(out, /data-series="a&#34;b&#38;c"/);
    assert.match(out, /\\u003cscript\\u003ealert\(1\)\\u003c\/script\\u003e/);
  });

  test('one rulebook under several ADL policies gets a line per policy', () => {
    const out = renderHtmlReport(
      buildReport({ rulebooks: ['binance', 'binance'], adlPolicies: ['binance', 'proRata'] }),
    );
    const svg = chartSvg(out, 'adl');
    assert.equal(count(svg, 'data-series="binance/binance"'), 1);
    assert.equal(count(svg, 'data-series="binance/proRata"'), 1);
    assert.match(svg, /data-series="binance\/proRata"[^>]*stroke-dasharray=/);
  });

  test('renders a report without runs, policy or reality', () => {
    const out = renderHtmlReport({ ...buildReport({ withPolicy: false, withReality: false }), runs: [] });
    for (const kind of KINDS) assert.match(chartSvg(out, kind), /no data in this run/);
    assert.doesNotMatch(out, /id="policy"|id="reality"/);
    assert.match(out, /No rulebook was run\./);
  });

  test('marks differing per run (price impact) draw one price line per run', () => {
    const base = buildReport();
    const [first, ...rest] = base.runs;
    assert.ok(first !== undefined);
    const shifted: SimulationReport = {
      ...base,
      runs: [{ ...first, series: first.series.map((p) => ({ ...p, mark: `${p.mark}1` })) }, ...rest],
    };
    assert.equal(count(chartSvg(renderHtmlReport(shifted), 'price'), 'data-series='), 3);
  });
});

describe('renderTerminalSummary', () => {
  const text = renderTerminalSummary(buildReport());

  test('has the headline, an aligned column per run, the policy and the sources', () => {
    assert.match(text, /^BTCUSDT on 2020-03-12: opened at 7,900\.00, fell to 3,800\.00 \(-51.9%\)/);
    const lines = text.split('\n');
    const header = lines.find((line) => /binance\s+bybit\s+dydx$/.test(line));
    assert.ok(header !== undefined, text);
    const table = lines.slice(lines.indexOf(header), lines.indexOf(header) + 18);
    assert.ok(
      table.every((line) => line.length === header.length),
      table.join('\n'),
    );
    assert.match(text, /^Liquidated notional \(USDT\) +[0-9,.]+ +[0-9,.]+ +[0-9,.]+$/m);
    assert.match(text, /fixed leverage: +412 of 1,000 liquidated/);
    assert.match(text, /\[1\] BitMEX: a review of 12-13 March 2020 <https:\/\/blog\.bitmex\.com\/>/);
    assert.ok(text.endsWith('\n'));
  });

  test('control characters in the data cannot rewrite the terminal', () => {
    const out = renderTerminalSummary(buildReport({ rulebooks: ['\u001b[31mred', 'bybit\rx', 'dydx'] }));
    for (let i = 0; i < out.length; i++) {
      const code = out.charCodeAt(i);
      assert.ok(code === 0x0a || code >= 0x20, `control character ${code} at ${i}`);
    }
    assert.match(out, /\?\[31mred/);
  });
});

describe('reportJson', () => {
  test('round-trips and is byte-identical for the same report', () => {
    const report = buildReport();
    const json = reportJson(report);
    assert.deepEqual(JSON.parse(json), report);
    assert.equal(reportJson(buildReport()), json);
    assert.ok(json.startsWith('{\n  "version": 1,\n  "scenario": {\n    "id": "2020-03-12",'));
    assert.ok(json.endsWith('}\n'));
  });

  test('refuses a non-finite number instead of writing null', () => {
    const report = buildReport();
    const broken = { ...report, accounts: Number.NaN };
    assert.throws(() => reportJson(broken), AssertionError);
  });
});

describe('format', () => {
  test('amounts round half-even to cents with thousands separators', () => {
    assert.equal(formatAmount('1234567.555'), '1,234,567.56');
    assert.equal(formatAmount('1234567.565'), '1,234,567.56');
    assert.equal(formatAmount('12'), '12.00');
    assert.equal(formatAmount('-1234.5'), '-1,234.50');
    assert.equal(formatAmount('-0.001'), '0.00');
    assert.equal(formatAmount('999.995'), '1,000.00');
    assert.equal(formatAmount('1234.5678', 0), '1,235');
    assert.equal(percentChange('7900', '3800'), '-51.9%');
    assert.equal(percentChange('100', '100'), '0.0%');
    assert.equal(percentChange('0', '1'), null);
  });

  test('a formatted amount is the value to within half a cent, grouped in threes', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }),
        fc.integer({ min: 0, max: 8 }),
        (units, scale) => {
          const text = formatAmount(formatUnits(units, scale));
          assert.match(text, /^-?\d{1,3}(,\d{3})*\.\d{2}$/);
          const parsed = parseDecimal(text.replaceAll(',', ''));
          assert.ok(parsed.ok);
          // |shown − value| ≤ 0.005, compared at the common scale max(scale, 2).
          const common = Math.max(scale, 2);
          const shown = parsed.value.units * 10n ** BigInt(common - parsed.value.scale);
          const value = units * 10n ** BigInt(common - scale);
          const difference = shown > value ? shown - value : value - shown;
          assert.ok(
            difference * 200n <= 10n ** BigInt(common),
            `${formatUnits(units, scale)} shown as ${text}`,
          );
        },
      ),
    );
  });

  test('groupThousands and axis labels', () => {
    assert.equal(groupThousands('-1234567.891'), '-1,234,567.891');
    assert.equal(groupThousands('123'), '123');
    assert.equal(axisLabel(8000, 1000, 9000), '8,000');
    assert.equal(axisLabel(2.5, 0.5, 3), '2.5');
    assert.equal(axisLabel(0.1 + 0.2, 0.1, 1), '0.3');
    assert.equal(axisLabel(750_000, 250_000, 1_250_000), '0.75M');
    assert.equal(axisLabel(1_500_000, 500_000, 2_000_000), '1.5M');
    assert.equal(axisLabel(2_000_000_000, 500_000_000, 2_000_000_000), '2.0B');
    assert.equal(axisLabel(-0.0000001, 0.25, 1), '0');
    assert.equal(axisLabel(-5000, 2500, 10_000), '-5,000');
  });
});

describe('downsample', () => {
  test('keeps short series whole', () => {
    const points = Array.from({ length: MAX_CHART_POINTS }, (_, i) => ({ value: i }));
    assert.equal(downsample(points), points);
  });

  test('bounds long series and keeps the first, last, lowest and highest points in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), {
          minLength: MAX_CHART_POINTS + 1,
          maxLength: 4 * MAX_CHART_POINTS,
        }),
        (values) => {
          const points = values.map((value, index) => ({ value, index }));
          const kept = downsample(points);
          assert.ok(kept.length <= MAX_CHART_POINTS, `${kept.length}`);
          assert.equal(kept[0], points[0]);
          assert.equal(kept[kept.length - 1], points[points.length - 1]);
          assert.ok(kept.every((p, i) => i === 0 || (kept[i - 1]?.index ?? Infinity) < p.index));
          const values_ = kept.map((p) => p.value);
          assert.equal(Math.min(...values_), Math.min(...values));
          assert.equal(Math.max(...values_), Math.max(...values));
        },
      ),
      { numRuns: 30 },
    );
  });
});
