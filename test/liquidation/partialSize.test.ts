import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError, Rational } from '../../src/numbers/index.js';
import {
  BINANCE_PARTIAL_LIQUIDATION,
  HYPERLIQUID_PARTIAL_LIQUIDATION,
  liquidationStepQty,
  type LiquidatedPosition,
  type LiquidationStepContext,
  type PartialLiquidationRule,
} from '../../src/liquidation/index.js';

const NOW_MS = 1_700_000_000_000;
const FRESH: LiquidationStepContext = {
  nowMs: NOW_MS,
  lastPartialMs: null,
  blockLiquidatedValue: Rational.ZERO,
};

function usdt(value: bigint): Rational {
  return Rational.fromInt(value);
}

/** BTC at `price` USDT with qty units of 0.001 BTC: one unit is worth price / 1000. */
function btc(qtyMilli: bigint, price: bigint, lotQty = 1n): LiquidatedPosition {
  return { qty: qtyMilli, unitValue: Rational.of(price, 1000n), lotQty };
}

const OKX_LIKE: PartialLiquidationRule = {
  kind: 'tierStep',
  tierFloorsValue: [usdt(0n), usdt(50_000n), usdt(250_000n), usdt(1_000_000n)],
};

describe('liquidationStepQty: worked examples', () => {
  test('Binance: the whole position in one order, whatever its size', () => {
    assert.deepEqual(liquidationStepQty(BINANCE_PARTIAL_LIQUIDATION, btc(10_000n, 50_000n), FRESH), {
      qty: 10_000n,
      reason: 'whole',
    });
  });

  test('Hyperliquid: 10 BTC at 50,000 (500,000 USDC > 100,000) goes 20 % = 2 BTC first', () => {
    // 10,000 units × 0.2 = 2,000 units = 2 BTC, worth 100,000 USDC.
    assert.deepEqual(liquidationStepQty(HYPERLIQUID_PARTIAL_LIQUIDATION, btc(10_000n, 50_000n), FRESH), {
      qty: 2_000n,
      reason: 'slice',
    });
  });

  test('Hyperliquid: within 30 s of a partial liquidation the whole position goes; from 30 s on, slices again', () => {
    const position = btc(8_000n, 50_000n);
    const tenSecondsAfter = { ...FRESH, lastPartialMs: NOW_MS - 10_000 };
    assert.deepEqual(liquidationStepQty(HYPERLIQUID_PARTIAL_LIQUIDATION, position, tenSecondsAfter), {
      qty: 8_000n,
      reason: 'in_cooldown',
    });
    // Exactly 30,000 ms later the cooldown is over: 8,000 × 0.2 = 1,600 units.
    const thirtySecondsAfter = { ...FRESH, lastPartialMs: NOW_MS - 30_000 };
    assert.deepEqual(liquidationStepQty(HYPERLIQUID_PARTIAL_LIQUIDATION, position, thirtySecondsAfter), {
      qty: 1_600n,
      reason: 'slice',
    });
  });

  test('Hyperliquid: a position worth 100,000 USDC or less goes whole (the rule is "more than 100k")', () => {
    // 2 BTC at 50,000 = exactly 100,000: not above the threshold.
    assert.deepEqual(liquidationStepQty(HYPERLIQUID_PARTIAL_LIQUIDATION, btc(2_000n, 50_000n), FRESH), {
      qty: 2_000n,
      reason: 'at_or_below_threshold',
    });
  });

  test('Hyperliquid: the slice rounds up to the lot', () => {
    // 10,001 units × 0.2 = 2,000.2 → 2,001 units → lots of 10: 2,010 units.
    const step = liquidationStepQty(HYPERLIQUID_PARTIAL_LIQUIDATION, btc(10_001n, 50_000n, 10n), FRESH);
    assert.deepEqual(step, { qty: 2_010n, reason: 'slice' });
  });

  test('tier step: 6 BTC at 50,000 (300,000, tier 3 from 250,000) steps to just below 250,000', () => {
    // One unit (0.001 BTC) is worth 50 USDT. To go below 250,000 keep at most 4,999 units (249,950), so close
    // 6,000 − 4,999 = 1,001 units.
    assert.deepEqual(liquidationStepQty(OKX_LIKE, btc(6_000n, 50_000n), FRESH), {
      qty: 1_001n,
      reason: 'tier_step',
    });
  });

  test('tier step: lots of 0.1 BTC close 1.1 BTC, then 4 BTC, then the rest in the lowest tier', () => {
    // 1,001 units rounded up to lots of 100 is 1,100: 4,900 units (245,000) remain, in tier 2.
    const first = liquidationStepQty(OKX_LIKE, btc(6_000n, 50_000n, 100n), FRESH);
    assert.deepEqual(first, { qty: 1_100n, reason: 'tier_step' });
    // From 245,000 to below 50,000: keep at most 999 units, close 3,901 → 4,000 in lots; 900 units (45,000) remain.
    const second = liquidationStepQty(OKX_LIKE, btc(4_900n, 50_000n, 100n), FRESH);
    assert.deepEqual(second, { qty: 4_000n, reason: 'tier_step' });
    assert.deepEqual(liquidationStepQty(OKX_LIKE, btc(900n, 50_000n, 100n), FRESH), {
      qty: 900n,
      reason: 'lowest_tier',
    });
  });

  test('tier step: a notional exactly at a floor is in that tier and steps down by one unit', () => {
    // 5,000 units × 50 = 250,000: tier 3 (floors are inclusive); keeping 4,999 units is enough.
    assert.deepEqual(liquidationStepQty(OKX_LIKE, btc(5_000n, 50_000n), FRESH), {
      qty: 1n,
      reason: 'tier_step',
    });
  });

  test('dYdX block limit: 100,000 per block with 40,000 used leaves 60,000 = 2 BTC of a 3 BTC position', () => {
    const rule: PartialLiquidationRule = { kind: 'blockLimit', blockLimitValue: usdt(100_000n) };
    // 3 BTC at 30,000 = 90,000 > 60,000 left. Units of 0.0001 BTC (worth 3 USDC), lots of 10 units.
    const position: LiquidatedPosition = { qty: 30_000n, unitValue: usdt(3n), lotQty: 10n };
    const used = { ...FRESH, blockLiquidatedValue: usdt(40_000n) };
    assert.deepEqual(liquidationStepQty(rule, position, used), { qty: 20_000n, reason: 'block_limit' });
    // One more USDC used: 59,999 / 3 = 19,999.67 units → 19,999 → whole lots 19,990 (59,970 USDC).
    const usedMore = { ...FRESH, blockLiquidatedValue: usdt(40_001n) };
    assert.deepEqual(liquidationStepQty(rule, position, usedMore), { qty: 19_990n, reason: 'block_limit' });
    // A 1 BTC position (30,000) fits whole; a used-up block closes nothing.
    assert.deepEqual(liquidationStepQty(rule, { ...position, qty: 10_000n }, used), {
      qty: 10_000n,
      reason: 'fits_block_limit',
    });
    const usedUp = { ...FRESH, blockLiquidatedValue: usdt(100_000n) };
    assert.deepEqual(liquidationStepQty(rule, position, usedUp), { qty: 0n, reason: 'block_limit_reached' });
  });

  test('arguments out of range are bugs, not inputs', () => {
    assert.throws(
      () => liquidationStepQty(BINANCE_PARTIAL_LIQUIDATION, btc(0n, 50_000n), FRESH),
      AssertionError,
    );
    assert.throws(
      () =>
        liquidationStepQty(HYPERLIQUID_PARTIAL_LIQUIDATION, btc(10n, 50_000n), {
          ...FRESH,
          lastPartialMs: NOW_MS + 1,
        }),
      AssertionError,
    );
    const descending: PartialLiquidationRule = { kind: 'tierStep', tierFloorsValue: [usdt(10n), usdt(10n)] };
    assert.throws(() => liquidationStepQty(descending, btc(10n, 50_000n), FRESH), AssertionError);
    const blockLimit: PartialLiquidationRule = { kind: 'blockLimit', blockLimitValue: usdt(10n) };
    assert.throws(
      () => liquidationStepQty(blockLimit, btc(10n, 50_000n), { ...FRESH, blockLiquidatedValue: usdt(11n) }),
      AssertionError,
    );
  });
});

