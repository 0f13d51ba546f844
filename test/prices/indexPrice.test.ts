import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rational } from '../../src/numbers/index.js';
import {
  BINANCE_2020_INDEX,
  computeIndex,
  DERIBIT_PRICE_RULES,
  MAX_INDEX_SOURCES,
  median,
  PRICE_RULES,
  weightedMedian,
  type IndexConfig,
  type IndexResult,
  type IndexSource,
} from '../../src/prices/index.js';
import { dec } from '../helpers/model.js';

const NOW = 1_700_000_000_000;
const STALE_MS = 300_000;

const binance = (band = '0.03'): IndexConfig => ({
  rule: { kind: 'binance', band: dec(band), staleAfterMs: STALE_MS },
  minSources: 1,
});
const CONFIGS: readonly IndexConfig[] = [
  binance(),
  { ...BINANCE_2020_INDEX, rule: { ...BINANCE_2020_INDEX.rule, staleAfterMs: STALE_MS } },
  { rule: { kind: 'deribit', band: dec('0.005'), staleAfterMs: STALE_MS }, minSources: 1 },
  { rule: { kind: 'weightedMedian', staleAfterMs: STALE_MS }, minSources: 1 },
];

function source(
  name: string,
  price: string | null,
  weight = '1',
  updatedAtMs: number | null = NOW,
): IndexSource {
  return { name, price: price === null ? null : dec(price), weight: dec(weight), updatedAtMs };
}

function priceOf(result: IndexResult): Rational {
  if (result.status !== 'ok') assert.fail(`expected an index, got ${JSON.stringify(result)}`);
  return result.price;
}

function assertInvalid(result: IndexResult, path: string): void {
  if (result.status !== 'invalid_input')
    assert.fail(`expected invalid_input at ${path}, got ${result.status}`);
  assert.equal(result.error.path, path);
  assert.ok(result.error.message.includes(path), `message names the field: ${result.error.message}`);
}

/** Independent reference: sort, middle value or mean of the two middle values. */
function referenceMedian(values: readonly Rational[]): Rational {
  const sorted = [...values].sort((a, b) => a.cmp(b));
  const upper = sorted[Math.floor(sorted.length / 2)];
  const lower = sorted[Math.floor((sorted.length - 1) / 2)];
  assert.ok(upper !== undefined && lower !== undefined);
  return lower.add(upper).div(Rational.fromInt(2n));
}

const priceArb = fc.bigInt({ min: 1n, max: 10n ** 9n }).map((units) => Rational.fromUnits(units, 2));
const weightArb = fc.bigInt({ min: 1n, max: 10n }).map((w) => Rational.fromInt(w));
const liveSourcesArb = fc
  .array(fc.record({ price: priceArb, weight: weightArb }), { minLength: 1, maxLength: 12 })
  .map((rows) =>
    rows.map((row, i): IndexSource => ({
      name: `s${i}`,
      price: row.price,
      weight: row.weight,
      updatedAtMs: NOW,
    })),
  );
const configArb = fc.constantFrom(...CONFIGS);

