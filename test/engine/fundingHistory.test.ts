import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LedgerAccounts } from '../../src/index.js';
import { formatUnits, parseDecimal, Rational } from '../../src/numbers/index.js';
import { parseDailyCandles, parseFundingHistory, parseKlines } from '../../src/simulator/index.js';
import { Harness, btcListing } from './helpers.js';

const DATA = new URL('../../data/', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, DATA), 'utf8');

const HOUR_MS = 3_600_000;

function exactOf(text: string): Rational {
  const parsed = parseDecimal(text);
  assert.ok(parsed.ok, text);
  return Rational.fromDecimal(parsed.value);
}
const DAY_MS = 24 * HOUR_MS;

/**
 * Marks at funding times: the close of the last 1-minute candle before the funding time where the bundled
 * crash windows cover it, otherwise the spot daily open of that day (the latest price known at 00:00; later
 * in the day it is older, but the test is about money flows and caps, not the level of the mark).
 */
function markSource(): (timeMs: number) => { price: string; from: 'kline' | 'daily' } {
  const minute = new Map<number, string>();
  for (const name of [
    'BTCUSDT-perp-1m_20200312T0822-20200313T0418Z.csv',
    'BTCUSDT-perp-1m_20210519T1202-20210519T1415Z.csv',
    'BTCUSDT-perp-1m_20221109T2001-20221109T2214Z.csv',
    'BTCUSDT-perp-1m_20251010T2011-20251010T2220Z.csv',
  ]) {
    const parsed = parseKlines(read(`btcusdt-perp-1m-crashes/${name}`), name);
    assert.ok(parsed.ok);
    for (const k of parsed.value) minute.set(k.openTimeMs + 60_000, k.close.format('halfEven', 20, 2));
  }
  const daily = parseDailyCandles(read('spot-daily-2017-2026/BTCUSDT_1d_extended.csv'), 'BTCUSDT_1d');
  assert.ok(daily.ok, daily.ok ? '' : daily.error.message);
  const days = new Map(daily.value.map((d) => [d.dayStartMs, d.open]));
  const lastDay = daily.value[daily.value.length - 1];
  assert.ok(lastDay !== undefined);
  return (timeMs) => {
    const hour = Math.floor(timeMs / HOUR_MS) * HOUR_MS;
    const fromKline = minute.get(hour);
    if (fromKline !== undefined) return { price: fromKline, from: 'kline' };
    const day = Math.floor(timeMs / DAY_MS) * DAY_MS;
    return { price: days.get(day) ?? lastDay.close, from: 'daily' };
  };
}

