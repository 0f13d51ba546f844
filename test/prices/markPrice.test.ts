import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError, Rational, type InputError, type Result } from '../../src/numbers/index.js';
import {
  binanceMark,
  clampMove,
  deribitMark,
  fairPrice,
  hyperliquidMark,
  median,
  type HyperliquidMarkInput,
} from '../../src/prices/index.js';
import { dec } from '../helpers/model.js';

const HOUR_MS = 3_600_000;

function unwrap<T>(result: Result<T, InputError>): T {
  if (!result.ok) assert.fail(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function assertRejects(result: Result<unknown, InputError>, path: string): void {
  if (result.ok) assert.fail(`expected an error at ${path}`);
  assert.equal(result.error.path, path);
  assert.ok(result.error.message.startsWith(path), `message names the field: ${result.error.message}`);
}

const priceArb = fc.bigInt({ min: 1n, max: 10n ** 9n }).map((units) => Rational.fromUnits(units, 2));
const rateArb = fc.bigInt({ min: -30_000n, max: 30_000n }).map((units) => Rational.fromUnits(units, 6));

describe('fairPrice (BitMEX fair price, Binance P1)', () => {
  test('index × (1 + rate × time left / interval)', () => {
    const price = fairPrice({
      index: dec('10000'),
      fundingRate: dec('0.0003'),
      msToFunding: 4 * HOUR_MS,
      intervalMs: 8 * HOUR_MS,
    });
    assert.ok(unwrap(price).eq(dec('10001.5')));
    const atFunding = fairPrice({
      index: dec('10000'),
      fundingRate: dec('0.0003'),
      msToFunding: 0,
      intervalMs: 8 * HOUR_MS,
    });
    assert.ok(unwrap(atFunding).eq(dec('10000')));
  });

  test('bad input is a value naming the field', () => {
    const base = { index: dec('100'), fundingRate: dec('0.01'), msToFunding: 1, intervalMs: 2 };
    assertRejects(fairPrice({ ...base, index: dec('0') }), 'index');
    assertRejects(fairPrice({ ...base, msToFunding: -1 }), 'msToFunding');
    assertRejects(fairPrice({ ...base, msToFunding: 3 }), 'msToFunding');
    assertRejects(fairPrice({ ...base, intervalMs: 0 }), 'intervalMs');
    assertRejects(fairPrice({ ...base, intervalMs: 0.5 }), 'intervalMs');
    assertRejects(fairPrice({ ...base, fundingRate: dec('-2') }), 'fundingRate');
  });
});

describe('binanceMark', () => {
  const base = {
    index: dec('10000'),
    lastFundingRate: dec('0.0001'),
    msToFunding: 4 * HOUR_MS,
    intervalMs: 8 * HOUR_MS,
    basisAverage: dec('3'),
  };

  test('median of price1, price2 and last: a far last price cannot set the mark', () => {
    for (const [last, mark] of [
      ['10010', '10003'],
      ['9000', '10000.5'],
      ['10002', '10002'],
    ] as const) {
      assert.ok(unwrap(binanceMark({ ...base, lastPrice: dec(last) })).mark.eq(dec(mark)), `last ${last}`);
    }
  });

  test('a negative basis below the index still gives a positive mark', () => {
    const mark = unwrap(binanceMark({ ...base, basisAverage: dec('-20000'), lastPrice: dec('1') }));
    assert.ok(mark.price2.sign() < 0 && mark.mark.eq(dec('1')));
  });

  test('errors name the Binance field', () => {
    assertRejects(binanceMark({ ...base, lastPrice: dec('0') }), 'lastPrice');
    assertRejects(
      binanceMark({ ...base, lastPrice: dec('1'), lastFundingRate: dec('-3') }),
      'lastFundingRate',
    );
  });

  test('property: the mark is one of the three candidates and lies between the other two', () => {
    fc.assert(
      fc.property(
        priceArb,
        rateArb,
        priceArb,
        fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }),
        (index, rate, last, basis) => {
          const result = binanceMark({
            ...base,
            index,
            lastFundingRate: rate,
            lastPrice: last,
            basisAverage: Rational.fromUnits(basis, 2),
          });
          const { price1, price2, mark } = unwrap(result);
          const sorted = [price1, price2, last].sort((a, b) => a.cmp(b));
          assert.ok(sorted[1]?.eq(mark));
          assert.ok(mark.sign() > 0);
        },
      ),
    );
  });
});

