import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Ledger } from '../../src/ledger/index.js';

test('held balances and named transfers are one ledger: sums stay zero, entries agree, zero balances stay out', () => {
  const names = ['external', 'wallet:a', 'wallet:b', 'fees', 'clearing'];
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          from: fc.integer({ min: 0, max: 4 }),
          to: fc.integer({ min: 0, max: 4 }),
          amount: fc.bigInt({ min: 1n, max: 10n ** 20n }),
          held: fc.boolean(),
        }),
        { maxLength: 200 },
      ),
      (moves) => {
        const byName = new Ledger();
        const byRef = new Ledger();
        // Taking a reference creates nothing visible: a zero balance is not in the canonical entries.
        const refs = names.map((name) => byRef.balanceOf(name, 'USDT'));
        byRef.balanceOf('never-used', 'BTC');
        assert.deepEqual(byRef.entries(), []);
        for (const { from, to, amount, held } of moves) {
          if (from === to) continue;
          const a = names[from] ?? '';
          const b = names[to] ?? '';
          const t1 = byName.transfer(a, b, 'USDT', amount, 'test');
          const fromRef = refs[from];
          const toRef = refs[to];
          assert.ok(fromRef !== undefined && toRef !== undefined);
          const t2 = held
            ? byRef.move(fromRef, toRef, amount, 'test')
            : byRef.transfer(a, b, 'USDT', amount, 'test');
          assert.deepEqual(t2, t1);
        }
        assert.deepEqual(byRef.entries(), byName.entries());
        for (const sum of byRef.sums().values()) assert.equal(sum, 0n);
        assert.deepEqual(Ledger.fromEntries(byRef.entries()).entries(), byName.entries());
      },
    ),
    { numRuns: 200 },
  );
});

test('settleBalances: signed amounts move either way, zero moves nothing; bad moves are assertion failures', () => {
  const ledger = new Ledger();
  const a = ledger.balanceOf('a', 'USDT');
  const b = ledger.balanceOf('b', 'USDT');
  assert.equal(ledger.settleBalances(a, b, 0n, 'x'), null);
  assert.deepEqual(ledger.settleBalances(a, b, -5n, 'x'), {
    type: 'Transfer',
    from: 'b',
    to: 'a',
    asset: 'USDT',
    amount: 5n,
    reason: 'x',
  });
  assert.equal(a.value, 5n);
  assert.equal(ledger.balance('b', 'USDT'), -5n);
  assert.throws(() => ledger.move(a, b, 0n, 'zero'), /non-positive/);
  assert.throws(() => ledger.move(a, a, 1n, 'self'), /itself/);
  assert.throws(() => ledger.move(a, ledger.balanceOf('c', 'BTC'), 1n, 'cross-asset'), /across assets/);
});
