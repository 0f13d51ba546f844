import {
  err,
  formatUnits,
  inputError,
  ok,
  parseDecimal,
  pow10,
  type InputError,
  type Result,
} from '../numbers/index.js';

/** One settled funding of a Binance perpetual: the rate stays the published decimal text (exact). */
export interface FundingRecord {
  /** Settlement time, epoch ms as Binance stamps it (a few ms after the hour). */
  readonly calcTimeMs: number;
  readonly intervalHours: number;
  /** Fraction per interval, e.g. `-0.00300000`. */
  readonly rate: string;
}

const SCIENTIFIC = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d{1,2})$/;

/**
 * The rate as a plain decimal string. Binance's files write small rates in scientific notation (`8.4E-7`);
 * that text is converted exactly (digits moved, nothing rounded), never through a float.
 */
function plainRate(text: string): string | null {
  if (parseDecimal(text).ok) return text;
  const match = SCIENTIFIC.exec(text);
  if (match === null) return null;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  const scale = fraction.length - Number(exponentText);
  const units = BigInt(sign + whole + fraction);
  return scale >= 0 ? formatUnits(units, scale) : formatUnits(units * pow10(-scale), 0);
}

/** Most rows one history file may have (six years of 8-hourly funding is under 7,200; hourly, 53,000). */
export const MAX_FUNDING_ROWS = 60_000;
const HEADER = 'calc_time,funding_interval_hours,last_funding_rate';

/**
 * Reads Binance's funding-rate flat file (`calc_time,funding_interval_hours,last_funding_rate`). Each row is
 * checked: whole-ms times strictly increasing, an interval that divides 24 hours, a plain decimal rate. A bad
 * row is an error naming its line, never a skipped row.
 */
export function parseFundingHistory(csv: string, source: string): Result<FundingRecord[], InputError> {
  const lines = csv.split('\n').filter((line) => line.trim().length > 0);
  if (lines[0]?.trim() !== HEADER)
    return err(inputError('invalid_row', `${source}:1 is not the header ${HEADER}`, `${source}:1`));
  if (lines.length - 1 > MAX_FUNDING_ROWS)
    return err(inputError('too_many_items', `${source} has more than ${MAX_FUNDING_ROWS} rows`, source));
  const records: FundingRecord[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const at = `${source}:${i + 2}`;
    const fields = line.trim().split(',');
    if (fields.length !== 3)
      return err(inputError('invalid_row', `${at} has ${fields.length} fields, expected 3`, at));
    const [timeText = '', intervalText = '', rate = ''] = fields;
    const calcTimeMs = Number(timeText);
    if (!/^\d+$/.test(timeText) || !Number.isSafeInteger(calcTimeMs))
      return err(inputError('invalid_row', `${at} has a bad calc_time "${timeText}"`, at));
    const previous = records[records.length - 1];
    if (previous !== undefined && calcTimeMs <= previous.calcTimeMs)
      return err(inputError('invalid_row', `${at} is not after the previous row`, at));
    const intervalHours = Number(intervalText);
    if (!/^\d+$/.test(intervalText) || intervalHours < 1 || 24 % intervalHours !== 0)
      return err(inputError('invalid_row', `${at} has a bad funding interval "${intervalText}"`, at));
    const plain = plainRate(rate);
    if (plain === null) return err(inputError('invalid_row', `${at} has a bad rate "${rate}"`, at));
    records.push({ calcTimeMs, intervalHours, rate: plain });
  }
  return ok(records);
}
