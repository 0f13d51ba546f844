import type { HorizonBacktest, MarginBacktest, MoveBasis } from './backtestMargin.js';
import { fixedToFloat, formatPercentFloat } from './format.js';
import type { BacktestReportContext } from './report.js';

/** Chart geometry in SVG user units (pixels at 100 %). */
const WIDTH = 1200;
const PANEL_HEIGHT = 340;
const MARGIN_LEFT = 64;
const MARGIN_RIGHT = 24;
const MARGIN_TOP = 56;
const MARGIN_BOTTOM = 40;
const HEADER_HEIGHT = 44;
/** Y-axis ticks aimed for per panel, and the most x-axis date labels. */
const TARGET_Y_TICKS = 6;
const MAX_X_LABELS = 12;

const COLOR_RATE = '#1f5fbf';
const COLOR_MOVE = '#8a8a8a';
const COLOR_EXCEEDANCE = '#d62728';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function coordinate(value: number): string {
  return value.toFixed(1);
}

/** A round tick step (1, 2, 2.5 or 5 × 10^k) giving about `TARGET_Y_TICKS` ticks up to `max`. */
function tickStep(max: number): number {
  const raw = max / TARGET_Y_TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= raw) ?? 10;
  return step * power;
}

/** Bars where the year changes (labelled by year), or evenly spaced bars (labelled by date) in short series. */
function xTicks(first: number, last: number, dates: readonly string[]): { index: number; label: string }[] {
  const years: { index: number; label: string }[] = [];
  for (let i = first + 1; i <= last; i++) {
    const year = dates[i]?.slice(0, 4);
    if (year !== undefined && year !== dates[i - 1]?.slice(0, 4)) years.push({ index: i, label: year });
  }
  if (years.length >= 2) {
    const stride = Math.ceil(years.length / MAX_X_LABELS);
    return years.filter((_, k) => k % stride === 0);
  }
  const count = Math.min(6, last - first + 1);
  return Array.from({ length: count }, (_, k) => {
    const index = count === 1 ? first : Math.round(first + ((last - first) * k) / (count - 1));
    return { index, label: (dates[index] ?? '').slice(0, 10) };
  });
}

