import {
  childPath,
  err,
  inputError,
  JsonNumber,
  ok,
  parseExactJson,
  Rational,
  readArray,
  readDecimal,
  readRecord,
  readString,
  type ExactJson,
  type InputError,
  type JsonObject,
  type Result,
} from '../numbers/index.js';
import { buildTierTable, MAX_TIERS, type TierSpec, type TierTable } from './tierTable.js';

/**
 * Loaders for Binance USDⓈ-M leverage brackets (RULEBOOK.md §1, cumulative model). Three shapes are read:
 * the raw `GET /fapi/v1/leverageBracket` response, the ccxt-normalised dump freqtrade ships, and a by-date
 * file of such dumps. Every number goes through `readDecimal`, so no float64 rounding enters a tier.
 */

/** What to do with a published `cum` that disagrees with the cumulative formula. */
export type CumPolicy = 'reject' | 'report';
const CUM_POLICIES: readonly CumPolicy[] = ['reject', 'report'];

/** Most symbols one dump may hold (Binance lists a few hundred USDⓈ-M contracts). */
export const MAX_BRACKET_SYMBOLS = 5000;
/** Most dates a by-date file may hold. */
export const MAX_BRACKET_DATES = 1000;
/** Longest symbol accepted (ccxt names such as `1000BONK/USDC:USDC` or `BTC/USDT:USDT-241227` are far shorter). */
export const MAX_SYMBOL_LENGTH = 64;

export interface BinanceBracketOptions {
  /** `reject` (default): a wrong published `cum` is a `cum_mismatch` error. `report`: load with the computed cum. */
  readonly cumPolicy?: CumPolicy | undefined;
  /** Defaults to MAX_BRACKET_SYMBOLS; a smaller bound suits request bodies. */
  readonly maxSymbols?: number | undefined;
}

/** A published `cum` that disagrees with `cum(n) = floor(n) × (mmr(n) − mmr(n−1)) + cum(n−1)`. */
export interface CumDisagreement {
  readonly symbol: string;
  /** Binance's bracket number, from 1. */
  readonly bracket: number;
  readonly published: Rational;
  readonly computed: Rational;
  /** Where the published value sits in the input. */
  readonly path: string;
}

/** One symbol's brackets as a validated cumulative tier table. */
export interface BinanceSymbolBrackets {
  /** The symbol as the input names it: `BTCUSDT` (API) or `BTC/USDT:USDT` (ccxt). */
  readonly symbol: string;
  readonly table: TierTable;
  /** The settlement asset when the input gives it (ccxt `currency`, or the `:SETTLE` part of a ccxt symbol). */
  readonly settlementCurrency: string | undefined;
}

export type BinanceBracketFormat = 'binance-api' | 'ccxt';

export interface BinanceBracketSet {
  readonly format: BinanceBracketFormat;
  /** In input order. */
  readonly symbols: ReadonlyMap<string, BinanceSymbolBrackets>;
  /** Always empty under the `reject` policy. */
  readonly cumDisagreements: readonly CumDisagreement[];
}

/** An InputError that also names the symbol and, where one is at fault, the bracket number. */
export type BracketInputError = InputError & {
  readonly symbol?: string | undefined;
  readonly bracket?: number | undefined;
};

/** Parses and loads one dump: a raw leverageBracket response (array or single object) or a ccxt tier map. */
export function loadBinanceBrackets(
  text: string,
  options: BinanceBracketOptions = {},
): Result<BinanceBracketSet, BracketInputError> {
  const json = parseJson(text);
  if (!json.ok) return json;
  return readBinanceBrackets(json.value, '', options);
}

