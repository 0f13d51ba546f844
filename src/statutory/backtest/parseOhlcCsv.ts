import { err, ok, type Result } from '../../numbers/index.js';
import { parseFixed, type Fixed, type PriceBar } from '../formula/index.js';

/** Largest CSV accepted, in UTF-16 code units (the bundled 9-year daily file is 0.23 MB, a 4-hour one 1.2 MB). */
export const MAX_OHLC_CSV_CHARS = 32 * 1024 * 1024;
/** Most bars in one file: 100 years of daily bars, or 50 years of 4-hour bars. */
export const MAX_OHLC_BARS = 110_000;
/** Longest cell shown in an error message, in characters. */
const ERROR_CELL_CHARS = 40;

/** A daily (or intraday) OHLC history: bars oldest first and each bar's timestamp text. */
export interface OhlcHistory {
  readonly bars: readonly PriceBar[];
  /** `YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]` (UTC) as in the file, strictly increasing. */
  readonly dates: readonly string[];
  /** Steps between consecutive bars that differ from the most common step (gaps in the data). */
  readonly irregularSteps: number;
}

/** Why a CSV was rejected; `line` is 1-based (the header is line 1), 0 when the whole file is at fault. */
export interface OhlcCsvError {
  readonly code:
    'too_large' | 'missing_column' | 'bad_timestamp' | 'bad_number' | 'bad_bar' | 'out_of_order' | 'empty';
  readonly line: number;
  readonly message: string;
}

const REQUIRED_COLUMNS = ['high', 'low', 'close'] as const;
const TIMESTAMP_COLUMNS = ['timestamp', 'date', 'time'] as const;
const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

function shown(cell: string): string {
  return JSON.stringify(cell.length > ERROR_CELL_CHARS ? `${cell.slice(0, ERROR_CELL_CHARS)}…` : cell);
}

/** Seconds since the epoch of a valid UTC timestamp, or null when the text is not one (e.g. 2021-02-30). */
function timestampSeconds(text: string): number | null {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00'] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]);
  const back = new Date(millis);
  // Date.UTC rolls 2021-02-30 over to March: a round trip catches impossible dates and times.
  if (
    back.getUTCDate() !== parts[2] ||
    back.getUTCHours() !== parts[3] ||
    back.getUTCMinutes() !== parts[4]
  ) {
    return null;
  }
  if (back.getUTCSeconds() !== parts[5] || back.getUTCMonth() !== parts[1] - 1) return null;
  return millis / 1000;
}

/**
 * Parses an OHLC CSV with a header naming `timestamp` (or `date`), `high`, `low`, `close` and optionally `open`
 * (other columns are ignored), one bar per line, oldest first. Prices become Fixed; every bar must satisfy
 * 0 < low ≤ open, close ≤ high. Errors name the line, the bar's timestamp and the column.
 */
export function parseOhlcCsv(text: string): Result<OhlcHistory, OhlcCsvError> {
  if (text.length > MAX_OHLC_CSV_CHARS) {
    return err({
      code: 'too_large',
      line: 0,
      message: `file is larger than ${MAX_OHLC_CSV_CHARS} characters`,
    });
  }
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((name) => name.trim().toLowerCase());
  const timestampColumn = header.findIndex((name) => (TIMESTAMP_COLUMNS as readonly string[]).includes(name));
  if (timestampColumn < 0) {
    return err({ code: 'missing_column', line: 1, message: 'header has no timestamp (or date) column' });
  }
  const priceColumns: number[] = [];
  for (const name of [...REQUIRED_COLUMNS, 'open']) {
    const column = header.indexOf(name);
    if (column < 0 && name !== 'open') {
      return err({ code: 'missing_column', line: 1, message: `header has no ${name} column` });
    }
    priceColumns.push(column);
  }
  const [highColumn, lowColumn, closeColumn, openColumn] = priceColumns as [number, number, number, number];
  if (lines.length - 1 > MAX_OHLC_BARS) {
    return err({ code: 'too_large', line: 0, message: `more than ${MAX_OHLC_BARS} bars` });
  }
  if (lines.length < 2) return err({ code: 'empty', line: 0, message: 'no bars after the header' });

  const bars: PriceBar[] = [];
  const dates: string[] = [];
  const steps = new Map<number, number>();
  let previousSeconds: number | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const cells = (lines[i] ?? '').split(',').map((cell) => cell.trim());
    const date = cells[timestampColumn] ?? '';
    const seconds = timestampSeconds(date);
    if (seconds === null) {
      return err({
        code: 'bad_timestamp',
        line,
        message: `line ${line}: timestamp ${shown(date)} is not YYYY-MM-DD[ HH:MM[:SS]]`,
      });
    }
    if (previousSeconds !== null && seconds <= previousSeconds) {
      return err({
        code: 'out_of_order',
        line,
        message: `line ${line} (${date}): not after the previous bar`,
      });
    }
    const prices: Partial<Record<'high' | 'low' | 'close' | 'open', Fixed>> = {};
    for (const [name, column] of [
      ['high', highColumn],
      ['low', lowColumn],
      ['close', closeColumn],
      ['open', openColumn],
    ] as const) {
      if (column < 0) continue;
      const cell = cells[column] ?? '';
      const value = parseFixed(cell);
      if (value === null || value <= 0n) {
        return err({
          code: 'bad_number',
          line,
          message: `line ${line} (${date}): ${name} ${shown(cell)} is not a positive number`,
        });
      }
      prices[name] = value;
    }
    const {
      high,
      low,
      close,
      open = close,
    } = prices as Record<'high' | 'low' | 'close', Fixed> & { open?: Fixed };
    if (!(low <= close && close <= high && low <= open && open <= high)) {
      return err({
        code: 'bad_bar',
        line,
        message: `line ${line} (${date}): open and close must lie within [low, high]`,
      });
    }
    bars.push({ close, high, low });
    dates.push(date);
    if (previousSeconds !== null)
      steps.set(seconds - previousSeconds, (steps.get(seconds - previousSeconds) ?? 0) + 1);
    previousSeconds = seconds;
  }
  let modalCount = 0;
  for (const count of steps.values()) modalCount = Math.max(modalCount, count);
  return ok({ bars, dates, irregularSteps: bars.length - 1 - modalCount });
}
