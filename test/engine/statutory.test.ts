import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApplyResult, EngineEvent } from '../../src/engine/index.js';
import { btcListing, fill, Harness } from './helpers.js';

/**
 * Jurisdiction profiles in the engine (STATUTORY.md §1, §3 checks 2–5): product permission and the statutory
 * leverage cap at opening, the 50 % close-out (EU and Australian retail), negative-balance protection.
 */

function eventsOf(result: ApplyResult): EngineEvent[] {
  assert.ok(result.ok, result.ok ? '' : `${result.code} ${result.message}`);
  return result.events;
}

/**
 * USDT, an insurance fund, a liquidity account `book` and a BTCUSDT listing with Binance's waterfall, marked at
 * 50,000; `alice` under `profile` (with `category`) holding `deposit` USDT, and `bob` (no profile) with 1M USDT.
 */
function venue(profile: string | null, deposit = '10000', category?: string, liquidation = true): Harness {
  const h = new Harness();
  // Every shipped profile is in force (Singapore's since Oct 2024).
  h.time = Date.UTC(2025, 0, 1);
  h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  h.ok({ type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' });
  h.ok({ type: 'fundInsurance', fund: 'if-btc', amount: '1000000' });
  h.ok({ type: 'createAccount', accountId: 'book' });
  h.ok({ type: 'deposit', accountId: 'book', asset: 'USDT', amount: '100000000' });
  h.ok(
    btcListing(
      liquidation
        ? { liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' } }
        : {},
    ),
  );
  h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' });
  h.ok({
    type: 'createAccount',
    accountId: 'alice',
    ...(profile === null ? {} : { profile }),
    ...(category === undefined ? {} : { clientCategory: category }),
  });
  h.ok({ type: 'deposit', accountId: 'alice', asset: 'USDT', amount: deposit });
  h.ok({ type: 'createAccount', accountId: 'bob' });
  h.ok({ type: 'deposit', accountId: 'bob', asset: 'USDT', amount: '1000000' });
  return h;
}

describe('product permission at opening (check 2)', () => {
  for (const [profile, code] of [
    ['uk-fca-retail', 'product_prohibited'],
    ['sg-mas-retail', 'product_prohibited'],
    ['hk-sfc-retail', 'professional_only'],
  ] as const) {
    test(`${profile}: a retail client cannot open a crypto perpetual (${code}), the state is unchanged`, () => {
      const h = venue(profile);
      h.rejects(fill('f1', '0.01', '50000', 'alice', 'bob'), code);
      h.rejects(
        {
          type: 'placeOrder',
          accountId: 'alice',
          orderId: 'o1',
          symbol: 'BTCUSDT',
          side: 'buy',
          qty: '0.01',
          price: '49000',
        },
        code,
      );
      // The counterparty's side is not what failed: the same fill without alice goes through.
      h.ok({ type: 'createAccount', accountId: 'carol' });
      h.ok({ type: 'deposit', accountId: 'carol', asset: 'USDT', amount: '10000' });
      h.ok(fill('f2', '0.01', '50000', 'carol', 'bob'));
    });
  }

  test('hk-sfc-retail: a client classified professional may open', () => {
    const h = venue('hk-sfc-retail', '10000', 'professional');
    h.ok(fill('f1', '0.01', '50000', 'alice', 'bob'));
  });

  test('a UK retail account opened before the 2021 ban was under version 1, which permitted crypto', () => {
    const h = new Harness();
    h.time = Date.UTC(2020, 5, 1);
    h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
    h.ok(btcListing());
    h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '10000' });
    h.ok({ type: 'createAccount', accountId: 'alice', profile: 'uk-fca-retail' });
    h.ok({ type: 'createAccount', accountId: 'bob' });
    for (const a of ['alice', 'bob']) h.ok({ type: 'deposit', accountId: a, asset: 'USDT', amount: '10000' });
    h.ok(fill('f1', '0.01', '10000', 'alice', 'bob'));
    const account = h.engine.view.accounts.get('alice');
    assert.deepEqual(account?.profile, { id: 'uk-fca-retail', version: 1, clientCategory: 'retail' });
  });

  test('an unknown profile, version or client category is rejected and creates nothing', () => {
    const h = venue(null);
    h.rejects({ type: 'createAccount', accountId: 'carol', profile: 'xx-nowhere' }, 'unknown_profile');
    h.rejects(
      { type: 'createAccount', accountId: 'carol', profile: 'eu-esma-retail', profileVersion: 99 },
      'unknown_profile',
    );
    h.rejects(
      { type: 'createAccount', accountId: 'carol', profile: 'eu-esma-retail', clientCategory: 'vip' },
      'invalid_command',
    );
    h.rejects({ type: 'createAccount', accountId: 'carol', profile: 7 }, 'unknown_profile');
    assert.equal(h.engine.view.accounts.has('carol'), false);
  });
});

describe('statutory leverage cap and initial-margin floor at opening (check 3)', () => {
  for (const profile of ['eu-esma-retail', 'au-asic-retail', 'jp-individual']) {
    test(`${profile}: crypto at most 2× (50 % initial margin); the default leverage is the cap`, () => {
      const h = venue(profile);
      assert.equal(h.engine.view.accounts.get('alice')?.settings.get('BTCUSDT'), undefined);
      h.rejects(
        { type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 3 },
        'leverage_above_statutory_cap',
      );
      h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 2 });
      // 10,000 USDT at 2× opens at most 20,000 of notional: 0.4 BTC at 50,000 (fees are zero here).
      h.rejects(fill('f1', '0.401', '50000', 'alice', 'bob'), 'insufficient_margin');
      h.ok(fill('f2', '0.4', '50000', 'alice', 'bob'));
    });
  }

  test('without a profile (and under the professional profile) the venue tiers alone apply: 20× opens', () => {
    for (const profile of [null, 'professional']) {
      const h = venue(profile);
      h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 20 });
      h.ok(fill('f1', '4', '50000', 'alice', 'bob'));
    }
  });

  test('a default-leverage EU retail account is held to 2× without setting it', () => {
    const h = venue('eu-esma-retail');
    h.rejects(fill('f1', '0.5', '50000', 'alice', 'bob'), 'insufficient_margin');
    h.ok(fill('f2', '0.4', '50000', 'alice', 'bob'));
    assert.equal(h.engine.view.accounts.get('alice')?.settings.get('BTCUSDT')?.leverage, 2n);
  });
});

