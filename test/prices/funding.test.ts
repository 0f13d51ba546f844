import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { RULEBOOK_IDS } from '../../src/market/index.js';
import { AssertionError, Rational } from '../../src/numbers/index.js';
import {
  averagePremium,
  binanceFundingRate,
  capRate,
  DERIBIT_PRICE_RULES,
  fundingIntervalMs,
  fundingLimits,
  fundingRateFor,
  hyperliquidFunding,
  isAtLimit,
  limitRate,
  nextFundingTimeMs,
  PRICE_RULES,
  validateFundingModel,
  validatePriceRules,
  type FundingModel,
} from '../../src/prices/index.js';
import { dec, decScientific } from '../helpers/model.js';

const HOUR_MS = 3_600_000;
const BINANCE = PRICE_RULES.binance.funding;
const HYPERLIQUID = PRICE_RULES.hyperliquid.funding;
const DYDX = PRICE_RULES.dydx.funding;
const BITMEX = PRICE_RULES.bitmex.funding;
const DERIBIT = DERIBIT_PRICE_RULES.funding;
const MODELS: readonly FundingModel[] = [
  BINANCE,
  { ...BINANCE, intervalHours: 4 } as FundingModel,
  { ...BINANCE, limit: { kind: 'explicit', cap: dec('0.02'), floor: dec('-0.01') } } as FundingModel,
  HYPERLIQUID,
  DYDX,
  BITMEX,
  DERIBIT,
];
const BTC_MMR = dec('0.004');
/** 2020-03-13 08:00 UTC: Binance BTCUSDT funding sat on the floor after Black Thursday. */
const BLACK_THURSDAY_FUNDING_MS = 1_584_086_400_000;

const premiumArb = fc
  .bigInt({ min: -(10n ** 6n), max: 10n ** 6n })
  .map((units) => Rational.fromUnits(units, 7));

describe('averagePremium and the Binance rate', () => {
  test('later samples weigh more: Σ i·P_i / Σ i', () => {
    assert.ok(averagePremium([dec('0.0001'), dec('0.0002'), dec('0.0006')]).eq(dec('0.0023').div(dec('6'))));
    assert.ok(averagePremium([dec('-0.5')]).eq(dec('-0.5')));
  });

  test('the interest clamp: a premium within ±0.05 % of the interest gives exactly the interest', () => {
    const rate = (p: string, hours = 8) =>
      binanceFundingRate({
        averagePremium: dec(p),
        interest: dec('0.0001'),
        clamp: dec('0.0005'),
        intervalHours: hours,
      });
    assert.ok(rate('0.0005').eq(dec('0.0001')));
    assert.ok(rate('-0.0004').eq(dec('0.0001')));
    assert.ok(rate('0.002').eq(dec('0.0015')));
    assert.ok(rate('-0.002').eq(dec('-0.0015')));
    assert.ok(rate('0.002', 1).eq(dec('0.0015').div(dec('8'))));
  });

  test('Hyperliquid caps the hourly payment at 4 %', () => {
    const funding = hyperliquidFunding({
      impactBid: dec('20000'),
      impactAsk: dec('20001'),
      oracle: dec('10000'),
      interest: dec('0.0001'),
      clamp: dec('0.0005'),
    });
    assert.ok(funding.rate8h.eq(dec('0.9995')));
    assert.ok(funding.paidPerHour.eq(dec('0.04')));
  });
});

