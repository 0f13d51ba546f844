import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, type Command } from '../../src/engine/index.js';
import { Harness, fill } from './helpers.js';

describe('engine: money flows written out by hand', () => {
  test('open, fund, partly close: wallets, fees and the clearing account', () => {
    const h = Harness.venue();
    // alice buys 0.5 BTC at 50,000 as maker (fee 25,000 × 0.0002 = 5), bob sells as taker (fee 12.5).
    h.ok(fill('f1', '0.5', '50000', 'alice', 'bob'));
    assert.equal(h.balance('wallet:alice'), '9995');
    assert.equal(h.balance('wallet:bob'), '9987.5');
    assert.equal(h.balance('fees'), '17.5');
    // Funding at mark 51,000 and +0.01 %: the long pays 0.5 × 51,000 × 0.0001 = 2.55 to the short.
    h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '51000' });
    h.ok({ type: 'fundingTick', symbol: 'BTCUSDT', rate: '0.0001' });
    assert.equal(h.balance('wallet:alice'), '9992.45');
    assert.equal(h.balance('wallet:bob'), '9990.05');
    assert.equal(h.balance('funding'), '0');
    // alice sells 0.2 at 51,000 as maker: realises 0.2 × 1,000 = 200, pays 2.04; bob (taker) realises −200, pays 5.1.
    h.ok({
      ...fill('f2', '0.2', '51000', 'bob', 'alice'),
      buyer: { accountId: 'bob', liquidity: 'taker' },
      seller: { accountId: 'alice', liquidity: 'maker' },
    });
    assert.equal(h.balance('wallet:alice'), '10190.41');
    assert.equal(h.balance('wallet:bob'), '9784.95');
    assert.equal(h.balance('fees'), '24.64');
    assert.equal(h.balance('clearing'), '0');
    assert.equal(h.balance('external'), '-20000');
    const position = h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH');
    assert.equal(position?.qty, 300n); // 0.3 BTC in 0.001 units
  });

  test('realised PnL on a partial close rounds against the user; entry value is conserved', () => {
    const h = Harness.venue();
    // Three buys at different prices make an entry value that 3 does not divide.
    h.ok(fill('a', '0.001', '50000', 'alice', 'bob'));
    h.ok(fill('b', '0.001', '50000.1', 'alice', 'bob'));
    h.ok(fill('c', '0.001', '50000.1', 'alice', 'bob'));
    // The view is live (positions are updated in place): keep the entry value, not the object.
    const held = h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH');
    assert.ok(held !== undefined);
    const before = { entryValue: held.entryValue };
    h.ok({
      ...fill('d', '0.001', '50000', 'bob', 'alice'),
      buyer: { accountId: 'bob', liquidity: 'taker' },
      seller: { accountId: 'alice', liquidity: 'maker' },
    });
    const after = h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH');
    assert.ok(after !== undefined);
    // Exact closed entry value = (50 + 50.0001 + 50.0001) / 3 USDT; the long's share is rounded up, so PnL is not above the exact −0.0000666….
    const closed = before.entryValue - after.entryValue;
    assert.ok(closed * 3n >= before.entryValue, 'closed share rounded up for a long');
    assert.ok(closed * 3n - before.entryValue < 3n, 'by less than one unit');
  });

  test('isolated margin moves on open and comes back on close', () => {
    const h = Harness.venue();
    h.ok({ type: 'setMarginMode', accountId: 'alice', symbol: 'BTCUSDT', marginMode: 'isolated' });
    h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 10 });
    h.ok(fill('f1', '0.1', '50000', 'alice', 'bob'));
    assert.equal(h.balance('isolated:alice:BTCUSDT:BOTH'), '500'); // 5,000 / 10
    assert.equal(h.balance('wallet:alice'), '9499'); // 10,000 − 500 − fee 1
    h.ok({
      type: 'adjustIsolatedMargin',
      accountId: 'alice',
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      amount: '100',
    });
    assert.equal(h.balance('isolated:alice:BTCUSDT:BOTH'), '600');
    h.ok({
      ...fill('f2', '0.1', '49000', 'bob', 'alice'),
      buyer: { accountId: 'bob', liquidity: 'taker' },
      seller: { accountId: 'alice', liquidity: 'maker' },
    });
    // Loss 100 is taken from the isolated margin; the remaining 500 returns; maker fee 0.98.
    assert.equal(h.balance('isolated:alice:BTCUSDT:BOTH'), '0');
    assert.equal(h.balance('wallet:alice'), '9898.02');
  });

  test('a resting order holds initial margin until filled or cancelled', () => {
    const h = Harness.venue();
    h.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 5 });
    const placed = h.ok({
      type: 'placeOrder',
      accountId: 'alice',
      orderId: 'o1',
      symbol: 'BTCUSDT',
      side: 'buy',
      qty: '0.9',
      price: '50000',
    });
    assert.ok(
      placed.ok && placed.events.some((e) => e.type === 'OrderPlaced' && e.reserved === 900_000_000_000n),
    ); // 45,000 / 5 = 9,000
    // 9,000 of 10,000 is held, so withdrawing 1,500 fails and 900 works.
    h.rejects(
      { type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '1500' },
      'insufficient_balance',
    );
    h.ok({ type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '900' });
    h.ok({ type: 'cancelOrder', accountId: 'alice', orderId: 'o1' });
    h.ok({ type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '9000' });
  });

  test('hedge legs are separate positions', () => {
    const h = Harness.venue();
    h.ok({ type: 'setPositionMode', accountId: 'alice', mode: 'hedge' });
    h.ok({
      ...fill('l', '0.01', '50000', 'alice', 'bob'),
      buyer: { accountId: 'alice', liquidity: 'maker', positionSide: 'LONG' },
    });
    h.ok({
      ...fill('s', '0.02', '50000', 'bob', 'alice'),
      buyer: { accountId: 'bob', liquidity: 'taker' },
      seller: { accountId: 'alice', liquidity: 'maker', positionSide: 'SHORT' },
    });
    const alice = h.engine.view.accounts.get('alice');
    assert.ok(alice !== undefined);
    assert.equal(alice.positions.get('BTCUSDT/LONG')?.qty, 10n);
    assert.equal(alice.positions.get('BTCUSDT/SHORT')?.qty, 20n);
    // Selling more than the LONG leg holds is not a flip in hedge mode.
    h.rejects(
      {
        ...fill('x', '0.05', '50000', 'bob', 'alice'),
        buyer: { accountId: 'bob', liquidity: 'taker' },
        seller: { accountId: 'alice', liquidity: 'maker', positionSide: 'LONG' },
      },
      'reduce_only_violation',
    );
    h.rejects(fill('y', '0.01', '50000', 'alice', 'bob'), 'position_mode_mismatch');
  });
});