describe('close-out at 50 % of the statutory initial margin (check 4)', () => {
  // Alice: 10,000 USDT, long 0.4 BTC at 50,000 (2×). Required initial margin at mark P is 0.5 × 0.4 P = 0.2 P;
  // she is closed out when her equity 10,000 + 0.4 (P − 50,000) < 0.5 × 0.2 P, i.e. P < 33,333.33.
  for (const profile of ['eu-esma-retail', 'au-asic-retail']) {
    test(`${profile}: healthy at 33,400, closed out at 33,300 (a venue account would wait until ~25,100)`, () => {
      const h = venue(profile);
      h.ok(fill('f1', '0.4', '50000', 'alice', 'bob'));
      h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['33000', '10']], asks: [['33500', '10']] });
      const calm = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '33400' }));
      assert.equal(calm.filter((e) => e.type === 'LiquidationTriggered').length, 0);
      const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '33300' }));
      const triggered = events.find((e) => e.type === 'LiquidationTriggered');
      assert.ok(triggered?.type === 'LiquidationTriggered' && triggered.accountId === 'alice');
      // The requirement it was measured against is the statutory one: 0.25 × 0.4 × 33,300 = 3,330 USDT.
      assert.equal(triggered.maintenance, 333_000_000_000n * 100_000_000n);
      assert.ok(events.some((e) => e.type === 'LiquidationFill' && e.accountId === 'alice'));
    });
  }

  test('the same position without a profile is not touched at 33,300', () => {
    const h = venue(null);
    h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 2 });
    h.ok(fill('f1', '0.4', '50000', 'alice', 'bob'));
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['33000', '10']], asks: [['33500', '10']] });
    const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '33300' }));
    assert.equal(events.filter((e) => e.type === 'LiquidationTriggered').length, 0);
  });

  test('the screening index finds close-outs it did not derive exactly: many small moves down', () => {
    const h = venue('eu-esma-retail');
    h.ok(fill('f1', '0.4', '50000', 'alice', 'bob'));
    h.ok({ type: 'bookSnapshot', symbol: 'BTCUSDT', bids: [['30000', '10']], asks: [['50500', '10']] });
    let closedAt: number | null = null;
    for (let price = 50000; price > 30000 && closedAt === null; price -= 250) {
      const events = eventsOf(h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: String(price) }));
      if (events.some((e) => e.type === 'LiquidationTriggered')) closedAt = price;
    }
    assert.equal(closedAt, 33250);
    assert.deepEqual(h.engine.auditScreening().missed, []);
  });
});

describe('negative-balance protection (check 5)', () => {
  // No liquidation rules: alice closes 0.4 BTC bought at 50,000 at 20,000, a 12,000 loss on 10,000.
  test('a protected account ends at zero and the venue records the absorbed deficit', () => {
    const h = venue('eu-esma-retail', '10000', undefined, false);
    h.ok(fill('f1', '0.4', '50000', 'alice', 'bob'));
    const events = eventsOf(h.ok(fill('f2', '0.4', '20000', 'bob', 'alice')));
    const absorbed = events.find((e) => e.type === 'NegativeBalanceAbsorbed');
    assert.ok(absorbed?.type === 'NegativeBalanceAbsorbed');
    assert.equal(absorbed.amount, 2000n * 100_000_000n);
    assert.equal(absorbed.profile, 'eu-esma-retail');
    assert.equal(h.balance('wallet:alice'), '0');
    assert.equal(h.balance('bad-debt'), '-2000');
    assert.equal(h.engine.view.accounts.get('alice')?.negativeBalance, false);
  });

  test('an unprotected (professional) account keeps its negative balance, flagged', () => {
    const h = venue('professional', '10000', undefined, false);
    h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 2 });
    h.ok(fill('f1', '0.4', '50000', 'alice', 'bob'));
    const events = eventsOf(h.ok(fill('f2', '0.4', '20000', 'bob', 'alice')));
    assert.equal(
      events.some((e) => e.type === 'NegativeBalanceAbsorbed'),
      false,
    );
    assert.equal(h.balance('wallet:alice'), '-2000');
    assert.equal(h.engine.view.accounts.get('alice')?.negativeBalance, true);
  });

  test('profiles survive a snapshot: restored, the account is still protected and capped', async () => {
    const { Engine } = await import('../../src/engine/index.js');
    const h = venue('eu-esma-retail', '10000', undefined, false);
    h.ok(fill('f1', '0.4', '50000', 'alice', 'bob'));
    const restored = Engine.restore(h.engine.snapshot());
    assert.equal(restored.stateHash(), h.engine.stateHash());
    const result = restored.apply({
      seq: h.seq + 1,
      timestampMs: h.time + 1000,
      ...fill('f2', '0.4', '20000', 'bob', 'alice'),
    } as never);
    assert.ok(result.ok && result.events.some((e) => e.type === 'NegativeBalanceAbsorbed'));
  });
});
