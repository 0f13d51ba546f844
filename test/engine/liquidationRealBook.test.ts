import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatUnits } from '../../src/numbers/index.js';
import { loadBitmexXbtusdBook } from '../../src/simulator/orderBookSnapshots.js';
import { btcListing, fill, Harness } from './helpers.js';

/**
 * A whale liquidated into a real order book: the BitMEX XBTUSD L2 book of 2021-07-22 22:36 UTC (best bid
 * 32,180; data/orderbook-snapshots/README.md), its sizes converted from USD contracts to BTC (size / price,
 * down to the 0.001 lot), as the depth of a BTCUSDT listing under Binance rules. The expected fills are
 * worked out here from the snapshot itself, independently of the engine: walk the bids best first down to the
 * bankruptcy price, then let the fund pay the shortfall of the next levels.
 */
const snapshot = loadBitmexXbtusdBook(
  readFileSync(
    new URL('../../data/orderbook-snapshots/bitmex_XBTUSD_orderBookL2_2021-07-22.json', import.meta.url),
    'utf8',
  ),
);

test('a 60 BTC long liquidated into the real BitMEX XBTUSD bids: slippage down to bankruptcy, then the fund', () => {
  assert.ok(snapshot.ok);
  // Bids as (price tenths, BTC thousandths), best first, the first 40 levels that hold at least one lot.
  const bids = snapshot.value.partial.bids
    .map((l) => ({ price: l.price.toUnits(1, 'trunc'), lots: l.qty.div(l.price).toUnits(3, 'floor') }))
    .filter((l) => l.lots > 0n)
    .slice(0, 40);
  assert.equal(bids[0]?.price, 321_800n); // 32,180.0, the recorded best bid

  const h = new Harness();
  h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  h.ok({ type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' });
  h.ok({ type: 'fundInsurance', fund: 'if-btc', amount: '10000' });
  for (const [accountId, deposit] of [
    ['book', '1000000000'],
    ['alice', '79560'],
    ['bob', '1000000'],
  ] as const) {
    h.ok({ type: 'createAccount', accountId });
    h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: deposit });
  }
  h.ok(btcListing({ liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' } }));
  h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '33500' });
  h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 40 });
  // Alice long 60 BTC at 33,500 on 79,560: bankruptcy 33,500 − 79,560 / 60 = 32,174.
  h.ok(fill('whale', '60', '33500', 'alice', 'bob'));
  h.ok({
    type: 'bookSnapshot',
    symbol: 'BTCUSDT',
    bids: bids.map((l) => [formatUnits(l.price, 1), formatUnits(l.lots, 3)]),
    asks: [['32180.5', '10']],
  });
  // At the recorded best bid 32,180: equity 79,560 − 60 × 1,320 = 360 against maintenance 60 × 32,180 ×
  // 0.0065 − 950 = 11,600.2 (third tier): liquidated.
  const result = h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '32180' });
  assert.ok(result.ok);

  // Expected, from the snapshot: sell best first at or above 32,174.0, then the fund pays each deeper level's
  // shortfall below 32,174 (it holds 10,000: plenty here).
  const bankruptcy = 321_740n;
  let remaining = 60_000n;
  const expected: string[] = [];
  let surplusTenthLots = 0n; // Σ lots × (price − bankruptcy), in 0.1 USDT × 0.001 BTC
  let notionalTenthLots = 0n;
  let shortfallTenthLots = 0n;
  for (const via of ['book', 'takeover'] as const) {
    for (const level of bids) {
      if (remaining === 0n) break;
      const above = level.price >= bankruptcy;
      if ((via === 'book') !== above) continue;
      const lots = level.lots < remaining ? level.lots : remaining;
      expected.push(`${via} ${formatUnits(lots, 3)} @ ${formatUnits(level.price, 1)}`);
      remaining -= lots;
      if (via === 'book') {
        surplusTenthLots += lots * (level.price - bankruptcy);
        notionalTenthLots += lots * level.price;
      } else shortfallTenthLots += lots * (bankruptcy - level.price);
    }
  }
  assert.equal(remaining, 0n);
  const fills = result.events.flatMap((e) =>
    e.type === 'LiquidationFill'
      ? [`${e.via} ${formatUnits(e.qty, 3)} @ ${formatUnits(e.price / 10_000n, 1)}`]
      : [],
  );
  assert.deepEqual(fills, expected);
  // By hand from the file: 32.51 BTC at 32,180, then 8.365, 1.709, 3.589, 1.737, 8.307 and 1.327 down to
  // 32,174 (57.544 BTC on seven levels); 32,173.5 is below bankruptcy, so its 2.456 BTC are the fund's takeover.
  assert.equal(expected.length, 8);
  assert.equal(expected[0], 'book 32.51 @ 32180');
  assert.equal(expected[6], 'book 1.327 @ 32174');
  assert.equal(expected[7], 'takeover 2.456 @ 32173.5');

  // Money: the clearance fee is 0.3 % of the book notional (Binance 2020 at 125×) capped by the surplus; the
  // fund gains the fee and pays the shortfall; alice keeps the surplus less the fee (at bankruptcy: nothing).
  // In 1e-8 USDT: one tenth-lot (0.1 USDT × 0.001 BTC) is 1e-4 USDT = 10,000 units.
  const surplus = surplusTenthLots * 10_000n;
  const fee0 = (notionalTenthLots * 10_000n * 3n + 999n) / 1000n;
  const fee = fee0 < surplus ? fee0 : surplus;
  const shortfall = shortfallTenthLots * 10_000n;
  assert.equal(h.balance('wallet:alice'), formatUnits(surplus - fee, 8));
  assert.equal(h.balance('insurance:if-btc'), formatUnits(10_000n * 10n ** 8n + fee - shortfall, 8));
  assert.equal(h.engine.view.accounts.get('alice')?.positions.size, 0);
});