describe('median and weightedMedian', () => {
  test('odd count: the middle value; even count: the mean of the two middle values', () => {
    assert.ok(median([dec('3'), dec('1'), dec('2')]).eq(dec('2')));
    assert.ok(median([dec('4'), dec('1'), dec('3'), dec('2')]).eq(dec('2.5')));
    assert.ok(median([dec('7')]).eq(dec('7')));
  });

  test('weighted median: first price where the cumulative weight passes half; exactly half → mean with the next', () => {
    const pairs = (rows: [string, string][]) =>
      rows.map(([price, weight]) => ({ price: dec(price), weight: dec(weight) }));
    // Hyperliquid weights: Binance 3, OKX 2, Bybit 2, Kraken 1 (total 8, half 4).
    assert.ok(
      weightedMedian(
        pairs([
          ['100', '3'],
          ['101', '2'],
          ['102', '2'],
          ['99', '1'],
        ]),
      ).eq(dec('100.5')),
    );
    assert.ok(
      weightedMedian(
        pairs([
          ['100', '3'],
          ['101', '2'],
          ['102', '2'],
          ['99', '2'],
        ]),
      ).eq(dec('100')),
    );
    assert.ok(
      weightedMedian(
        pairs([
          ['100', '5'],
          ['200', '1'],
          ['300', '1'],
        ]),
      ).eq(dec('100')),
    );
    // Zero weights do not vote, even as the "next" price of a tie.
    assert.ok(
      weightedMedian(
        pairs([
          ['1', '1'],
          ['2', '0'],
          ['3', '1'],
        ]),
      ).eq(dec('2')),
    );
  });

  test('property: equal weights give the median; the result is within [min, max]', () => {
    fc.assert(
      fc.property(fc.array(priceArb, { minLength: 1, maxLength: 15 }), weightArb, (values, weight) => {
        const expected = referenceMedian(values);
        assert.ok(median(values).eq(expected));
        assert.ok(weightedMedian(values.map((price) => ({ price, weight }))).eq(expected));
      }),
    );
  });

  test('property: at least half the weight is at or below it and at least half at or above it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ price: priceArb, weight: weightArb }), { minLength: 1, maxLength: 15 }),
        (pairs) => {
          const result = weightedMedian(pairs);
          const total = pairs.reduce((sum, pair) => sum.add(pair.weight), Rational.ZERO);
          const weightWhere = (keep: (price: Rational) => boolean): Rational =>
            pairs
              .filter((pair) => keep(pair.price))
              .reduce((sum, pair) => sum.add(pair.weight), Rational.ZERO);
          assert.ok(
            weightWhere((price) => price.lte(result))
              .mulInt(2n)
              .gte(total),
          );
          assert.ok(
            weightWhere((price) => price.gte(result))
              .mulInt(2n)
              .gte(total),
          );
        },
      ),
    );
  });
});

describe('computeIndex rules', () => {
  test('binance: outliers capped at median × (1 ± band), weights renormalised over live sources', () => {
    // The vector bn-index-cap: median 20010 here (three sources), band 3 %.
    const result = computeIndex(
      binance(),
      [source('a', '21400'), source('b', '18800'), source('c', '20010', '2'), source('d', null, '5')],
      NOW,
    );
    const high = dec('20010').mul(dec('1.03'));
    const low = dec('20010').mul(dec('0.97'));
    assert.ok(priceOf(result).eq(high.add(low).add(dec('40020')).div(dec('4'))));
    assert.equal(result.status, 'ok');
    assert.deepEqual(
      result.sources.map((s) => [
        s.name,
        s.price?.format('halfEven') ?? null,
        s.weight.format('halfEven'),
        s.excluded,
      ]),
      [
        ['a', high.format('halfEven'), '0.25', null],
        ['b', low.format('halfEven'), '0.25', null],
        ['c', '20010', '0.5', null],
        ['d', null, '0', 'no_price'],
      ],
    );
  });

  test('binance2020: one deviant beyond 5 % gets weight 0; two or more deviants → plain median', () => {
    const config = BINANCE_2020_INDEX;
    const one = computeIndex(
      config,
      [source('a', '100'), source('b', '102'), source('c', '130'), source('d', '101')],
      NOW,
    );
    assert.ok(priceOf(one).eq(dec('101')));
    assert.equal(one.status === 'ok' ? one.sources[2]?.excluded : null, 'deviant');
    const two = computeIndex(
      config,
      [source('a', '100'), source('b', '101'), source('c', '130'), source('d', '70'), source('e', '102')],
      NOW,
    );
    assert.ok(priceOf(two).eq(dec('101')));
  });

  test('binance2020 stale rule: a source silent for more than 10 s gets weight 0', () => {
    const result = computeIndex(
      BINANCE_2020_INDEX,
      [source('a', '100', '1', NOW - 10_000), source('b', '200', '1', NOW - 10_001)],
      NOW,
    );
    assert.ok(priceOf(result).eq(dec('100')));
  });

  test('deribit: each source clamped to ±0.5 % of the median, equal weights whatever the configured weight', () => {
    const config = DERIBIT_PRICE_RULES.index;
    const result = computeIndex(
      config,
      [source('a', '100', '5'), source('b', '110'), source('c', '90'), source('d', '100.2')],
      NOW + 1,
    );
    // Median 100.1; bounds 99.5995 and 100.6005.
    const expected = dec('100').add(dec('100.6005')).add(dec('99.5995')).add(dec('100.2')).div(dec('4'));
    assert.ok(priceOf(result).eq(expected));
  });

  test('weightedMedian: the Hyperliquid oracle', () => {
    const config = PRICE_RULES.hyperliquid.index;
    const result = computeIndex(
      config,
      [
        source('binance', '100', '3'),
        source('okx', '101', '2'),
        source('bybit', '102', '2'),
        source('kraken', '90', '1'),
      ],
      NOW,
    );
    assert.ok(priceOf(result).eq(dec('100.5')));
  });

  test('minSources: too few live sources → insufficient_sources, never an exception', () => {
    const config: IndexConfig = { ...binance(), minSources: 3 };
    const result = computeIndex(
      config,
      [
        source('a', '100'),
        source('b', '100', '1', NOW - STALE_MS - 1),
        source('c', '100', '0'),
        source('d', '100'),
      ],
      NOW,
    );
    assert.deepEqual(result, { status: 'insufficient_sources', live: 2, needed: 3 });
    assert.deepEqual(computeIndex(binance(), [], NOW), {
      status: 'insufficient_sources',
      live: 0,
      needed: 1,
    });
    assert.deepEqual(computeIndex(binance(), [source('a', '1', '1', null)], NOW), {
      status: 'insufficient_sources',
      live: 0,
      needed: 1,
    });
  });

  test('a source exactly staleAfterMs old still counts; one ms older does not', () => {
    const result = computeIndex(
      binance(),
      [source('a', '100', '1', NOW - STALE_MS), source('b', '100.1', '1', NOW - STALE_MS - 1)],
      NOW,
    );
    assert.ok(priceOf(result).eq(dec('100')));
    assert.equal(result.status === 'ok' ? result.sources[1]?.excluded : null, 'stale');
  });
});

