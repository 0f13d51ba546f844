/**
 * One hand-worked scenario per ADL policy: a few legs, the expected allocation worked out in the comment.
 * Money in cents (moneyOne = 100), qty in whole contracts, prices in cents per contract.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ADL_POLICIES,
  adlLights,
  allocateAdl,
  dydxWalkStart,
  splitMix64,
  type AdlCandidate,
  type AdlPolicy,
  type AdlRequest,
} from '../../src/liquidation/adl/index.js';
import { Rational } from '../../src/numbers/index.js';
import { fcParams } from '../helpers/portfolio.js';

const MONEY_ONE = 100n;
const BANKRUPTCY_PRICE = Rational.of(6_500_000n, 3n);
const PREVIOUS_MARK = Rational.fromInt(2_100_000n);

/** A long leg (against a bankrupt short); fields a scenario does not set are neutral but valid. */
function long(accountId: string, qty: bigint, fields: Partial<AdlCandidate> = {}): AdlCandidate {
  return {
    accountId,
    qty,
    sign: 1n,
    entryValue: qty * 2_000_000n,
    markValue: qty * 2_100_000n,
    bankruptcyValue: qty * 1_000_000n,
    walletBalance: 1_000_000n,
    unrealizedPnl: qty * 100_000n,
    maintenanceMargin: 10_000n,
    accountValue: 1_000_000n,
    ...fields,
  };
}

function request(qty: bigint, bankruptSign: 1n | -1n = -1n): AdlRequest {
  return { bankruptSign, qty, bankruptcyPrice: BANKRUPTCY_PRICE, previousMark: PREVIOUS_MARK };
}

function fills(
  policy: AdlPolicy,
  qty: bigint,
  legs: readonly AdlCandidate[],
  seed = 0n,
): Record<string, bigint> {
  const allocation = allocateAdl(policy, request(qty, legs[0]?.sign === 1n ? -1n : 1n), legs, {
    moneyOne: MONEY_ONE,
    seed,
  });
  return Object.fromEntries(allocation.fills.map((fill) => [fill.accountId, fill.qty]));
}

function score(policy: AdlPolicy, leg: AdlCandidate): Rational {
  const value = policy.score(leg, MONEY_ONE);
  assert.ok(value !== null);
  return value;
}

