import { err, inputError, ok, type InputError, type Result } from '../numbers/index.js';
import { parseOhlc } from './klines.js';

/** One UTC day of a spot market; prices stay the published decimal text (exact). */
export interface DailyCandle {
  /** 00:00 UTC of the day, epoch ms. */
  readonly dayStartMs: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
}

export const MAX_DAILY_ROWS = 20_000;
const DAY_MS = 86_400_000;

/**
 * Reads daily OHLCV CSV with a header whose first six columns are `timestamp,open,high,low,close,volume`
 * (timestamp `YYYY-MM-DD`; extra columns are ignored). Days must be consecutive and every price positive with
 * `low ≤ open, close ≤ high`; a bad row is an error naming its line.
 */
export function parseDailyCandles(csv: string, source: string): Result<DailyCandle[], InputError> {
  const lines = csv.split('\n').filter((line) => line.trim().length > 0);
  if (!(lines[0] ?? '').startsWith('timestamp,open,high,low,close,volume'))
    return err(inputError('invalid_row', `${source}:1 is not a daily OHLCV header`, `${source}:1`));
  if (lines.length - 1 > MAX_DAILY_ROWS)
    return err(inputError('too_many_items', `${source} has more than ${MAX_DAILY_ROWS} rows`, source));
  const candles: DailyCandle[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const at = `${source}:${i + 2}`;
    const [day = '', open = '', high = '', low = '', close = ''] = line.trim().split(',');
    const dayStartMs = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
    if (!Number.isSafeInteger(dayStartMs))
      return err(inputError('invalid_row', `${at} has a bad day "${day}"`, at));
    const previous = candles[candles.length - 1];
    if (previous !== undefined && dayStartMs !== previous.dayStartMs + DAY_MS)
      return err(inputError('invalid_row', `${at} does not follow the previous day`, at));
    const prices = parseOhlc([open, high, low, close], at);
    if (!prices.ok) return prices;
    candles.push({ dayStartMs, open, high, low, close });
  }
  return ok(candles);
}