describe('computeIndex rejects bad input as a value naming the field', () => {
  const good = [source('a', '100'), source('b', '101')];
  const cases: [string, () => IndexResult, string][] = [
    ['zero price', () => computeIndex(binance(), [source('a', '0')], NOW), 'sources[0].price'],
    ['negative price', () => computeIndex(binance(), [...good, source('c', '-1')], NOW), 'sources[2].price'],
    ['negative weight', () => computeIndex(binance(), [source('a', '1', '-1')], NOW), 'sources[0].weight'],
    ['empty name', () => computeIndex(binance(), [source('', '1')], NOW), 'sources[0].name'],
    [
      'repeated name',
      () => computeIndex(binance(), [source('a', '1'), source('a', '2')], NOW),
      'sources[1].name',
    ],
    [
      'time after now',
      () => computeIndex(binance(), [source('a', '1', '1', NOW + 1)], NOW),
      'sources[0].updatedAtMs',
    ],
    [
      'fractional time',
      () => computeIndex(binance(), [source('a', '1', '1', 1.5)], NOW),
      'sources[0].updatedAtMs',
    ],
    ['negative now', () => computeIndex(binance(), good, -1), 'nowMs'],
    ['band 0', () => computeIndex(binance('0'), good, NOW), 'config.rule.band'],
    ['band 1', () => computeIndex(binance('1'), good, NOW), 'config.rule.band'],
    [
      'staleAfterMs 0',
      () => computeIndex({ ...binance(), rule: { kind: 'weightedMedian', staleAfterMs: 0 } }, good, NOW),
      'config.rule.staleAfterMs',
    ],
    ['minSources 0', () => computeIndex({ ...binance(), minSources: 0 }, good, NOW), 'config.minSources'],
    [
      'too many sources',
      () =>
        computeIndex(
          binance(),
          Array.from({ length: MAX_INDEX_SOURCES + 1 }, (_, i) => source(`s${i}`, '1')),
          NOW,
        ),
      'sources',
    ],
  ];
  for (const [name, run, path] of cases)
    test(name, () => {
      assertInvalid(run(), path);
    });
});

