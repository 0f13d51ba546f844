import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { buildInstrument, openingLimits } from '../../src/engine/instruments.js';
import { isRejection } from '../../src/engine/parse.js';
import { pow10 } from '../../src/numbers/index.js';
import { btcListing, fill, Harness } from './helpers.js';

test('opening limits in whole units decide exactly as the rational tier bounds', () => {
  const decimal = fc
    .tuple(fc.integer({ min: 1, max: 5_000_000 }), fc.integer({ min: 0, max: 4 }))
    .map(([n, d]) =>
      d === 0 ? String(n) : `${Math.floor(n / 10 ** d)}.${String(n % 10 ** d).padStart(d, '0')}`,
    )
    .filter((text) => Number(text) > 0);
  fc.assert(
    fc.property(
      decimal,
      decimal,
      fc.bigInt({ min: -10_000n, max: 10_000n }),
      fc.integer({ min: 1, max: 200 }),
      (cap, maxLeverage, offset, leverage) => {
        const built = buildInstrument(
          btcListing({ tiers: [{ floor: '0', cap, mmr: '0.004', maxLeverage }] }) as never,
          8,
        );
        if (isRejection(built)) assert.fail(built.message);
        const limits = openingLimits(built.compiled);
        const tier = built.compiled.instrument.tiers.tiers[0];
        assert.ok(tier !== undefined && limits.capValue !== null);
        const scaled = tier.cap.num * pow10(built.compiled.scales.valueScale);
        // Around the limit: a notional reaches the cap exactly when notional × den ≥ num × 10^valueScale.
        const notional = limits.capValue + offset;
        assert.equal(notional >= limits.capValue, notional * tier.cap.den >= scaled);
        const max = limits.maxLeverage[0];
        assert.ok(max !== undefined);
        const l = BigInt(leverage);
        assert.equal(l > max, l * tier.maxLeverage.den > tier.maxLeverage.num);
      },
    ),
    { numRuns: 300 },
  );
});

test('a fill reaching the last tier cap, or a size whose tier allows less leverage, is refused', () => {
  // TIERS: 125× to 50,000, 100× to 600,000, 75× to 3,000,000 (mark 50,000).
  const h = Harness.venue();
  for (const accountId of ['alice', 'bob'])
    h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '200000' });
  h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 100 });
  h.ok({ type: 'setLeverage', accountId: 'bob', symbol: 'BTCUSDT', leverage: 20 });
  h.ok(fill('a', '11.999', '50000', 'alice', 'bob')); // 599,950: tier 2, 100× allowed
  h.rejects(fill('b', '0.001', '50000', 'alice', 'bob'), 'leverage_above_tier_max'); // 600,000: tier 3
  h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 50 });
  h.ok(fill('c', '48', '50000', 'alice', 'bob')); // 2,999,950
  h.rejects(fill('d', '0.001', '50000', 'alice', 'bob'), 'exceeds_tier_notional'); // 3,000,000
});
