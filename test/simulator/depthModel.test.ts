import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Engine, MAX_BOOK_LEVELS, checkInvariants, type Command } from '../../src/engine/index.js';
import {
  DEFAULT_DEPTH_SCALE,
  DEPTH_PROFILE_RANGE_BPS,
  PROFILE_ONE,
  depthBook,
  depthProfileOfBook,
  impactAfterFill,
  loadBtcDepthProfile,
  type DepthBook,
  type DepthProfile,
} from '../../src/simulator/depthModel.js';
import { loadBinanceDepthSnapshot, loadBitmexXbtusdBook } from '../../src/simulator/orderBookSnapshots.js';
import { btcListing } from '../engine/helpers.js';

/** `xs[i]`, which the test knows is there. */
function at<T>(xs: readonly T[], i: number): T {
  const value = xs[i];
  assert.ok(value !== undefined, `index ${i} of ${xs.length}`);
  return value;
}

function dataFile(name: string): string {
  return readFileSync(new URL(`../../data/orderbook-snapshots/${name}`, import.meta.url), 'utf8');
}

const loaded = loadBtcDepthProfile();
assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.message);
const PROFILE: DepthProfile = loaded.value;

function book(options: Parameters<typeof depthBook>[1]): DepthBook {
  const result = depthBook(PROFILE, options);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

/** Lots (0.001) and tenths from the book's decimal text, checking the scale. */
function units(text: string, scale: number): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  assert.ok(match, `${text} is a plain decimal`);
  const fraction = match[2] ?? '';
  assert.ok(fraction.length <= scale, `${text} has at most ${scale} fraction digits`);
  return BigInt((match[1] ?? '') + fraction.padEnd(scale, '0'));
}

const sideTotal = (levels: DepthBook['bids']): bigint => levels.reduce((s, [, q]) => s + units(q, 3), 0n);