const positionArb = fc.record({
  qty: fc.bigInt({ min: 1n, max: 10_000_000n }),
  // Unit value in 1/1000 of a value unit: 0.001 to 1,000.
  unitValueMilli: fc.bigInt({ min: 1n, max: 1_000_000n }),
  lotQty: fc.bigInt({ min: 1n, max: 1_000n }),
});

function toPosition(p: { qty: bigint; unitValueMilli: bigint; lotQty: bigint }): LiquidatedPosition {
  return { qty: p.qty, unitValue: Rational.of(p.unitValueMilli, 1000n), lotQty: p.lotQty };
}

/** Strictly ascending floors from 0: the running sums of positive widths. */
const floorsArb = fc
  .array(fc.bigInt({ min: 1n, max: 2_000_000n }), { minLength: 0, maxLength: 8 })
  .map((widths) => {
    const floors = [Rational.ZERO];
    let at = 0n;
    for (const width of widths) {
      at += width;
      floors.push(Rational.fromInt(at));
    }
    return floors;
  });

/** Index of the tier holding `value` (the last floor at or below it), as `tierForNotional` picks it. */
function tierIndex(floors: readonly Rational[], value: Rational): number {
  let index = 0;
  for (const [i, floor] of floors.entries()) if (value.gte(floor)) index = i;
  return index;
}