/** Parses and loads a by-date file `{ "YYYY-MM-DD": <dump>, … }`; dates keep their input order. */
export function loadBinanceBracketsByDate(
  text: string,
  options: BinanceBracketOptions = {},
): Result<ReadonlyMap<string, BinanceBracketSet>, BracketInputError> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const record = readRecord(json.value, '', MAX_BRACKET_DATES);
  if (!record.ok) return record;
  const dates = new Map<string, BinanceBracketSet>();
  for (const [date, dump] of Object.entries(record.value)) {
    if (!isCalendarDate(date)) {
      return err(inputError('invalid_field', `${date} is not a YYYY-MM-DD date`, childPath('', date)));
    }
    const set = readBinanceBrackets(dump, childPath('', date), options);
    if (!set.ok) return set;
    dates.set(date, set.value);
  }
  if (dates.size === 0) return err(inputError('invalid_field', 'the by-date file has no dates', ''));
  return ok(dates);
}

/** Loads already-parsed exact JSON (any shape `loadBinanceBrackets` reads); `path` prefixes error paths. */
export function readBinanceBrackets(
  value: ExactJson,
  path: string,
  options: BinanceBracketOptions = {},
): Result<BinanceBracketSet, BracketInputError> {
  const maxSymbols = options.maxSymbols ?? MAX_BRACKET_SYMBOLS;
  if (!Number.isSafeInteger(maxSymbols) || maxSymbols < 1)
    return err(inputError('invalid_option', 'maxSymbols must be a positive integer', 'maxSymbols'));
  const policy = options.cumPolicy ?? 'reject';
  // Checked at run time too: options may come from plain-JS callers or configuration files.
  if (!(CUM_POLICIES as readonly string[]).includes(policy))
    return err(
      inputError('invalid_option', `cumPolicy must be one of ${CUM_POLICIES.join(', ')}`, 'cumPolicy'),
    );
  if (Array.isArray(value)) return readApiList(value, path, maxSymbols, policy);
  if (isObject(value)) {
    // A single-symbol API answer (`?symbol=BTCUSDT` on some API versions) carries `symbol` and `brackets`.
    if ('symbol' in value && 'brackets' in value) {
      const collector = new Collector('binance-api', policy);
      const loaded = readApiSymbol(value, path, collector);
      return loaded.ok ? collector.finish(path) : loaded;
    }
    return readCcxtMap(value, path, maxSymbols, policy);
  }
  return err(
    inputError(
      'invalid_field',
      `${label(path)} must be a leverageBracket array, a {symbol, brackets} object or a ccxt tier map`,
      path,
    ),
  );
}

/** Where each TierSpec field was read from, so tier-table errors can name the input's own fields. */
type SourcePaths = Readonly<Record<keyof TierSpec, string>>;

interface ReadBracket {
  readonly spec: TierSpec;
  readonly paths: SourcePaths;
}

/** Accumulates symbols and cum disagreements; applies the cum policy. */
class Collector {
  private readonly symbols = new Map<string, BinanceSymbolBrackets>();
  private readonly disagreements: CumDisagreement[] = [];

  constructor(
    private readonly format: BinanceBracketFormat,
    private readonly policy: CumPolicy,
  ) {}

  add(
    symbol: string,
    symbolPath: string,
    tablePath: string,
    brackets: readonly ReadBracket[],
    settlementCurrency: string | undefined,
  ): Result<null, BracketInputError> {
    if (this.symbols.has(symbol)) {
      return err({
        ...inputError('duplicate_symbol', `${symbol} appears twice`, symbolPath),
        symbol,
      });
    }
    // Under `report` the formula's cum is used, so the published one is only compared afterwards.
    const specs = brackets.map(({ spec }) => (this.policy === 'reject' ? spec : { ...spec, cum: undefined }));
    const built = buildTierTable('cumulative', specs, tablePath);
    if (!built.ok) return err(toSourceError(built.error, symbol, tablePath, brackets));
    const table = built.value;
    if (this.policy === 'report') {
      for (const [i, tier] of table.tiers.entries()) {
        const read = brackets[i];
        const published = read?.spec.cum;
        if (read !== undefined && published !== undefined && !published.eq(tier.cum)) {
          this.disagreements.push({
            symbol,
            bracket: tier.index,
            published,
            computed: tier.cum,
            path: read.paths.cum,
          });
        }
      }
    }
    this.symbols.set(symbol, { symbol, table, settlementCurrency });
    return ok(null);
  }

