import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApplyResult, EngineEvent } from '../../src/engine/index.js';
import { btcListing, fill, Harness } from './helpers.js';

type Rules = 'binance' | 'bybit' | 'bitmex' | 'okx' | 'hyperliquid' | 'dydx';

/**
 * A venue with one BTCUSDT listing under `rules` (no trading fees, so the arithmetic below is the
 * waterfall's alone), an insurance fund `if-btc` holding `fund` USDT, a liquidity account `book` standing for
 * the resting orders, alice long 0.5 BTC at 50,000 on 1,300 USDT (20×) and bob short 0.5 BTC on 10,000 USDT.
 *
 * Alice's bankruptcy price: 50,000 − 1,300 / 0.5 = 47,400. Her maintenance at mark P is 0.004 × 0.5 × P
 * (first tier), so she is liquidated when 1,300 + 0.5 (P − 50,000) ≤ 0.002 P, i.e. P ≤ 47,590.36….
 */
function venue(
  rules: Rules,
  fund: string,
  clearanceFeeRate?: string,
  extra: { backstopAccount?: string; blockNotionalLimit?: string; vaultDeposit?: string } = {},
): Harness {
  const h = new Harness();
  h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  h.ok({ type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' });
  if (fund !== '0') h.ok({ type: 'fundInsurance', fund: 'if-btc', amount: fund });
  for (const [accountId, deposit] of [
    ['book', '100000000'],
    ['alice', '1300'],
    ['bob', '10000'],
    ...(extra.backstopAccount === undefined
      ? []
      : [[extra.backstopAccount, extra.vaultDeposit ?? '1000000']]),
  ] as const) {
    h.ok({ type: 'createAccount', accountId });
    h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: deposit });
  }
  h.ok(
    btcListing({
      tierModel: rules === 'bitmex' || rules === 'okx' ? 'whole' : 'cumulative',
      liquidation: {
        rules,
        insuranceFund: 'if-btc',
        liquidityAccount: 'book',
        ...(clearanceFeeRate === undefined ? {} : { clearanceFeeRate }),
        ...(extra.backstopAccount === undefined ? {} : { backstopAccount: extra.backstopAccount }),
        ...(extra.blockNotionalLimit === undefined ? {} : { blockNotionalLimit: extra.blockNotionalLimit }),
      },
    }),
  );
  h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' });
  h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 20 });
  h.ok(fill('open', '0.5', '50000', 'alice', 'bob'));
  return h;
}

