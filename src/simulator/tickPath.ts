import {
  divide,
  err,
  formatUnits,
  inputError,
  ok,
  Rational,
  type InputError,
  type Result,
} from '../numbers/index.js';
import type { Kline } from './klines.js';

/**
 * Sub-minute prices inside one 1-minute candle. A candle only says where the minute opened, closed and how far it
 * went either way, not in which order; the replay needs an order because liquidations depend on it.
 *
 * The rule: the path visits open → high → low → close for a down candle (close below open) and open → low → high →
 * close for an up candle. Of the two orders that visit both extremes this is the shorter one (the other adds
 * 2 × |close − open| of travel), so it invents the least price movement the candle does not show, and the minute
 * ends with the move in its own direction: a down candle reaches its low late, after its high, as a selling
 * cascade does. A candle that closes where it opened goes to the extreme nearer the open first (again the
 * shorter way); an exact tie goes to the high first. Prices move linearly between these anchors.
 *
 * Prices are on the instrument's tick: high rounds down and low rounds up to the tick (so no tick leaves
 * [low, high]); open and close round half-even, held inside those. The ticks hit the four rounded anchors exactly.
 * If no tick lies in [low, high] at all (a candle narrower than one tick), every tick is the half-even tick of the
 * candle's middle: the one case a price leaves [low, high], by less than one tick.
 */

/** Fewest ticks per minute: one per anchor (open, first extreme, second extreme, close). */
export const MIN_TICKS_PER_MINUTE = 4;
/** Most ticks per minute: one every 100 ms. */
export const MAX_TICKS_PER_MINUTE = 600;
/** Finest tick the path supports (price scale, fraction digits). */
export const MAX_PRICE_SCALE = 8;
const MINUTE_MS = 60_000;
const TWO = Rational.fromInt(2n);

/** One sub-minute price: `price` is decimal text at the price scale. */
export interface Tick {
  readonly timeMs: number;
  readonly price: string;
}

/** The order the path visits the candle's extremes. */
export type PathOrder = 'highFirst' | 'lowFirst';

/** Which extreme a candle's path visits first (see the module comment for the rule and why). */
export function pathOrder(kline: Kline): PathOrder {
  const direction = kline.close.cmp(kline.open);
  if (direction < 0) return 'highFirst';
  if (direction > 0) return 'lowFirst';
  const toHigh = kline.high.sub(kline.open);
  const toLow = kline.open.sub(kline.low);
  return toLow.lt(toHigh) ? 'lowFirst' : 'highFirst';
}

/**
 * Checks a tick count and price scale; the error names the field. The replay checks its settings once with this,
 * then calls `tickPricesOfMinute` per minute.
 */
export function checkTickSettings(ticksPerMinute: number, priceScale: number): Result<null, InputError> {
  if (
    !Number.isInteger(ticksPerMinute) ||
    ticksPerMinute < MIN_TICKS_PER_MINUTE ||
    ticksPerMinute > MAX_TICKS_PER_MINUTE
  ) {
    return err(
      inputError(
        'invalid_ticks_per_minute',
        `ticksPerMinute must be a whole number from ${MIN_TICKS_PER_MINUTE} to ${MAX_TICKS_PER_MINUTE}`,
        'ticksPerMinute',
      ),
    );
  }
  if (!Number.isInteger(priceScale) || priceScale < 0 || priceScale > MAX_PRICE_SCALE) {
    return err(inputError('invalid_price_scale', `priceScale must be 0 to ${MAX_PRICE_SCALE}`, 'priceScale'));
  }
  return ok(null);
}

/**
 * The minute's prices in price units (10^−priceScale): `ticksPerMinute` of them along the documented path, first
 * the rounded open, last the rounded close. Settings must have passed `checkTickSettings`.
 */
export function tickPricesOfMinute(kline: Kline, ticksPerMinute: number, priceScale: number): bigint[] {
  const low = kline.low.toUnits(priceScale, 'ceil');
  const high = kline.high.toUnits(priceScale, 'floor');
  if (low > high) {
    const middle = kline.low.add(kline.high).div(TWO).toUnits(priceScale, 'halfEven');
    return new Array<bigint>(ticksPerMinute).fill(middle);
  }
  const clamp = (v: bigint): bigint => (v < low ? low : v > high ? high : v);
  const open = clamp(kline.open.toUnits(priceScale, 'halfEven'));
  const close = clamp(kline.close.toUnits(priceScale, 'halfEven'));
  const [first, second] = pathOrder(kline) === 'highFirst' ? [high, low] : [low, high];
  return linearPath([open, first, second, close], ticksPerMinute - 1);
}

/**
 * The minute's ticks: prices as decimal text at `priceScale` (tick 10^−priceScale), times spread evenly from the
 * minute's open (`openTimeMs + ⌊i × 60,000 / n⌋`, all inside the minute).
 */
export function ticksOfMinute(
  kline: Kline,
  ticksPerMinute: number,
  priceScale = 1,
): Result<Tick[], InputError> {
  const checked = checkTickSettings(ticksPerMinute, priceScale);
  if (!checked.ok) return checked;
  const prices = tickPricesOfMinute(kline, ticksPerMinute, priceScale);
  return ok(
    prices.map((units, i) => ({
      timeMs: kline.openTimeMs + Math.floor((i * MINUTE_MS) / ticksPerMinute),
      price: formatUnits(units, priceScale),
    })),
  );
}

/**
 * A path through `anchors` in `intervals` steps: each leg that moves gets at least one step, the spare steps go
 * to the legs in proportion to their length (largest remainder, earlier leg on a tie); inside a leg prices are
 * linear, rounded half-even, so they stay between its ends and never turn back.
 */
function linearPath(anchors: readonly bigint[], intervals: number): bigint[] {
  const legs: { from: bigint; to: bigint; length: bigint; steps: number }[] = [];
  for (let i = 1; i < anchors.length; i++) {
    const from = anchors[i - 1] ?? 0n;
    const to = anchors[i] ?? 0n;
    legs.push({ from, to, length: to > from ? to - from : from - to, steps: 0 });
  }
  const moving = legs.filter((leg) => leg.length > 0n);
  const start = anchors[0] ?? 0n;
  if (moving.length === 0) return new Array<bigint>(intervals + 1).fill(start);
  const total = moving.reduce((sum, leg) => sum + leg.length, 0n);
  const spare = BigInt(intervals - moving.length);
  const remainders: { leg: (typeof legs)[number]; remainder: bigint; order: number }[] = [];
  let given = 0n;
  for (const [order, leg] of moving.entries()) {
    const share = (spare * leg.length) / total;
    leg.steps = 1 + Number(share);
    given += share;
    remainders.push({ leg, remainder: (spare * leg.length) % total, order });
  }
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.order - b.order : a.remainder > b.remainder ? -1 : 1,
  );
  for (let k = 0n; k < spare - given; k++) {
    const entry = remainders[Number(k)];
    if (entry !== undefined) entry.leg.steps++;
  }

  const prices = [start];
  for (const leg of moving) {
    const steps = BigInt(leg.steps);
    for (let j = 1n; j <= steps; j++) {
      prices.push(leg.from + divide((leg.to - leg.from) * j, steps, 'halfEven'));
    }
  }
  return prices;
}
