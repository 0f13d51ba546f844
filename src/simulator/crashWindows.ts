import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  err,
  inputError,
  ok,
  shortDecimalToScale,
  formatUnits,
  type InputError,
  type Result,
} from '../numbers/index.js';
import { parseFundingHistory } from './fundingHistory.js';
import { parseKlines, type Kline } from './klines.js';

/**
 * The four real BTCUSDT-perpetual crash windows bundled in `data/btcusdt-perp-1m-crashes/` (see its README for
 * provenance) and the real funding settlements that fall inside them (`data/binance-funding-rates/BTCUSDT.csv`).
 * Paths resolve from this module's URL: `src/simulator/` under tsx and `dist/simulator/` after a build are both
 * two levels below the package root, which ships `data/`.
 */

export const CRASH_WINDOW_IDS = ['2020-03-12', '2021-05-19', '2022-11-09', '2025-10-10'] as const;
export type CrashWindowId = (typeof CRASH_WINDOW_IDS)[number];

/** One bundled window: its file and what its README says it holds (checked when it loads). */
export interface CrashWindowSpec {
  readonly id: CrashWindowId;
  readonly file: string;
  /** Open time of the first minute, epoch ms (UTC). */
  readonly firstOpenMs: number;
  readonly minutes: number;
  readonly description: string;
}

export const CRASH_WINDOWS: readonly CrashWindowSpec[] = [
  {
    id: '2020-03-12',
    file: 'BTCUSDT-perp-1m_20200312T0822-20200313T0418Z.csv',
    firstOpenMs: Date.UTC(2020, 2, 12, 8, 22),
    minutes: 1197,
    description: 'Black Thursday: 7,402 → low 3,621.81 (2020-03-13 02:16 UTC) → 5,045',
  },
  {
    id: '2021-05-19',
    file: 'BTCUSDT-perp-1m_20210519T1202-20210519T1415Z.csv',
    firstOpenMs: Date.UTC(2021, 4, 19, 12, 2),
    minutes: 134,
    description: 'May 2021 cascade: 38,516 → low 28,688 (13:10 UTC) → 34,495',
  },
  {
    id: '2022-11-09',
    file: 'BTCUSDT-perp-1m_20221109T2001-20221109T2214Z.csv',
    firstOpenMs: Date.UTC(2022, 10, 9, 20, 1),
    minutes: 134,
    description: 'FTX collapse: 16,795 → low 15,462.6 (22:08 UTC) → 15,724.5',
  },
  {
    id: '2025-10-10',
    file: 'BTCUSDT-perp-1m_20251010T2011-20251010T2220Z.csv',
    firstOpenMs: Date.UTC(2025, 9, 10, 20, 11),
    minutes: 130,
    description: 'October 2025 cascade: 116,583 → low 101,516.5 (21:20 UTC) → 113,295',
  },
];

const KLINES_DIR = '../../data/btcusdt-perp-1m-crashes/';
const FUNDING_FILE = '../../data/binance-funding-rates/BTCUSDT.csv';
const MINUTE_MS = 60_000;
/** Binance USDⓈ-M BTCUSDT quantities: 3 decimals (lot 0.001 BTC). */
const VOLUME_SCALE = 3;
/** Column of the base-asset volume in a Binance kline row. */
const VOLUME_COLUMN = 5;

/** A real funding settlement inside a window: `rate` is the published fraction per interval (exact text). */
export interface WindowFunding {
  readonly fundingTimeMs: number;
  readonly rate: string;
}

