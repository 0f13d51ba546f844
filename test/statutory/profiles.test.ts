import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rational } from '../../src/numbers/index.js';
import {
  assetClassOf,
  closeOutThreshold,
  effectiveMarginRate,
  maxLeverage,
  mostConservativeClass,
  parseProfileDecimal,
  productPermission,
  profileById,
  PROFILES,
  statutoryInitialRate,
  type JurisdictionProfile,
} from '../../src/statutory/profiles/index.js';

function decimal(text: string): Rational {
  const value = parseProfileDecimal(text);
  assert.ok(value);
  return value;
}

const r = (num: bigint, den: bigint): Rational => Rational.of(num, den);

function profile(id: string, atMs?: number): JurisdictionProfile {
  const found = profileById(id, atMs);
  assert.ok(found, `profile ${id} exists`);
  return found;
}

const SHIPPED_IDS = [
  'eu-esma-retail',
  'uk-fca-retail',
  'au-asic-retail',
  'jp-individual',
  'sg-mas-retail',
  'hk-sfc-retail',
  'us-retail',
  'in-sebi',
  'professional',
];

test('every required profile is shipped, frozen, and has a citation', () => {
  for (const id of SHIPPED_IDS) {
    const p = profile(id);
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p.assetClasses) && Object.isFrozen(p.citations));
    assert.ok(p.citations.length >= 1);
  }
  assert.throws(() => {
    (
      profile('eu-esma-retail').assetClasses.crypto as { initialMarginRate: string | null }
    ).initialMarginRate = '0.01';
  }, TypeError);
});

test('symbol map: crypto perps, FX majors and minors, gold, indices; unknown → most conservative class', () => {
  const eu = profile('eu-esma-retail');
  const expected: [string, string][] = [
    ['BTCUSDT', 'crypto'],
    ['ETHUSDT', 'crypto'],
    ['SOLUSDT', 'crypto'],
    ['btc-usdt', 'crypto'],
    ['DOGEUSD', 'crypto'],
    ['BTC-PERP', 'crypto'],
    ['EURUSD', 'fxMajor'],
    ['USDJPY', 'fxMajor'],
    ['EUR/GBP', 'fxMajor'],
    ['AUDUSD', 'fxMinor'],
    ['EURTRY', 'fxMinor'],
    ['XAUUSD', 'gold'],
    ['XAGUSD', 'commodity'],
    ['US500', 'indexMajor'],
    ['HK50', 'indexMinor'],
    ['ZZZ', 'crypto'],
    ['', 'crypto'],
    ['X'.repeat(65), 'crypto'],
  ];
  for (const [symbol, assetClass] of expected) assert.equal(assetClassOf(eu, symbol), assetClass, symbol);
});

test('unknown symbols take the highest rate (and strictest status) of the profile', () => {
  for (const p of PROFILES) {
    const conservative = mostConservativeClass(p);
    assert.equal(assetClassOf(p, 'UNLISTED-THING-2'), conservative);
    const rate = p.assetClasses[conservative].initialMarginRate;
    for (const other of Object.values(p.assetClasses)) {
      if (
        rate !== null &&
        other.initialMarginRate !== null &&
        other.status === p.assetClasses[conservative].status
      ) {
        assert.ok(
          decimal(other.initialMarginRate).lte(decimal(rate)),
          `${p.id}: ${other.initialMarginRate} ≤ ${rate}`,
        );
      }
    }
  }
  assert.equal(mostConservativeClass(profile('uk-fca-retail')), 'crypto');
  assert.equal(mostConservativeClass(profile('sg-mas-retail')), 'crypto');
  assert.equal(mostConservativeClass(profile('jp-individual')), 'other');
});

test('EU and AU: crypto 50 % floor (2x), FX majors 3.33 % (30x), close-out at 50 % of required IM, NBP', () => {
  for (const id of ['eu-esma-retail', 'au-asic-retail']) {
    const p = profile(id);
    assert.ok(statutoryInitialRate(p, 'BTCUSDT')?.eq(r(1n, 2n)));
    assert.equal(maxLeverage(p, 'BTCUSDT'), 2);
    assert.ok(statutoryInitialRate(p, 'EURUSD')?.eq(r(333n, 10_000n)));
    assert.equal(maxLeverage(p, 'EURUSD'), 30);
    assert.equal(maxLeverage(p, 'XAUUSD'), 20);
    assert.equal(closeOutThreshold(p, 1_000n), 500n);
    assert.equal(closeOutThreshold(p, 1_001n), 501n, 'rounded up, against the user');
    assert.equal(p.negativeBalanceProtection, true);
    assert.deepEqual(productPermission(p, 'BTCUSDT', 'retail'), { permitted: true });
  }
});

test('UK: crypto derivatives prohibited for retail from 6 Jan 2021, permitted at 50 % before', () => {
  const before = profile('uk-fca-retail', Date.UTC(2020, 11, 31));
  const after = profile('uk-fca-retail', Date.UTC(2021, 0, 6));
  assert.equal(before.version, 1);
  assert.equal(after.version, 2);
  assert.deepEqual(productPermission(before, 'BTCUSDT', 'retail'), { permitted: true });
  const refused = productPermission(after, 'ETHUSDT', 'retail');
  assert.ok(
    !refused.permitted &&
      refused.code === 'product_prohibited' &&
      refused.message.includes('uk-fca-retail v2'),
  );
  assert.deepEqual(productPermission(after, 'EURUSD', 'retail'), { permitted: true });
  assert.equal(profileById('uk-fca-retail', Date.UTC(2019, 0, 1)), null, 'no version before PS19/18');
  assert.equal(profile('uk-fca-retail').version, 2, 'latest without a time');
});

