import {
  err,
  inputError,
  ok,
  parseDecimal,
  Rational,
  type InputError,
  type Result,
} from '../numbers/index.js';

/** One Binance 1-minute kline, prices exact. Times are epoch milliseconds (UTC). */
export interface Kline extends Ohlc {
  readonly openTimeMs: number;
}

/** Open, high, low and close, exact. */
export interface Ohlc {
  readonly open: Rational;
  readonly high: Rational;
  readonly low: Rational;
  readonly close: Rational;
}

/**
 * Four price fields (open, high, low, close) of a candle row: positive plain decimals with
 * `low ≤ open, close ≤ high`, or an error naming the row `at`.
 */
export function parseOhlc(fields: readonly string[], at: string): Result<Ohlc, InputError> {
  const prices: Rational[] = [];
  for (const field of fields) {
    const parsed = parseDecimal(field);
    if (!parsed.ok || parsed.value.units <= 0n)
      return err(inputError('invalid_row', `${at} has a bad price "${field}"`, at));
    prices.push(Rational.fromDecimal(parsed.value));
  }
  const [open, high, low, close] = prices;
  if (
    prices.length !== 4 ||
    open === undefined ||
    high === undefined ||
    low === undefined ||
    close === undefined
  )
    return err(inputError('invalid_row', `${at} needs open, high, low and close`, at));
  if (low.gt(open) || low.gt(close) || high.lt(open) || high.lt(close))
    return err(inputError('invalid_row', `${at} has open/close outside [low, high]`, at));
  return ok({ open, high, low, close });
}

/** Most rows one kline file may have (a month of minutes is 44,640). */
export const MAX_KLINE_ROWS = 100_000;
const MINUTE_MS = 60_000;

/**
 * Reads Binance kline CSV (no header; open_time, open, high, low, close, volume, close_time, …) and checks
 * each row as the data's provenance README does: 12 fields, close_time = open_time + 59,999 ms, consecutive
 * minutes, low ≤ open, close ≤ high. A bad row is an error naming its line, never a silently skipped row.
 */
export function parseKlines(csv: string, source: string): Result<Kline[], InputError> {
  const lines = csv.split('\n').filter((line) => line.trim().length > 0);
  if (lines.length > MAX_KLINE_ROWS)
    return err(inputError('too_many_items', `${source} has more than ${MAX_KLINE_ROWS} rows`, source));
  const klines: Kline[] = [];
  for (const [i, line] of lines.entries()) {
    const at = `${source}:${i + 1}`;
    const fields = line.trim().split(',');
    if (fields.length !== 12)
      return err(inputError('invalid_row', `${at} has ${fields.length} fields, expected 12`, at));
    const openTimeMs = Number(fields[0]);
    const closeTimeMs = Number(fields[6]);
    if (!Number.isSafeInteger(openTimeMs) || closeTimeMs !== openTimeMs + MINUTE_MS - 1) {
      return err(inputError('invalid_row', `${at} has inconsistent open/close times`, at));
    }
    const previous = klines[klines.length - 1];
    if (previous !== undefined && openTimeMs !== previous.openTimeMs + MINUTE_MS) {
      return err(inputError('invalid_row', `${at} does not follow the previous minute`, at));
    }
    const prices = parseOhlc(fields.slice(1, 5), at);
    if (!prices.ok) return prices;
    klines.push({ openTimeMs, ...prices.value });
  }
  return ok(klines);
}