describe('fundingRateFor each model', () => {
  const inputs = (premium: string) => ({ averagePremium: dec(premium), firstTierMmr: BTC_MMR });

  test('binance: 8-hour rate capped at ±0.75 × first-tier mmr', () => {
    const plain = fundingRateFor(BINANCE, inputs('0.000429'));
    assert.ok(plain.rate.eq(dec('0.0001')) && plain.uncapped.eq(dec('0.0001')) && plain.limit === null);
    const capped = fundingRateFor(BINANCE, inputs('-0.01'));
    assert.ok(capped.rate.eq(dec('-0.003')) && capped.uncapped.eq(dec('-0.0095')));
    assert.equal(capped.limit, 'floor');
    assert.equal(fundingRateFor(BINANCE, inputs('0.0036')).limit, 'cap');
  });

  test('binance with explicit limits and a 4-hour interval', () => {
    const model: FundingModel = {
      ...BINANCE,
      intervalHours: 4,
      limit: { kind: 'explicit', cap: dec('0.0004'), floor: dec('-0.0002') },
    } as FundingModel;
    assert.ok(fundingRateFor(model, inputs('0.0012')).rate.eq(dec('0.00035')));
    assert.ok(fundingRateFor(model, inputs('0.002')).rate.eq(dec('0.0004')));
    assert.ok(fundingRateFor(model, inputs('0.0005')).rate.eq(dec('0.00005')));
    assert.ok(fundingRateFor(model, inputs('-0.01')).rate.eq(dec('-0.0002')));
  });

  test('hyperliquid: hourly 1/8 of the 8-hour rate, capped at 4 %/h', () => {
    assert.ok(fundingRateFor(HYPERLIQUID, inputs('0.01')).rate.eq(dec('0.0011875')));
    assert.equal(fundingRateFor(HYPERLIQUID, inputs('-1')).limit, 'floor');
  });

  test('dydx: hourly (P + I)/8 with the 8-hour cap 6 × (imf − mmf) = 12 % (1.5 %/h)', () => {
    assert.ok(fundingRateFor(DYDX, inputs('0.0008')).rate.eq(dec('0.0001')));
    const capped = fundingRateFor(DYDX, inputs('0.5'));
    assert.ok(capped.rate.eq(dec('0.015')) && capped.limit === 'cap');
  });

  test('deribit: dead band on (mark − index)/index when both are given, else on the average premium', () => {
    const fromPrices = fundingRateFor(DERIBIT, { ...inputs('0'), mark: dec('10050'), index: dec('10000') });
    assert.ok(fromPrices.rate.eq(dec('0.00059375')));
    assert.ok(fundingRateFor(DERIBIT, inputs('0.005')).rate.eq(dec('0.00059375')));
    assert.ok(fundingRateFor(DERIBIT, inputs('-0.00025')).rate.isZero());
    assert.ok(fundingRateFor(DERIBIT, inputs('-0.00125')).rate.eq(dec('-0.000125')));
  });

  test('bitmex: 8-hourly P + clamp(I − P), no cap', () => {
    assert.ok(fundingRateFor(BITMEX, inputs('0.0003')).rate.eq(dec('0.0001')));
    assert.equal(fundingRateFor(BITMEX, inputs('0.5')).limit, null);
  });

  test('an invalid model reaching fundingRateFor is a bug, asserted', () => {
    const bad = { ...BINANCE, clamp: dec('-1') } as FundingModel;
    assert.throws(() => fundingRateFor(bad, inputs('0')), AssertionError);
  });

  test('property: the rate stays within [floor, cap] and equals the uncapped rate strictly inside', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODELS), premiumArb, (model, premium) => {
        const result = fundingRateFor(model, { averagePremium: premium, firstTierMmr: BTC_MMR });
        const limits = fundingLimits(model, BTC_MMR);
        if (limits === null) {
          assert.ok(result.rate.eq(result.uncapped) && result.limit === null);
          return;
        }
        assert.ok(result.rate.gte(limits.floor) && result.rate.lte(limits.cap));
        if (result.uncapped.gt(limits.floor) && result.uncapped.lt(limits.cap)) {
          assert.ok(result.rate.eq(result.uncapped));
          assert.equal(result.limit, null);
        }
      }),
    );
  });
});

describe('limits', () => {
  test('capRate holds a rate within [floor, cap] and reports the limit it sits on', () => {
    assert.deepEqual(capRate(dec('0.5'), dec('0.1'), dec('-0.2')), { rate: dec('0.1'), limit: 'cap' });
    assert.deepEqual(capRate(dec('-0.5'), dec('0.1'), dec('-0.2')), { rate: dec('-0.2'), limit: 'floor' });
    assert.deepEqual(capRate(dec('0.05'), dec('0.1'), dec('-0.2')), { rate: dec('0.05'), limit: null });
    assert.throws(() => capRate(dec('0'), dec('-0.1'), dec('0.1')), AssertionError);
  });

  test('Binance BTCUSDT ±0.003 with first-tier mmr 0.004 is on the cap / floor', () => {
    assert.equal(isAtLimit(BINANCE, dec('0.003'), BTC_MMR), 'cap');
    assert.equal(isAtLimit(BINANCE, dec('-0.003'), BTC_MMR), 'floor');
    assert.equal(isAtLimit(BINANCE, dec('0.00299999'), BTC_MMR), null);
    assert.equal(isAtLimit(BITMEX, dec('0.5'), BTC_MMR), null);
    const held = limitRate(BINANCE, dec('0.01'), BTC_MMR);
    assert.ok(held.rate.eq(dec('0.003')) && held.limit === 'cap');
  });

  for (const [symbol, mmr] of [
    ['BTCUSDT', '0.004'],
    ['ETHUSDT', '0.005'],
  ] as const) {
    test(`real Binance ${symbol} history 2020–2026 stays within ±0.75 × ${mmr} and reaches the limit`, () => {
      const csv = readFileSync(
        new URL(`../../data/binance-funding-rates/${symbol}.csv`, import.meta.url),
        'utf8',
      );
      const rows = csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [time, hours, rate] = line.split(',');
          assert.ok(time !== undefined && hours === '8' && rate !== undefined, `bad row ${line}`);
          return { timeMs: Number(time), rate: decScientific(rate) };
        });
      assert.ok(rows.length > 7000);
      const limits = rows.map((row) => isAtLimit(BINANCE, row.rate, dec(mmr)));
      for (const row of rows) assert.ok(row.rate.abs().lte(dec(mmr).mul(dec('0.75'))), `${row.timeMs}`);
      assert.ok(limits.includes('cap') || limits.includes('floor'));
      if (symbol === 'BTCUSDT') {
        const crash = rows.findIndex(
          (row) => row.timeMs - (row.timeMs % HOUR_MS) === BLACK_THURSDAY_FUNDING_MS,
        );
        assert.equal(limits[crash], 'floor');
      }
    });
  }
});