describe('engine: bad commands get their code and change nothing', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'unknown account',
      { type: 'deposit', accountId: 'carol', asset: 'USDT', amount: '1' },
      'unknown_account',
    ],
    ['zero size', fill('z', '0', '50000', 'alice', 'bob'), 'invalid_quantity'],
    ['negative size', fill('n', '-1', '50000', 'alice', 'bob'), 'invalid_quantity'],
    ['size finer than the lot', fill('n', '0.0001', '50000', 'alice', 'bob'), 'invalid_quantity'],
    ['NaN price', fill('p', '1', 'NaN', 'alice', 'bob'), 'invalid_price'],
    ['negative price', { type: 'markPrice', symbol: 'BTCUSDT', price: '-1' }, 'invalid_price'],
    ['exponent price', { type: 'markPrice', symbol: 'BTCUSDT', price: '5e4' }, 'invalid_price'],
    [
      'over-withdrawal',
      { type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '10000.00000001' },
      'insufficient_balance',
    ],
    ['unknown symbol', { type: 'markPrice', symbol: 'ETHUSDT', price: '1' }, 'unknown_symbol'],
    ['self trade', fill('s', '0.1', '50000', 'alice', 'alice'), 'self_trade'],
    ['too large for the margin', fill('big', '5', '50000', 'alice', 'bob'), 'insufficient_margin'],
    [
      'leverage above the tier',
      { type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 126 },
      'leverage_above_tier_max',
    ],
    ['unknown command', { type: 'teleport' }, 'invalid_command'],
    [
      'reduceOnly that is not a boolean',
      {
        type: 'placeOrder',
        accountId: 'alice',
        orderId: 'o1',
        symbol: 'BTCUSDT',
        side: 'buy',
        qty: '0.1',
        price: '49000',
        reduceOnly: 'yes',
      },
      'invalid_command',
    ],
    ['a funding rate of -100 %', { type: 'fundingTick', symbol: 'BTCUSDT', rate: '-1' }, 'invalid_command'],
    ['a funding rate of 250 %', { type: 'fundingTick', symbol: 'BTCUSDT', rate: '2.5' }, 'invalid_command'],
    [
      'a null fee rate (a field is given or absent)',
      { type: 'setParameter', symbol: 'BTCUSDT', makerFeeRate: null },
      'invalid_instrument',
    ],
    [
      'a fill party whose positionSide is null',
      {
        ...fill('ps', '0.1', '50000', 'alice', 'bob'),
        buyer: { accountId: 'alice', liquidity: 'maker', positionSide: null },
      },
      'position_mode_mismatch',
    ],
    [
      'a fill whose buyer is null',
      { ...fill('nb', '0.1', '50000', 'alice', 'bob'), buyer: null },
      'invalid_command',
    ],
  ];
  for (const [name, body, code] of cases) {
    test(name, () => {
      Harness.venue().rejects(body, code);
    });
  }

  test('a command without a type is told so; an unknown type is named', () => {
    const h = Harness.venue();
    const missing = h.run({ accountId: 'alice' });
    assert.ok(!missing.ok);
    assert.equal(missing.code, 'invalid_command');
    assert.equal(missing.message, 'a command needs a type');
    const unknown = h.run({ type: 'teleport' });
    assert.ok(!unknown.ok);
    assert.equal(unknown.message, 'unknown command type teleport');
  });

  test("JSON's -0 as a scale is taken as 0 (as the journal writes it back)", () => {
    const h = Harness.venue();
    const result = h.ok({ type: 'configureAsset', asset: 'JPY', scale: JSON.parse('-0') as number });
    assert.ok(result.ok);
    assert.deepEqual(result.events, [{ type: 'AssetConfigured', asset: 'JPY', scale: 0 }]);
    assert.ok(Object.is(h.engine.view.assets.get('JPY')?.scale, 0));
  });

  test('duplicate idempotency id', () => {
    const h = Harness.venue();
    h.ok(fill('f1', '0.1', '50000', 'alice', 'bob'));
    h.rejects(fill('f1', '0.1', '50000', 'alice', 'bob'), 'duplicate_command');
  });

  test('sequence gap and reorder are refused without consuming a sequence number', () => {
    const h = Harness.venue();
    const hash = h.engine.stateHash();
    const last = h.engine.lastSeq;
    const gap = h.engine.apply({
      seq: last + 2,
      timestampMs: h.time + 1,
      type: 'markPrice',
      symbol: 'BTCUSDT',
      price: '1',
    });
    assert.ok(!gap.ok && gap.code === 'sequence_gap');
    const reorder = h.engine.apply({
      seq: last,
      timestampMs: h.time + 1,
      type: 'markPrice',
      symbol: 'BTCUSDT',
      price: '1',
    });
    assert.ok(!reorder.ok && reorder.code === 'sequence_reorder');
    assert.equal(h.engine.lastSeq, last);
    assert.equal(h.engine.stateHash(), hash);
    const back = h.engine.apply({
      seq: last + 1,
      timestampMs: h.time - 5000,
      type: 'markPrice',
      symbol: 'BTCUSDT',
      price: '1',
    });
    assert.ok(!back.ok && back.code === 'timestamp_regression');
  });

  test('snapshot and restore give the same state hash and carry on identically', () => {
    const h = Harness.venue();
    h.ok(fill('f1', '0.1', '50000', 'alice', 'bob'));
    const copy = Engine.restore(h.engine.snapshot());
    assert.equal(copy.stateHash(), h.engine.stateHash());
    const next = {
      seq: h.seq + 1,
      timestampMs: h.time + 1000,
      type: 'fundingTick',
      symbol: 'BTCUSDT',
      rate: '-0.0003',
    } as const;
    assert.ok(h.engine.apply(next).ok && copy.apply(next).ok);
    assert.equal(copy.stateHash(), h.engine.stateHash());
  });
});