describe('liquidationStepQty: properties', () => {
  test('every rule closes between 0 and the whole position, and only a used-up block closes nothing', () => {
    const ruleArb: fc.Arbitrary<PartialLiquidationRule> = fc.oneof(
      fc.constant(BINANCE_PARTIAL_LIQUIDATION),
      fc.constant(HYPERLIQUID_PARTIAL_LIQUIDATION),
      floorsArb.map((tierFloorsValue) => ({ kind: 'tierStep' as const, tierFloorsValue })),
      fc.bigInt({ min: 1n, max: 10_000_000n }).map((limit) => ({
        kind: 'blockLimit' as const,
        blockLimitValue: Rational.fromInt(limit),
      })),
    );
    fc.assert(
      fc.property(ruleArb, positionArb, fc.nat(60_000), (rule, p, sinceMs) => {
        const step = liquidationStepQty(rule, toPosition(p), { ...FRESH, lastPartialMs: NOW_MS - sinceMs });
        assert.ok(step.qty >= 0n && step.qty <= p.qty);
        assert.equal(step.qty === 0n, step.reason === 'block_limit_reached');
      }),
    );
  });

  test('tier step: the rest lies below the current tier floor, and one lot less would not', () => {
    fc.assert(
      fc.property(floorsArb, positionArb, (floors, p) => {
        const position = toPosition(p);
        const notional = position.unitValue.mulInt(p.qty);
        const tier = tierIndex(floors, notional);
        const step = liquidationStepQty({ kind: 'tierStep', tierFloorsValue: floors }, position, FRESH);
        if (tier === 0) {
          assert.deepEqual(step, { qty: p.qty, reason: 'lowest_tier' });
          return;
        }
        const floor = floors[tier];
        assert.ok(floor !== undefined);
        const rest = position.unitValue.mulInt(p.qty - step.qty);
        assert.ok(rest.lt(floor), 'the position leaves its tier');
        assert.ok(tierIndex(floors, rest) < tier);
        // A whole number of lots, unless it is the whole position.
        assert.ok(step.qty % p.lotQty === 0n || step.qty === p.qty);
        // Never more than needed by a lot or more: closing one lot less keeps it in the tier.
        if (step.qty > p.lotQty) assert.ok(position.unitValue.mulInt(p.qty - step.qty + p.lotQty).gte(floor));
      }),
    );
  });

  test('block limit: the value closed never exceeds what the block has left, and is the most whole lots that fit', () => {
    fc.assert(
      fc.property(
        positionArb,
        fc.bigInt({ min: 1n, max: 10_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000n }),
        (p, limit, usedPerMille) => {
          const position = toPosition(p);
          const limitValue = Rational.fromInt(limit);
          const used = limitValue.mul(Rational.of(usedPerMille, 1000n));
          const rule: PartialLiquidationRule = { kind: 'blockLimit', blockLimitValue: limitValue };
          const step = liquidationStepQty(rule, position, { ...FRESH, blockLiquidatedValue: used });
          const remaining = limitValue.sub(used);
          assert.ok(position.unitValue.mulInt(step.qty).lte(remaining), 'block limit exceeded');
          if (step.reason === 'fits_block_limit') assert.equal(step.qty, p.qty);
          else {
            assert.equal(step.qty % p.lotQty, 0n);
            assert.ok(position.unitValue.mulInt(step.qty + p.lotQty).gt(remaining), 'one more lot would fit');
          }
        },
      ),
    );
  });

  test('slices: outside the cooldown a large position closes the fraction rounded up to the lot', () => {
    fc.assert(
      fc.property(positionArb, fc.bigInt({ min: 1n, max: 100n }), (p, percent) => {
        const fraction = Rational.of(percent, 100n);
        const rule: PartialLiquidationRule = {
          kind: 'slices',
          thresholdValue: Rational.ZERO,
          fraction,
          cooldownMs: 30_000,
        };
        const step = liquidationStepQty(rule, toPosition(p), FRESH);
        assert.equal(step.reason, 'slice');
        const share = fraction.mulInt(p.qty);
        assert.ok(Rational.fromInt(step.qty).gte(share) || step.qty === p.qty);
        assert.ok(Rational.fromInt(step.qty - p.lotQty).lt(share), 'more than a lot beyond the fraction');
      }),
    );
  });
});
