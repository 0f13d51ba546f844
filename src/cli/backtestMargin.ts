import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, divide } from '../numbers/index.js';
import {
  backtestMargin,
  backtestToJson,
  MAX_BACKTEST_HORIZONS,
  MAX_HORIZON_DAYS,
  MAX_OHLC_BARS,
  MAX_OHLC_CSV_CHARS,
  parseOhlcCsv,
  renderBacktestSvg,
  renderBacktestText,
  type BacktestReportContext,
} from '../statutory/backtest/index.js';
import {
  compileFormula,
  DEFAULT_FORMULA,
  FIXED_ONE,
  formatFixed,
  FOUNDING_FORMULA,
  parseFixed,
  STANDARD_INPUTS,
  type CompiledFormula,
  type Fixed,
} from '../statutory/formula/index.js';
import { profileById, type JurisdictionProfile } from '../statutory/profiles/index.js';
import { wholeNumberOption } from './wholeNumber.js';

/** The bundled real BTC/USDT daily history (Binance spot, 2017-08-17 → 2026-06-19; see its README). */
export const DEFAULT_BACKTEST_DATA_PATH = fileURLToPath(
  new URL('../../data/spot-daily-2017-2026/BTCUSDT_1d_extended.csv', import.meta.url),
);
/** How `sigma` is computed each day when a formula reads it: the engine's 1-day EWMA volatility. */
export const SIGMA_SOURCE = 'ewmaVol(0.94)';
/** Confidence when neither --confidence nor a profile's coverage claim gives one, in percent. */
const DEFAULT_CONFIDENCE_PERCENT = 99n;
/** Most --param / --input values. */
const MAX_NAME_VALUE_ITEMS = 64;
/** Inputs the backtest sets itself each day (from the options and the bars). */
const SET_BY_BACKTEST = new Set(['confidence', 'mporDays']);
const SUPPLIED_PER_DAY = new Set(['mark', 'index', 'sigma']);
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The options of `bulwark backtest-margin`, as text from the command line. */
export interface BacktestMarginCliOptions {
  /** Daily OHLC CSV; default the bundled BTC history. */
  readonly data?: string;
  /** `default`, `founding`, `profile` (the profile's volatility formula) or formula source text. */
  readonly formula?: string;
  /** Parameter values `name=value`, repeated or comma-separated. */
  readonly param?: string | readonly string[];
  /** Constant inputs `name=value` (e.g. leverage=10), repeated or comma-separated. */
  readonly input?: string | readonly string[];
  /** Jurisdiction profile id: its statutory floor for crypto and its cap apply, its coverage claim is the default. */
  readonly profile?: string;
  /** Claimed coverage in (0, 1); default the profile's, else 0.99. */
  readonly confidence?: string;
  /** Comma-separated horizons in days; default 1,2 and the profile's claimed margin period of risk. */
  readonly horizons?: string;
  /** First and last tested day, YYYY-MM-DD (history before `from` still feeds the formula). */
  readonly from?: string;
  readonly to?: string;
  /** Bars used only as history before the first tested day; default: the formula's lookback less one, so that
   * the first tested day sees the full history its series functions need. */
  readonly warmup?: string;
  /** `close` (default): close-to-close move; `extreme`: worst intraday excursion (daily highs and lows). */
  readonly move?: string;
  /** Write the SVG chart to this file. */
  readonly chart?: string;
  readonly json?: boolean;
  /** With --json: include every tested day. */
  readonly series?: boolean;
}

interface Outcome {
  readonly exitCode: number;
  readonly output: string;
}

/** An invalid option, data file or formula: a value handed back up to the caller, not an exception. */
class Rejection {
  constructor(readonly message: string) {}
}

function reject(message: string): Rejection {
  return new Rejection(message);
}

function nameValues(
  option: string,
  raw: string | readonly string[] | undefined,
): Map<string, Fixed> | Rejection {
  const items = (typeof raw === 'string' ? [raw] : (raw ?? [])).flatMap((item) => item.split(','));
  if (items.length > MAX_NAME_VALUE_ITEMS)
    return reject(`--${option}: more than ${MAX_NAME_VALUE_ITEMS} values`);
  const values = new Map<string, Fixed>();
  for (const item of items) {
    const [name = '', text, ...rest] = item.split('=').map((part) => part.trim());
    if (!NAME_PATTERN.test(name) || text === undefined || rest.length > 0) {
      return reject(`--${option}: ${JSON.stringify(item)} is not name=value`);
    }
    const value = parseFixed(text);
    if (value === null) return reject(`--${option}: ${name}=${JSON.stringify(text)} is not a number`);
    values.set(name, value);
  }
  return values;
}

