import { escapeHtml, formatUtcClock, groupThousands } from './format.js';

/** The four time-series charts of a simulation report. */
export type ChartKind = 'price' | 'liquidations' | 'fund' | 'adl';

/** One line of a chart: values over time (ms since the epoch), already converted for plotting. */
export interface ChartLine {
  /** Written to `data-series`, and the legend's text. */
  readonly key: string;
  readonly color: string;
  readonly dash: string | null;
  readonly points: readonly { readonly timeMs: number; readonly value: number }[];
}

/** A point to call out on the chart (the price chart's low). */
export interface ChartMarker {
  readonly timeMs: number;
  readonly value: number;
  readonly label: string;
}

export interface LineChartSpec {
  readonly kind: ChartKind;
  readonly title: string;
  /** Read by screen readers: what the chart shows and where it ends. */
  readonly description: string;
  /** The y axis's unit, written above it (`USDT`, `fills`). */
  readonly unit: string;
  readonly lines: readonly ChartLine[];
  /** Cumulative quantities and balances start their axis at zero; prices zoom to their range. */
  readonly yFromZero: boolean;
  /** Counts: ticks on whole numbers only. */
  readonly integerTicks: boolean;
  readonly marker: ChartMarker | null;
}

/** Chart geometry in SVG user units (CSS pixels at 100 %). */
const WIDTH = 960;
const HEIGHT = 340;
const MARGIN_LEFT = 76;
const MARGIN_RIGHT = 20;
const MARGIN_BOTTOM = 52;
const LEGEND_TOP = 18;
const LEGEND_ROW_HEIGHT = 20;
/** Space between the legend and the plot (the unit label sits there). */
const LEGEND_GAP = 30;
/** Approximate width of a legend character at 12 px, for wrapping the legend. */
const LEGEND_CHAR_WIDTH = 7;
const LEGEND_SWATCH_WIDTH = 34;
/** Y ticks aimed for, and the most time ticks. */
const TARGET_Y_TICKS = 5;
const MAX_X_TICKS = 8;
/**
 * Most points drawn per line (a 1,197-minute window draws whole); longer series keep each bucket's minimum
 * and maximum, so a crash's low survives.
 */
export const MAX_CHART_POINTS = 2400;
/** Time-tick spacings tried, in minutes. */
const TIME_STEPS_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 10080];
const MINUTE_MS = 60_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function coordinate(value: number): string {
  return value.toFixed(1);
}

/** Keeps at most about `MAX_CHART_POINTS` points: the first, the last, and each bucket's min and max. */
export function downsample<T extends { readonly value: number }>(points: readonly T[]): readonly T[] {
  if (points.length <= MAX_CHART_POINTS) return points;
  const bucketSize = Math.ceil(points.length / Math.floor((MAX_CHART_POINTS - 2) / 2));
  const kept = new Set<number>([0, points.length - 1]);
  for (let start = 0; start < points.length; start += bucketSize) {
    let low = start;
    let high = start;
    const end = Math.min(points.length, start + bucketSize);
    for (let i = start + 1; i < end; i++) {
      if ((points[i]?.value ?? 0) < (points[low]?.value ?? 0)) low = i;
      if ((points[i]?.value ?? 0) > (points[high]?.value ?? 0)) high = i;
    }
    kept.add(low).add(high);
  }
  return [...kept].sort((a, b) => a - b).flatMap((i) => points[i] ?? []);
}

/** Decimals needed to print multiples of `step` exactly (2.5 → 1, 0.25 → 2). */
function decimalsFor(step: number): number {
  return [0, 1, 2, 3, 4, 5, 6].find((d) => Math.abs(step * 10 ** d - Math.round(step * 10 ** d)) < 1e-6) ?? 6;
}

/**
 * A y-axis label: grouped digits on axes below a million, else every label in M (or B) with the decimals the
 * step needs, so one axis never mixes `750,000` with `1.00M`. Zero is always `0`.
 */
export function axisLabel(value: number, step: number, axisMax: number): string {
  if (Math.abs(value) < Math.abs(step) / 1e6) return '0';
  for (const [size, suffix] of [
    [1e9, 'B'],
    [1e6, 'M'],
  ] as const) {
    if (axisMax >= size) return groupThousands((value / size).toFixed(decimalsFor(step / size))) + suffix;
  }
  return groupThousands(value.toFixed(decimalsFor(step)));
}

/** A round step (1, 2, 2.5 or 5 × 10^k) giving about `TARGET_Y_TICKS` ticks over `span`. */
function niceStep(span: number, integer: boolean): number {
  const raw = span / TARGET_Y_TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
  return integer ? Math.max(1, Math.round(step)) : step;
}

interface Domain {
  readonly low: number;
  readonly high: number;
  readonly step: number;
}

/** Smallest and largest of many values (a loop: spreading tens of thousands of arguments can overflow the stack). */
function extent(values: readonly number[]): { readonly min: number; readonly max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}