test('real BTCUSDT funding 2020-01 → 2026-06 through the ledger: conserved, mirrored, caps recognised', () => {
  const history = parseFundingHistory(read('binance-funding-rates/BTCUSDT.csv'), 'BTCUSDT.csv');
  assert.ok(history.ok, history.ok ? '' : history.error.message);
  const records = history.value;
  assert.equal(records.length, 7119, 'the README counts 7,119 rows');

  const marks = markSource();
  const h = new Harness();
  const first = records[0];
  assert.ok(first !== undefined);
  h.time = first.calcTimeMs - HOUR_MS;
  h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  h.ok(
    btcListing({
      priceScale: 2,
      // One source (the recorded price) and a loose per-tick guard: the marks jump between days in this replay.
      prices: {
        rules: 'binance',
        sources: [{ name: 'recorded', weight: '1' }],
        impactNotional: '25000',
        minSources: 1,
        maxMovePerTick: '0.99',
      },
    }),
  );
  const tick = (timeMs: number, price = marks(timeMs).price): void => {
    h.time = timeMs - 1000;
    h.ok({
      type: 'sourcePrices',
      symbol: 'BTCUSDT',
      quotes: [{ source: 'recorded', price, observedAtMs: timeMs - 1 }],
    });
  };
  const openingPrice = marks(first.calcTimeMs).price;
  tick(first.calcTimeMs - 30 * 60_000, openingPrice);
  for (const accountId of ['long', 'short']) {
    h.ok({ type: 'createAccount', accountId });
    h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '10000000' });
    h.ok({ type: 'setLeverage', accountId, symbol: 'BTCUSDT', leverage: 10 });
  }
  h.ok({
    type: 'fill',
    fillId: 'open',
    symbol: 'BTCUSDT',
    price: openingPrice,
    qty: '1',
    buyer: { accountId: 'long', liquidity: 'maker' },
    seller: { accountId: 'short', liquidity: 'taker' },
  });

  const ledger = h.engine.view.ledger;
  const balance = (account: string): bigint => ledger.balance(account, 'USDT');
  const total = (): bigint =>
    [LedgerAccounts.wallet('long'), LedgerAccounts.wallet('short'), LedgerAccounts.fundingPool].reduce(
      (sum, a) => sum + balance(a),
      0n,
    );
  const moneyBefore = total();
  const capped: string[] = [];
  const atCapInData: string[] = [];
  let fromKlines = 0;
  for (const record of records) {
    const rate = exactOf(record.rate);
    if (rate.abs().eq(Rational.of(3n, 1000n))) atCapInData.push(record.rate);
    tick(record.calcTimeMs);
    // The mark the price layer made of the recorded price (Binance's method: fair price, basis, last trade).
    const instrument = h.engine.view.instruments.get('BTCUSDT');
    assert.ok(instrument?.mark != null);
    const markPrice = Rational.of(instrument.mark, instrument.priceFactor * 100n);
    const recorded = exactOf(marks(record.calcTimeMs).price);
    // At the funding instant the fair price is index × (1 + last rate): within 0.3 % (+ a tick) of the record.
    assert.ok(
      markPrice
        .sub(recorded)
        .abs()
        .lte(recorded.mul(Rational.of(3n, 1000n)).add(Rational.of(1n, 100n))),
      `mark ${markPrice.toString()} far from the recorded ${recorded.toString()} at ${record.calcTimeMs}`,
    );
    if (marks(record.calcTimeMs).from === 'kline') fromKlines += 1;
    const longBefore = balance(LedgerAccounts.wallet('long'));
    const shortBefore = balance(LedgerAccounts.wallet('short'));
    const poolBefore = balance(LedgerAccounts.fundingPool);
    h.time = record.calcTimeMs;
    const result = h.ok({ type: 'fundingTick', symbol: 'BTCUSDT', rate: record.rate });
    assert.ok(result.ok);
    const paid = result.events.find((e) => e.type === 'FundingPaid');
    assert.ok(paid?.type === 'FundingPaid');
    // The historical rate is within the cap, so the engine pays it unchanged.
    assert.equal(
      formatUnits(paid.rate, 8),
      formatUnits(rate.toUnits(8, 'halfEven'), 8),
      `rate at ${record.calcTimeMs}`,
    );
    if (paid.limit !== null && paid.limit !== undefined) capped.push(record.rate);

    const longDelta = balance(LedgerAccounts.wallet('long')) - longBefore;
    const shortDelta = balance(LedgerAccounts.wallet('short')) - shortBefore;
    const poolDelta = balance(LedgerAccounts.fundingPool) - poolBefore;
    assert.equal(longDelta + shortDelta + poolDelta, 0n, 'funding moves money, never makes it');
    // 1 BTC × mark (2 decimals) × rate (8 decimals) has 13 decimals: payer rounds up, receiver down, the
    // pool keeps at most one unit of 1e-8 per payment; otherwise the two sides mirror each other.
    assert.ok(
      -longDelta - shortDelta >= 0n && -longDelta - shortDelta <= 1n,
      `mirrored at ${record.calcTimeMs}`,
    );
    const exact = markPrice.mul(rate).mul(Rational.fromInt(10n ** 8n));
    const longPays = exact.sign() >= 0;
    const payerDelta = longPays ? longDelta : shortDelta;
    const receiverDelta = longPays ? shortDelta : longDelta;
    if (!exact.isZero()) {
      assert.equal(
        -payerDelta,
        exact.abs().toUnits(0, 'ceil'),
        'the payer pays mark × qty × rate, rounded up',
      );
      assert.equal(receiverDelta, exact.abs().toUnits(0, 'floor'), 'the receiver gets it rounded down');
    }
  }
  assert.equal(total(), moneyBefore, 'money is conserved over 7,119 fundings');
  assert.ok(fromKlines >= 2, 'the 2020-03-12/13 fundings are marked from the 1-minute data');
  // Every ±0.3 % rate in the history is one the rate model recognises as at its cap or floor (0.75 × 0.4 %).
  assert.ok(atCapInData.length > 0, 'the history has rates at the cap (2020-03-13 08:00 among them)');
  assert.deepEqual(capped, atCapInData);
  assert.ok(atCapInData.includes('-0.00300000'), 'the 2020-03-13 08:00 floor');
});