describe('depthModel: a book shaped like the real BTC perpetual snapshot, scaled to volume', () => {
  test('the profile is the BitMEX XBTUSD partial, normalised: recomputed here independently (float, BTC = USD / price)', () => {
    const bitmex = loadBitmexXbtusdBook(dataFile('bitmex_XBTUSD_orderBookL2_2021-07-22.json'));
    assert.ok(bitmex.ok);
    const { bids, asks } = bitmex.value.partial;
    const mid = (at(bids, 0).price.toNumber() + at(asks, 0).price.toNumber()) / 2;
    for (const [side, levels] of [
      ['bids', bids],
      ['asks', asks],
    ] as const) {
      const within = (bps: number): number =>
        levels
          .filter((l) => Math.ceil((Math.abs(l.price.toNumber() - mid) / mid) * 1e4 - 1e-9) <= bps)
          .reduce((s, l) => s + l.qty.toNumber() / l.price.toNumber(), 0);
      const total = within(DEPTH_PROFILE_RANGE_BPS);
      for (const bps of [1, 5, 10, 50, 100, 200, 500, 999]) {
        const expected = within(bps) / total;
        const actual = Number(PROFILE[side][bps]) / Number(PROFILE_ONE);
        assert.ok(Math.abs(actual - expected) < 1e-6, `${side} ${bps} bps: ${actual} vs ${expected}`);
      }
    }
    // The documented shape: 84 % of each side within 5 % of mid (the basis of DEFAULT_DEPTH_SCALE).
    assert.equal(Math.round(Number(PROFILE.bids[500]) / 1e7), 84);
    assert.equal(Math.round(Number(PROFILE.asks[500]) / 1e7), 84);
  });

  test('the profile is non-decreasing and ends at one on both sides', () => {
    for (const side of [PROFILE.bids, PROFILE.asks]) {
      assert.equal(side.length, DEPTH_PROFILE_RANGE_BPS + 1);
      assert.equal(side[DEPTH_PROFILE_RANGE_BPS], PROFILE_ONE);
      for (let d = 1; d < side.length; d++) assert.ok(at(side, d) >= at(side, d - 1));
    }
  });

  test('any snapshot gives a profile: the Binance SUSHIUSDT depth(1000)', () => {
    const sushi = loadBinanceDepthSnapshot(dataFile('binance_usdm_SUSHIUSDT_depth1000_2021-07-22.json'));
    assert.ok(sushi.ok);
    const profile = depthProfileOfBook(sushi.value.book, sushi.value.contract, 'sushi');
    assert.ok(profile.ok);
    assert.equal(profile.value.bids[DEPTH_PROFILE_RANGE_BPS], PROFILE_ONE);
    assert.ok(at(profile.value.bids, 100) > 0n && at(profile.value.bids, 100) < PROFILE_ONE);
  });

  test('property: prices on the tick and strictly ordered, bids below mid below asks, quantities positive on the lot', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10_000, max: 20_000_000 }),
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.integer({ min: 1, max: MAX_BOOK_LEVELS }),
        (midCents, volumeLots, levels) => {
          const mid = (midCents / 100).toFixed(2);
          const volume = (volumeLots / 1000).toFixed(3);
          const b = book({ mid, minuteVolumeQty: volume, levels });
          const midTenths = midCents / 10;
          for (const [side, sign] of [
            [b.bids, -1],
            [b.asks, 1],
          ] as const) {
            assert.ok(side.length <= levels);
            let previous: bigint | null = null;
            for (const [price, qty] of side) {
              const p = units(price, 1);
              assert.ok(units(qty, 3) > 0n);
              assert.ok(sign < 0 ? Number(p) < midTenths : Number(p) > midTenths);
              // Within the profile's 10 % (plus one tick of rounding).
              assert.ok(Math.abs(Number(p) - midTenths) <= midTenths * 0.1 + 1);
              if (previous !== null) assert.ok(sign < 0 ? p < previous : p > previous);
              previous = p;
            }
            // Each side holds ⌊scale × volume⌋ lots exactly.
            assert.equal(sideTotal(side), BigInt(volumeLots) * BigInt(DEFAULT_DEPTH_SCALE));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test('scaling is linear in the volume and in the scale', () => {
    const one = book({ mid: '7401.95', minuteVolumeQty: '472.878', levels: 200 });
    const two = book({ mid: '7401.95', minuteVolumeQty: '945.756', levels: 200 });
    const half = book({ mid: '7401.95', minuteVolumeQty: '472.878', levels: 200, scale: '5.5' });
    assert.equal(sideTotal(one.bids), 5_201_658n); // 472.878 × 11 = 5,201.658 BTC
    assert.equal(sideTotal(two.bids), 2n * sideTotal(one.bids));
    assert.equal(sideTotal(two.asks), 2n * sideTotal(one.asks));
    assert.equal(2n * sideTotal(half.asks), sideTotal(one.asks));
    // Level by level, twice the volume is twice the size (± one lot of rounding).
    for (const [i, [price, qty]] of one.bids.entries()) {
      const [price2, qty2] = at(two.bids, i);
      assert.equal(price2, price);
      assert.ok(Math.abs(Number(units(qty2, 3) - 2n * units(qty, 3))) <= 1);
    }
  });

  test('the shape: the book holds the profile’s share of its depth within each distance', () => {
    const mid = 30_000;
    const b = book({ mid: '30000', minuteVolumeQty: '1000', levels: 1000 });
    const total = Number(sideTotal(b.bids));
    for (const bps of [10, 50, 100, 300, 500, 900]) {
      const inside = b.bids
        .filter(([p]) => ((mid - Number(p)) / mid) * 1e4 <= bps)
        .reduce((s, [, q]) => s + Number(units(q, 3)), 0);
      const expected = Number(PROFILE.bids[bps]) / Number(PROFILE_ONE);
      // Levels are at most R × (2i+1)/n² ≤ 2 bps apart: the share may lag the profile by one level's worth.
      assert.ok(Math.abs(inside / total - expected) < 0.01, `${bps} bps: ${inside / total} vs ${expected}`);
    }
  });

  test('no volume, no book; bad options are named errors', () => {
    const empty = book({ mid: '100', minuteVolumeQty: '0', levels: 10 });
    assert.deepEqual(empty, { bids: [], asks: [] });
    for (const [options, path] of [
      [{ mid: '0', minuteVolumeQty: '1', levels: 10 }, 'mid'],
      [{ mid: 'x', minuteVolumeQty: '1', levels: 10 }, 'mid'],
      [{ mid: '100', minuteVolumeQty: '-1', levels: 10 }, 'minuteVolumeQty'],
      [{ mid: '100', minuteVolumeQty: '1', levels: 0 }, 'levels'],
      [{ mid: '100', minuteVolumeQty: '1', levels: MAX_BOOK_LEVELS + 1 }, 'levels'],
      [{ mid: '100', minuteVolumeQty: '1', levels: 10, scale: '-2' }, 'scale'],
    ] as const) {
      const result = depthBook(PROFILE, options);
      assert.ok(!result.ok);
      assert.equal(result.error.path, path);
    }
  });

  test('impactAfterFill: the price the side moves to after a liquidation takes qty', () => {
    const b: DepthBook = {
      bids: [
        ['100', '1'],
        ['99.9', '2'],
        ['99.5', '3'],
      ],
      asks: [['100.1', '1']],
    };
    const at = (qty: string): unknown => {
      const result = impactAfterFill(b, 'bids', qty);
      assert.ok(result.ok);
      return result.value;
    };
    assert.deepEqual(at('0.5'), { price: '100', filledQty: '0.5', exhausted: false });
    assert.deepEqual(at('1'), { price: '99.9', filledQty: '1', exhausted: false });
    assert.deepEqual(at('2.5'), { price: '99.9', filledQty: '2.5', exhausted: false });
    assert.deepEqual(at('6'), { price: '99.5', filledQty: '6', exhausted: true });
    assert.deepEqual(at('7.25'), { price: '99.5', filledQty: '6', exhausted: true });
    assert.deepEqual(impactAfterFill({ bids: [], asks: [] }, 'asks', '1'), {
      ok: true,
      value: { price: null, filledQty: '0', exhausted: true },
    });
    const bad = impactAfterFill(b, 'bids', '0.0001');
    assert.ok(!bad.ok);
  });

  test('the engine accepts the book as a bookSnapshot (1,000 levels a side at the 2020 low)', () => {
    const engine = Engine.create();
    const commands: Record<string, unknown>[] = [
      { type: 'configureAsset', asset: 'USDT', scale: 8 },
      { type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' },
      { type: 'createAccount', accountId: 'book' },
      btcListing({
        tiers: [{ floor: '0', cap: '50000', mmr: '0.004', maxLeverage: '125' }],
        liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' },
      }),
      {
        type: 'bookSnapshot',
        symbol: 'BTCUSDT',
        ...book({ mid: '3621.85', minuteVolumeQty: '472.878', levels: 1000 }),
      },
    ];
    for (const [i, body] of commands.entries()) {
      const result = engine.apply({
        seq: i + 1,
        timestampMs: 1_584_000_000_000,
        ...body,
      } as unknown as Command);
      assert.ok(result.ok, result.ok ? '' : `${result.code} ${result.message}`);
    }
    assert.deepEqual(checkInvariants(engine.view), []);
    const depth = engine.view.instruments.get('BTCUSDT')?.depth;
    assert.ok(depth !== undefined && depth !== null);
    assert.ok(depth.bids.length > 900 && depth.asks.length > 900);
    const impact = impactAfterFill(
      book({ mid: '3621.85', minuteVolumeQty: '472.878', levels: 1000 }),
      'bids',
      '500',
    );
    assert.ok(impact.ok && impact.value.price !== null && Number(impact.value.price) < 3621.8);
  });
});