function panel(
  horizon: HorizonBacktest,
  moveBasis: MoveBasis,
  top: number,
  dates: readonly string[],
): string {
  const points = horizon.points;
  const height = PANEL_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
  const plotTop = top + MARGIN_TOP;
  const plotBottom = plotTop + height;
  const plotWidth = WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
  const days = horizon.horizonDays === 1 ? '1-day' : `${horizon.horizonDays}-day`;
  const title =
    `${days} horizon: margin rate vs realised ${moveBasis === 'close' ? `|${days} move|` : `worst ${days} excursion`}, ${horizon.exceedances} exceedances in ` +
    `${horizon.observations} days (${horizon.exceedanceRate === null ? '—' : formatPercentFloat(horizon.exceedanceRate)}, ` +
    `expected ${formatPercentFloat(horizon.expectedRate)})`;
  const parts = [
    `<g class="panel" data-horizon-days="${horizon.horizonDays}">`,
    `<text x="${MARGIN_LEFT}" y="${top + MARGIN_TOP - 26}" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) {
    parts.push(`<text x="${MARGIN_LEFT}" y="${plotTop + 20}" font-size="12">no tested days</text>`, '</g>');
    return parts.join('\n');
  }
  let maxValue = 0;
  for (const point of points)
    maxValue = Math.max(maxValue, fixedToFloat(point.rate), fixedToFloat(point.move));
  const step = tickStep(maxValue > 0 ? maxValue : 0.01);
  const yMax = Math.ceil((maxValue > 0 ? maxValue : 0.01) / step) * step;
  const span = Math.max(1, last.index - first.index);
  const x = (index: number): number => MARGIN_LEFT + ((index - first.index) / span) * plotWidth;
  const y = (value: number): number => plotBottom - (Math.min(Math.max(value, 0), yMax) / yMax) * height;

  // Axes with grid lines and labels; a 2.5 % step needs one decimal, a 0.25 % step two.
  const stepPercent = step * 100;
  const labelDecimals =
    [0, 1, 2].find((d) => Math.abs(stepPercent * 10 ** d - Math.round(stepPercent * 10 ** d)) < 1e-6) ?? 3;
  for (let k = 0; k * step <= yMax + step / 1e6; k++) {
    const value = k * step;
    const yy = coordinate(y(value));
    parts.push(
      `<line x1="${MARGIN_LEFT}" y1="${yy}" x2="${WIDTH - MARGIN_RIGHT}" y2="${yy}" stroke="#e4e4e4" stroke-width="1"/>`,
      `<text x="${MARGIN_LEFT - 6}" y="${yy}" font-size="11" text-anchor="end" dominant-baseline="middle">${escapeXml(formatPercentFloat(value, labelDecimals))}</text>`,
    );
  }
  for (const tick of xTicks(first.index, last.index, dates)) {
    const xx = coordinate(x(tick.index));
    parts.push(
      `<line x1="${xx}" y1="${plotBottom}" x2="${xx}" y2="${plotBottom + 5}" stroke="#333" stroke-width="1"/>`,
      `<text x="${xx}" y="${plotBottom + 18}" font-size="11" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${MARGIN_LEFT}" y1="${plotBottom}" x2="${WIDTH - MARGIN_RIGHT}" y2="${plotBottom}" stroke="#333" stroke-width="1"/>`,
    `<line x1="${MARGIN_LEFT}" y1="${plotTop}" x2="${MARGIN_LEFT}" y2="${plotBottom}" stroke="#333" stroke-width="1"/>`,
  );

  // Moves as dots: one path of zero-length round-capped segments keeps thousands of dots small.
  const dots = points
    .filter((point) => !point.exceeded)
    .map((point) => `M${coordinate(x(point.index))} ${coordinate(y(fixedToFloat(point.move)))}h0`)
    .join('');
  parts.push(
    `<path class="moves" d="${dots}" stroke="${COLOR_MOVE}" stroke-opacity="0.6" stroke-width="2.4" stroke-linecap="round" fill="none"/>`,
  );
  // The rate as a line, broken where days were skipped.
  let segment: string[] = [];
  const flush = (): void => {
    if (segment.length > 0) {
      parts.push(
        `<polyline class="rate" points="${segment.join(' ')}" fill="none" stroke="${COLOR_RATE}" stroke-width="1.4"/>`,
      );
    }
    segment = [];
  };
  let previousIndex = first.index - 1;
  for (const point of points) {
    if (point.index !== previousIndex + 1) flush();
    segment.push(`${coordinate(x(point.index))},${coordinate(y(fixedToFloat(point.rate)))}`);
    previousIndex = point.index;
  }
  flush();
  for (const point of points.filter((p) => p.exceeded)) {
    parts.push(
      `<circle class="exceedance" cx="${coordinate(x(point.index))}" cy="${coordinate(y(fixedToFloat(point.move)))}" r="3.2" fill="${COLOR_EXCEEDANCE}"><title>${escapeXml(
        `${dates[point.index] ?? ''}: move ${formatPercentFloat(fixedToFloat(point.move))} > rate ${formatPercentFloat(fixedToFloat(point.rate))}`,
      )}</title></circle>`,
    );
  }
  parts.push('</g>');
  return parts.join('\n');
}

/**
 * The backtest as a self-contained SVG chart: one panel per horizon with the rate series as a line, each day's
 * realised |move| as a dot and exceedances highlighted, percentage y-axis and dated x-axis, and a legend.
 */
export function renderBacktestSvg(result: MarginBacktest, context: BacktestReportContext): string {
  const height = HEADER_HEIGHT + PANEL_HEIGHT * result.horizons.length;
  const legendY = 30;
  const legend = [
    `<line x1="${MARGIN_LEFT}" y1="${legendY}" x2="${MARGIN_LEFT + 24}" y2="${legendY}" stroke="${COLOR_RATE}" stroke-width="2"/>`,
    `<text x="${MARGIN_LEFT + 30}" y="${legendY + 4}" font-size="12">margin rate (from data up to the day)</text>`,
    `<circle cx="${MARGIN_LEFT + 280}" cy="${legendY}" r="2" fill="${COLOR_MOVE}"/>`,
    `<text x="${MARGIN_LEFT + 288}" y="${legendY + 4}" font-size="12">${result.moveBasis === 'close' ? 'realised |close-to-close move|' : 'worst intraday excursion'} over the horizon</text>`,
    `<circle cx="${MARGIN_LEFT + 600}" cy="${legendY}" r="3.2" fill="${COLOR_EXCEEDANCE}"/>`,
    `<text x="${MARGIN_LEFT + 608}" y="${legendY + 4}" font-size="12">exceedance (move &gt; rate)</text>`,
  ];
  const heading = `Margin-model backtest: ${context.formulaName} formula on ${context.dataLabel}, confidence ${formatPercentFloat(
    fixedToFloat(result.confidence),
    1,
  )}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(heading)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN_LEFT}" y="16" font-size="15" font-weight="bold">${escapeXml(heading)}</text>`,
    ...legend,
    ...result.horizons.map((horizon, k) =>
      panel(horizon, result.moveBasis, HEADER_HEIGHT + k * PANEL_HEIGHT, context.dates),
    ),
    '</svg>',
    '',
  ].join('\n');
}