describe('ADL scenarios', () => {
  test('binance', () => {
    // score = max(0, uPnL)/max(1 USDT, WB) × MM/(WB + uPnL):
    //   a: 500/1000 × 30/1500 = 0.01
    //   b: 2/max(1, 0.50) × 0.25/2.50 = 2 × 0.1 = 0.2 (the 1-USDT floor: 0.4 without it)
    //   c: in loss: 0
    //   d: 300/200 × 50/500 = 0.15
    // Queue b, d, a, c; closing 10 takes b's 3, d's 5 and 2 of a's 10.
    const policy = ADL_POLICIES.binance;
    const a = long('a', 10n, { walletBalance: 100_000n, unrealizedPnl: 50_000n, maintenanceMargin: 3_000n });
    const b = long('b', 3n, { walletBalance: 50n, unrealizedPnl: 200n, maintenanceMargin: 25n });
    const c = long('c', 4n, { walletBalance: 10_000n, unrealizedPnl: -1_000n, maintenanceMargin: 500n });
    const d = long('d', 5n, { walletBalance: 20_000n, unrealizedPnl: 30_000n, maintenanceMargin: 5_000n });
    const legs = [a, b, c, d];
    const want = [Rational.of(1n, 100n), Rational.of(1n, 5n), Rational.ZERO, Rational.of(3n, 20n)];
    for (const [i, leg] of legs.entries())
      assert.ok(score(policy, leg).eq(want[i] ?? Rational.ONE), leg.accountId);
    assert.deepEqual(fills(policy, 10n, legs), { b: 3n, d: 5n, a: 2n });
    // Lights (n = 4, 5 − ⌊5 × above / 4⌋): b 5, d 4, a 3, c 2.
    assert.deepEqual(adlLights(legs.map((leg) => score(policy, leg))), [3, 5, 2, 4]);
  });

  test('bitmex', () => {
    // Long legs, values per leg (entry / mark / own bankruptcy):
    //   a: 10000 / 11000 / 9000: PnL% 0.1 × effLev 11000/2000 = 0.55
    //   b: 10000 / 12000 / 10000: PnL% 0.2 × effLev 6 = 1.2
    //   c: 10000 / 9500 / 9000: PnL% −0.05 / effLev 19 = −1/380
    //   d: 10000 / 11000 / 0 (1x): PnL% 0.1 × effLev 1 = 0.1
    // Queue b, a, d, c; closing 6 takes b's 2, a's 2 and 2 of d's 5.
    const policy = ADL_POLICIES.bitmex;
    const values = (entryValue: bigint, markValue: bigint, bankruptcyValue: bigint) => ({
      entryValue,
      markValue,
      bankruptcyValue,
    });
    const legs = [
      long('a', 2n, values(10_000n, 11_000n, 9_000n)),
      long('b', 2n, values(10_000n, 12_000n, 10_000n)),
      long('c', 5n, values(10_000n, 9_500n, 9_000n)),
      long('d', 5n, values(10_000n, 11_000n, 0n)),
    ];
    const want = [Rational.of(11n, 20n), Rational.of(6n, 5n), Rational.of(-1n, 380n), Rational.of(1n, 10n)];
    for (const [i, leg] of legs.entries())
      assert.ok(score(policy, leg).eq(want[i] ?? Rational.ONE), leg.accountId);
    assert.deepEqual(fills(policy, 6n, legs), { b: 2n, a: 2n, d: 2n });
  });

  test('bybitClassic: short legs, and the account-id tie-break', () => {
    // Short legs against a bankrupt long; BitMEX signs the values negative for a short:
    //   f: entry 10000, mark 9000, own bankruptcy 9500: PnL% 0.1 × effLev 9000/500 = 1.8
    //   d, e: entry 10000, mark 9000, own bankruptcy 11000: PnL% 0.1 × effLev 9000/2000 = 0.45 (a tie)
    //   g: entry 10000, mark 10500, own bankruptcy 12000: PnL% −0.05 / effLev 7 = −1/140
    // Queue f, d, e (tie: "d" < "e"), g; closing 5 takes f's 2, d's 2 and 1 of e's 2.
    const policy = ADL_POLICIES.bybitClassic;
    const short = (accountId: string, entryValue: bigint, markValue: bigint, bankruptcyValue: bigint) =>
      long(accountId, 2n, { sign: -1n, entryValue, markValue, bankruptcyValue });
    const legs = [
      short('g', 10_000n, 10_500n, 12_000n),
      short('e', 10_000n, 9_000n, 11_000n),
      short('f', 10_000n, 9_000n, 9_500n),
      short('d', 10_000n, 9_000n, 11_000n),
    ];
    const want = [Rational.of(-1n, 140n), Rational.of(9n, 20n), Rational.of(9n, 5n), Rational.of(9n, 20n)];
    for (const [i, leg] of legs.entries())
      assert.ok(score(policy, leg).eq(want[i] ?? Rational.ONE), leg.accountId);
    assert.deepEqual(fills(policy, 5n, legs), { f: 2n, d: 2n, e: 1n });
  });

  test('hyperliquid: closes at the previous mark', () => {
    // score = (mark / entry) × (notional / account value), per leg of 100 contracts:
    //   a: entry 10000, mark 11000, account value 2000: 1.1 × 5.5 = 6.05
    //   b: entry 10000, mark 11000, account value 5500: 1.1 × 2 = 2.2
    //   c: entry 10000, mark 9000, account value 1000: 0.9 × 9 = 8.1 (in loss, but leveraged: ranked first)
    // Queue c, a, b; closing 150 takes c's 100 and 50 of a's, at the previous mark.
    const policy = ADL_POLICIES.hyperliquid;
    const leg = (accountId: string, markValue: bigint, accountValue: bigint) =>
      long(accountId, 100n, { entryValue: 10_000n, markValue, accountValue });
    const legs = [leg('a', 11_000n, 2_000n), leg('b', 11_000n, 5_500n), leg('c', 9_000n, 1_000n)];
    const want = [Rational.of(121n, 20n), Rational.of(11n, 5n), Rational.of(81n, 10n)];
    for (const [i, l] of legs.entries()) assert.ok(score(policy, l).eq(want[i] ?? Rational.ONE), l.accountId);
    assert.deepEqual(fills(policy, 150n, legs), { c: 100n, a: 50n });
    const allocation = allocateAdl(policy, request(150n), legs, { moneyOne: MONEY_ONE, seed: 0n });
    assert.ok(allocation.price.eq(PREVIOUS_MARK));
    assert.equal(policy.closePrice, 'previousMark');
  });

  test('dydx: a seeded walk over the legs in account-id order, wrapping around', () => {
    // SplitMix64(0) is the published first output 0xe220a8397b1dcdaf.
    assert.equal(splitMix64(0n), 0xe220a8397b1dcdafn);
    // Legs a..e with qty 1..5 (ring a, b, c, d, e).
    // Seed 6: SplitMix64(6) mod 5 = 2, start at c: closing 10 takes c 3, d 4 and 3 of e's 5.
    // Seed 3: SplitMix64(3) mod 5 = 3, start at d: closing 11 takes d 4, e 5, wraps to a 1 and 1 of b's 2.
    const policy = ADL_POLICIES.dydx;
    const legs = ['e', 'c', 'a', 'd', 'b'].map((id, i) =>
      long(id, BigInt(' abcde'.indexOf(id)), { walletBalance: BigInt(i) }),
    );
    assert.equal(dydxWalkStart(6n, 5), 2);
    assert.equal(dydxWalkStart(3n, 5), 3);
    assert.deepEqual(fills(policy, 10n, legs, 6n), { c: 3n, d: 4n, e: 3n });
    assert.deepEqual(fills(policy, 11n, legs, 3n), { d: 4n, e: 5n, a: 1n, b: 1n });
    const order = allocateAdl(policy, request(11n), legs, { moneyOne: MONEY_ONE, seed: 3n }).fills;
    assert.deepEqual(
      order.map((f) => f.accountId),
      ['d', 'e', 'a', 'b'],
    );
  });

  test('proRata: the same fraction from everyone, whole units by largest remainder', () => {
    const policy = ADL_POLICIES.proRata;
    // a 10, b 20, c 30 (total 60), closing 31: exact shares 31/60 of each = 5.17, 10.33, 15.5;
    // floors 5 + 10 + 15 = 30, one unit missing, remainders (× 60) 10, 20, 30: c takes it.
    const legs = [long('c', 30n), long('a', 10n), long('b', 20n)];
    assert.deepEqual(fills(policy, 31n, legs), { a: 5n, b: 10n, c: 16n });
    // Three legs of 1 closing 2: every share 2/3, floors 0, remainders equal: a and b (account-id order).
    assert.deepEqual(fills(policy, 2n, [long('c', 1n), long('b', 1n), long('a', 1n)]), { a: 1n, b: 1n });
    // An exact fraction needs no rounding: half of each.
    assert.deepEqual(fills(policy, 30n, legs), { a: 5n, b: 10n, c: 15n });
    // More than everyone holds: everyone closes whole, 10 stay unclosed.
    const all = allocateAdl(policy, request(70n), legs, { moneyOne: MONEY_ONE, seed: 0n });
    assert.deepEqual(all.fills, [
      { accountId: 'a', qty: 10n },
      { accountId: 'b', qty: 20n },
      { accountId: 'c', qty: 30n },
    ]);
    assert.equal(all.unclosedQty, 10n);
    assert.equal(policy.score(long('a', 1n), MONEY_ONE), null);
  });

  test('proRata: each leg within one unit of its exact share, and exactly it when that share is whole', () => {
    const legs = fc
      .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 10 })
      .chain((ids) =>
        fc
          .tuple(
            ...ids.map((id) => fc.oneof(fc.bigInt(0n, 5n), fc.bigInt(0n, 1000n)).map((qty) => long(id, qty))),
          )
          .map((list) => list.filter((leg) => leg.qty > 0n)),
      )
      .filter((list) => list.length > 0);
    fc.assert(
      fc.property(legs, fc.bigInt(0n, 12_000n), (list, need) => {
        const total = list.reduce((sum, leg) => sum + leg.qty, 0n);
        const got = fills(ADL_POLICIES.proRata, need, list);
        for (const leg of list) {
          const closed = got[leg.accountId] ?? 0n;
          if (need >= total) {
            assert.equal(closed, leg.qty);
            continue;
          }
          // closed vs the exact share leg.qty × need / total, compared times total.
          const error = closed * total - leg.qty * need;
          assert.ok(error > -total && error < total, `${leg.accountId} is a unit or more off its share`);
          if ((leg.qty * need) % total === 0n)
            assert.equal(error, 0n, `${leg.accountId}: whole share rounded`);
        }
      }),
      fcParams(0xad8, 300),
    );
  });
});