/** USDT, the fund `if-btc` and the liquidity account `book`: what a listing with liquidation rules needs. */
function listingVenue(): Harness {
  const h = new Harness();
  h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  h.ok({ type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' });
  h.ok({ type: 'createAccount', accountId: 'book' });
  return h;
}

function eventsOf(result: ApplyResult): EngineEvent[] {
  assert.ok(result.ok);
  return result.events;
}

function liquidationFills(events: EngineEvent[]): string[] {
  return events.flatMap((e) =>
    e.type === 'LiquidationFill'
      ? [`${e.via} ${e.counterparty} ${Number(e.qty) / 1000} @ ${Number(e.price) / 1e5}`]
      : [],
  );
}

function outcome(events: EngineEvent[]): string | undefined {
  const ended = events.find((e) => e.type === 'LiquidationEnded');
  return ended?.type === 'LiquidationEnded' ? ended.outcome : undefined;
}

/** Bids of 0.3 at 47,550 and 1 at 47,450, then a mark of 47,500; the mark's events. */
function deepBookTick(h: Harness): EngineEvent[] {
  h.ok({
    type: 'bookSnapshot',
    symbol: 'BTCUSDT',
    bids: [
      ['47550', '0.3'],
      ['47450', '1'],
    ],
    asks: [['47600', '1']],
  });
  const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
  return events;
}

/**
 * The deep book tick under Binance-style rules: one IOC limited to alice's bankruptcy price
 * 47,400 fills 0.3 at 47,550 and 0.2 at 47,450.
 */
function markThroughDeepBook(h: Harness): EngineEvent[] {
  const events = deepBookTick(h);
  assert.deepEqual(liquidationFills(events), ['book book 0.3 @ 47550', 'book book 0.2 @ 47450']);
  return events;
}

describe('liquidation waterfall (Binance rules, worked by hand)', () => {
  test("Binance 2020's clearance fee is set by the contract's maximum leverage", () => {
    const rateOf = (maxLeverage: string): bigint | undefined => {
      const h = listingVenue();
      h.ok(
        btcListing({
          tiers: [{ floor: '0', cap: '50000', mmr: '0.004', maxLeverage }],
          liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' },
        }),
      );
      return h.engine.view.instruments.get('BTCUSDT')?.liquidation?.clearanceFeeRate;
    };
    // Rate units of 1e-8: 0.75 % up to 50×, 0.5 % up to 75×, 0.3 % up to 125×.
    assert.deepEqual(['20', '50', '51', '75', '100', '125'].map(rateOf), [
      750_000n,
      750_000n,
      500_000n,
      500_000n,
      300_000n,
      300_000n,
    ]);
    const h = listingVenue();
    const liquidation = { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' };
    const tiers = [{ floor: '0', cap: '50000', mmr: '0.002', maxLeverage: '200' }];
    // Past the table a listing must name its rate.
    h.rejects(btcListing({ tiers, liquidation }), 'invalid_instrument');
    h.ok(btcListing({ tiers, liquidation: { ...liquidation, clearanceFeeRate: '0.002' } }));
  });

  test('the clearance fee below the surplus: 0.3 % of the closed notional to the fund', () => {
    const h = venue('binance', '1000');
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47580', '1']], asks: [['47600', '1']] });
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    assert.deepEqual(liquidationFills(events), ['book book 0.5 @ 47580']);
    // Loss 0.5 × 2,420 = 1,210; surplus 0.5 × (47,580 − 47,400) = 90; fee 0.3 % × 23,790 = 71.37 < 90.
    assert.equal(h.balance('wallet:alice'), '18.63');
    assert.equal(h.balance('insurance:if-btc'), '1071.37');
  });

  test('a mark above the liquidation price liquidates nobody', () => {
    const h = venue('binance', '1000');
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47550', '1']], asks: [['47600', '1']] });
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47600' }));
    assert.deepEqual(liquidationFills(events), []);
    assert.equal(h.engine.view.accounts.get('alice')?.positions.size, 1);
  });

  test('the book absorbs the whole position above bankruptcy; the clearance fee takes the surplus', () => {
    const h = venue('binance', '1000');
    const events = markThroughDeepBook(h);
    assert.equal(outcome(events), 'flat');
    // Loss 0.3 × 2,450 + 0.2 × 2,550 = 1,245; surplus over bankruptcy 0.3 × 150 + 0.2 × 50 = 55; the fee
    // (Binance 2020 for a 125× contract: 0.3 % of 23,755 = 71.265) is capped at the surplus: alice keeps
    // 1,300 − 1,245 − 55 = 0.
    assert.equal(h.balance('wallet:alice'), '0');
    assert.equal(h.balance('insurance:if-btc'), '1055');
    assert.equal(h.engine.view.accounts.get('book')?.positions.get('BTCUSDT/BOTH')?.qty, 500n);
    // The depth the liquidation used is gone until the next snapshot.
    assert.deepEqual(
      h.engine.view.instruments.get('BTCUSDT')?.depth?.bids.map((l) => l.qty),
      [0n, 800n],
    );
  });

  test('a thin book: the fund pays the shortfall of deeper levels until it is drained, ADL closes the rest', () => {
    const h = venue('binance', '100');
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47000', '1']], asks: [['47600', '1']] });
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    // Nothing bids at or above 47,400. At 47,000 each BTC falls 400 short: the fund's 100 covers 0.25 BTC.
    // The other 0.25 is closed against bob (the only short) at the bankruptcy price, with no fee.
    assert.deepEqual(liquidationFills(events), ['takeover book 0.25 @ 47000', 'adl bob 0.25 @ 47400']);
    assert.equal(outcome(events), 'flat');
    assert.equal(h.balance('insurance:if-btc'), '0');
    assert.equal(h.balance('wallet:alice'), '0');
    // Bob bought back 0.25 at 47,400: +0.25 × 2,600 = 650 realised.
    assert.equal(h.balance('wallet:bob'), '10650');
    assert.equal(h.engine.view.accounts.get('bob')?.positions.get('BTCUSDT/BOTH')?.qty, 250n);
  });

  test('no book and an empty fund: ADL closes everything at the bankruptcy price', () => {
    const h = venue('binance', '0');
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    assert.deepEqual(liquidationFills(events), ['adl bob 0.5 @ 47400']);
    assert.equal(h.balance('wallet:alice'), '0');
    assert.equal(h.balance('wallet:bob'), '11300');
    assert.equal(h.engine.view.accounts.get('bob')?.positions.size, 0);
  });

  test('an account left negative cannot withdraw until it is repaid (solvency gate)', () => {
    // Without liquidation rules nothing stops a loss past the wallet: alice closes 0.5 BTC 2,400 lower.
    const h = Harness.venue();
    h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 100 });
    h.ok(fill('a', '0.5', '50000', 'alice', 'bob'));
    h.ok({ type: 'deposit', accountId: 'bob', asset: 'USDT', amount: '100000' });
    h.ok({ type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '9000' });
    h.ok(fill('b', '0.5', '27600', 'bob', 'alice'));
    assert.equal(h.engine.view.accounts.get('alice')?.negativeBalance, true);
    h.rejects({ type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '0.01' }, 'negative_balance');
    h.ok({ type: 'deposit', accountId: 'alice', asset: 'USDT', amount: '20000' });
    assert.equal(h.engine.view.accounts.get('alice')?.negativeBalance, false);
    h.ok({ type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '0.01' });
  });
});

/**
 * The three small scenarios under every rulebook, outcomes written out per rulebook. Alice's position is
 * 25,000 notional: first tier everywhere, below Hyperliquid's 100,000 slicing threshold and in the lowest
 * tier for the tier-stepping venues, so every rulebook closes it whole; they differ in the clearance fee
 * (Binance and dYdX 0.5 % capped by the surplus, the others none) and rank ADL differently (bob is the only
 * counterparty, so every ranking picks him).
 */
const RULEBOOKS: readonly { rules: Rules; fee: boolean }[] = [
  { rules: 'binance', fee: true },
  { rules: 'bybit', fee: false },
  { rules: 'bitmex', fee: false },
  { rules: 'okx', fee: false },
  { rules: 'hyperliquid', fee: false },
  { rules: 'dydx', fee: true },
];

/**
 * dYdX on the deep book of `markThroughDeepBook`: the order is limited to the fillable price, not bankruptcy.
 * At 47,500 alice's equity (TNC) is 50 and her maintenance (TMMR = PMMR) 95, so ABR = 1 − 50/95 = 45/95 and
 * the spread is ABR × SMMR (0.1) × 95 = 4.5: fillable = (0.5 × 47,500 − 4.5) / 0.5 = 47,491. The 0.3 bid at
 * 47,550 fills (surplus 45, all of it taken as the fee: 0.5 % of 14,265 = 71.325 is capped); the 47,450 bid
 * is below the fillable price and, being above bankruptcy, is no takeover either; and alice's equity is still
 * positive (520 − 0.2 × 2,500 = 20), so dYdX does not deleverage her: she keeps 0.2 BTC, stuck until a later
 * block, with 1,300 − 735 − 45 = 520 in her wallet.
 */
function dydxDeepBook(h: Harness): void {
  const events = deepBookTick(h);
  assert.deepEqual(liquidationFills(events), ['book book 0.3 @ 47550']);
  assert.equal(outcome(events), 'stuck');
  assert.equal(h.balance('wallet:alice'), '520');
  assert.equal(h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH')?.qty, 200n);
  assert.equal(h.balance('insurance:if-btc'), '1045');
}

describe('dYdX: the fillable price (worked by hand)', () => {
  test('a fill between bankruptcy and the fillable price: the fund pays the shortfall first', () => {
    // At 47,390 alice's equity is 1,300 + 0.5 × (47,390 − 50,000) = −5 (TNC < 0): ABR = 1, spread =
    // 0.1 × 0.004 × 0.5 × 47,390 = 9.478, fillable = 47,390 − 18.956 = 47,371.044, limit ⌈⌉ to the tick 47,371.1.
    // Bankruptcy is 47,400: a bid of 0.5 at 47,380 fills, 20 × 0.5 = 10 below bankruptcy, paid by the fund.
    const h = venue('dydx', '1000');
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47380', '1']], asks: [['47600', '1']] });
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47390' }));
    assert.deepEqual(liquidationFills(events), ['book book 0.5 @ 47380']);
    assert.equal(h.balance('wallet:alice'), '0');
    assert.equal(h.balance('insurance:if-btc'), '990');
  });

  test('a bid below the fillable price is not hit by the liquidation order', () => {
    const h = venue('dydx', '1000');
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47371', '1']], asks: [['47600', '1']] });
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47390' }));
    // 47,371 < 47,371.1: no book fill; the fund takes over at that level (29 short a BTC: 14.5), no ADL.
    assert.deepEqual(liquidationFills(events), ['takeover book 0.5 @ 47371']);
    assert.equal(h.balance('insurance:if-btc'), '985.5');
  });
});

describe('dYdX: the per-block notional limit (worked by hand)', () => {
  test('at most 10,000 USDT of notional per account per command; the rest waits for the next block', () => {
    const h = venue('dydx', '1000', undefined, { blockNotionalLimit: '10000' });
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47495', '1']], asks: [['47600', '1']] });
    // At 47,500 (fillable 47,491): ⌊10,000 / 47,500⌋ to the lot is 0.21 BTC (9,975). Sold at 47,495: loss
    // 526.05, surplus 0.21 × 95 = 19.95 taken as the fee (0.5 % of 9,973.95 is more): wallet 754. Equity
    // 754 − 0.29 × 2,500 = 29 against 0.004 × 0.29 × 47,500 = 55.1: still liquidatable, but the block is
    // spent (25 left: no whole lot), so the waterfall stops stuck.
    const first = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    assert.deepEqual(liquidationFills(first), ['book book 0.21 @ 47495']);
    assert.equal(outcome(first), 'stuck');
    assert.equal(h.balance('wallet:alice'), '754');
    // The next command is a new block: 0.21 more (wallet 754 − 526.05 − 19.95 = 208), then a third for the
    // last 0.08 (loss 200.4, surplus and fee 7.6).
    const second = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    assert.deepEqual(liquidationFills(second), ['book book 0.21 @ 47495']);
    assert.equal(h.balance('wallet:alice'), '208');
    const third = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    assert.deepEqual(liquidationFills(third), ['book book 0.08 @ 47495']);
    assert.equal(outcome(third), 'flat');
    assert.equal(h.balance('wallet:alice'), '0');
    assert.equal(h.balance('insurance:if-btc'), '1047.5');
  });

  test('the limit is for dYdX rules only and must be positive', () => {
    for (const [rules, blockNotionalLimit] of [
      ['binance', '10000'],
      ['dydx', '0'],
      ['dydx', '-5'],
    ] as const) {
      const h = listingVenue();
      h.rejects(
        btcListing({
          liquidation: { rules, insuranceFund: 'if-btc', liquidityAccount: 'book', blockNotionalLimit },
        }),
        'invalid_instrument',
      );
    }
  });
});

/**
 * The mark of the ADL scenarios: 47,500, except dYdX, which deleverages only an account below zero collateral:
 * 47,390, where alice's equity is 1,300 − 0.5 × 2,610 = −5 (after the fund's 0.25 BTC takeover at 47,000 in
 * the thin-book case: 1,300 + 100 − 750 − 0.25 × 2,610 = −2.5). dYdX's order at its fillable price (47,371.1
 * there) finds no bid, so the fills are the same as elsewhere.
 */
const adlMark = (rules: Rules): string => (rules === 'dydx' ? '47390' : '47500');

describe('liquidation scenarios under every rulebook', () => {
  for (const { rules, fee } of RULEBOOKS) {
    test(`${rules}: the book absorbs the liquidation`, () => {
      const h = venue(rules, '1000');
      if (rules === 'dydx') {
        dydxDeepBook(h);
        return;
      }
      markThroughDeepBook(h);
      // Surplus 55 over bankruptcy: the fee takes all of it, or alice keeps it.
      assert.equal(h.balance('wallet:alice'), fee ? '0' : '55');
      assert.equal(h.balance('insurance:if-btc'), fee ? '1055' : '1000');
    });

    test(`${rules}: a thin book drains the fund, ADL closes the rest`, () => {
      const h = venue(rules, '100');
      h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47000', '1']], asks: [['47600', '1']] });
      const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: adlMark(rules) }));
      // Hyperliquid closes ADL at the mark (47,500) instead of the bankruptcy price.
      const adlPrice = rules === 'hyperliquid' ? '47500' : '47400';
      assert.deepEqual(liquidationFills(events), [
        'takeover book 0.25 @ 47000',
        `adl bob 0.25 @ ${adlPrice}`,
      ]);
      assert.equal(h.balance('insurance:if-btc'), '0');
      // bob: +0.25 × (50,000 − adlPrice).
      assert.equal(h.balance('wallet:bob'), rules === 'hyperliquid' ? '10625' : '10650');
    });

    test(`${rules}: no liquidity and no fund: ADL takes it all`, () => {
      const h = venue(rules, '0');
      const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: adlMark(rules) }));
      assert.deepEqual(liquidationFills(events), [
        `adl bob 0.5 @ ${rules === 'hyperliquid' ? '47500' : '47400'}`,
      ]);
      assert.equal(h.engine.view.accounts.get('alice')?.positions.size, 0);
      assert.equal(h.engine.view.accounts.get('bob')?.positions.size, 0);
    });
  }
});