function yDomain(values: readonly number[], fromZero: boolean, integer: boolean): Domain {
  let { min: low, max: high } = extent(values);
  if (fromZero) {
    low = Math.min(0, low);
    high = Math.max(0, high);
  } else {
    const pad = (high - low) * 0.05;
    low -= pad;
    high += pad;
  }
  if (high - low <= 0) high = low + (integer ? TARGET_Y_TICKS : Math.max(1, Math.abs(low) * 0.1));
  const step = niceStep(high - low, integer);
  return { low: Math.floor(low / step) * step, high: Math.ceil(high / step) * step, step };
}

function monthDay(timeMs: number): string {
  const date = new Date(timeMs);
  return `${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCDate()}`;
}

/** Time ticks on round UTC minutes, hours or days, at most `MAX_X_TICKS`. */
function timeTicks(fromMs: number, toMs: number): { timeMs: number; clock: string; day: string }[] {
  const spanMinutes = (toMs - fromMs) / MINUTE_MS;
  const stepMinutes =
    TIME_STEPS_MINUTES.find((step) => spanMinutes / step <= MAX_X_TICKS) ??
    Math.ceil(spanMinutes / MAX_X_TICKS / 1440) * 1440;
  const stepMs = stepMinutes * MINUTE_MS;
  const ticks: { timeMs: number; clock: string; day: string }[] = [];
  let previousDay = '';
  for (let t = Math.ceil(fromMs / stepMs) * stepMs; t <= toMs; t += stepMs) {
    const day = monthDay(t);
    ticks.push({
      timeMs: t,
      clock: stepMinutes >= 1440 ? '' : formatUtcClock(t),
      day: day === previousDay ? '' : day,
    });
    previousDay = day;
  }
  return ticks;
}

function legendRows(lines: readonly ChartLine[]): { line: ChartLine; x: number; row: number }[] {
  const placed: { line: ChartLine; x: number; row: number }[] = [];
  let x = MARGIN_LEFT;
  let row = 0;
  for (const line of lines) {
    const width = LEGEND_SWATCH_WIDTH + line.key.length * LEGEND_CHAR_WIDTH + 18;
    if (x + width > WIDTH - MARGIN_RIGHT && x > MARGIN_LEFT) {
      row += 1;
      x = MARGIN_LEFT;
    }
    placed.push({ line, x, row });
    x += width;
  }
  return placed;
}