  finish(path: string): Result<BinanceBracketSet, BracketInputError> {
    if (this.symbols.size === 0)
      return err(inputError('invalid_field', `${label(path)} has no symbols`, path));
    return ok({ format: this.format, symbols: this.symbols, cumDisagreements: this.disagreements });
  }
}

/**
 * Rewrites a buildTierTable error (which names TierSpec fields under `tablePath`) to the input's own field
 * path, e.g. `BTC/USDT:USDT[3].cum` → `BTC/USDT:USDT[3].info.cum`, and names the symbol and bracket.
 */
function toSourceError(
  error: InputError,
  symbol: string,
  tablePath: string,
  brackets: readonly ReadBracket[],
): BracketInputError {
  const match = error.path.startsWith(tablePath)
    ? /^\[(\d+)\]\.(floor|cap|mmr|maxLeverage|cum)$/.exec(error.path.slice(tablePath.length))
    : null;
  if (match === null) {
    return { ...error, message: `${symbol}: ${error.message}`, symbol };
  }
  const index = Number(match[1]);
  const field = match[2] as keyof TierSpec;
  const source = brackets[index]?.paths[field] ?? error.path;
  return {
    code: error.code,
    message: `${symbol} bracket ${index + 1}: ${error.message.split(error.path).join(source)}`,
    path: source,
    symbol,
    bracket: index + 1,
  };
}

function readApiList(
  items: ExactJson[],
  path: string,
  maxSymbols: number,
  policy: CumPolicy,
): Result<BinanceBracketSet, BracketInputError> {
  const list = readArray(items, path, maxSymbols);
  if (!list.ok) return list;
  const collector = new Collector('binance-api', policy);
  for (const [i, item] of list.value.entries()) {
    const itemPath = childPath(path, i);
    if (!isObject(item)) return err(inputError('invalid_field', `${itemPath} must be an object`, itemPath));
    const loaded = readApiSymbol(item, itemPath, collector);
    if (!loaded.ok) return loaded;
  }
  return collector.finish(path);
}

/** `{symbol, brackets: [...]}`; extra keys such as `notionalCoef` are allowed (Binance adds fields over time). */
function readApiSymbol(
  item: JsonObject,
  itemPath: string,
  collector: Collector,
): Result<null, BracketInputError> {
  const symbol = readString(item.symbol, childPath(itemPath, 'symbol'), MAX_SYMBOL_LENGTH);
  if (!symbol.ok) return symbol;
  const tablePath = childPath(itemPath, 'brackets');
  const list = readArray(item.brackets, tablePath, MAX_TIERS);
  if (!list.ok) return err({ ...list.error, symbol: symbol.value });
  const brackets: ReadBracket[] = [];
  for (const [i, raw] of list.value.entries()) {
    const read = readBracketFields(raw, childPath(tablePath, i), i, API_FIELDS);
    if (!read.ok) return err({ ...read.error, symbol: symbol.value, bracket: i + 1 });
    brackets.push(read.value);
  }
  return collector.add(symbol.value, itemPath, tablePath, brackets, undefined);
}