function fraction(option: string, text: string): Fixed | Rejection {
  const value = parseFixed(text);
  if (value === null || value <= 0n || value >= FIXED_ONE) {
    return reject(`--${option}: ${JSON.stringify(text)} is not a number in (0, 1)`);
  }
  return value;
}

function wholeNumber(option: string, text: string, min: number, max: number): number | Rejection {
  const value = wholeNumberOption(option, text, min, max);
  return typeof value === 'number' ? value : reject(value.error);
}

function horizonList(text: string): number[] | Rejection {
  const horizons: number[] = [];
  for (const part of text.split(',')) {
    const horizon = wholeNumber('horizons', part, 1, MAX_HORIZON_DAYS);
    if (horizon instanceof Rejection) return horizon;
    horizons.push(horizon);
  }
  if (horizons.length > MAX_BACKTEST_HORIZONS)
    return reject(`--horizons: at most ${MAX_BACKTEST_HORIZONS} horizons`);
  if (new Set(horizons).size !== horizons.length) return reject(`--horizons: ${text} repeats a horizon`);
  return horizons;
}

function day(option: string, text: string | undefined): string | undefined | Rejection {
  if (text === undefined) return undefined;
  if (!DATE_PATTERN.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    return reject(`--${option}: ${JSON.stringify(text)} is not a date YYYY-MM-DD`);
  }
  return text;
}

/** The compile error under the formula text, with a caret line pointing at it. */
function formulaErrorText(source: string, error: { message: string; start: number; end: number }): string {
  const caret = `${' '.repeat(error.start)}${'^'.repeat(Math.max(1, error.end - error.start))}`;
  const where =
    error.end - error.start <= 1
      ? `at character ${error.start}`
      : `at characters ${error.start}–${error.end}`;
  return `--formula: ${error.message} ${where}\n    ${source}\n    ${caret}`;
}

interface ChosenFormula {
  readonly name: string;
  readonly source: string;
  readonly parameters: Map<string, Fixed>;
}

interface NamedFormula {
  readonly source: string;
  readonly defaults: Readonly<Record<string, string>>;
}

function chooseFormula(
  text: string,
  overrides: Map<string, Fixed>,
  profileFormula: NamedFormula | null,
): ChosenFormula | Rejection {
  let named: NamedFormula | null = null;
  if (text === 'default') named = DEFAULT_FORMULA;
  if (text === 'founding') named = FOUNDING_FORMULA;
  if (text === 'profile') {
    if (profileFormula === null)
      return reject('--formula profile: no --profile with a volatility formula was given');
    named = profileFormula;
  }
  const parameters = new Map<string, Fixed>();
  for (const [name, value] of Object.entries(named?.defaults ?? {})) {
    const parsed = parseFixed(value);
    if (parsed === null) return reject(`--formula ${text}: its parameter ${name}=${value} is not a number`);
    parameters.set(name, parsed);
  }
  for (const [name, value] of overrides) parameters.set(name, value);
  return { name: named === null ? 'custom' : text, source: named?.source ?? text, parameters };
}

function compiled(source: string, parameters: readonly string[]): CompiledFormula | Rejection {
  const result = compileFormula(source, { parameters });
  if (result.ok) return result.formula;
  const first = result.errors[0];
  return reject(first === undefined ? '--formula: does not compile' : formulaErrorText(source, first));
}

function readData(path: string): string | Rejection {
  if (!existsSync(path)) return reject(`--data: ${path}: no such file`);
  const stats = statSync(path);
  if (!stats.isFile()) return reject(`--data: ${path} is not a file`);
  // A byte bound keeps an oversized file from being read at all (bytes ≥ UTF-16 units).
  if (stats.size > MAX_OHLC_CSV_CHARS)
    return reject(`--data: ${path} is larger than ${MAX_OHLC_CSV_CHARS} bytes`);
  return readFileSync(path, 'utf8');
}

