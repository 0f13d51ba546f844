import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bitmexRiskLimitTiers,
  hyperliquidTierTable,
  maintenanceMargin,
  MAX_TIERS,
  tierForNotional,
  type BitmexRiskLimitParams,
  type HyperliquidMarginTier,
  type TierTable,
} from '../../src/market/index.js';
import { parseDecimal, Rational, type InputError, type Result } from '../../src/numbers/index.js';

function r(text: string): Rational {
  const parsed = parseDecimal(text);
  assert.ok(parsed.ok, text);
  return Rational.fromDecimal(parsed.value);
}

function table(result: Result<TierTable, InputError>): TierTable {
  if (!result.ok) assert.fail(JSON.stringify(result.error));
  return result.value;
}

function rejected(result: Result<TierTable, InputError>): InputError {
  if (result.ok) assert.fail('expected an error');
  return result.error;
}

/** XBTUSD's classic risk limits: 200 XBT base, +100 XBT a step, 0.35 % / 1 % base rates. */
const XBTUSD: BitmexRiskLimitParams = {
  baseMaintenanceMargin: r('0.0035'),
  baseInitialMargin: r('0.01'),
  baseRiskLimit: r('200'),
  stepSize: r('100'),
  steps: 4,
};

describe('BitMEX risk-limit steps', () => {
  test('XBTUSD: bounds, rates and exact max leverage per step', () => {
    const t = table(bitmexRiskLimitTiers(XBTUSD));
    assert.equal(t.model, 'whole');
    assert.equal(t.tiers.length, 5);
    const expected = [
      ['0', '200', '0.0035', '0.01'],
      ['200', '300', '0.007', '0.0135'],
      ['300', '400', '0.0105', '0.017'],
      ['400', '500', '0.014', '0.0205'],
      ['500', '600', '0.0175', '0.024'],
    ] as const;
    for (const [i, [floor, cap, mm, im]] of expected.entries()) {
      const tier = t.tiers[i];
      assert.ok(tier);
      assert.ok(tier.floor.eq(r(floor)), `floor ${i}`);
      assert.ok(tier.cap.eq(r(cap)), `cap ${i}`);
      assert.ok(tier.mmr.eq(r(mm)), `mmr ${i}`);
      assert.ok(tier.maxLeverage.eq(r(im).inverse()), `leverage ${i}`);
      assert.ok(tier.cum.isZero());
    }
    assert.ok(t.tiers[0]?.maxLeverage.eq(r('100')));
    // 1 / 0.0135 does not terminate; it stays exact.
    assert.ok(t.tiers[1]?.maxLeverage.eq(Rational.of(2000n, 27n)));
  });

  test('the whole position takes one rate, so the MM jumps at a step', () => {
    const t = table(bitmexRiskLimitTiers(XBTUSD));
    assert.ok(maintenanceMargin(t, r('199.99')).eq(r('0.699965')));
    assert.ok(maintenanceMargin(t, r('200')).eq(r('1.4')));
    assert.ok(maintenanceMargin(t, r('250')).eq(r('1.75')));
  });

  test('zero steps gives the base tier only; the largest step count fits a table', () => {
    assert.equal(table(bitmexRiskLimitTiers({ ...XBTUSD, steps: 0 })).tiers.length, 1);
    const most = { ...XBTUSD, baseMaintenanceMargin: r('0.001'), steps: MAX_TIERS - 1 };
    assert.equal(table(bitmexRiskLimitTiers(most)).tiers.length, MAX_TIERS);
  });

  const invalid: readonly (readonly [string, Partial<BitmexRiskLimitParams>, string])[] = [
    ['negative steps', { steps: -1 }, 'riskLimit.steps'],
    ['fractional steps', { steps: 1.5 }, 'riskLimit.steps'],
    ['too many steps', { steps: MAX_TIERS }, 'riskLimit.steps'],
    ['NaN steps', { steps: Number.NaN }, 'riskLimit.steps'],
    ['zero maintenance rate', { baseMaintenanceMargin: Rational.ZERO }, 'riskLimit.baseMaintenanceMargin'],
    ['initial below maintenance', { baseInitialMargin: r('0.003') }, 'riskLimit.baseInitialMargin'],
    [
      'top initial rate above 1',
      { steps: 60, baseMaintenanceMargin: r('0.02'), baseInitialMargin: r('0.05') },
      'riskLimit.steps',
    ],
    ['zero base risk limit', { baseRiskLimit: Rational.ZERO }, 'riskLimit.baseRiskLimit'],
    ['negative step size', { stepSize: r('-100') }, 'riskLimit.stepSize'],
  ];
  for (const [name, change, path] of invalid) {
    test(`rejects ${name}`, () => {
      const error = rejected(bitmexRiskLimitTiers({ ...XBTUSD, ...change }));
      assert.equal(error.code, 'invalid_parameter');
      assert.equal(error.path, path);
    });
  }

  test('errors carry the caller path', () => {
    assert.equal(rejected(bitmexRiskLimitTiers({ ...XBTUSD, steps: -1 }, 'xbtusd')).path, 'xbtusd.steps');
  });
});

