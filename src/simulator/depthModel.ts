import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MAX_BOOK_LEVELS } from '../engine/index.js';
import {
  err,
  formatUnits,
  inputError,
  ok,
  parseDecimal,
  pow10,
  Rational,
  shortDecimalToScale,
  type InputError,
  type Result,
} from '../numbers/index.js';
import type { ContractKind, OrderBook } from '../prices/index.js';
import { loadBitmexXbtusdBook } from './orderBookSnapshots.js';

/**
 * A depth model for the liquidation orders of a replay: an order book shaped like a real BTC perpetual book and
 * sized to the window's traded volume.
 *
 * Shape: the cumulative depth of a real snapshot as a function of the distance from its mid in basis points, each
 * side normalised to 1 at DEPTH_PROFILE_RANGE_BPS. The repository holds no BTCUSDT depth snapshot (the Binance
 * USDⓈ-M samples are SUSHI, AKRO, KEEP and CTK); the one BTC perpetual book is BitMEX XBTUSD's full L2 partial of
 * 2021-07-22 22:36 UTC, so that is the default shape, its USD contracts converted to BTC (size / price). Any other
 * snapshot gives a profile through `depthProfileOfBook`.
 *
 * Size: each side holds `scale × minuteVolumeQty` within the range, `minuteVolumeQty` being the window's median
 * minute volume (`CrashWindow.medianMinuteVolumeQty`: the median, not the mean, so the crash minutes' volume
 * spikes do not deepen the book). See DEFAULT_DEPTH_SCALE for the constant's basis.
 */

/** How far from mid the profile reaches, basis points (10 %: the largest one-minute fall in the windows is ~6 %). */
export const DEPTH_PROFILE_RANGE_BPS = 1000;
/** A cumulative fraction of 1 in the profile's units (parts per billion). */
export const PROFILE_ONE = 1_000_000_000n;
/** Base quantities are summed at this many fraction digits (inverse books divide by price). */
const BASE_QTY_SCALE = 12;
const BPS = 10_000n;

/**
 * Each side's depth within the profile's range, in median minutes of the window's volume. Basis: Binance's own
 * BTCUSDT-perpetual depth file of 2025-05-19 11:07 UTC (data.binance.vision `futures/um/daily/bookDepth`, quoted
 * in binance/binance-public-data issue 431) has 7,885 BTC of bids and 6,492 BTC of asks within 5 % of the price;
 * the default profile puts 84 % of a side within 5 %, so about 9,400 and 7,700 BTC within 10 %, 8,500 a side on
 * average. The bundled 2025-10-10 window's median minute volume is 763 BTC: 8,500 / 763 ≈ 11. It assumes the
 * book-to-volume ratio of 2025 also held in the other windows; it is a parameter to vary, not a measurement of
 * each day.
 */
export const DEFAULT_DEPTH_SCALE = '11';

const DEFAULT_PROFILE_FILE = '../../data/orderbook-snapshots/bitmex_XBTUSD_orderBookL2_2021-07-22.json';

/** A normalised depth profile: per side, the cumulative share of the side's depth within d bps, d = 0…rangeBps. */
export interface DepthProfile {
  readonly source: string;
  readonly rangeBps: number;
  /** `PROFILE_ONE`-based cumulative fractions, non-decreasing, last = PROFILE_ONE. */
  readonly bids: readonly bigint[];
  readonly asks: readonly bigint[];
}

/** A book in the engine's `bookSnapshot` format: `[price, qty]` decimal text, best first. */
export interface DepthBook {
  readonly bids: (readonly [string, string])[];
  readonly asks: (readonly [string, string])[];
}

export interface DepthBookOptions {
  /** Where the book is centred (decimal text, any precision: the current tick's price). */
  readonly mid: string;
  /** The window's median minute volume, base coin (decimal text). */
  readonly minuteVolumeQty: string;
  /** Depth of a side within the range, in `minuteVolumeQty`s (decimal text); default DEFAULT_DEPTH_SCALE. */
  readonly scale?: string;
  /** Price levels a side is cut into, 1…MAX_BOOK_LEVELS (the engine's bound). */
  readonly levels: number;
  /** Tick 10^−priceScale and lot 10^−qtyScale (BTCUSDT: 1 and 3, tick 0.1, lot 0.001). */
  readonly priceScale?: number;
  readonly qtyScale?: number;
}