/** A loaded window: candles, per-minute volumes and the funding settled inside it. */
export interface CrashWindow {
  readonly id: CrashWindowId;
  readonly symbol: 'BTCUSDT';
  /** The candle file, relative to the package root. */
  readonly source: string;
  readonly klines: readonly Kline[];
  /** Base volume of each minute (BTC, decimal text at the lot 0.001), same order as `klines`. */
  readonly volumesQty: readonly string[];
  /** The median minute volume (BTC, lot 0.001; the lower middle of an even count): the depth model's scale basis. */
  readonly medianMinuteVolumeQty: string;
  /** First minute's open time and the end of the last minute (exclusive), epoch ms. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly minutes: number;
  readonly funding: readonly WindowFunding[];
}

/** The spec of a window id, or null when it is not one of the bundled four. */
export function crashWindowSpec(id: string): CrashWindowSpec | null {
  return CRASH_WINDOWS.find((w) => w.id === id) ?? null;
}

/** The absolute path of a file under the package root (from this module's location). */
function packageFile(relative: string): string {
  return fileURLToPath(new URL(relative, import.meta.url));
}

function readText(relative: string, code: string): Result<string, InputError> {
  try {
    return ok(readFileSync(packageFile(relative), 'utf8'));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return err(inputError(code, `cannot read ${relative.replace('../../', '')}: ${reason}`, relative));
  }
}

/**
 * Loads a bundled crash window by id (`2020-03-12`, …): candles through `parseKlines` (row checks), the minute
 * volumes, and the real funding settlements with `fromMs ≤ time < toMs`. Errors: `unknown_window`,
 * `window_unreadable`, `funding_unreadable`, a row error from the parsers, `window_mismatch` (the file is not
 * what its README documents).
 */
export function loadCrashWindow(id: string): Result<CrashWindow, InputError> {
  const spec = crashWindowSpec(id);
  if (spec === null) {
    return err(
      inputError('unknown_window', `no crash window "${id}"; one of ${CRASH_WINDOW_IDS.join(', ')}`, 'id'),
    );
  }
  const source = `data/btcusdt-perp-1m-crashes/${spec.file}`;
  const text = readText(KLINES_DIR + spec.file, 'window_unreadable');
  if (!text.ok) return text;
  const klines = parseKlines(text.value, source);
  if (!klines.ok) return klines;
  const first = klines.value[0];
  if (klines.value.length !== spec.minutes || first?.openTimeMs !== spec.firstOpenMs) {
    return err(
      inputError(
        'window_mismatch',
        `${source} has ${klines.value.length} minutes from ${first?.openTimeMs ?? 'nothing'}; expected ${spec.minutes} from ${spec.firstOpenMs}`,
        source,
      ),
    );
  }
  const volumes = minuteVolumes(text.value, source);
  if (!volumes.ok) return volumes;

  const fromMs = spec.firstOpenMs;
  const toMs = fromMs + spec.minutes * MINUTE_MS;
  const fundingText = readText(FUNDING_FILE, 'funding_unreadable');
  if (!fundingText.ok) return fundingText;
  const history = parseFundingHistory(fundingText.value, 'data/binance-funding-rates/BTCUSDT.csv');
  if (!history.ok) return history;
  const funding = history.value
    .filter((r) => r.calcTimeMs >= fromMs && r.calcTimeMs < toMs)
    .map((r) => ({ fundingTimeMs: r.calcTimeMs, rate: r.rate }));

  const sorted = [...volumes.value].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0n;
  return ok({
    id: spec.id,
    symbol: 'BTCUSDT',
    source,
    klines: klines.value,
    volumesQty: volumes.value.map((v) => formatUnits(v, VOLUME_SCALE)),
    medianMinuteVolumeQty: formatUnits(median, VOLUME_SCALE),
    fromMs,
    toMs,
    minutes: spec.minutes,
    funding,
  });
}

/** The volume column of each row (rows already checked by parseKlines), in lots of 0.001. */
function minuteVolumes(csv: string, source: string): Result<bigint[], InputError> {
  const volumes: bigint[] = [];
  const lines = csv.split('\n').filter((line) => line.trim().length > 0);
  for (const [i, line] of lines.entries()) {
    const field = line.trim().split(',')[VOLUME_COLUMN] ?? '';
    const lots = shortDecimalToScale(field, VOLUME_SCALE);
    if (lots === undefined || lots < 0n) {
      const at = `${source}:${i + 1}`;
      return err(inputError('invalid_row', `${at} has a bad volume "${field}"`, at));
    }
    volumes.push(lots);
  }
  return ok(volumes);
}
