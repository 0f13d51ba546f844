import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DERIBIT_PRICE_RULES,
  fundingIntervalMs,
  fundingRateFor,
  PRICE_RULES,
  Rational,
  type EngineEvent,
  type PriceRules,
} from '../../src/index.js';
import { Harness, btcListing, fill } from './helpers.js';

/** Every venue's price rules through the engine: one conformance suite (STYLE.md: hono's routers). */
const RULES: readonly PriceRules[] = [...Object.values(PRICE_RULES), DERIBIT_PRICE_RULES];
const HOUR_MS = 3_600_000;

function eventOf<T extends EngineEvent['type']>(
  result: ReturnType<Harness['run']>,
  type: T,
): Extract<EngineEvent, { type: T }> {
  assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
  const found = result.events.find((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  assert.ok(found !== undefined, `no ${type} event`);
  return found;
}

const fineOf = (units: bigint): Rational => Rational.fromUnits(units, 7); // tick 0.1 + 6 fine digits

for (const rules of RULES) {
  describe(`price rules ${rules.id} in the engine`, () => {
    const venue = (): Harness => {
      const h = new Harness();
      h.time = Date.UTC(2025, 0, 1, 7, 0, 0);
      h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
      h.ok(
        btcListing({
          prices: {
            rules: rules.id,
            sources: [
              { name: 'a', weight: '3' },
              { name: 'b', weight: '2' },
              { name: 'c', weight: '1' },
            ],
            impactNotional: '10000',
            maxMovePerTick: '0.5',
          },
        }),
      );
      for (const accountId of ['alice', 'bob']) {
        h.ok({ type: 'createAccount', accountId });
        h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '1000000' });
      }
      return h;
    };
    const quote = (h: Harness, prices: readonly string[]): ReturnType<Harness['run']> =>
      h.run({
        type: 'sourcePrices',
        symbol: 'BTCUSDT',
        quotes: prices.map((price, i) => ({ source: ['a', 'b', 'c'][i], price, observedAtMs: h.time })),
      });

    test('the index lies within the sources; the mark within the index, the book and the last trade', () => {
      const h = venue();
      const index = eventOf(quote(h, ['50000', '50100', '49950']), 'IndexPriceUpdated');
      assert.equal(index.status, 'ok');
      assert.ok(index.price !== null);
      const price = fineOf(index.price);
      assert.ok(price.gte(Rational.fromInt(49950n)) && price.lte(Rational.fromInt(50100n)));
      h.ok(fill('open', '1', '50010', 'alice', 'bob'));
      const book = h.run({
        type: 'bookSnapshot',
        symbol: 'BTCUSDT',
        bids: [['50040', '5']],
        asks: [['50060', '5']],
        lastPrice: '50050',
      });
      const mark = eventOf(book, 'MarkPriceUpdated');
      const markPrice = Rational.of(
        mark.price,
        h.engine.view.instruments.get('BTCUSDT')?.priceFactor ?? 1n,
      ).div(Rational.fromInt(10n));
      // Every method's candidates lie between the index (± the funding term, under 1 %) and the book.
      const low = Rational.fromInt(49_500n);
      const high = Rational.fromInt(50_600n);
      assert.ok(markPrice.gte(low) && markPrice.lte(high), `mark ${markPrice.toString()}`);
    });

    test('funding from the interval samples is the rate model’s, paid on the rules’ price, once per interval', () => {
      const h = venue();
      quote(h, ['50000', '50000', '50000']);
      h.ok(fill('open', '2', '50000', 'alice', 'bob'));
      // Books 0.2 % rich: impact bid 50100, impact ask 50110 → premium 0.002 for every sample.
      const samples = 3;
      for (let i = 0; i < samples; i++) {
        h.time += rules.premiumSampleMs;
        quote(h, ['50000', '50000', '50000']);
        const sampled = eventOf(
          h.run({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['50100', '1']], asks: [['50110', '1']] }),
          'PremiumSampled',
        );
        assert.equal(sampled.sampled, true);
      }
      const interval = fundingIntervalMs(rules.funding);
      assert.equal(
        interval,
        ['binance', 'bybit', 'okx', 'bitmex'].includes(rules.id) ? 8 * HOUR_MS : HOUR_MS,
      );
      const fundingTime = (Math.floor(h.time / interval) + 1) * interval;
      h.time = fundingTime - 2000;
      quote(h, ['50000', '50000', '50000']);
      h.time = fundingTime - 1;
      const paid = eventOf(h.run({ type: 'fundingTick', symbol: 'BTCUSDT' }), 'FundingPaid');
      const expected = fundingRateFor(rules.funding, {
        averagePremium: Rational.of(2n, 1000n),
        firstTierMmr: Rational.of(4n, 1000n),
      });
      assert.equal(paid.rate, expected.rate.toUnits(8, 'halfEven'), `${rules.id} rate`);
      assert.equal(paid.limit, expected.limit);
      assert.equal(paid.fundingTimeMs, fundingTime);
      const instrument = h.engine.view.instruments.get('BTCUSDT');
      assert.ok(instrument?.mark != null && instrument.prices !== null);
      const basis =
        rules.fundingPriceBasis === 'index'
          ? Rational.fromUnits(instrument.prices.index ?? 0n, 7)
          : Rational.of(instrument.mark, instrument.priceFactor * 10n);
      const owed = Rational.fromInt(2n).mul(basis).mul(Rational.fromUnits(paid.rate, 8)).abs();
      assert.equal(paid.paid, owed.toUnits(8, 'ceil'), 'the payer pays qty × price × rate, rounded up');
      h.time += 1000;
      const again = h.run({ type: 'fundingTick', symbol: 'BTCUSDT' });
      assert.ok(!again.ok && again.code === 'funding_not_due');
    });
  });
}