describe('computeIndex properties', () => {
  test('invariant under any permutation of the sources', () => {
    fc.assert(
      fc.property(
        configArb,
        liveSourcesArb.chain((s) =>
          fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length })),
        ),
        (config, [sources, shuffled]) => {
          assert.ok(
            priceOf(computeIndex(config, sources, NOW)).eq(priceOf(computeIndex(config, shuffled, NOW))),
          );
        },
      ),
    );
  });

  test('the index lies within [min, max] of the live sources, and of their capped prices', () => {
    fc.assert(
      fc.property(configArb, liveSourcesArb, (config, sources) => {
        const result = computeIndex(config, sources, NOW);
        const price = priceOf(result);
        assert.equal(result.status, 'ok');
        const raw = sources.map((s) => s.price).filter((p) => p !== null);
        const used = result.sources.map((s) => s.price).filter((p) => p !== null);
        for (const prices of [raw, used]) {
          const sorted = [...prices].sort((a, b) => a.cmp(b));
          const low = sorted[0];
          const high = sorted[sorted.length - 1];
          assert.ok(low !== undefined && high !== undefined);
          assert.ok(price.gte(low) && price.lte(high));
        }
        const shares = result.sources.reduce((sum, s) => sum.add(s.weight), Rational.ZERO);
        assert.ok(shares.eq(Rational.ONE), 'shares sum to 1');
      }),
    );
  });

  test('binance: a single outlier at any price moves no used price, nor the index, beyond median × (1 ± band)', () => {
    fc.assert(
      fc.property(liveSourcesArb, priceArb, (sources, outlier) => {
        const all = [...sources, { name: 'outlier', price: outlier, weight: Rational.ONE, updatedAtMs: NOW }];
        const result = computeIndex(binance(), all, NOW);
        const price = priceOf(result);
        assert.equal(result.status, 'ok');
        const mid = median([outlier, ...sources.map((s) => s.price).filter((p) => p !== null)]);
        const low = mid.mul(dec('0.97'));
        const high = mid.mul(dec('1.03'));
        for (const used of result.sources)
          assert.ok(used.price !== null && used.price.gte(low) && used.price.lte(high));
        assert.ok(price.gte(low) && price.lte(high));
      }),
    );
  });

  test('binance2020: a single deviant source is ignored (same index as without it)', () => {
    const honestArb = fc.array(fc.bigInt({ min: 9_950n, max: 10_050n }), { minLength: 2, maxLength: 9 });
    const deviantArb = fc.oneof(
      fc.bigInt({ min: 1n, max: 8_000n }),
      fc.bigInt({ min: 12_000n, max: 10n ** 9n }),
    );
    fc.assert(
      fc.property(honestArb, deviantArb, fc.nat({ max: 9 }), (honest, deviant, at) => {
        const sources = honest.map((units, i) => ({
          name: `s${i}`,
          price: Rational.fromUnits(units, 2),
          weight: Rational.fromInt(BigInt(i + 1)),
          updatedAtMs: NOW,
        }));
        const withDeviant = [...sources];
        withDeviant.splice(at % (sources.length + 1), 0, {
          name: 'deviant',
          price: Rational.fromUnits(deviant, 2),
          weight: Rational.fromInt(5n),
          updatedAtMs: NOW,
        });
        const config = BINANCE_2020_INDEX;
        assert.ok(
          priceOf(computeIndex(config, withDeviant, NOW)).eq(priceOf(computeIndex(config, sources, NOW))),
        );
      }),
    );
  });

  test('stale, priceless and zero-weight sources have no effect, whatever their price', () => {
    const deadArb = fc.array(
      fc.record({
        price: fc.option(priceArb, { nil: null }),
        weight: fc.bigInt({ min: 0n, max: 10n }),
        age: fc.oneof(
          fc.constant(null),
          fc.integer({ min: STALE_MS + 1, max: 10 * STALE_MS }),
          fc.constant(0),
        ),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(configArb, liveSourcesArb, deadArb, (config, sources, dead) => {
        const extra: IndexSource[] = dead.map((d, i) => ({
          name: `dead${i}`,
          price: d.price,
          // A fresh source is made dead by a zero weight; the others are stale or have no time.
          weight: d.age === 0 ? Rational.ZERO : Rational.fromInt(d.weight),
          updatedAtMs: d.age === null ? null : NOW - d.age,
        }));
        const base = priceOf(computeIndex(config, sources, NOW));
        assert.ok(priceOf(computeIndex(config, [...extra, ...sources], NOW)).eq(base));
      }),
    );
  });
});