test('SG: crypto prohibited for retail; retail FX 20:1', () => {
  const sg = profile('sg-mas-retail');
  const refused = productPermission(sg, 'BTCUSDT', 'retail');
  assert.ok(
    !refused.permitted && refused.code === 'product_prohibited' && refused.message.includes('sg-mas-retail'),
  );
  assert.equal(maxLeverage(sg, 'EURUSD'), 20);
});

test('HK: crypto perps for professional investors only', () => {
  const hk = profile('hk-sfc-retail');
  const refused = productPermission(hk, 'BTCUSDT', 'retail');
  assert.ok(
    !refused.permitted && refused.code === 'professional_only' && refused.message.includes('hk-sfc-retail'),
  );
  assert.deepEqual(productPermission(hk, 'BTCUSDT', 'professional'), { permitted: true });
});

test('professional: no statutory floor, no cap, no close-out; retail clients refused', () => {
  const pro = profile('professional');
  assert.equal(statutoryInitialRate(pro, 'BTCUSDT'), null);
  assert.equal(maxLeverage(pro, 'BTCUSDT'), null);
  assert.equal(closeOutThreshold(pro, 1_000n), null);
  const tierRate = r(1n, 125n);
  assert.deepEqual(effectiveMarginRate({ tierRate, formulaRate: null, profile: pro, symbol: 'BTCUSDT' }), {
    rate: tierRate,
    clamps: [],
  });
  assert.deepEqual(productPermission(pro, 'BTCUSDT', 'professional'), { permitted: true });
  assert.equal(productPermission(pro, 'BTCUSDT', 'retail').permitted, false);
});

test('JP individual: crypto 2x, FX 25x, corporate-FX volatility formula recorded', () => {
  const jp = profile('jp-individual');
  assert.equal(maxLeverage(jp, 'BTCUSDT'), 2);
  assert.equal(maxLeverage(jp, 'USDJPY'), 25);
  assert.equal(maxLeverage(jp, 'AUDJPY'), 25);
  assert.ok(jp.volatilityFormula);
  assert.equal(jp.volatilityFormula.recalculation, 'week');
  assert.match(jp.volatilityFormula.source, /stdev\(130\).*stdev\(650\)/);
});

test('US retail: FX 2 % majors / 5 % others; crypto perps conservatively professional-only', () => {
  const us = profile('us-retail');
  assert.equal(maxLeverage(us, 'EURUSD'), 50);
  assert.equal(maxLeverage(us, 'AUDNZD'), 20);
  assert.equal(productPermission(us, 'BTCUSDT', 'retail').permitted, false);
});

test('India SEBI: 6σ EWMA (λ = 0.995) formula with a floor; crypto prohibited', () => {
  const india = profile('in-sebi');
  assert.equal(india.volatilityFormula?.source, 'max(floor, 6 * ewmaVol(0.995))');
  assert.equal(india.volatilityFormula.parameters.floor, '0.09');
  assert.equal(productPermission(india, 'BTCUSDT', 'retail').permitted, false);
});

test('effective rate = max(tier, formula, statutory floor) clamped to the cap, with the clamps named', () => {
  const eu = profile('eu-esma-retail');
  const low = effectiveMarginRate({
    tierRate: r(1n, 100n),
    formulaRate: r(3n, 10n),
    profile: eu,
    symbol: 'BTCUSDT',
  });
  assert.ok(low.rate.eq(r(1n, 2n)));
  assert.deepEqual(low.clamps, ['statutory_floor']);
  const formula = effectiveMarginRate({
    tierRate: r(1n, 100n),
    formulaRate: r(6n, 10n),
    profile: eu,
    symbol: 'BTCUSDT',
  });
  assert.ok(formula.rate.eq(r(6n, 10n)));
  assert.deepEqual(formula.clamps, []);
  const capped = effectiveMarginRate({
    tierRate: r(3n, 2n),
    formulaRate: null,
    profile: eu,
    symbol: 'BTCUSDT',
  });
  assert.ok(capped.rate.eq(Rational.ONE));
  assert.deepEqual(capped.clamps, ['profile_cap']);
  const india = profile('in-sebi');
  const floored = effectiveMarginRate({
    tierRate: r(1n, 100n),
    formulaRate: null,
    profile: india,
    symbol: 'NIFTY',
  });
  assert.ok(floored.rate.eq(r(9n, 100n)));
});

test('property: the effective rate is never below the statutory floor nor above the cap', () => {
  const rate = fc.bigInt({ min: 0n, max: 20_000n }).map((n) => r(n, 10_000n));
  fc.assert(
    fc.property(
      fc.constantFrom(...PROFILES),
      fc.constantFrom('BTCUSDT', 'EURUSD', 'XAUUSD', 'US500', 'AAPL', 'AUDCAD'),
      rate,
      fc.option(rate, { nil: null }),
      (p, symbol, tierRate, formulaRate) => {
        const { rate: effective } = effectiveMarginRate({ tierRate, formulaRate, profile: p, symbol });
        const floor = statutoryInitialRate(p, symbol);
        if (floor !== null) assert.ok(effective.gte(floor));
        const cap = p.cap === null ? null : decimal(p.cap);
        if (cap !== null) assert.ok(effective.lte(cap));
        // Never below the tier rate unless the cap cut it.
        assert.ok(effective.gte(tierRate) || (cap !== null && effective.eq(cap)));
      },
    ),
  );
});