function readCcxtMap(
  map: JsonObject,
  path: string,
  maxSymbols: number,
  policy: CumPolicy,
): Result<BinanceBracketSet, BracketInputError> {
  const record = readRecord(map, path, maxSymbols);
  if (!record.ok) return record;
  const collector = new Collector('ccxt', policy);
  for (const [symbol, value] of Object.entries(record.value)) {
    const symbolPath = childPath(path, symbol);
    const name = readString(symbol, symbolPath, MAX_SYMBOL_LENGTH);
    if (!name.ok) return name;
    if (isObject(value)) {
      return err(
        inputError(
          'invalid_field',
          `${symbolPath} must be an array of tiers (a map of dates needs loadBinanceBracketsByDate)`,
          symbolPath,
        ),
      );
    }
    const list = readArray(value, symbolPath, MAX_TIERS);
    if (!list.ok) return err({ ...list.error, symbol });
    const brackets: ReadBracket[] = [];
    let currency: { readonly value: string; readonly path: string } | undefined;
    for (const [i, raw] of list.value.entries()) {
      const at = childPath(symbolPath, i);
      if (!isObject(raw))
        return err({ ...inputError('invalid_field', `${at} must be an object`, at), symbol });
      const read =
        raw.info === undefined
          ? readBracketFields(raw, at, i, CCXT_FIELDS)
          : readBracketFields(raw.info, childPath(at, 'info'), i, API_FIELDS);
      if (!read.ok) return err({ ...read.error, symbol, bracket: i + 1 });
      brackets.push(read.value);
      if (raw.currency !== undefined) {
        const currencyPath = childPath(at, 'currency');
        const own = readString(raw.currency, currencyPath, MAX_SYMBOL_LENGTH);
        if (!own.ok) return err({ ...own.error, symbol, bracket: i + 1 });
        if (currency !== undefined && currency.value !== own.value) {
          return err({
            ...inputError(
              'invalid_field',
              `${currencyPath} is ${own.value} but ${currency.path} is ${currency.value}`,
              currencyPath,
            ),
            symbol,
            bracket: i + 1,
          });
        }
        currency = { value: own.value, path: currencyPath };
      }
    }
    const fromSymbol = settleOfCcxtSymbol(symbol);
    if (currency !== undefined && fromSymbol !== undefined && currency.value !== fromSymbol) {
      return err({
        ...inputError(
          'invalid_field',
          `${currency.path} is ${currency.value} but the symbol settles in ${fromSymbol}`,
          currency.path,
        ),
        symbol,
      });
    }
    const added = collector.add(symbol, symbolPath, symbolPath, brackets, currency?.value ?? fromSymbol);
    if (!added.ok) return added;
  }
  return collector.finish(path);
}

/** The settlement part of a ccxt unified symbol: `BTC/USDT:USDT` and `BTC/USDT:USDT-241227` → `USDT`. */
function settleOfCcxtSymbol(symbol: string): string | undefined {
  return /^[^/:]+\/[^/:]+:([A-Za-z0-9]+)(?:-[A-Za-z0-9]+)?$/.exec(symbol)?.[1];
}

/** Which input keys hold each bracket field; a list means "the first one present" (ccxt renamed keys in 2022). */
interface FieldNames {
  readonly bracket: readonly string[];
  readonly floor: readonly string[];
  readonly cap: readonly string[];
  readonly mmr: readonly string[];
  readonly maxLeverage: readonly string[];
  readonly cum: readonly string[];
}

const API_FIELDS: FieldNames = {
  bracket: ['bracket'],
  floor: ['notionalFloor'],
  cap: ['notionalCap'],
  mmr: ['maintMarginRatio'],
  maxLeverage: ['initialLeverage'],
  cum: ['cum'],
};

/** ccxt's own keys, used only when a tier has no `info` (raw Binance strings are preferred when present). */
const CCXT_FIELDS: FieldNames = {
  bracket: ['tier'],
  floor: ['minNotional', 'notionalFloor'],
  cap: ['maxNotional', 'notionalCap'],
  mmr: ['maintenanceMarginRate', 'maintenanceMarginRatio'],
  maxLeverage: ['maxLeverage'],
  cum: ['cum'],
};

/**
 * Java's Long.MAX_VALUE, which Binance publishes as the cap of some last brackets ("no cap"). As a JSON number
 * float64 cannot hold it, so readDecimal refuses it; its text is still an exact integer, and any reader that
 * rounds it to 2^63 sees the same "unbounded" cap, so it is accepted from the number text for caps only.
 */