/** Data for the hover tooltip, as JSON safe inside a `<script>` element (no `<`, `>`, `&`, U+2028/9). */
function tooltipJson(spec: LineChartSpec, fromMs: number, toMs: number, lines: readonly ChartLine[]): string {
  const data = {
    kind: spec.kind,
    unit: spec.unit,
    x0: fromMs,
    x1: toMs,
    lines: lines.map((line) => ({
      key: line.key,
      color: line.color,
      minutes: line.points.map((p) => Number(((p.timeMs - fromMs) / MINUTE_MS).toFixed(3))),
      values: line.points.map((p) => Number(p.value.toPrecision(10))),
    })),
  };
  return JSON.stringify(data).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * One time-series chart as inline SVG (UTC time axis, unit-labelled y axis, legend, accessible title and
 * description), followed by its tooltip data. The `<svg>` carries `data-chart="<kind>"` and every line
 * `data-series="<key>"`. Deterministic: the same spec gives the same text.
 */
export function renderLineChart(spec: LineChartSpec): string {
  const lines = spec.lines.map((line) => ({ ...line, points: downsample(line.points) }));
  const legend = legendRows(lines);
  const legendRowsCount = legend.length === 0 ? 1 : (legend[legend.length - 1]?.row ?? 0) + 1;
  const plotTop = LEGEND_TOP + legendRowsCount * LEGEND_ROW_HEIGHT + LEGEND_GAP;
  const height = HEIGHT + (legendRowsCount - 1) * LEGEND_ROW_HEIGHT;
  const plotBottom = height - MARGIN_BOTTOM;
  const plotLeft = MARGIN_LEFT;
  const plotRight = WIDTH - MARGIN_RIGHT;
  const titleId = `chart-${spec.kind}-title`;
  const descId = `chart-${spec.kind}-desc`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${spec.kind}" role="img" aria-labelledby="${titleId} ${descId}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" data-plot-left="${plotLeft}" data-plot-right="${plotRight}" data-plot-top="${plotTop}" data-plot-bottom="${plotBottom}">`,
    `<title id="${titleId}">${escapeHtml(spec.title)}</title>`,
    `<desc id="${descId}">${escapeHtml(spec.description)}</desc>`,
    `<rect class="background" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  ];
  const allPoints = lines.flatMap((line) => line.points);
  if (allPoints.length === 0) {
    parts.push(
      `<text x="${WIDTH / 2}" y="${height / 2}" text-anchor="middle" class="empty">no data in this run</text>`,
      '</svg>',
    );
    return parts.join('\n');
  }
  const times = extent(allPoints.map((p) => p.timeMs));
  const fromMs = times.min;
  const toMs = Math.max(times.max, fromMs + MINUTE_MS);
  const domain = yDomain(
    allPoints.map((p) => p.value).concat(spec.marker === null ? [] : [spec.marker.value]),
    spec.yFromZero,
    spec.integerTicks,
  );
  const x = (timeMs: number): number =>
    plotLeft + ((timeMs - fromMs) / (toMs - fromMs)) * (plotRight - plotLeft);
  const y = (value: number): number =>
    plotBottom - ((value - domain.low) / (domain.high - domain.low)) * (plotBottom - plotTop);

  for (const { line, x: lx, row } of legend) {
    const ly = LEGEND_TOP + row * LEGEND_ROW_HEIGHT;
    parts.push(
      `<g class="legend-item"><line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${escapeHtml(line.color)}" stroke-width="3"${line.dash === null ? '' : ` stroke-dasharray="${escapeHtml(line.dash)}"`}/>` +
        `<text x="${lx + LEGEND_SWATCH_WIDTH}" y="${ly}" dominant-baseline="middle" class="legend-text">${escapeHtml(line.key)}</text></g>`,
    );
  }
  parts.push(
    `<text x="${plotLeft - 8}" y="${plotTop - 12}" text-anchor="end" class="unit">${escapeHtml(spec.unit)}</text>`,
  );
  const tickCount = Math.round((domain.high - domain.low) / domain.step);
  for (let k = 0; k <= tickCount; k++) {
    const value = domain.low + k * domain.step;
    const yy = coordinate(y(value));
    parts.push(
      `<line class="grid" x1="${plotLeft}" y1="${yy}" x2="${plotRight}" y2="${yy}" stroke="${value === 0 ? '#9a9a9a' : '#e6e6e6'}" stroke-width="1"/>`,
      `<text x="${plotLeft - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" class="tick">${escapeHtml(axisLabel(value, domain.step, Math.max(Math.abs(domain.low), Math.abs(domain.high))))}</text>`,
    );
  }
  for (const tick of timeTicks(fromMs, toMs)) {
    const xx = coordinate(x(tick.timeMs));
    parts.push(
      `<line x1="${xx}" y1="${plotBottom}" x2="${xx}" y2="${plotBottom + 5}" stroke="#555555" stroke-width="1"/>`,
      `<text x="${xx}" y="${plotBottom + 18}" text-anchor="middle" class="tick">${tick.clock === '' ? escapeHtml(tick.day) : tick.clock}</text>`,
    );
    if (tick.clock !== '' && tick.day !== '') {
      parts.push(
        `<text x="${xx}" y="${plotBottom + 33}" text-anchor="middle" class="tick day">${escapeHtml(tick.day)}</text>`,
      );
    }
  }
  parts.push(
    `<line x1="${plotLeft}" y1="${plotBottom}" x2="${plotRight}" y2="${plotBottom}" stroke="#555555" stroke-width="1"/>`,
    `<line x1="${plotLeft}" y1="${plotTop}" x2="${plotLeft}" y2="${plotBottom}" stroke="#555555" stroke-width="1"/>`,
    `<text x="${plotRight}" y="${height - 6}" text-anchor="end" class="axis-title">time (UTC)</text>`,
  );
  for (const line of lines) {
    const d = line.points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${coordinate(x(p.timeMs))} ${coordinate(y(p.value))}`)
      .join('');
    parts.push(
      `<path class="series" data-series="${escapeHtml(line.key)}" d="${line.points.length === 1 ? d + 'h1' : d}" fill="none" stroke="${escapeHtml(line.color)}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${line.dash === null ? '' : ` stroke-dasharray="${escapeHtml(line.dash)}"`}/>`,
    );
  }
  if (spec.marker !== null) {
    const mx = x(spec.marker.timeMs);
    const my = y(spec.marker.value);
    const anchor = mx > (plotLeft + plotRight) / 2 ? 'end' : 'start';
    parts.push(
      `<g class="marker"><circle cx="${coordinate(mx)}" cy="${coordinate(my)}" r="4" fill="#ffffff" stroke="#222222" stroke-width="1.5"/>` +
        `<text x="${coordinate(mx + (anchor === 'end' ? -8 : 8))}" y="${coordinate(Math.min(my + 16, plotBottom - 4))}" text-anchor="${anchor}" class="marker-text">${escapeHtml(spec.marker.label)}</text></g>`,
    );
  }
  parts.push(
    `<line class="guide" x1="0" y1="${plotTop}" x2="0" y2="${plotBottom}" stroke="#222222" stroke-width="1" stroke-dasharray="3 3" visibility="hidden"/>`,
    `<rect class="hit" x="${plotLeft}" y="${plotTop}" width="${plotRight - plotLeft}" height="${plotBottom - plotTop}" fill="transparent"/>`,
    '</svg>',
    `<script type="application/json" class="chart-data" data-for="${spec.kind}">${tooltipJson(spec, fromMs, toMs, lines)}</script>`,
  );
  return parts.join('\n');
}