describe('whales: Hyperliquid slices, OKX steps down the tiers', () => {
  /** Alice long 3 BTC at 50,000 (150,000, second tier: mmr 0.005, cum 50) on 7,800 USDT; bids 5 at 47,500. */
  function hyperliquidWhale(): Harness {
    const h = venue('hyperliquid', '1000');
    h.ok({ type: 'deposit', accountId: 'alice', asset: 'USDT', amount: '6500' }); // 1,300 + 6,500 = 7,800
    h.ok(fill('whale', '2.5', '50000', 'alice', 'bob'));
    h.ok({ type: 'deposit', accountId: 'bob', asset: 'USDT', amount: '100000' });
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47500', '5']], asks: [['47700', '5']] });
    // Liquidated when 7,800 + 3 (P − 50,000) ≤ 0.015 P − 50, i.e. P ≤ 47,621.44….
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47600' }));
    // 142,800 notional > 100,000: a 20 % slice, 0.6 BTC, sold at 47,500 (loss 1,500: wallet 6,300). Then
    // equity 6,300 − 2.4 × 2,400 = 540 against maintenance 2.4 × 47,600 × 0.005 − 50 = 521.2: healthy.
    assert.deepEqual(liquidationFills(events), ['book book 0.6 @ 47500']);
    assert.equal(outcome(events), 'healthy');
    assert.equal(h.balance('wallet:alice'), '6300');
    return h;
  }

  test('hyperliquid: a 20 % slice above 100,000; within the next 30 s liquidation orders are for the whole position', () => {
    const h = hyperliquidWhale();
    // One second later (equity 420 against maintenance 520.6): the whole 2.4 BTC at 47,500.
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47550' }));
    assert.deepEqual(liquidationFills(events), ['book book 2.4 @ 47500']);
    assert.equal(outcome(events), 'flat');
    assert.equal(h.balance('wallet:alice'), '300');
  });

  test('hyperliquid: after the 30 s cooldown, slices again', () => {
    const h = hyperliquidWhale();
    h.time += 30_000;
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47550' }));
    // 2.4 × 47,550 = 114,120 > 100,000: a 20 % slice, 0.48 BTC (wallet 6,300 − 1,200 = 5,100). Still
    // unhealthy (equity 5,100 − 1.92 × 2,450 = 396 against 1.92 × 47,550 × 0.005 − 50 = 406.48), and that
    // slice starts a new cooldown: the rest, 1.92 BTC, goes whole (wallet 5,100 − 4,800 = 300).
    assert.deepEqual(liquidationFills(events), ['book book 0.48 @ 47500', 'book book 1.92 @ 47500']);
    assert.equal(outcome(events), 'flat');
    assert.equal(h.balance('wallet:alice'), '300');
  });

  test('okx: one tier down per step until healthy', () => {
    // Alice long 13 BTC at 50,000 (650,000: the third tier, whole-position mmr 0.0065) on 33,000 USDT at 20×.
    const h = venue('okx', '1000');
    h.ok({ type: 'deposit', accountId: 'alice', asset: 'USDT', amount: '31700' }); // 1,300 + 31,700 = 33,000
    h.ok({ type: 'deposit', accountId: 'bob', asset: 'USDT', amount: '200000' });
    h.ok(fill('whale', '12.5', '50000', 'alice', 'bob'));
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47600', '20']], asks: [['47700', '20']] });
    // At 47,650: equity 33,000 − 13 × 2,350 = 2,450 against 13 × 47,650 × 0.0065 = 4,026.425: liquidated.
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47650' }));
    // Step 1 brings the notional below the 600,000 floor: keep ⌊599,999.99999999 / 47,650⌋ lots = 12.591 BTC,
    // sell 0.409 at 47,600 (loss 981.6: wallet 32,018.4). Equity 32,018.4 − 12.591 × 2,350 = 2,429.55 against
    // 12.591 × 47,650 × 0.005 = 2,999.81…: still unhealthy. Step 2 brings it below 50,000: keep 1.049 BTC, sell
    // 11.542 (loss 27,700.8: wallet 4,317.6). Equity 4,317.6 − 1.049 × 2,350 = 1,852.45 > 1.049 × 47,650 ×
    // 0.004 = 199.95: healthy.
    assert.deepEqual(liquidationFills(events), ['book book 0.409 @ 47600', 'book book 11.542 @ 47600']);
    assert.equal(outcome(events), 'healthy');
    assert.equal(h.balance('wallet:alice'), '4317.6');
    assert.equal(h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH')?.qty, 1049n);
  });
});

describe('ADL lights', () => {
  function book(rules: Rules): Harness {
    const h = venue(rules, '1000');
    for (const [accountId, amount] of [
      ['carol', '600'],
      ['dave', '5000'],
      ['erin', '5000'],
    ] as const) {
      h.ok({ type: 'createAccount', accountId });
      h.ok({ type: 'deposit', accountId, asset: 'USDT', amount });
    }
    h.ok(fill('c', '0.2', '50000', 'erin', 'carol'));
    h.ok(fill('d', '0.1', '50000', 'erin', 'dave'));
    h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '48000' });
    return h;
  }

  test('binance: each side ranked by its score, in quintiles', () => {
    // Shorts in profit at 48,000, score max(0, uPnL)/max(1, WB) × MM/(WB + uPnL):
    //   carol 400/600 × 38.4/1,000 ≈ 0.0256 > bob 1,000/10,000 × 96/11,000 ≈ 0.00087 > dave 200/5,000 × 19.2/5,200
    // Lights 5 − ⌊5 × above / 3⌋: 5, 4, 2. Both longs lose (score 0, a tie): both show 5.
    assert.deepEqual(Object.fromEntries(sortedLights(book('binance'))), {
      'alice/BOTH': 5,
      'bob/BOTH': 4,
      'carol/BOTH': 5,
      'dave/BOTH': 2,
      'erin/BOTH': 5,
    });
  });

  test('dydx does not rank (a seeded walk): no lights', () => {
    assert.equal(book('dydx').engine.adlLights('BTCUSDT').size, 0);
  });

  function sortedLights(harness: Harness): Map<string, number> {
    return new Map([...harness.engine.adlLights('BTCUSDT')].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
});

describe('Hyperliquid backstop vault: takeover when equity < 2/3 of maintenance (worked by hand)', () => {
  /**
   * Alice long 0.5 BTC at 50,000 on 1,300 USDT: equity 0.5 P − 23,700, maintenance 0.002 P. Liquidated at
   * P ≤ 47,590.36…; below 2/3 of maintenance (0.001333… P) when 0.498666… P < 23,700, i.e. P < 47,526.73….
   * The vault `hlp` holds 1,000,000 USDT; the fund holds 1,000.
   */
  const hlVenue = (): Harness => venue('hyperliquid', '1000', undefined, { backstopAccount: 'hlp' });

  test('between 2/3 of maintenance and maintenance with no book: stuck, the vault does not step in', () => {
    const h = hlVenue();
    // At 47,550: equity 75, maintenance 95.1, 2/3 of it 63.4.
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47550' }));
    assert.deepEqual(liquidationFills(events), []);
    assert.equal(outcome(events), 'stuck');
    assert.equal(h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH')?.qty, 500n);
    // The next tick below the threshold hands it to the vault: at 47,500 equity 50 < 63.33….
    const next = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    assert.deepEqual(liquidationFills(next), ['backstop hlp 0.5 @ 47500']);
    assert.equal(outcome(next), 'flat');
    // The vault holds the long at the mark and takes alice's remaining 50 USDT of collateral.
    assert.equal(h.balance('wallet:alice'), '0');
    assert.equal(h.balance('wallet:hlp'), '1000050');
    const taken = h.engine.view.accounts.get('hlp')?.positions.get('BTCUSDT/BOTH');
    assert.deepEqual([taken?.sign, taken?.qty, taken?.entryValue], [1n, 500n, 500n * 47_500n * 100_000n]);
    assert.equal(h.balance('insurance:if-btc'), '1000');
  });

  test('a book above bankruptcy is used first while equity is at or above 2/3 of maintenance', () => {
    const h = hlVenue();
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['47540', '1']], asks: [['47600', '1']] });
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47550' }));
    // Sold 0.5 at 47,540: loss 1,230, alice keeps 70; no clearance fee on Hyperliquid.
    assert.deepEqual(liquidationFills(events), ['book book 0.5 @ 47540']);
    assert.equal(h.balance('wallet:alice'), '70');
    assert.equal(h.balance('wallet:hlp'), '1000000');
  });

  test('a gap past bankruptcy: the vault pays the deficit and takes the position; no bad debt, fund untouched', () => {
    const h = hlVenue();
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['46900', '5']], asks: [['47100', '5']] });
    // At 47,000 equity is −200: below 2/3 of maintenance straight away, so no book order is sent.
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47000' }));
    assert.deepEqual(liquidationFills(events), ['backstop hlp 0.5 @ 47000']);
    assert.equal(h.balance('wallet:alice'), '0');
    assert.equal(h.balance('wallet:hlp'), '999800');
    assert.equal(h.balance('insurance:if-btc'), '1000');
    assert.equal(h.balance('bad-debt'), '0');
    assert.ok(!events.some((e) => e.type === 'BadDebt'));
  });

  test('an isolated leg: the vault takes the leg and its margin; the wallet keeps the rest', () => {
    const h = hlVenue();
    // Carol long 0.5 at 50,000, isolated at 20×: 1,250 of her 1,300 in the leg. The leg's equity is
    // 0.5 P − 23,750: at 47,600 it is 50 against maintenance 95.2 (2/3: 63.466…), while alice's cross
    // account (equity 100) stays healthy.
    h.ok({ type: 'createAccount', accountId: 'carol' });
    h.ok({ type: 'deposit', accountId: 'carol', asset: 'USDT', amount: '1300' });
    h.ok({ type: 'setMarginMode', accountId: 'carol', symbol: 'BTCUSDT', marginMode: 'isolated' });
    h.ok({ type: 'setLeverage', accountId: 'carol', symbol: 'BTCUSDT', leverage: 20 });
    h.ok(fill('carol', '0.5', '50000', 'carol', 'bob'));
    assert.equal(h.balance('isolated:carol:BTCUSDT:BOTH'), '1250');
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47600' }));
    assert.deepEqual(liquidationFills(events), ['backstop hlp 0.5 @ 47600']);
    assert.equal(h.balance('isolated:carol:BTCUSDT:BOTH'), '0');
    assert.equal(h.balance('wallet:carol'), '50');
    assert.equal(h.balance('wallet:hlp'), '1000050');
    assert.equal(h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH')?.qty, 500n);
  });

  test("the vault's own positions are liquidated without a vault: the fund, then ADL", () => {
    // A 100 USDT vault takes alice's 0.5 BTC at 47,500 with her 50: wallet 150, bankruptcy 47,500 − 150 / 0.5
    // = 47,200. At 47,300 its equity is 50 against maintenance 94.6 (2/3: 63.07): it does not take itself
    // over; with no book and the fund's 1,000 offered nothing to buy at, ADL closes it against bob at 47,200.
    const h = venue('hyperliquid', '1000', undefined, { backstopAccount: 'hlp', vaultDeposit: '100' });
    const taken = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47500' }));
    assert.deepEqual(liquidationFills(taken), ['backstop hlp 0.5 @ 47500']);
    assert.equal(h.balance('wallet:hlp'), '150');
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '47300' }));
    // Hyperliquid's ADL closes at the mark (47,300), not the bankruptcy price.
    assert.deepEqual(liquidationFills(events), ['adl bob 0.5 @ 47300']);
    assert.equal(outcome(events), 'flat');
    assert.equal(h.balance('wallet:hlp'), '50');
    assert.equal(h.engine.view.accounts.get('bob')?.positions.size, 0);
  });

  test('listing checks: the vault must exist and must not be the liquidity account', () => {
    const h = listingVenue();
    const listing = (backstopAccount: string) =>
      btcListing({
        liquidation: {
          rules: 'hyperliquid',
          insuranceFund: 'if-btc',
          liquidityAccount: 'book',
          backstopAccount,
        },
      });
    h.rejects(listing('nobody'), 'unknown_account');
    h.rejects(listing('book'), 'invalid_instrument');
  });
});