const LONG_MAX_TEXT = '9223372036854775807';
const LONG_MAX = Rational.fromInt(9223372036854775807n);

function readBracketFields(
  value: ExactJson | undefined,
  path: string,
  index: number,
  names: FieldNames,
): Result<ReadBracket, InputError> {
  if (!isObject(value)) {
    if (value === undefined) return err(inputError('missing_field', `${path} is required`, path));
    return err(inputError('invalid_field', `${path} must be an object`, path));
  }
  const pick = (
    keys: readonly string[],
  ): { readonly value: ExactJson | undefined; readonly path: string } => {
    const key = keys.find((k) => value[k] !== undefined) ?? keys[0] ?? '';
    return { value: value[key], path: childPath(path, key) };
  };
  const bracket = pick(names.bracket);
  const number = readDecimal(bracket.value, bracket.path);
  if (!number.ok) return number;
  if (number.value.scale !== 0 || number.value.units !== BigInt(index + 1)) {
    return err(
      inputError(
        'brackets_out_of_order',
        `${bracket.path} must be ${index + 1}: brackets are numbered from 1 in order`,
        bracket.path,
      ),
    );
  }
  const floor = pick(names.floor);
  const cap = pick(names.cap);
  const mmr = pick(names.mmr);
  const maxLeverage = pick(names.maxLeverage);
  const cum = pick(names.cum);
  const floorValue = readRational(floor.value, floor.path);
  if (!floorValue.ok) return floorValue;
  const capValue =
    cap.value instanceof JsonNumber && cap.value.text === LONG_MAX_TEXT
      ? ok(LONG_MAX)
      : readRational(cap.value, cap.path);
  if (!capValue.ok) return capValue;
  const mmrValue = readRational(mmr.value, mmr.path);
  if (!mmrValue.ok) return mmrValue;
  const leverageValue = readRational(maxLeverage.value, maxLeverage.path);
  if (!leverageValue.ok) return leverageValue;
  let cumValue: Rational | undefined;
  if (cum.value !== undefined) {
    const read = readRational(cum.value, cum.path);
    if (!read.ok) return read;
    cumValue = read.value;
  }
  return ok({
    spec: {
      floor: floorValue.value,
      cap: capValue.value,
      mmr: mmrValue.value,
      maxLeverage: leverageValue.value,
      cum: cumValue,
    },
    paths: { floor: floor.path, cap: cap.path, mmr: mmr.path, maxLeverage: maxLeverage.path, cum: cum.path },
  });
}

/**
 * Binance's servers print numbers as Java doubles, so values from 10^7 up (and below 10^-3) come out as
 * `4.2500365E7`, and ccxt's `info` keeps that text as a string (the 2022 dumps have such `cum`s). A string that
 * is JSON number text with an exponent is therefore read as the JSON number it was, under readDecimal's
 * float64-exact rule; every other string must be a plain decimal.
 */
const JAVA_EXPONENT_PATTERN = /^-?(?:0|[1-9]\d*)(?:\.\d+)?[eE][+-]?\d+$/;

function readRational(value: ExactJson | undefined, path: string): Result<Rational, InputError> {
  const source =
    typeof value === 'string' && JAVA_EXPONENT_PATTERN.test(value) ? new JsonNumber(value) : value;
  const decimal = readDecimal(source, path);
  return decimal.ok ? ok(Rational.fromDecimal(decimal.value)) : decimal;
}

function parseJson(text: string): Result<ExactJson, InputError> {
  const parsed = parseExactJson(text);
  if (!parsed.ok) return err(inputError('invalid_json', `not valid JSON: ${parsed.error.message}`, ''));
  return parsed;
}

function isObject(value: ExactJson | undefined): value is JsonObject {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber)
  );
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function label(path: string): string {
  return path === '' ? 'the input' : path;
}
