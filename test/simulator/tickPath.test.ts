import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Rational } from '../../src/numbers/index.js';
import { loadCrashWindow } from '../../src/simulator/crashWindows.js';
import type { Kline } from '../../src/simulator/klines.js';
import {
  MAX_TICKS_PER_MINUTE,
  pathOrder,
  tickPricesOfMinute,
  ticksOfMinute,
  type Tick,
} from '../../src/simulator/tickPath.js';

const T0 = Date.UTC(2020, 2, 12, 10, 0);

/** A kline from prices in hundredths (the 2020 file's precision). */
function kline(open: number, high: number, low: number, close: number, openTimeMs = T0): Kline {
  const r = (cents: number): Rational => Rational.fromUnits(BigInt(cents), 2);
  return { openTimeMs, open: r(open), high: r(high), low: r(low), close: r(close) };
}

function ticks(k: Kline, n: number): Tick[] {
  const result = ticksOfMinute(k, n);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

/** `xs[i]`, which the test knows is there. */
function at<T>(xs: readonly T[], i: number): T {
  const value = xs[i];
  assert.ok(value !== undefined, `index ${i} of ${xs.length}`);
  return value;
}

/** Tenths from hundredths, rounded as named. */
const tenths = {
  floor: (c: number) => BigInt(Math.floor(c / 10)),
  ceil: (c: number) => BigInt(Math.ceil(c / 10)),
  halfEven: (c: number) => Rational.fromUnits(BigInt(c), 2).toUnits(1, 'halfEven'),
};

/** Number of direction changes in a sequence (flat steps ignored). */
function turns(prices: readonly bigint[]): number {
  let direction = 0;
  let count = 0;
  for (let i = 1; i < prices.length; i++) {
    const step = at(prices, i) - at(prices, i - 1);
    const d = step > 0n ? 1 : step < 0n ? -1 : 0;
    if (d === 0) continue;
    if (direction !== 0 && d !== direction) count++;
    direction = d;
  }
  return count;
}

const candle = fc
  .tuple(
    fc.integer({ min: 100_000, max: 20_000_000 }),
    fc.integer({ min: 0, max: 200_000 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  )
  .map(([low, range, o, c]) => {
    const high = low + range;
    return kline(low + Math.round(range * o), high, low, low + Math.round(range * c));
  });

describe('tickPath: sub-minute prices through open, high, low and close', () => {
  test('a down candle goes open → high → low → close, an up candle open → low → high → close', () => {
    assert.equal(pathOrder(kline(740000, 741000, 730000, 731000)), 'highFirst');
    assert.equal(pathOrder(kline(731000, 741000, 730000, 740000)), 'lowFirst');
    // Close = open: the nearer extreme first; an exact tie goes to the high.
    assert.equal(pathOrder(kline(735000, 741000, 734000, 735000)), 'lowFirst');
    assert.equal(pathOrder(kline(735000, 736000, 730000, 735000)), 'highFirst');
    assert.equal(pathOrder(kline(735000, 736000, 734000, 735000)), 'highFirst');
  });

  test('a worked minute: 10 ticks of a down candle, the legs sharing the steps by length', () => {
    // open 7,400, high 7,410, low 7,370, close 7,380: legs of 100, 400 and 100 tenths share 9 steps 2/5/2.
    const t = ticks(kline(740000, 741000, 737000, 738000), 10);
    assert.deepEqual(
      t.map((x) => x.price),
      ['7400', '7405', '7410', '7402', '7394', '7386', '7378', '7370', '7375', '7380'],
    );
    assert.deepEqual(
      t.map((x) => x.timeMs - T0),
      [0, 6000, 12000, 18000, 24000, 30000, 36000, 42000, 48000, 54000],
    );
    // 7 ticks: 6 steps, spare 3 split 0.5/2/0.5; the tied remainders go to the earlier leg: 2/3/1.
    assert.deepEqual(
      ticks(kline(740000, 741000, 737000, 738000), 7).map((x) => x.price),
      ['7400', '7405', '7410', '7396.7', '7383.3', '7370', '7380'],
    );
  });

  test('2-decimal prices: high rounds down, low up, open and close half-even inside them', () => {
    // 7,401.99 → 7,402.0 (open), high 7,407.00, low 7,384.61 → 7,384.7, close 7,395.76 → 7,395.8.
    const prices = tickPricesOfMinute(kline(740199, 740700, 738461, 739576), 4, 1);
    assert.deepEqual(prices, [74020n, 74070n, 73847n, 73958n]);
  });

  test('a candle narrower than one tick: every tick is the half-even tick of its middle', () => {
    const prices = tickPricesOfMinute(kline(738462, 738468, 738461, 738465), 5, 1);
    assert.deepEqual(prices, [73846n, 73846n, 73846n, 73846n, 73846n]);
  });

  test('a flat candle stays flat', () => {
    assert.deepEqual(
      ticks(kline(740000, 740000, 740000, 740000), 4).map((t) => t.price),
      ['7400', '7400', '7400', '7400'],
    );
  });

  test('the tick count is bounded and the price scale checked (errors name the field)', () => {
    for (const n of [3, 0, 2.5, MAX_TICKS_PER_MINUTE + 1]) {
      const result = ticksOfMinute(kline(740000, 741000, 730000, 731000), n);
      assert.ok(!result.ok);
      assert.equal(result.error.path, 'ticksPerMinute');
    }
    const result = ticksOfMinute(kline(740000, 741000, 730000, 731000), 4, 9);
    assert.ok(!result.ok);
    assert.equal(result.error.path, 'priceScale');
  });

  test('property: first = open, last = close, min = low, max = high, within [low, high], two turns at most', () => {
    fc.assert(
      fc.property(candle, fc.integer({ min: 4, max: MAX_TICKS_PER_MINUTE }), (k, n) => {
        const cents = (r: Rational): number => Number(r.toUnits(2, 'trunc'));
        const prices = tickPricesOfMinute(k, n, 1);
        const low = tenths.ceil(cents(k.low));
        const high = tenths.floor(cents(k.high));
        fc.pre(low <= high);
        const clamp = (v: bigint): bigint => (v < low ? low : v > high ? high : v);
        assert.equal(prices.length, n);
        assert.equal(prices[0], clamp(tenths.halfEven(cents(k.open))));
        assert.equal(prices[n - 1], clamp(tenths.halfEven(cents(k.close))));
        const min = prices.reduce((a, b) => (b < a ? b : a));
        const max = prices.reduce((a, b) => (b > a ? b : a));
        assert.equal(min, low);
        assert.equal(max, high);
        // Monotone between anchors: open → extreme → extreme → close turns twice at most, and turns only at
        // the extremes (so nothing overshoots between them).
        assert.ok(turns(prices) <= 2);
        const order = pathOrder(k);
        const firstExtreme = prices.indexOf(order === 'highFirst' ? high : low);
        const secondExtreme = prices.indexOf(order === 'highFirst' ? low : high, firstExtreme);
        assert.ok(firstExtreme >= 0 && secondExtreme >= firstExtreme);
        assert.equal(turns(prices.slice(0, firstExtreme + 1)), 0);
        assert.equal(turns(prices.slice(firstExtreme, secondExtreme + 1)), 0);
        assert.equal(turns(prices.slice(secondExtreme)), 0);
        // Deterministic.
        assert.deepEqual(tickPricesOfMinute(k, n, 1), prices);
      }),
    );
  });

  test('property: times spread evenly inside the minute, strictly increasing', () => {
    fc.assert(
      fc.property(candle, fc.integer({ min: 4, max: MAX_TICKS_PER_MINUTE }), (k, n) => {
        const t = ticks(k, n);
        assert.equal(t[0]?.timeMs, k.openTimeMs);
        for (let i = 1; i < t.length; i++) assert.ok(at(t, i).timeMs > at(t, i - 1).timeMs);
        assert.ok(at(t, t.length - 1).timeMs < k.openTimeMs + 60_000);
      }),
    );
  });

  test('the real 2020-03-12 window: every tick of every minute stays within its candle', () => {
    const window = loadCrashWindow('2020-03-12');
    assert.ok(window.ok);
    let count = 0;
    for (const k of window.value.klines) {
      for (const t of ticks(k, 10)) {
        const price = Rational.fromUnits(BigInt(Math.round(Number(t.price) * 10)), 1);
        assert.ok(price.gte(k.low) && price.lte(k.high), `${t.price} outside minute ${k.openTimeMs}`);
        count++;
      }
    }
    assert.equal(count, 11_970);
  });
});