/**
 * The normalised cumulative depth profile of a real book (quantities in base coin; an inverse book's contracts
 * are divided by their price), levels beyond `rangeBps` from the mid ignored. Error `empty_profile` when a side has
 * nothing within the range.
 */
export function depthProfileOfBook(
  book: OrderBook,
  contract: ContractKind,
  source: string,
  rangeBps = DEPTH_PROFILE_RANGE_BPS,
): Result<DepthProfile, InputError> {
  const bestBid = book.bids[0];
  const bestAsk = book.asks[0];
  if (bestBid === undefined || bestAsk === undefined)
    return err(inputError('empty_profile', `${source} has an empty side`, source));
  const mid = bestBid.price.add(bestAsk.price).div(Rational.fromInt(2n));
  const sides: bigint[][] = [];
  for (const side of ['bids', 'asks'] as const) {
    const buckets = new Array<bigint>(rangeBps + 1).fill(0n);
    for (const level of book[side]) {
      const distanceBps = level.price.sub(mid).abs().div(mid).mulInt(BPS);
      // A level at 0.3 bps counts from 1 bps on: the profile says what lies *within* d bps.
      const bucket = distanceBps.toUnits(0, 'ceil');
      if (bucket > BigInt(rangeBps)) continue;
      const base =
        contract.kind === 'linear'
          ? level.qty.mul(contract.contractSize)
          : level.qty.mul(contract.contractSize).div(level.price);
      const index = Number(bucket);
      buckets[index] = (buckets[index] ?? 0n) + base.toUnits(BASE_QTY_SCALE, 'floor');
    }
    let running = 0n;
    const cumulative = buckets.map((qty) => (running += qty));
    if (running === 0n) {
      return err(
        inputError('empty_profile', `${source} has no ${side} within ${rangeBps} bps of mid`, source),
      );
    }
    const total = running;
    sides.push(cumulative.map((c, d) => (d === rangeBps ? PROFILE_ONE : (c * PROFILE_ONE) / total)));
  }
  const [bids = [], asks = []] = sides;
  return ok({ source, rangeBps, bids, asks });
}

