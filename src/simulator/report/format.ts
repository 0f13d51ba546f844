import {
  assert,
  divide,
  formatUnits,
  parseDecimal,
  pow10,
  rescale,
  type Decimal,
} from '../../numbers/index.js';

/**
 * Text formatting shared by the HTML and terminal reports. Everything here is locale-free and exact (no
 * `toLocaleString`, whose output depends on the ICU data of the Node build), so a report is byte-identical
 * on every machine.
 */

/** Fraction digits shown for money amounts (settlement-asset units, e.g. USDT cents). */
export const MONEY_DIGITS = 2;

function decimalOf(text: string): Decimal {
  const parsed = parseDecimal(text);
  assert(parsed.ok, `report holds a non-decimal amount: ${JSON.stringify(text)}`);
  return parsed.value;
}

/** Groups the integer digits of a plain decimal string in threes: `-1234567.5` → `-1,234,567.5`. */
export function groupThousands(plain: string): string {
  const negative = plain.startsWith('-');
  const unsigned = negative ? plain.slice(1) : plain;
  const point = unsigned.indexOf('.');
  const integerPart = point === -1 ? unsigned : unsigned.slice(0, point);
  const fractionPart = point === -1 ? '' : unsigned.slice(point);
  const grouped = integerPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-' : '') + grouped + fractionPart;
}

/** A decimal amount rounded half-even to `digits` fraction digits (always shown), grouped: `1,234.50`. */
export function formatAmount(text: string, digits = MONEY_DIGITS): string {
  const value = decimalOf(text);
  const units = rescale(value.units, value.scale, digits, 'halfEven');
  const plain = formatUnits(units, digits);
  const point = plain.indexOf('.');
  const shown = point === -1 ? 0 : plain.length - point - 1;
  const padded = digits === 0 ? plain : (point === -1 ? plain + '.' : plain) + '0'.repeat(digits - shown);
  // `-0.00` reads as a loss that is not there.
  return groupThousands(units === 0n ? padded.replace(/^-/, '') : padded);
}

/** A count grouped in threes: `12345` → `12,345`. */
export function formatCount(count: number): string {
  assert(Number.isSafeInteger(count), `report holds a non-integer count: ${count}`);
  return groupThousands(String(count));
}

/** The exact change from `from` to `to` in percent, rounded half-even to one decimal (`-54.4%`); `null` if `from` is 0. */
export function percentChange(from: string, to: string): string | null {
  const a = decimalOf(from);
  const b = decimalOf(to);
  const scale = Math.max(a.scale, b.scale);
  const aUnits = a.units * pow10(scale - a.scale);
  const bUnits = b.units * pow10(scale - b.scale);
  if (aUnits === 0n) return null;
  const permille = divide((bUnits - aUnits) * 1000n, aUnits, 'halfEven');
  const plain = formatUnits(permille, 1);
  return `${plain.includes('.') ? plain : plain + '.0'}%`;
}

/** A decimal string as a float, for chart geometry only (pixels; never money arithmetic). */
export function plotValue(text: string): number {
  const value = decimalOf(text);
  return Number(value.units) / 10 ** value.scale;
}

/** Compares two decimal strings exactly: negative, zero or positive like `a − b`. */
export function compareAmounts(a: string, b: string): number {
  const x = decimalOf(a);
  const y = decimalOf(b);
  const scale = Math.max(x.scale, y.scale);
  const difference = x.units * pow10(scale - x.scale) - y.units * pow10(scale - y.scale);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/** `2020-03-12 14:05 UTC` from ms since the epoch. */
export function formatUtcMinute(timeMs: number): string {
  const date = new Date(timeMs);
  return `${date.toISOString().slice(0, 10)} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`;
}

/** `14:05` (UTC) from ms since the epoch. */
export function formatUtcClock(timeMs: number): string {
  const date = new Date(timeMs);
  return `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}`;
}

/** `2020-03-12` (UTC) from ms since the epoch. */
export function formatUtcDate(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 10);
}

/** The settlement asset named by a symbol's quote (`BTCUSDT` → `USDT`), or `quote` when it cannot tell. */
export function quoteAsset(symbol: string): string {
  const match = /(USDT|USDC|BUSD|FDUSD|USD)$/.exec(symbol.toUpperCase());
  return match?.[1] ?? 'quote';
}

/** Escapes text for HTML and XML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The exact difference `a − b` of two decimal strings, as a plain decimal string. */
export function subtractAmounts(a: string, b: string): string {
  const x = decimalOf(a);
  const y = decimalOf(b);
  const scale = Math.max(x.scale, y.scale);
  return formatUnits(x.units * pow10(scale - x.scale) - y.units * pow10(scale - y.scale), scale);
}