const rows = (...pairs: readonly (readonly [string, string])[]): HyperliquidMarginTier[] =>
  pairs.map(([lowerBound, maxLeverage]) => ({ lowerBound: r(lowerBound), maxLeverage: r(maxLeverage) }));

describe('Hyperliquid margin tables', () => {
  test('mmr = 1/(2 × max leverage) and the maintenance deduction from the cumulative formula', () => {
    const t = table(
      hyperliquidTierTable(rows(['0', '50'], ['10000000', '40'], ['50000000', '20']), r('1000000000')),
    );
    assert.equal(t.model, 'cumulative');
    const [a, b, c] = t.tiers;
    assert.ok(a && b && c);
    assert.ok(a.mmr.eq(r('0.01')) && b.mmr.eq(r('0.0125')) && c.mmr.eq(r('0.025')));
    assert.ok(a.cap.eq(r('10000000')) && b.cap.eq(r('50000000')) && c.cap.eq(r('1000000000')));
    assert.ok(a.cum.isZero());
    assert.ok(b.cum.eq(r('25000')), b.cum.format('trunc'));
    assert.ok(c.cum.eq(r('650000')), c.cum.format('trunc'));
    assert.ok(maintenanceMargin(t, r('60000000')).eq(r('850000')));
    assert.ok(maintenanceMargin(t, r('50000000')).eq(r('600000')));
  });

  test('a single row and a non-terminating rate stay exact', () => {
    const t = table(hyperliquidTierTable(rows(['0', '3']), r('100')));
    assert.ok(t.tiers[0]?.mmr.eq(Rational.of(1n, 6n)));
    assert.ok(maintenanceMargin(t, r('60')).eq(r('10')));
  });

  const invalid: readonly (readonly [string, HyperliquidMarginTier[], string, string, string?])[] = [
    ['no rows', [], 'invalid_tiers', 'marginTiers'],
    ['a first bound above 0', rows(['1', '50']), 'tiers_not_contiguous', 'marginTiers[0].lowerBound'],
    [
      'bounds that do not rise',
      rows(['0', '50'], ['100', '40'], ['100', '20']),
      'tiers_not_contiguous',
      'marginTiers[2].lowerBound',
    ],
    ['rising leverage', rows(['0', '20'], ['100', '40']), 'invalid_tiers', 'marginTiers[1].maxLeverage'],
    ['zero leverage', rows(['0', '0']), 'invalid_tiers', 'marginTiers[0].maxLeverage'],
    ['leverage below 1/2', rows(['0', '0.4']), 'invalid_tiers', 'marginTiers[0].maxLeverage'],
    ['a cap at the last bound', rows(['0', '50'], ['1000', '40']), 'invalid_parameter', 'cap', '1000'],
    [
      'more rows than a table holds',
      Array.from({ length: MAX_TIERS + 1 }, (_, i) => ({
        lowerBound: Rational.fromInt(BigInt(i)),
        maxLeverage: r('1'),
      })),
      'too_many_items',
      'marginTiers',
    ],
  ];
  for (const [name, input, code, path, cap = '1000000'] of invalid) {
    test(`rejects ${name}`, () => {
      const error = rejected(hyperliquidTierTable(input, r(cap)));
      assert.equal(error.code, code, error.message);
      assert.equal(error.path, path);
    });
  }

  test('property: continuous at every bound, mmr × 2 × leverage = 1, MM ≥ 0 and non-decreasing', () => {
    const arbitraryRows = fc
      .uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 10n }), { maxLength: 10 })
      .chain((bounds) =>
        fc.tuple(
          fc.constant([0n, ...bounds.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))]),
          fc.array(fc.integer({ min: 1, max: 100 }), {
            minLength: bounds.length + 1,
            maxLength: bounds.length + 1,
          }),
        ),
      );
    fc.assert(
      fc.property(arbitraryRows, ([bounds, leverages]) => {
        const sorted = [...leverages].sort((x, y) => y - x);
        const input = bounds.map((bound, i) => ({
          lowerBound: Rational.fromInt(bound),
          maxLeverage: Rational.fromInt(BigInt(sorted[i] ?? 1)),
        }));
        const last = bounds[bounds.length - 1] ?? 0n;
        const t = table(hyperliquidTierTable(input, Rational.fromInt(last + 1000n)));
        let previousMM = Rational.ZERO;
        for (const tier of t.tiers) {
          assert.ok(tier.mmr.mul(tier.maxLeverage).mulInt(2n).eq(Rational.ONE));
          const below = t.tiers[tier.index - 2];
          if (below !== undefined) {
            assert.ok(tier.floor.mul(below.mmr).sub(below.cum).eq(tier.floor.mul(tier.mmr).sub(tier.cum)));
          }
          const mm = maintenanceMargin(t, tier.floor);
          assert.ok(mm.sign() >= 0 && mm.gte(previousMM));
          assert.equal(tierForNotional(t, tier.floor).index, tier.index);
          previousMM = mm;
        }
      }),
      { numRuns: 300 },
    );
  });
});