/** The default profile: BitMEX XBTUSD's 2021-07-22 partial book (the repository's one BTC perpetual book). */
export function loadBtcDepthProfile(): Result<DepthProfile, InputError> {
  const source = DEFAULT_PROFILE_FILE.replace('../../', '');
  let text: string;
  try {
    text = readFileSync(fileURLToPath(new URL(DEFAULT_PROFILE_FILE, import.meta.url)), 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return err(inputError('profile_unreadable', `cannot read ${source}: ${reason}`, source));
  }
  const loaded = loadBitmexXbtusdBook(text);
  if (!loaded.ok) return loaded;
  return depthProfileOfBook(loaded.value.partial, loaded.value.contract, source);
}

/** The profile's cumulative fraction at `numerator / denominator` bps (linear between whole bps). */
function fractionAt(side: readonly bigint[], numerator: bigint, denominator: bigint): bigint {
  const whole = numerator / denominator;
  const rest = numerator % denominator;
  const below = side[Number(whole)] ?? PROFILE_ONE;
  if (rest === 0n) return below;
  const above = side[Number(whole) + 1] ?? PROFILE_ONE;
  return below + ((above - below) * rest) / denominator;
}

function readNonNegative(text: string, field: string): Result<Rational, InputError> {
  const parsed = parseDecimal(text);
  if (!parsed.ok || parsed.value.units < 0n)
    return err(inputError('invalid_field', `${field} must be a non-negative decimal`, field));
  return ok(Rational.fromDecimal(parsed.value));
}

function readScale(value: number, field: string): Result<number, InputError> {
  if (!Number.isInteger(value) || value < 0 || value > 12)
    return err(inputError('invalid_field', `${field} must be a whole number from 0 to 12`, field));
  return ok(value);
}

/**
 * A book around `mid` shaped like `profile`: level i of n sits at R × (i/n)² bps from mid (R the profile's range;
 * denser near the touch, where real books are), bids rounded down and asks up to the tick; a side holds
 * ⌊scale × minuteVolumeQty⌋ lots split by the profile (cumulative lots rounded down at each level, so the side's
 * total is exact); levels that round to one tick are merged, empty ones dropped.
 */
export function depthBook(profile: DepthProfile, options: DepthBookOptions): Result<DepthBook, InputError> {
  const mid = readNonNegative(options.mid, 'mid');
  if (!mid.ok) return mid;
  if (mid.value.isZero()) return err(inputError('invalid_field', 'mid must be positive', 'mid'));
  const volume = readNonNegative(options.minuteVolumeQty, 'minuteVolumeQty');
  if (!volume.ok) return volume;
  const scale = readNonNegative(options.scale ?? DEFAULT_DEPTH_SCALE, 'scale');
  if (!scale.ok) return scale;
  const priceScale = readScale(options.priceScale ?? 1, 'priceScale');
  if (!priceScale.ok) return priceScale;
  const qtyScale = readScale(options.qtyScale ?? 3, 'qtyScale');
  if (!qtyScale.ok) return qtyScale;
  const n = options.levels;
  if (!Number.isInteger(n) || n < 1 || n > MAX_BOOK_LEVELS) {
    return err(
      inputError('invalid_field', `levels must be a whole number from 1 to ${MAX_BOOK_LEVELS}`, 'levels'),
    );
  }
  const sideLots = volume.value.mul(scale.value).toUnits(qtyScale.value, 'floor');
  const range = BigInt(profile.rangeBps);
  const nn = BigInt(n) * BigInt(n);
  // Price units of level i: mid × (1 ∓ R i² / (10⁴ n²)) × 10^priceScale, as one fraction over this denominator.
  const midUnits = mid.value.mulInt(pow10(priceScale.value));
  const denominator = midUnits.den * BPS * nn;
  const book: DepthBook = { bids: [], asks: [] };
  for (const side of ['bids', 'asks'] as const) {
    const fractions = side === 'bids' ? profile.bids : profile.asks;
    const levels = book[side];
    let previousLots = 0n;
    let lastPrice = -1n;
    let lastQty = 0n;
    const flush = (): void => {
      if (lastQty > 0n)
        levels.push([formatUnits(lastPrice, priceScale.value), formatUnits(lastQty, qtyScale.value)]);
    };
    for (let i = 1; i <= n; i++) {
      const offset = range * BigInt(i) * BigInt(i); // bps × n²
      const numerator = midUnits.num * (BPS * nn + (side === 'bids' ? -offset : offset));
      const price = side === 'bids' ? numerator / denominator : (numerator + denominator - 1n) / denominator;
      if (price <= 0n) break;
      const lots = (sideLots * fractionAt(fractions, offset, nn)) / PROFILE_ONE;
      const qty = lots - previousLots;
      previousLots = lots;
      if (price === lastPrice) {
        lastQty += qty;
        continue;
      }
      flush();
      lastPrice = price;
      lastQty = qty;
    }
    flush();
  }
  return ok(book);
}

/** Where a side stands after a liquidation order took `qty` from it. */
export interface Impact {
  /** The side's best price after the fill (the partly taken level, or the next); null when the side was empty. */
  readonly price: string | null;
  /** What the side could fill of `qty` (decimal text at the lot). */
  readonly filledQty: string;
  /** True when `qty` took the whole side (`price` is then its last level). */
  readonly exhausted: boolean;
}

/**
 * The price a book moves to when a liquidation order takes `qty` (base coin, decimal text at the lot 10^−qtyScale)
 * from `sideTaken` (a long's liquidation sells into the bids): for the price-impact feedback of a cascade.
 */
export function impactAfterFill(
  book: DepthBook,
  sideTaken: 'bids' | 'asks',
  qty: string,
  qtyScale = 3,
): Result<Impact, InputError> {
  const wanted = shortDecimalToScale(qty, qtyScale);
  if (wanted === undefined || wanted <= 0n)
    return err(inputError('invalid_field', `qty must be a positive decimal at ${qtyScale} digits`, 'qty'));
  const levels = book[sideTaken];
  let remaining = wanted;
  let lastPrice: string | null = null;
  for (const [i, [price, levelQty]] of levels.entries()) {
    const size = shortDecimalToScale(levelQty, qtyScale);
    if (size === undefined || size <= 0n) {
      const at = `${sideTaken}[${i}]`;
      return err(inputError('invalid_field', `${at} has a bad quantity "${levelQty}"`, at));
    }
    lastPrice = price;
    if (size > remaining) return ok({ price, filledQty: qty, exhausted: false });
    remaining -= size;
    if (remaining === 0n) {
      const next = levels[i + 1];
      return next === undefined
        ? ok({ price, filledQty: qty, exhausted: true })
        : ok({ price: next[0], filledQty: qty, exhausted: false });
    }
  }
  return ok({ price: lastPrice, filledQty: formatUnits(wanted - remaining, qtyScale), exhausted: true });
}
