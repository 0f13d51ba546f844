import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Engine, LedgerAccounts, type EngineEvent } from '../../src/index.js';
import { Harness, SOURCES, binancePrices, btcListing, fill } from './helpers.js';

/** USDT (8 decimals) and BTCUSDT (tick 0.1, lot 0.001) with Binance's price rules over four spot sources. */
function pricedVenue(prices: Record<string, unknown> = {}): Harness {
  const h = new Harness();
  h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  h.ok(
    btcListing({
      prices: binancePrices(prices),
    }),
  );
  return h;
}

function quotes(h: Harness, prices: readonly string[]): Record<string, unknown> {
  return {
    type: 'sourcePrices',
    symbol: 'BTCUSDT',
    quotes: prices.map((price, i) => ({ source: SOURCES[i], price, observedAtMs: h.time })),
  };
}

function eventOf<T extends EngineEvent['type']>(
  events: readonly EngineEvent[],
  type: T,
): Extract<EngineEvent, { type: T }> {
  const found = events.find((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  assert.ok(found !== undefined, `no ${type} event`);
  return found;
}

function eventsOf(result: ReturnType<Harness['run']>): readonly EngineEvent[] {
  assert.ok(result.ok, result.ok ? '' : `${result.code}: ${result.message}`);
  return result.events;
}

/** Fine price units (1e-7 for a 0.1 tick) of a decimal. */
const fine = (text: string): bigint => {
  const [whole = '0', fraction = ''] = text.split('.');
  return BigInt(whole + fraction.padEnd(7, '0'));
};
/** Kernel mark units of BTCUSDT (tick 0.1; the kernel may hold more digits). */
const markOf = (h: Harness): bigint | null => h.engine.view.instruments.get('BTCUSDT')?.mark ?? null;
const priceFactor = (h: Harness): bigint => h.engine.view.instruments.get('BTCUSDT')?.priceFactor ?? 1n;

describe('engine price layer', () => {
  test('index from live sources, outliers capped at the band, mark from the index', () => {
    const h = pricedVenue();
    const events = eventsOf(h.ok(quotes(h, ['50000', '50010', '49990', '56000'])));
    const index = eventOf(events, 'IndexPriceUpdated');
    // median 50005; 56000 is capped at 50005 × 1.01 = 50505.05; mean of 50000, 50010, 49990, 50505.05.
    assert.equal(index.status, 'ok');
    assert.equal(index.price, fine('50126.2625'));
    assert.equal(index.liveSources, 4);
    const mark = eventOf(events, 'MarkPriceUpdated');
    // No book and no trade yet, no funding rate: price 1 = price 2 = index; published at the 0.1 tick.
    assert.equal(mark.price, 501263n * priceFactor(h));
  });

  test('Binance rules cap BTC and ETH sources at 1 % by default, other symbols at 3 %', () => {
    for (const [symbol, capped] of [
      ['BTCUSDT', '50500'],
      ['ETHUSDT', '50500'],
      ['SOLUSDT', '51500'],
    ] as const) {
      const h = new Harness();
      h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
      const sources = ['a', 'b', 'c'].map((name) => ({ name, weight: '1' }));
      h.ok(btcListing({ symbol, prices: { rules: 'binance', sources, impactNotional: '25000' } }));
      const result = h.ok({
        type: 'sourcePrices',
        symbol,
        quotes: ['50000', '50000', '60000'].map((price, i) => ({
          source: sources[i]?.name,
          price,
          observedAtMs: h.time,
        })),
      });
      const index = eventOf(eventsOf(result), 'IndexPriceUpdated');
      // median 50000; the third source is capped at the band: (50000 + 50000 + cap) / 3.
      const expected = (fine('50000') * 2n + fine(capped)) / 3n;
      assert.ok(
        index.price !== null && (index.price - expected) ** 2n <= 1n,
        `${symbol}: ${String(index.price)}`,
      );
    }
  });

  test('a single outlier never moves the index past its band share', () => {
    const h = pricedVenue();
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    for (const outlier of ['1', '99999999', '50400', '60000']) {
      h.time += 1000;
      const index = eventOf(
        eventsOf(h.ok(quotes(h, ['50000', '50000', '50000', outlier]))),
        'IndexPriceUpdated',
      );
      assert.ok(index.price !== null);
      const price = Number(index.price) / 1e7;
      assert.ok(
        Math.abs(price - 50000) <= (50000 * 0.01) / 4 + 1e-9,
        `outlier ${outlier} moved the index to ${price}`,
      );
    }
  });

  test('stale sources lose their weight; too few live sources keep the old index flagged stale, then stop', () => {
    const h = pricedVenue({ maxMovePerTick: '0.5' });
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    h.ok({ type: 'createAccount', accountId: 'alice' });
    h.ok({ type: 'createAccount', accountId: 'bob' });
    for (const accountId of ['alice', 'bob'])
      h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '100000' });
    // Six minutes later only two sources quote: the other two are stale, fewer than minSources 3.
    h.time += 360_000;
    const stale = eventsOf(
      h.ok({
        type: 'sourcePrices',
        symbol: 'BTCUSDT',
        quotes: [
          { source: 'binance', price: '40000', observedAtMs: h.time },
          { source: 'okx', price: '40000', observedAtMs: h.time },
        ],
      }),
    );
    const index = eventOf(stale, 'IndexPriceUpdated');
    assert.equal(index.status, 'stale');
    assert.equal(index.liveSources, 2);
    assert.equal(index.price, fine('50000'), 'the previous index is kept, flagged');
    assert.equal(
      stale.find((e) => e.type === 'MarkPriceUpdated'),
      undefined,
      'the mark does not move on a stale index',
    );
    // Within maxStaleMs a fill still goes through on the old mark; past it, anything needing the mark stops.
    h.ok(fill('f1', '0.01', '50000', 'alice', 'bob'));
    h.time += 600_000;
    h.rejects(fill('f2', '0.01', '50000', 'alice', 'bob'), 'stale_price');
    h.rejects({ type: 'fundingTick', symbol: 'BTCUSDT', rate: '0.0001' }, 'stale_price');
    // Reducing is still allowed (it needs no mark).
    h.ok(fill('f3', '0.01', '50000', 'bob', 'alice'));
    // A third source comes back: the index is live again and the mark follows.
    const back = eventsOf(
      h.ok({
        type: 'sourcePrices',
        symbol: 'BTCUSDT',
        quotes: [
          { source: 'binance', price: '40000', observedAtMs: h.time },
          { source: 'okx', price: '40000', observedAtMs: h.time },
          { source: 'kraken', price: '40000', observedAtMs: h.time },
        ],
      }),
    );
    assert.equal(eventOf(back, 'IndexPriceUpdated').status, 'ok');
    assert.equal(markOf(h), 400000n * priceFactor(h));
  });

  test('bad price inputs get result codes and change nothing', () => {
    const h = pricedVenue();
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    const at = h.time - 1000; // when those quotes were observed (the command came a second later)
    const one = (source: string, price: unknown, observedAtMs: unknown = at): Record<string, unknown> => ({
      type: 'sourcePrices',
      symbol: 'BTCUSDT',
      quotes: [{ source, price, observedAtMs }],
    });
    for (const price of [
      'NaN',
      'Infinity',
      '0',
      '-1',
      '5e4',
      '',
      ' 50000',
      '1000000000000',
      '50000.00000001',
    ])
      h.rejects(one('binance', price, at + 1), 'invalid_price');
    h.rejects(one('binance', 50000, at + 1), 'invalid_price');
    h.rejects(one('bitstamp', '50000', at + 1), 'unknown_source');
    h.rejects(one('binance', '50000', at), 'duplicate_price');
    h.rejects(one('binance', '50000', at - 1), 'price_out_of_order');
    h.rejects(one('binance', '50000', h.time + 10_000), 'invalid_command');
    h.rejects(one('binance', '50000', -5), 'invalid_command');
    h.rejects(
      {
        type: 'sourcePrices',
        symbol: 'BTCUSDT',
        quotes: [
          { source: 'okx', price: '50000', observedAtMs: at + 1 },
          { source: 'okx', price: '50001', observedAtMs: at + 2 },
        ],
      },
      'duplicate_price',
    );
    h.rejects({ type: 'sourcePrices', symbol: 'BTCUSDT', quotes: [] }, 'invalid_command');
    h.rejects({ type: 'sourcePrices', symbol: 'ETHUSDT', quotes: [] }, 'unknown_symbol');
    h.rejects({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' }, 'invalid_command');
    const book = { type: 'bookSnapshot', symbol: 'BTCUSDT' };
    h.rejects({ ...book, bids: [['50000', '1']], asks: [['49999', '1']] }, 'invalid_book');
    h.rejects({ ...book, bids: [['50000', '0']], asks: [['50001', '1']] }, 'invalid_book');
    h.rejects({ ...book, bids: [['-1', '1']], asks: [['50001', '1']] }, 'invalid_book');
    h.rejects(
      {
        ...book,
        bids: [
          ['50000', '1'],
          ['50001', '1'],
        ],
        asks: [['50002', '1']],
      },
      'invalid_book',
    );
    h.rejects({ ...book, bids: [], asks: [['50001', '1']] }, 'invalid_book');
    h.rejects({ ...book, bids: 'x', asks: [] }, 'invalid_book');
    h.rejects({ ...book, bids: [['50000', '1']], asks: [['50001', '1']], lastPrice: 'NaN' }, 'invalid_price');
    h.rejects(
      { ...book, bids: new Array(1001).fill(['50000', '1']), asks: [['50001', '1']] },
      'invalid_book',
    );
  });

  test('a broken feed cannot move the mark more than maxMovePerTick', () => {
    const h = pricedVenue({ maxMovePerTick: '0.05' });
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    h.time += 1000;
    const events = eventsOf(h.ok(quotes(h, ['10000', '10000', '10000', '10000'])));
    assert.equal(eventOf(events, 'IndexPriceUpdated').price, fine('10000'));
    const mark = eventOf(events, 'MarkPriceUpdated');
    assert.equal(mark.clamped, true);
    assert.equal(mark.price, 475000n * priceFactor(h), 'the mark falls 5 %, not 80 %');
  });

  test('premium samples from the book drive the funding rate; payments by hand', () => {
    const h = pricedVenue();
    h.time = Date.UTC(2023, 10, 14, 23); // the next 8-hour funding time is 2023-11-15 00:00 UTC
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    for (const accountId of ['alice', 'bob']) {
      h.ok({ type: 'createAccount', accountId });
      h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '100000' });
    }
    h.ok(fill('open', '2', '50000', 'alice', 'bob'));
    // A book 0.2 % above the index on both sides: impact bid 50100 and impact ask 50110 for 25,000 USDT.
    const book = {
      type: 'bookSnapshot',
      symbol: 'BTCUSDT',
      bids: [['50100', '1']],
      asks: [['50110', '1']],
    };
    const first = eventsOf(h.ok(book));
    const sample = eventOf(first, 'PremiumSampled');
    assert.equal(sample.sampled, true);
    assert.equal(sample.premium, 2_000_000_000n, 'premium (50100 − 50000) / 50000 = 0.002');
    // A second snapshot in the same 5-second slot is not a new sample.
    h.time += 1;
    assert.equal(eventOf(eventsOf(h.ok(book)), 'PremiumSampled').sampled, false);
    // Funding before its time is refused; at 00:00 it is paid.
    const midnight = Date.UTC(2023, 10, 15);
    h.time = midnight - 10_000;
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    h.time = midnight;
    const paid = eventsOf(h.ok({ type: 'fundingTick', symbol: 'BTCUSDT' }));
    const funding = eventOf(paid, 'FundingPaid');
    // avgP 0.002; F = 0.002 + clamp(0.0001 − 0.002, ±0.0005) = 0.0015, under the 0.3 % cap.
    assert.equal(funding.rate, 150_000n);
    assert.equal(funding.limit, null);
    assert.equal(funding.fundingTimeMs, midnight);
    // 2 BTC × mark × 0.0015: the mark is what the price layer published just before.
    const mark = markOf(h);
    assert.ok(mark !== null);
    // qty units 1e-3 × price units 1e-1 = 1e-4 USDT = 10^4 units of 1e-8; the rate is in 1e-8.
    const owed = (2000n * (mark / priceFactor(h)) * 10n ** 4n * 150_000n) / 10n ** 8n;
    assert.equal(funding.paid, owed);
    assert.equal(owed, 15_000_000_000n, '2 × 50,000 × 0.0015 = 150 USDT');
    assert.equal(h.balance(LedgerAccounts.fundingPool), '0');
    h.time += 1000;
    h.rejects({ type: 'fundingTick', symbol: 'BTCUSDT' }, 'funding_not_due');
    h.time = midnight + 8 * 3_600_000;
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    h.rejects({ type: 'fundingTick', symbol: 'BTCUSDT' }, 'stale_price'); // no samples this interval
  });

  test('a given rate beyond the cap is held to it and reported', () => {
    const h = pricedVenue();
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    const capped = eventOf(
      eventsOf(h.ok({ type: 'fundingTick', symbol: 'BTCUSDT', rate: '0.005' })),
      'FundingPaid',
    );
    assert.equal(capped.rate, 300_000n, '0.75 × first-tier mmr 0.004 = 0.003');
    assert.equal(capped.limit, 'cap');
    h.time += 8 * 3_600_000;
    h.ok(quotes(h, ['50000', '50000', '50000', '50000']));
    const floored = eventOf(
      eventsOf(h.ok({ type: 'fundingTick', symbol: 'BTCUSDT', rate: '-0.003' })),
      'FundingPaid',
    );
    assert.equal(floored.rate, -300_000n);
    assert.equal(floored.limit, 'floor');
  });

  test('snapshot and restore keep the price layer: the same commands give the same hash afterwards', () => {
    const h = pricedVenue();
    h.ok(quotes(h, ['50000', '50010', '49990', '50005']));
    h.ok({
      type: 'bookSnapshot',
      symbol: 'BTCUSDT',
      bids: [['50100', '1']],
      asks: [['50110', '1']],
      lastPrice: '50105',
    });
    const restored = Engine.restore(h.engine.snapshot());
    assert.equal(restored.stateHash(), h.engine.stateHash());
    const next = { seq: h.seq + 1, timestampMs: h.time + 5000 };
    const command = {
      ...next,
      type: 'bookSnapshot' as const,
      symbol: 'BTCUSDT',
      bids: [['50120', '1']] as [string, string][],
      asks: [['50130', '1']] as [string, string][],
    };
    const a = h.engine.apply(command);
    const b = restored.apply(command);
    assert.deepEqual(a, b);
    assert.equal(restored.stateHash(), h.engine.stateHash());
  });

  test('listing rejects bad price rules with a message naming the field', () => {
    const h = new Harness();
    h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
    const listing = (prices: Record<string, unknown>): Record<string, unknown> =>
      btcListing({
        prices: {
          rules: 'binance',
          sources: [{ name: 'a', weight: '1' }],
          impactNotional: '25000',
          minSources: 1,
          ...prices,
        },
      });
    for (const [prices, field] of [
      [{ rules: 'nasdaq' }, 'prices.rules'],
      [{ sources: [] }, 'prices.sources'],
      [{ sources: [{ name: 'a', weight: '-1' }] }, 'prices.sources[0].weight'],
      [
        {
          sources: [
            { name: 'a', weight: '1' },
            { name: 'a', weight: '1' },
          ],
        },
        'prices.sources[1].name',
      ],
      [{ impactNotional: '0' }, 'prices.impactNotional'],
      [{ band: '1.5' }, 'prices.band'],
      [{ minSources: 2 }, 'prices.minSources'],
      [{ maxMovePerTick: 'x' }, 'prices.maxMovePerTick'],
      [{ fundingIntervalHours: 3 }, 'prices.fundingIntervalHours'],
    ] as const) {
      const result = h.run(listing(prices));
      assert.ok(!result.ok, JSON.stringify(prices));
      assert.equal(result.code, 'invalid_instrument');
      assert.ok(result.message.includes(field), `${result.message} names ${field}`);
    }
  });
});