describe('deribitMark', () => {
  test('last clamped into [bid, ask]', () => {
    const book = { bid: dec('871'), ask: dec('871.5') };
    assert.ok(unwrap(deribitMark({ ...book, last: dec('871.7') })).eq(dec('871.5')));
    assert.ok(unwrap(deribitMark({ ...book, last: dec('871.2') })).eq(dec('871.2')));
    assert.ok(unwrap(deribitMark({ ...book, last: dec('800') })).eq(dec('871')));
  });

  test('a crossed book or a non-positive price is an error naming the field', () => {
    assertRejects(deribitMark({ bid: dec('2'), ask: dec('1'), last: dec('1') }), 'ask');
    assertRejects(deribitMark({ bid: dec('0'), ask: dec('1'), last: dec('1') }), 'bid');
    assertRejects(deribitMark({ bid: dec('1'), ask: dec('1'), last: dec('-1') }), 'last');
  });
});

describe('hyperliquidMark', () => {
  const base: HyperliquidMarkInput = {
    oracle: dec('100'),
    emaBasis: dec('0.5'),
    bid: dec('100.2'),
    ask: dec('100.4'),
    last: dec('100.9'),
  };

  test('median of oracle + EMA basis, median(bid, ask, last) and the weighted median of external mids', () => {
    const mids = [
      { price: dec('100.1'), weight: dec('3') },
      { price: dec('100.3'), weight: dec('2') },
      { price: dec('99'), weight: dec('2') },
      { price: dec('100.35'), weight: dec('1') },
      { price: dec('120'), weight: dec('1') },
    ];
    const mark = unwrap(hyperliquidMark({ ...base, externalMids: mids }));
    assert.ok(mark.basisPrice.eq(dec('100.5')));
    assert.ok(mark.bookPrice.eq(dec('100.4')));
    assert.ok(mark.externalPrice.eq(dec('100.1')));
    assert.ok(mark.mark.eq(dec('100.4')));
  });

  test('without external mids the oracle takes their place', () => {
    const mark = unwrap(hyperliquidMark(base));
    assert.ok(mark.externalPrice.eq(dec('100')));
    assert.ok(mark.mark.eq(dec('100.4')));
    const empty = unwrap(hyperliquidMark({ ...base, externalMids: [] }));
    assert.ok(empty.mark.eq(mark.mark));
  });

  test('bad external mids are errors naming the field', () => {
    assertRejects(
      hyperliquidMark({ ...base, externalMids: [{ price: dec('1'), weight: dec('-1') }] }),
      'externalMids[0].weight',
    );
    assertRejects(
      hyperliquidMark({ ...base, externalMids: [{ price: dec('0'), weight: dec('1') }] }),
      'externalMids[0].price',
    );
    assertRejects(
      hyperliquidMark({ ...base, externalMids: [{ price: dec('1'), weight: dec('0') }] }),
      'externalMids',
    );
    assertRejects(hyperliquidMark({ ...base, oracle: dec('0') }), 'oracle');
  });

  test('property: the mark lies between the smallest and largest candidate and is positive', () => {
    fc.assert(
      fc.property(
        priceArb,
        priceArb,
        priceArb,
        priceArb,
        fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
        (oracle, a, b, last, basis) => {
          const [bid, ask] = a.lte(b) ? [a, b] : [b, a];
          const mark = unwrap(
            hyperliquidMark({ oracle, emaBasis: Rational.fromUnits(basis, 2), bid, ask, last }),
          );
          assert.ok(mark.mark.eq(median([mark.basisPrice, mark.bookPrice, mark.externalPrice])));
          assert.ok(mark.mark.sign() > 0);
        },
      ),
    );
  });
});

describe('clampMove', () => {
  test('moves of at most the fraction pass; larger ones stop at the bound', () => {
    const fraction = dec('0.1');
    assert.deepEqual(clampMove(dec('100'), dec('109'), fraction), { price: dec('109'), clamped: false });
    const up = clampMove(dec('100'), dec('150'), fraction);
    assert.ok(up.clamped && up.price.eq(dec('110')));
    const down = clampMove(dec('100'), dec('1'), fraction);
    assert.ok(down.clamped && down.price.eq(dec('90')));
    assert.ok(!clampMove(dec('100'), dec('110'), fraction).clamped);
  });

  test('a bad fraction or price is a bug, asserted', () => {
    assert.throws(() => clampMove(dec('100'), dec('100'), dec('1')), AssertionError);
    assert.throws(() => clampMove(dec('0'), dec('100'), dec('0.1')), AssertionError);
  });

  test('property: the result is within the band, and equals next whenever next is', () => {
    fc.assert(
      fc.property(priceArb, priceArb, fc.bigInt({ min: 1n, max: 999n }), (previous, next, permille) => {
        const fraction = Rational.of(permille, 1000n);
        const guarded = clampMove(previous, next, fraction);
        const moved = guarded.price.sub(previous).abs();
        assert.ok(moved.lte(previous.mul(fraction)));
        assert.equal(guarded.clamped, !guarded.price.eq(next));
      }),
    );
  });
});