describe('engine: the idempotency window (setIdempotencyWindow)', () => {
  // The harness stamps each command 1,000 ms after the one before.
  test('a fill id is a duplicate for windowMs after the fill that used it, then a new fill', () => {
    const h = Harness.venue();
    const set = h.ok({ type: 'setIdempotencyWindow', windowMs: 3000 });
    assert.ok(set.ok);
    assert.deepEqual(set.events, [{ type: 'IdempotencyWindowSet', windowMs: 3000, expired: 0 }]);
    h.ok(fill('f1', '0.1', '50000', 'alice', 'bob')); // t
    h.rejects(fill('f1', '0.1', '50000', 'alice', 'bob'), 'duplicate_command'); // t + 1,000
    h.rejects(fill('f1', '0.1', '50000', 'alice', 'bob'), 'duplicate_command'); // t + 2,000
    h.ok(fill('f1', '0.1', '50000', 'alice', 'bob')); // t + 3,000: the window has passed
    h.rejects(fill('f1', '0.1', '50000', 'alice', 'bob'), 'duplicate_command'); // the new use counts from now
    assert.equal(h.engine.view.fillIds.size, 1);
    assert.equal(h.engine.view.accounts.get('alice')?.positions.get('BTCUSDT/BOTH')?.qty, 200n);
  });

  test('ids past the window are forgotten: at once when a window is set, and by each later fill', () => {
    const h = Harness.venue();
    for (const id of ['f1', 'f2', 'f3', 'f4', 'f5']) h.ok(fill(id, '0.001', '50000', 'alice', 'bob'));
    assert.equal(h.engine.view.fillIds.size, 5);
    // Set 1,000 ms after f5: ids used 2,500 ms or more before (f1 … f3) are forgotten now.
    const set = h.ok({ type: 'setIdempotencyWindow', windowMs: 2500 });
    assert.ok(set.ok);
    assert.deepEqual(set.events, [{ type: 'IdempotencyWindowSet', windowMs: 2500, expired: 3 }]);
    assert.deepEqual([...h.engine.view.fillIds.values()], ['f4', 'f5']);
    h.ok(fill('f1', '0.001', '50000', 'alice', 'bob')); // forgotten, so a new fill; f4 passes the window now
    assert.deepEqual([...h.engine.view.fillIds.values()], ['f5', 'f1']);
    h.rejects(fill('f1', '0.001', '50000', 'alice', 'bob'), 'duplicate_command');
    // Back to remembering for good: nothing more is forgotten.
    const forGood = h.ok({ type: 'setIdempotencyWindow' });
    assert.ok(forGood.ok);
    assert.deepEqual(forGood.events, [{ type: 'IdempotencyWindowSet', windowMs: null, expired: 0 }]);
    for (let i = 0; i < 5; i++) h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' });
    h.ok(fill('f6', '0.001', '50000', 'alice', 'bob'));
    assert.deepEqual([...h.engine.view.fillIds.values()], ['f5', 'f1', 'f6']);
    h.rejects(fill('f5', '0.001', '50000', 'alice', 'bob'), 'duplicate_command');
  });

  test('a snapshot keeps the ids, their times and the window: the restored engine answers the same', () => {
    const h = Harness.venue();
    h.ok({ type: 'setIdempotencyWindow', windowMs: 2500 });
    h.ok(fill('f1', '0.001', '50000', 'alice', 'bob'));
    h.ok(fill('f2', '0.001', '50000', 'alice', 'bob'));
    const copy = Engine.restore(h.engine.snapshot());
    assert.equal(copy.stateHash(), h.engine.stateHash());
    assert.equal(copy.view.fillIdWindowMs, 2500);
    assert.deepEqual(copy.view.fillIds.entries(), h.engine.view.fillIds.entries());
    // At t(f2) + 2,000, f1 has passed the window and f2 has not, on both engines alike.
    h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' });
    const apply = (engine: Engine, fillId: string): string => {
      const result = engine.apply({
        ...fill(fillId, '0.001', '50000', 'alice', 'bob'),
        seq: engine.lastSeq + 1,
        timestampMs: h.time + 1000,
      } as unknown as Command);
      return result.ok ? 'ok' : result.code;
    };
    copy.apply({
      seq: copy.lastSeq + 1,
      timestampMs: h.time,
      type: 'markPrice',
      symbol: 'BTCUSDT',
      price: '50000',
    });
    assert.equal(copy.stateHash(), h.engine.stateHash());
    for (const engine of [h.engine, copy]) {
      assert.equal(apply(engine, 'f2'), 'duplicate_command');
      assert.equal(apply(engine, 'f1'), 'ok');
    }
    assert.equal(copy.stateHash(), h.engine.stateHash());
  });

  const badWindows: [string, unknown][] = [
    ['zero', 0],
    ['negative', -1000],
    ['fractional', 1.5],
    ['a string', '1000'],
    ['a boolean', true],
    ['an object', {}],
    ['null (absent is the way to say no window)', null],
    ['over ten years', 10 * 366 * 24 * 3_600_000 + 1],
    ['not finite', Number.POSITIVE_INFINITY],
  ];
  for (const [name, windowMs] of badWindows) {
    test(`windowMs ${name} is refused, naming the field, and changes nothing`, () => {
      const h = Harness.venue();
      h.ok(fill('f1', '0.001', '50000', 'alice', 'bob'));
      const result = h.run({ type: 'setIdempotencyWindow', windowMs });
      assert.ok(!result.ok);
      assert.equal(result.code, 'invalid_command');
      assert.match(result.message, /windowMs/);
      assert.equal(h.engine.view.fillIdWindowMs, null);
    });
  }
});