/** Constant inputs: --input values and the formula's parameters; ltv derived from leverage when not given. */
function constantInputs(
  formula: CompiledFormula,
  parameters: ReadonlyMap<string, Fixed>,
  given: ReadonlyMap<string, Fixed>,
): Record<string, Fixed> | Rejection {
  const inputs: Record<string, Fixed> = Object.fromEntries(parameters);
  for (const [name, value] of given) {
    if (!STANDARD_INPUTS.includes(name)) {
      return reject(`--input: ${name} is not a standard input (${STANDARD_INPUTS.join(', ')})`);
    }
    if (SET_BY_BACKTEST.has(name))
      return reject(`--input: ${name} is set by the backtest (use --confidence / --horizons)`);
    inputs[name] = value;
  }
  const leverage = inputs.leverage;
  if (inputs.ltv === undefined && leverage !== undefined) {
    if (leverage < FIXED_ONE) return reject('--input: leverage must be at least 1');
    // ltv = 1 − 1/leverage (STATUTORY.md §2).
    inputs.ltv = FIXED_ONE - divide(FIXED_ONE * FIXED_ONE, leverage, 'halfEven');
  }
  for (const name of formula.inputs) {
    if (inputs[name] === undefined && !SET_BY_BACKTEST.has(name) && !SUPPLIED_PER_DAY.has(name)) {
      const hint = name === 'ltv' ? ' (or --input leverage=<value>: ltv = 1 − 1/leverage)' : '';
      return reject(`--input: the formula reads ${name}: give it as --input ${name}=<value>${hint}`);
    }
  }
  return inputs;
}

/**
 * The profile's statutory floor for crypto (the larger of its formula floor and the class minimum), its cap and a
 * summary line. Profile decimals are published data that its own checks parse; an unparsable one counts as absent.
 */
function profileTerms(profile: JurisdictionProfile): {
  floorRate: Fixed | null;
  capRate: Fixed | null;
  line: string;
} {
  const crypto = profile.assetClasses.crypto;
  let floorRate: Fixed | null = null;
  for (const text of [profile.floor, crypto.initialMarginRate]) {
    const value = text === null ? null : parseFixed(text);
    if (value !== null && (floorRate === null || value > floorRate)) floorRate = value;
  }
  const line =
    `${profile.id} v${profile.version} (${profile.title}); crypto ${crypto.status}` +
    (floorRate === null ? ', no statutory floor' : `, rate floored at ${formatFixed(floorRate)}`) +
    (profile.coverage === null
      ? ', claims no coverage'
      : `, claims ${profile.coverage.confidence} over ${profile.coverage.mporDays} day(s)`);
  const capRate = profile.cap === null ? null : parseFixed(profile.cap);
  return { floorRate, capRate, line };
}

/** Bar indexes of the first day on or after `from` and the last on or before `to`. */
function testedRange(
  dates: readonly string[],
  from: string | undefined,
  to: string | undefined,
): { firstIndex: number; lastIndex: number } | Rejection {
  const firstIndex = from === undefined ? 0 : dates.findIndex((date) => date.slice(0, 10) >= from);
  let lastIndex = dates.length - 1;
  if (to !== undefined) while (lastIndex >= 0 && (dates[lastIndex] ?? '').slice(0, 10) > to) lastIndex--;
  if (firstIndex < 0 || lastIndex < firstIndex) {
    return reject(`--from/--to: no bars between ${from ?? 'the start'} and ${to ?? 'the end'}`);
  }
  return { firstIndex, lastIndex };
}