describe('funding times', () => {
  test('intervals per model', () => {
    assert.equal(fundingIntervalMs(BINANCE), 8 * HOUR_MS);
    assert.equal(fundingIntervalMs({ ...BINANCE, intervalHours: 4 } as FundingModel), 4 * HOUR_MS);
    assert.equal(fundingIntervalMs(HYPERLIQUID), HOUR_MS);
    assert.equal(fundingIntervalMs(DYDX), HOUR_MS);
    assert.equal(fundingIntervalMs(BITMEX), 8 * HOUR_MS);
    assert.equal(fundingIntervalMs(DERIBIT), HOUR_MS);
  });

  test('the next funding is the first multiple of the interval since the epoch strictly after now (UTC)', () => {
    assert.equal(nextFundingTimeMs(BINANCE, BLACK_THURSDAY_FUNDING_MS - 1), BLACK_THURSDAY_FUNDING_MS);
    assert.equal(
      nextFundingTimeMs(BINANCE, BLACK_THURSDAY_FUNDING_MS),
      BLACK_THURSDAY_FUNDING_MS + 8 * HOUR_MS,
    );
    assert.equal(nextFundingTimeMs(BINANCE, 0), 8 * HOUR_MS);
  });

  test('property: now < next ≤ now + interval, and next is a multiple of the interval', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (model, now) => {
          const interval = fundingIntervalMs(model);
          const next = nextFundingTimeMs(model, now);
          assert.ok(next > now && next - now <= interval && next % interval === 0);
        },
      ),
    );
  });
});

describe('validation of models and rules', () => {
  test("every rulebook has price rules, and they and Deribit's are valid", () => {
    assert.deepEqual(Object.keys(PRICE_RULES).sort(), [...RULEBOOK_IDS].sort());
    for (const id of RULEBOOK_IDS) {
      assert.equal(PRICE_RULES[id].id, id);
      assert.equal(validatePriceRules(PRICE_RULES[id], id), null, id);
    }
    assert.equal(validatePriceRules(DERIBIT_PRICE_RULES, 'deribit'), null);
    assert.equal(PRICE_RULES.hyperliquid.fundingPriceBasis, 'index');
    assert.equal(PRICE_RULES.binance.fundingPriceBasis, 'mark');
  });

  const cases: [string, FundingModel, string][] = [
    [
      'interval not dividing a day',
      { ...BINANCE, intervalHours: 5 } as FundingModel,
      'funding.intervalHours',
    ],
    ['negative clamp', { ...BINANCE, clamp: dec('-0.1') } as FundingModel, 'funding.clamp'],
    [
      'zero cap factor',
      { ...BINANCE, limit: { kind: 'mmrFactor', capFactor: Rational.ZERO } } as FundingModel,
      'funding.limit.capFactor',
    ],
    [
      'positive floor',
      { ...BINANCE, limit: { kind: 'explicit', cap: dec('0.1'), floor: dec('0.01') } } as FundingModel,
      'funding.limit.floor',
    ],
    ['hourly cap of 1', { ...HYPERLIQUID, capPerHour: dec('1') } as FundingModel, 'funding.capPerHour'],
    ['imf below mmf', { ...DYDX, imf: dec('0.01') } as FundingModel, 'funding.imf'],
    ['negative dead band', { kind: 'deribit', deadBand: dec('-0.001') }, 'funding.deadBand'],
  ];
  for (const [name, model, path] of cases) {
    test(`invalid model: ${name} names ${path}`, () => {
      const error = validateFundingModel(model, 'funding');
      assert.equal(error?.path, path);
      assert.ok(error.message.startsWith(path));
    });
  }

  test('invalid price rules name the field', () => {
    const rules = PRICE_RULES.binance;
    assert.equal(validatePriceRules({ ...rules, maxMovePerTick: dec('1.5') }, 'r')?.path, 'r.maxMovePerTick');
    assert.equal(validatePriceRules({ ...rules, premiumSampleMs: 0 }, 'r')?.path, 'r.premiumSampleMs');
    assert.equal(
      validatePriceRules({ ...rules, index: { ...rules.index, minSources: 0 } }, 'r')?.path,
      'r.index.minSources',
    );
    assert.equal(validatePriceRules({ ...rules, maxMovePerTick: null }, 'r'), null);
  });
});
