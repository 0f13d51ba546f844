import { assert, divide } from '../../numbers/index.js';
import { FIXED_DIGITS, type Fixed } from '../formula/index.js';

/** A Fixed fraction as a percentage with `decimals` digits, rounded half-even: 0.0123 → "1.23 %". */
export function formatPercentFixed(value: Fixed, decimals = 2): string {
  assert(Number.isInteger(decimals) && decimals >= 0 && decimals <= FIXED_DIGITS - 2, 'decimals in range');
  const scaled = divide(value, 10n ** BigInt(FIXED_DIGITS - 2 - decimals), 'halfEven');
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const text = decimals === 0 ? whole : `${whole}.${digits.slice(digits.length - decimals)}`;
  return `${negative ? '-' : ''}${text} %`;
}

/** A float64 fraction (a statistic) as a percentage: 0.0123 → "1.23 %". */
export function formatPercentFloat(value: number, decimals = 2): string {
  return `${(value * 100).toFixed(decimals)} %`;
}

/** A Fixed fraction as a float64, for statistics and chart coordinates only (never for money). */
export function fixedToFloat(value: Fixed): number {
  return Number(value) / 10 ** FIXED_DIGITS;
}

/** Text columns padded to one width each: numbers (columns in `rightAligned`) to the right, the rest to the left. */
export function renderColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: ReadonlySet<number>,
): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const render = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        rightAligned.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)].join('\n');
}