function run(options: BacktestMarginCliOptions): Outcome | Rejection {
  const profile = options.profile === undefined ? null : profileById(options.profile);
  if (options.profile !== undefined && profile === null) {
    return reject(`--profile: no profile ${JSON.stringify(options.profile)}`);
  }
  const claimed = profile?.coverage?.confidence;
  const confidence =
    options.confidence !== undefined
      ? fraction('confidence', options.confidence)
      : claimed !== undefined
        ? fraction('profile', claimed)
        : divide(DEFAULT_CONFIDENCE_PERCENT * FIXED_ONE, 100n, 'trunc');
  if (confidence instanceof Rejection) return confidence;
  const claimedHorizon = profile?.coverage?.mporDays;
  const defaultHorizons =
    claimedHorizon === undefined || claimedHorizon <= 2 ? '1,2' : `1,2,${claimedHorizon}`;
  const horizons = horizonList(options.horizons ?? defaultHorizons);
  if (horizons instanceof Rejection) return horizons;
  const from = day('from', options.from);
  if (from instanceof Rejection) return from;
  const to = day('to', options.to);
  if (to instanceof Rejection) return to;
  if (from !== undefined && to !== undefined && from > to)
    return reject(`--from ${from} is after --to ${to}`);
  const moveBasis = options.move ?? 'close';
  if (moveBasis !== 'close' && moveBasis !== 'extreme') {
    return reject(`--move: ${JSON.stringify(moveBasis)} is neither close nor extreme`);
  }

  const dataPath = options.data ?? DEFAULT_BACKTEST_DATA_PATH;
  const text = readData(dataPath);
  if (text instanceof Rejection) return text;
  const parsed = parseOhlcCsv(text);
  if (!parsed.ok) return reject(`--data: ${dataPath}: ${parsed.error.message}`);
  const { bars, dates } = parsed.value;
  const range = testedRange(dates, from, to);
  if (range instanceof Rejection) return range;

  const overrides = nameValues('param', options.param);
  if (overrides instanceof Rejection) return overrides;
  const profileFormula = profile?.volatilityFormula ?? null;
  const chosen = chooseFormula(
    options.formula ?? 'default',
    overrides,
    profileFormula === null ? null : { source: profileFormula.source, defaults: profileFormula.parameters },
  );
  if (chosen instanceof Rejection) return chosen;
  const formula = compiled(chosen.source, [...chosen.parameters.keys()]);
  if (formula instanceof Rejection) return formula;
  const given = nameValues('input', options.input);
  if (given instanceof Rejection) return given;
  const inputs = constantInputs(formula, chosen.parameters, given);
  if (inputs instanceof Rejection) return inputs;
  const sigmaFormula = compiled(SIGMA_SOURCE, []);
  assert(!(sigmaFormula instanceof Rejection), 'the sigma formula compiles');
  const lookbackBars = Math.max(
    formula.historyBars,
    formula.inputs.includes('sigma') ? sigmaFormula.historyBars : 0,
  );
  const warmupBars =
    options.warmup === undefined
      ? Math.max(0, lookbackBars - 1)
      : wholeNumber('warmup', options.warmup, 0, MAX_OHLC_BARS);
  if (warmupBars instanceof Rejection) return warmupBars;
  const terms = profile === null ? null : profileTerms(profile);
  const floorRate = terms?.floorRate ?? null;
  const capRate = terms?.capRate ?? null;

  const started = performance.now();
  const result = backtestMargin({
    bars,
    dates,
    formula,
    inputs,
    confidence,
    horizonsDays: horizons,
    warmupBars,
    ...range,
    sigmaFormula,
    moveBasis,
    ...(floorRate === null ? {} : { floorRate }),
    ...(capRate === null ? {} : { capRate }),
  });
  const seconds = (performance.now() - started) / 1000;
  const context: BacktestReportContext = {
    dates,
    dataLabel: basename(dataPath),
    formulaName: chosen.name,
    formulaSource: chosen.source,
    parameters: Object.fromEntries([...chosen.parameters].map(([name, value]) => [name, formatFixed(value)])),
    ...(terms === null ? {} : { profileLine: terms.line }),
  };
  if (options.chart !== undefined) {
    try {
      writeFileSync(options.chart, renderBacktestSvg(result, context));
    } catch (error) {
      return reject(
        `--chart: cannot write ${options.chart} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  if (options.json === true) {
    const json = backtestToJson(result, context, options.series === true);
    return { exitCode: 0, output: `${JSON.stringify(json, null, 2)}\n` };
  }
  const chartLine = options.chart === undefined ? '' : `\nChart written to ${options.chart}\n`;
  return {
    exitCode: 0,
    output: `${renderBacktestText(result, context)}${chartLine}\nBacktest computed in ${seconds.toFixed(2)} s\n`,
  };
}

/**
 * `bulwark backtest-margin`: backtests a margin-rate formula on daily prices (coverage with Kupiec's test,
 * procyclicality) and prints a table or JSON, optionally writing an SVG chart. Exit 0, or 2 with a message naming
 * the option when an option, the data file or the formula is invalid.
 */
export function runBacktestMargin(options: BacktestMarginCliOptions): Outcome {
  const outcome = run(options);
  if (outcome instanceof Rejection)
    return { exitCode: 2, output: `bulwark backtest-margin: ${outcome.message}\n` };
  return outcome;
}
