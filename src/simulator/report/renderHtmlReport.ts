import {
  compareAmounts,
  escapeHtml,
  formatAmount,
  formatCount,
  formatUtcClock,
  formatUtcMinute,
  plotValue,
  quoteAsset,
} from './format.js';
import { renderLineChart, type ChartLine, type ChartMarker } from './lineChart.js';
import { runStyles, type RunStyle } from './runStyles.js';
import { totalsRows, whatHappened } from './summary.js';
import type { SeriesPoint, SimulationReport } from './types.js';

/** The price line when every run saw the same marks (no price-impact feedback). */
const MARK_KEY = 'mark';
const MARK_COLOR = '#222222';

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1b1f24; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; border-bottom: 1px solid #d8dce1; padding-bottom: 4px; }
.subtitle { color: #59636e; margin: 0 0 16px; }
.headline { background: #ffffff; border: 1px solid #d8dce1; border-left: 4px solid #1f5fbf; border-radius: 6px; padding: 12px 18px; }
.headline p { margin: 6px 0; }
.headline .alert, td.alert { color: #b3261e; font-weight: 600; }
figure { margin: 18px 0; background: #ffffff; border: 1px solid #d8dce1; border-radius: 6px; padding: 10px 10px 4px; }
figcaption { font-weight: 600; margin: 0 0 4px 6px; }
figcaption span { font-weight: 400; color: #59636e; }
svg.chart { display: block; width: 100%; height: auto; font-size: 12px; font-family: inherit; }
svg.chart .tick, svg.chart .unit, svg.chart .axis-title { fill: #454d57; }
svg.chart .unit, svg.chart .axis-title { font-weight: 600; }
svg.chart .legend-text { fill: #1b1f24; }
svg.chart .marker-text { fill: #1b1f24; font-weight: 600; }
svg.chart .empty { fill: #59636e; font-size: 16px; }
table { border-collapse: collapse; background: #ffffff; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d8dce1; padding: 5px 9px; }
th { background: #eef1f4; text-align: left; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.swatch { display: inline-block; width: 14px; height: 4px; border-radius: 2px; vertical-align: middle; margin-right: 6px; }
.citations li { margin: 6px 0; }
.citations .states { color: #454d57; }
code { font-size: 13px; }
footer { margin-top: 40px; color: #59636e; font-size: 13px; }
#tooltip { position: absolute; pointer-events: none; background: rgba(27, 31, 36, 0.92); color: #ffffff; padding: 6px 9px; border-radius: 4px; font-size: 12px; line-height: 1.45; white-space: nowrap; display: none; z-index: 10; }
#tooltip .row { display: flex; align-items: center; gap: 6px; }
#tooltip .dot { width: 9px; height: 9px; border-radius: 50%; display: inline-block; }
`;

/**
 * Hover tooltips: the nearest minute's values of every line under the pointer. Data come from each chart's
 * JSON block and reach the page through textContent only (never parsed as markup).
 */
const SCRIPT = `
(function () {
  var tip = document.getElementById('tooltip');
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function when(ms) {
    var d = new Date(ms);
    return d.toISOString().slice(0, 10) + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
  }
  function nearest(list, m) {
    var lo = 0, hi = list.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (list[mid] < m) lo = mid; else hi = mid; }
    return Math.abs(list[lo] - m) <= Math.abs(list[hi] - m) ? lo : hi;
  }
  function hide() { tip.style.display = 'none'; }
  document.querySelectorAll('script.chart-data').forEach(function (node) {
    var data = JSON.parse(node.textContent);
    var svg = document.querySelector('svg[data-chart="' + data.kind + '"]');
    if (!svg) return;
    var hit = svg.querySelector('rect.hit');
    var guide = svg.querySelector('line.guide');
    var left = Number(svg.getAttribute('data-plot-left'));
    var right = Number(svg.getAttribute('data-plot-right'));
    var span = (data.x1 - data.x0) / 60000;
    hit.addEventListener('mousemove', function (event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      var local = point.matrixTransform(svg.getScreenCTM().inverse());
      var minute = ((local.x - left) / (right - left)) * span;
      var lines = data.lines.filter(function (line) { return line.minutes.length > 0; });
      if (lines.length === 0) return;
      var at = lines[0].minutes[nearest(lines[0].minutes, minute)];
      var x = left + (at / span) * (right - left);
      guide.setAttribute('x1', String(x));
      guide.setAttribute('x2', String(x));
      guide.setAttribute('visibility', 'visible');
      tip.textContent = '';
      var head = document.createElement('div');
      head.textContent = when(data.x0 + at * 60000);
      tip.appendChild(head);
      lines.forEach(function (line) {
        var i = nearest(line.minutes, at);
        var row = document.createElement('div');
        row.className = 'row';
        var dot = document.createElement('span');
        dot.className = 'dot';
        dot.style.background = line.color;
        var text = document.createElement('span');
        text.textContent = line.key + ': ' + line.values[i].toLocaleString('en-US', { maximumFractionDigits: 2 }) + ' ' + data.unit;
        row.appendChild(dot);
        row.appendChild(text);
        tip.appendChild(row);
      });
      tip.style.display = 'block';
      var x0 = event.pageX + 14;
      if (x0 + tip.offsetWidth > document.documentElement.scrollWidth) x0 = event.pageX - 14 - tip.offsetWidth;
      tip.style.left = x0 + 'px';
      tip.style.top = event.pageY + 14 + 'px';
    });
    hit.addEventListener('mouseleave', function () { guide.setAttribute('visibility', 'hidden'); hide(); });
  });
})();
`;

function runLines(
  report: SimulationReport,
  styles: readonly RunStyle[],
  value: (point: SeriesPoint) => number,
): ChartLine[] {
  return report.runs.map((run, r) => ({
    key: styles[r]?.key ?? run.rulebook,
    color: styles[r]?.color ?? MARK_COLOR,
    dash: styles[r]?.dash ?? null,
    points: run.series.map((point) => ({ timeMs: point.timeMs, value: value(point) })),
  }));
}

/** One mark line when every run saw the same marks, else one per run (price impact made them differ). */
function priceLines(report: SimulationReport, styles: readonly RunStyle[]): ChartLine[] {
  const first = report.runs[0];
  if (first === undefined) return [];
  const same = report.runs.every(
    (run) =>
      run.series.length === first.series.length &&
      run.series.every((p, i) => {
        const q = first.series[i];
        return p.timeMs === q?.timeMs && p.mark === q.mark;
      }),
  );
  if (!same) return runLines(report, styles, (point) => plotValue(point.mark));
  return [
    {
      key: MARK_KEY,
      color: MARK_COLOR,
      dash: null,
      points: first.series.map((point) => ({ timeMs: point.timeMs, value: plotValue(point.mark) })),
    },
  ];
}

function lowMarker(report: SimulationReport): ChartMarker | null {
  let low: SeriesPoint | undefined;
  for (const point of report.runs[0]?.series ?? []) {
    if (low === undefined || compareAmounts(point.mark, low.mark) < 0) low = point;
  }
  if (low === undefined) return null;
  return {
    timeMs: low.timeMs,
    value: plotValue(low.mark),
    label: `low ${formatAmount(low.mark)} at ${formatUtcClock(low.timeMs)} UTC`,
  };
}

function lastValues(
  report: SimulationReport,
  styles: readonly RunStyle[],
  pick: (p: SeriesPoint) => string,
): string {
  const parts = report.runs.map((run, r) => {
    const last = run.series[run.series.length - 1];
    return `${styles[r]?.key ?? run.rulebook} ${last === undefined ? 'no data' : pick(last)}`;
  });
  return parts.length === 0 ? 'no runs' : parts.join('; ');
}

function charts(report: SimulationReport, styles: readonly RunStyle[]): string {
  const asset = quoteAsset(report.scenario.symbol);
  const window = `${formatUtcMinute(report.scenario.fromMs)} to ${formatUtcMinute(report.scenario.toMs)}`;
  const figure = (caption: string, note: string, svg: string): string =>
    `<figure>\n<figcaption>${escapeHtml(caption)} <span>${escapeHtml(note)}</span></figcaption>\n${svg}\n</figure>`;
  const marker = lowMarker(report);
  return [
    figure(
      'Mark price',
      `(${asset}, per minute)`,
      renderLineChart({
        kind: 'price',
        title: `${report.scenario.symbol} mark price, ${window}`,
        description: `Mark price in ${asset} each minute from ${window}.${marker === null ? '' : ` Lowest: ${marker.label}.`}`,
        unit: asset,
        lines: priceLines(report, styles),
        yFromZero: false,
        integerTicks: false,
        marker,
      }),
    ),
    figure(
      'Cumulative liquidated notional',
      `(${asset} closed by liquidation, at fill prices)`,
      renderLineChart({
        kind: 'liquidations',
        title: `Cumulative liquidated notional per rulebook, ${window}`,
        description: `Notional in ${asset} closed by liquidation up to each minute, one line per run. At the end: ${lastValues(report, styles, (p) => `${formatAmount(p.liquidatedNotional)} ${asset}`)}.`,
        unit: asset,
        lines: runLines(report, styles, (point) => plotValue(point.liquidatedNotional)),
        yFromZero: true,
        integerTicks: false,
        marker: null,
      }),
    ),
    figure(
      'Insurance fund',
      `(${asset} balance)`,
      renderLineChart({
        kind: 'fund',
        title: `Insurance fund balance per rulebook, ${window}`,
        description: `Insurance fund balance in ${asset} each minute, one line per run. At the end: ${lastValues(report, styles, (p) => `${formatAmount(p.insuranceFund)} ${asset}`)}.`,
        unit: asset,
        lines: runLines(report, styles, (point) => plotValue(point.insuranceFund)),
        yFromZero: true,
        integerTicks: false,
        marker: null,
      }),
    ),
    figure(
      'Auto-deleveraging',
      '(cumulative ADL fills)',
      renderLineChart({
        kind: 'adl',
        title: `Cumulative ADL fills per rulebook, ${window}`,
        description: `Number of auto-deleveraging fills up to each minute, one line per run. At the end: ${lastValues(report, styles, (p) => `${formatCount(p.adlCount)} fills`)}.`,
        unit: 'ADL fills',
        lines: runLines(report, styles, (point) => point.adlCount),
        yFromZero: true,
        integerTicks: true,
        marker: null,
      }),
    ),
  ].join('\n');
}

function swatch(style: RunStyle | undefined): string {
  return style === undefined
    ? ''
    : `<span class="swatch" style="background:${escapeHtml(style.color)}"></span>`;
}

function totalsTable(report: SimulationReport, styles: readonly RunStyle[]): string {
  const head = report.runs
    .map(
      (run, r) =>
        `<th class="num" scope="col">${swatch(styles[r])}${escapeHtml(styles[r]?.key ?? run.rulebook)}</th>`,
    )
    .join('');
  const body = totalsRows(report).map(
    (row) =>
      `<tr><th scope="row">${escapeHtml(row.label)}</th>${row.cells
        .map((cell, c) => `<td class="num${row.alert[c] === true ? ' alert' : ''}">${escapeHtml(cell)}</td>`)
        .join('')}</tr>`,
  );
  return [
    '<table class="totals" data-table="totals">',
    `<thead><tr><th scope="col">Measure</th>${head}</tr></thead>`,
    '<tbody>',
    ...body,
    '</tbody>',
    '</table>',
  ].join('\n');
}

function policySection(report: SimulationReport): string {
  const { policy } = report;
  if (policy === null) return '';
  const asset = quoteAsset(report.scenario.symbol);
  const cost = compareAmounts(policy.adaptive.cost, '0');
  return [
    '<section id="policy">',
    '<h2>Investor-side policy</h2>',
    `<p>${escapeHtml(policy.description)}</p>`,
    '<table class="policy" data-table="policy">',
    `<thead><tr><th scope="col">Trader</th><th class="num" scope="col">Traders</th><th class="num" scope="col">Liquidated</th><th class="num" scope="col">Margin lost (${escapeHtml(asset)})</th><th class="num" scope="col">Cost of the policy (${escapeHtml(asset)})</th></tr></thead>`,
    '<tbody>',
    `<tr><th scope="row">Fixed leverage</th><td class="num">${formatCount(policy.fixed.traders)}</td><td class="num">${formatCount(policy.fixed.liquidated)}</td><td class="num">${escapeHtml(formatAmount(policy.fixed.lossOfMargin))}</td><td class="num">—</td></tr>`,
    `<tr><th scope="row">Lower leverage as volatility rises</th><td class="num">${formatCount(policy.adaptive.traders)}</td><td class="num">${formatCount(policy.adaptive.liquidated)}</td><td class="num">${escapeHtml(formatAmount(policy.adaptive.lossOfMargin))}</td><td class="num">${escapeHtml(formatAmount(policy.adaptive.cost))}</td></tr>`,
    '</tbody>',
    '</table>',
    `<p>Liquidations avoided by the policy: <strong>${formatCount(policy.fixed.liquidated - policy.adaptive.liquidated)}</strong>. ` +
      `${cost < 0 ? 'A negative cost means the policy earned more than fixed leverage.' : 'The cost is the profit forgone by holding less exposure.'}</p>`,
    '</section>',
  ].join('\n');
}

/** Only web links become anchors: a `javascript:` or `data:` URL from the data stays inert text. */
function link(url: string, text: string): string {
  return /^https?:\/\//i.test(url)
    ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(text)}</a>`
    : `${escapeHtml(text)} (<code>${escapeHtml(url)}</code>)`;
}

function realitySection(report: SimulationReport): string {
  const { reality } = report;
  if (reality === null) return '';
  return [
    '<section id="reality">',
    '<h2>Reality check</h2>',
    '<ul>',
    ...reality.statements.map((statement) => `<li>${escapeHtml(statement)}</li>`),
    '</ul>',
    '<h3>Sources</h3>',
    '<ol class="citations">',
    ...reality.citations.map(
      (citation) =>
        `<li>${link(citation.url, citation.title)}<br><span class="states">${escapeHtml(citation.states)}</span></li>`,
    ),
    '</ol>',
    '</section>',
  ].join('\n');
}

function parametersSection(report: SimulationReport): string {
  const { scenario } = report;
  const asset = quoteAsset(scenario.symbol);
  const rows: [string, string][] = [
    ['Scenario', scenario.id],
    ['Symbol', scenario.symbol],
    ['Window', `${formatUtcMinute(scenario.fromMs)} to ${formatUtcMinute(scenario.toMs)}`],
    ['Minutes', formatCount(scenario.minutes)],
    [
      `Open / low / close (${asset})`,
      `${formatAmount(scenario.open)} / ${formatAmount(scenario.low)} / ${formatAmount(scenario.close)}`,
    ],
    ['Candles', scenario.source],
    ['Seed', String(report.seed)],
    ['Accounts', formatCount(report.accounts)],
  ];
  const population = Object.entries(report.population).map(
    ([key, value]) =>
      `<tr><th scope="row"><code>${escapeHtml(key)}</code></th><td>${escapeHtml(typeof value === 'number' ? String(value) : value)}</td></tr>`,
  );
  return [
    '<section id="parameters">',
    '<h2>Scenario and population</h2>',
    '<table class="parameters" data-table="parameters">',
    '<tbody>',
    ...rows.map(
      ([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    ),
    '</tbody>',
    '</table>',
    ...(population.length === 0
      ? []
      : [
          '<h3>Population parameters</h3>',
          '<table class="population" data-table="population">',
          '<tbody>',
          ...population,
          '</tbody>',
          '</table>',
        ]),
    '</section>',
  ].join('\n');
}

/**
 * The simulation report as one self-contained HTML file: headline, the four charts (mark price, liquidated
 * notional, insurance fund, ADL) as inline SVG, the runs' totals, the investor policy and the reality check
 * when present, and the parameters. No external resource; a small inline script adds hover tooltips only.
 * Every text from the data is escaped. Deterministic: the same report gives the same bytes.
 */
export function renderHtmlReport(report: SimulationReport): string {
  const styles = runStyles(report.runs);
  const { scenario } = report;
  const title = `Bulwark crash replay: ${scenario.symbol} ${scenario.id}`;
  const headline = whatHappened(report, styles).map(
    (sentence) =>
      `<p${sentence.startsWith('INVARIANT VIOLATIONS') ? ' class="alert"' : ''}>${escapeHtml(sentence)}</p>`,
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="subtitle">${escapeHtml(
      `${formatCount(report.runs.length)} ${report.runs.length === 1 ? 'run' : 'runs'}, ${formatCount(report.accounts)} accounts, seed ${report.seed}. Times are UTC; money in ${quoteAsset(scenario.symbol)}.`,
    )}</p>`,
    '<section class="headline" id="what-happened">',
    '<h2 hidden>What happened</h2>',
    ...headline,
    '</section>',
    '<section id="charts">',
    '<h2>Over the window</h2>',
    charts(report, styles),
    '</section>',
    '<section id="totals">',
    '<h2>Rulebooks compared</h2>',
    totalsTable(report, styles),
    '</section>',
    policySection(report),
    realitySection(report),
    parametersSection(report),
    `<footer>Generated by Bulwark from a seeded simulation (report format version ${report.version}). The same seed and parameters give this file byte for byte.</footer>`,
    '</main>',
    '<div id="tooltip" role="status" aria-live="polite"></div>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
