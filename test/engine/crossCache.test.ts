import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossAvailable } from '../../src/engine/marginView.js';
import { fill, Harness } from './helpers.js';

/**
 * The fill path keeps each account's cross sum (positions' PnL less initial margin, less order holds) cached
 * between fills. These are the ways it could go stale: a mark tick, a leverage change, an order placed or
 * cancelled between two fills. Each case is built so that a stale sum would accept a fill the current one
 * rejects (or the other way round). The harness also checks after every command that every current cache equals
 * the sum computed afresh (`cross_cache` invariant).
 */
function venue(): Harness {
  const h = Harness.venue();
  h.ok({ type: 'createAccount', accountId: 'carol' });
  h.ok({ type: 'deposit', accountId: 'carol', asset: 'USDT', amount: '1000000' });
  return h;
}

function cachedSum(h: Harness, accountId: string): bigint | null {
  const state = h.engine.view;
  const account = state.accounts.get(accountId);
  assert.ok(account !== undefined);
  return account.crossEpoch === state.crossEpoch ? account.crossSum : null;
}

describe('cross-sum cache of the fill path', () => {
  it('is filled by a fill and kept exact by the next fills of the account', () => {
    const h = venue();
    h.ok(fill('f1', '1', '50000', 'alice', 'carol'));
    h.ok(fill('f2', '0.5', '50000', 'alice', 'carol'));
    const state = h.engine.view;
    const alice = state.accounts.get('alice');
    assert.ok(alice !== undefined);
    // 1.5 BTC long at the entry: no PnL, initial margin 75,000 / 20 = 3,750 USDT.
    assert.equal(cachedSum(h, 'alice'), -3_750n * 10n ** 8n);
    assert.equal(cachedSum(h, 'alice'), crossAvailable(state, alice, 'USDT', 0n, undefined));
    // Reducing keeps it exact too.
    h.ok(fill('f3', '0.7', '50000', 'carol', 'alice'));
    assert.equal(cachedSum(h, 'alice'), -2_000n * 10n ** 8n);
  });

  it('ends at a mark tick: a fill after the tick sees the new mark', () => {
    const h = venue();
    h.ok(fill('f1', '1', '50000', 'alice', 'carol'));
    h.ok(fill('f2', '1', '50000', 'alice', 'carol'));
    assert.notEqual(cachedSum(h, 'alice'), null);
    h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '46000' });
    assert.equal(cachedSum(h, 'alice'), null);
    // At 46,000 alice's 2 BTC lose 8,000 and need 4,600 of margin: nothing is left to open more. At the old
    // mark 0.1 BTC (230 of margin) would fit easily.
    h.rejects(fill('f3', '0.1', '46000', 'alice', 'carol'), 'insufficient_margin');
    h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' });
    h.ok(fill('f4', '0.1', '50000', 'alice', 'carol'));
  });

  it('ends at a leverage change', () => {
    const h = venue();
    h.ok(fill('f1', '1', '50000', 'alice', 'carol'));
    h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 10 });
    // At 10x one more BTC needs 5,000 on top of the 5,000 the first now holds: more than the ~9,990 left.
    // A sum cached at 20x (2,500 held) would let it through.
    h.rejects(fill('f2', '1', '50000', 'alice', 'carol'), 'insufficient_margin');
    h.ok(fill('f3', '0.9', '50000', 'alice', 'carol'));
  });

  it('ends when an order is placed or cancelled, and counts the hold a fill releases', () => {
    const h = venue();
    h.ok(fill('f1', '1', '50000', 'alice', 'carol'));
    // A resting buy of 2.8 BTC holds 7,000; with 2,500 held by the position, about 490 stay free: not enough
    // for another BTC (2,500), which a sum cached before the order would allow.
    h.ok({
      type: 'placeOrder',
      accountId: 'alice',
      orderId: 'o1',
      symbol: 'BTCUSDT',
      side: 'buy',
      price: '50000',
      qty: '2.8',
    });
    h.rejects(fill('f2', '1', '50000', 'alice', 'carol'), 'insufficient_margin');
    // Filling against the order releases its hold for the filled part (0.9 BTC: 2,250 released, 2,250 needed).
    h.ok(
      fill('f3', '0.9', '50000', 'alice', 'carol', {
        buyer: { accountId: 'alice', liquidity: 'maker', orderId: 'o1' },
      }),
    );
    h.ok({ type: 'cancelOrder', accountId: 'alice', orderId: 'o1' });
    h.ok(fill('f4', '1', '50000', 'alice', 'carol'));
  });
});
