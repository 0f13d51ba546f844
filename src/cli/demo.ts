import { readFileSync } from 'node:fs';
import { parseCalcRequest } from '../calc/index.js';
import { assessAccount, type PositionAssessment } from '../margin/index.js';
import { parseExactJson, Rational } from '../numbers/index.js';
import { parseKlines, type Kline } from '../simulator/index.js';

/** Files ship with the package: examples/ and data/ sit two levels above dist/cli/ (and src/cli/). */
const root = new URL('../../', import.meta.url);

interface Trader {
  readonly name: string;
  readonly request: unknown;
}

/** Two-decimal display with thousands separators (display only; the figures themselves are exact). */
function money(value: Rational): string {
  const units = value.toUnits(2, 'halfEven');
  const digits = (units < 0n ? -units : units).toString().padStart(3, '0');
  const grouped = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${units < 0n ? '−' : ''}${grouped}.${digits.slice(-2)}`;
}

function utc(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** The first minute whose low (longs) or high (shorts) reaches the liquidation price. */
function firstCross(p: PositionAssessment, klines: readonly Kline[]): Kline | undefined {
  const trigger = p.liquidationPrice;
  if (trigger === null) return undefined;
  return klines.find((k) => (p.position.side === 'long' ? k.low.lte(trigger) : k.high.gte(trigger)));
}

/**
 * `bulwark demo` (what `npm start` runs): example traders priced by the calculator's own code path on
 * Binance's real BTCUSDT brackets, then walked through the real 1-minute candles of the 2025-10-10 crash.
 */
export function runDemo(): string {
  const spec = JSON.parse(readFileSync(new URL('examples/crash-traders.json', root), 'utf8')) as {
    crash: string;
    traders: Trader[];
  };
  const candles = parseKlines(readFileSync(new URL(spec.crash, root), 'utf8'), spec.crash);
  if (!candles.ok) throw new Error(candles.error.message);
  const klines = candles.value;
  const first = klines[0];
  const worst = klines.reduce((a, k) => (k.low.lt(a.low) ? k : a));
  if (first === undefined) throw new Error('empty crash file');

  const out: string[] = [];
  out.push('Bulwark demo — exact margin maths on a real crash');
  out.push('');
  out.push(
    `BTCUSDT perpetual, Binance, 2025-10-10 ${utc(first.openTimeMs)}–${utc(klines[klines.length - 1]?.openTimeMs ?? 0)} UTC (1-minute candles, ${klines.length} rows)`,
  );
  out.push(
    `open ${money(first.open)}, low ${money(worst.low)} at ${utc(worst.openTimeMs)} UTC (${money(worst.low.sub(first.open).div(first.open).mulInt(100n))} %)`,
  );
  out.push(
    "Tiers: Binance's published BTCUSDT leverage brackets of 2024-10-24. Candle prices stand in for the mark.",
  );
  out.push('');
  const header = ['trader', 'MM now', 'liquidation', 'bankruptcy', 'outcome'];
  const rows: string[][] = [];
  for (const trader of spec.traders) {
    const json = parseExactJson(JSON.stringify(trader.request));
    if (!json.ok) throw new Error(json.error.message);
    const request = parseCalcRequest(json.value);
    if (!request.ok) throw new Error(`${trader.name}: ${request.error.message}`);
    const assessment = assessAccount(request.value.account, request.value.marks);
    for (const p of assessment.positions) {
      const hit = firstCross(p, klines);
      let outcome = 'survives';
      if (hit !== undefined) {
        const extreme = p.position.side === 'long' ? hit.low : hit.high;
        const bankrupt = p.bankruptcyPrice;
        const gap =
          bankrupt === null
            ? null
            : p.position.side === 'long'
              ? bankrupt.sub(extreme)
              : extreme.sub(bankrupt);
        const loss =
          gap !== null && gap.sign() > 0
            ? `; minute traded ${money(gap.mul(p.position.qty))} USDT past bankruptcy`
            : '';
        outcome = `liquidated ${utc(hit.openTimeMs)} UTC (${p.position.side === 'long' ? 'low' : 'high'} ${money(extreme)})${loss}`;
      }
      rows.push([
        `${trader.name} (${p.position.side} ${p.position.qty.format('trunc', 1, 0)} BTC @ ${money(p.position.entryPrice)}, tier ${p.tier.index})`,
        money(p.maintenanceMargin),
        p.liquidationPrice === null ? '—' : money(p.liquidationPrice),
        p.bankruptcyPrice === null ? '—' : money(p.bankruptcyPrice),
        outcome,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  out.push(line(header));
  out.push(line(widths.map((w) => '─'.repeat(w))));
  for (const row of rows) out.push(line(row));
  out.push('');
  out.push(
    'Every figure is exact (bigint rationals); liquidation prices re-select the tier at the price itself.',
  );
  out.push('Try: npx bulwark calc examples/portfolio.json');
  return `${out.join('\n')}\n`;
}
