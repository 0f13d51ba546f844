/**
 * Every `adl.*` vector of vectors/liquidation.json (the repo's copy of the shared vectors). The test counts them
 * and fails when a vector's kind has no handler, so a new ADL vector cannot be skipped silently.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ADL_POLICIES,
  allocateAdl,
  binanceAdlScore,
  bitmexAdlScore,
  closeFromTop,
  hyperliquidAdlScore,
  rankByScore,
  type AdlCandidate,
} from '../../src/liquidation/adl/index.js';
import { pow10, Rational } from '../../src/numbers/index.js';
import { dec } from '../helpers/model.js';
import { decimal, field, loadVectors, text, type Vector } from '../helpers/vectors.js';

const vectors = loadVectors('liquidation.json');

/** A whole-number decimal string field as a bigint. */
function integer(value: unknown, key: string, label: string): bigint {
  const found = decimal(value, key, label);
  assert.ok(found.isInteger(), `${label}.${key}: not a whole number`);
  return found.reduce().num;
}

/**
 * `got` against the expected decimal text. With a tolerance: |got − want| ≤ tolerance. Without: exact — equal
 * when got's expansion terminates, otherwise the expected text must be got's expansion truncated at the
 * digits it shows (BitMEX's −1/380 is printed to 18 places).
 */
function expectDecimal(got: Rational, expected: unknown, label: string, tolerance?: string): void {
  assert.equal(typeof expected, 'string', `${label}: expected value is not a string`);
  const want = dec(expected as string);
  const shown = `got ${got.format('halfEven', 25)}, want ${String(expected)}`;
  if (tolerance !== undefined) {
    assert.ok(got.sub(want).abs().lte(dec(tolerance)), `${label}: ${shown} (tolerance ${tolerance})`);
    return;
  }
  if (got.terminatingScale() !== null) {
    assert.ok(got.eq(want), `${label}: ${shown}`);
    return;
  }
  const digits = (expected as string).split('.')[1]?.length ?? 0;
  assert.equal(got.toUnits(digits, 'trunc'), want.mulInt(pow10(digits)).reduce().num, `${label}: ${shown}`);
}

const HANDLERS: Readonly<Record<string, (v: Vector) => void>> = {
  'adl.allocate': ({ id, inputs, expected }) => {
    const queue = field(inputs, 'queue', id);
    assert.ok(Array.isArray(queue), `${id}: queue is not an array`);
    const legs = (queue as unknown[]).map((row, i) => {
      const label = `${id}.queue[${i}]`;
      return {
        accountId: text(row, 'account', label),
        qty: integer(row, 'qty', label),
        score: decimal(row, 'score', label),
      };
    });
    const sizeToClose = integer(inputs, 'sizeToClose', id);
    const want = Object.entries(expected as Record<string, string>).map(([accountId, qty]) => ({
      accountId,
      qty: BigInt(qty),
    }));

    // The queue as published: scores given, ranked highest first, closed from the top.
    const fills = closeFromTop(
      rankByScore(legs, (leg) => leg.score),
      sizeToClose,
    );
    assert.deepEqual(fills, want, `${id}: queue walk`);

    // The same queue end to end through the BitMEX policy: long legs (against a bankrupt short) whose BitMEX
    // score is the published one. Per qty unit: entry 300, mark 600 (PnL% = 1) and own bankruptcy price
    // 600 − 600/score, so effLev = 600 / (600/score) = score.
    const candidates = legs.map(({ accountId, qty, score }): AdlCandidate => {
      const bankruptPerUnit = Rational.fromInt(600n).sub(Rational.fromInt(600n).div(score));
      assert.ok(bankruptPerUnit.isInteger(), `${id}: score ${score.toString()} needs another construction`);
      return {
        accountId,
        qty,
        sign: 1n,
        entryValue: qty * 300n,
        markValue: qty * 600n,
        bankruptcyValue: qty * bankruptPerUnit.reduce().num,
        walletBalance: 0n,
        unrealizedPnl: qty * 300n,
        maintenanceMargin: 0n,
        accountValue: qty * 600n,
      };
    });
    for (const [i, c] of candidates.entries())
      assert.ok(
        ADL_POLICIES.bitmex.score(c, 1n)?.eq(legs[i]?.score ?? Rational.ZERO),
        `${id}: score of ${c.accountId}`,
      );
    const bankruptcyPrice = decimal(inputs, 'bankruptcyPrice', id);
    const allocation = allocateAdl(
      ADL_POLICIES.bitmex,
      { bankruptSign: -1n, qty: sizeToClose, bankruptcyPrice, previousMark: Rational.fromInt(600n) },
      candidates,
      { moneyOne: 1n, seed: 0n },
    );
    assert.deepEqual(allocation.fills, want, `${id}: BitMEX policy`);
    assert.ok(allocation.price.eq(bankruptcyPrice), `${id}: closes at the bankruptcy price`);
  },
  'adl.score.bitmex': ({ id, inputs, expected, tolerance }) => {
    const score = bitmexAdlScore({
      entryValue: decimal(inputs, 'entryValue', id),
      markValue: decimal(inputs, 'markValue', id),
      bankruptValue: decimal(inputs, 'bankruptValue', id),
    });
    expectDecimal(score, expected, id, tolerance);
  },
  'adl.score.hyperliquid': ({ id, inputs, expected, tolerance }) => {
    // The published index is written for a long; this vector's leg is one (mark above entry, in profit).
    const score = hyperliquidAdlScore({
      sign: 1n,
      mark: decimal(inputs, 'mark', id),
      entry: decimal(inputs, 'entry', id),
      notional: decimal(inputs, 'notional', id),
      accountValue: decimal(inputs, 'accountValue', id),
    });
    expectDecimal(score, expected, id, tolerance);
  },
  'adl.score.binance': ({ id, inputs, expected, tolerance }) => {
    // The forum post gives the margin ratio MM / (WB + uPnL) as the user saw it; MM is that ratio times the
    // margin balance, exactly, so the score is PnL% × marginRatio.
    const unrealizedPnl = decimal(inputs, 'unrealizedPnl', id);
    const walletBalance = decimal(inputs, 'walletBalance', id);
    const maintenanceMargin = decimal(inputs, 'marginRatio', id).mul(walletBalance.add(unrealizedPnl));
    const score = binanceAdlScore({ unrealizedPnl, walletBalance, maintenanceMargin }, Rational.ONE);
    expectDecimal(score, expected, id, tolerance);
  },
};

const adlVectors = vectors.filter((v) => v.kind.startsWith('adl.'));

test('the ADL vectors are all handled', () => {
  assert.ok(adlVectors.length > 0, 'no adl.* vectors found');
  const unhandled = adlVectors.filter((v) => !(v.kind in HANDLERS)).map((v) => `${v.id} (${v.kind})`);
  assert.deepEqual(unhandled, [], 'adl vectors without a handler');
});

for (const vector of adlVectors) {
  test(`vector ${vector.id}`, () => {
    const handler = HANDLERS[vector.kind];
    assert.ok(handler !== undefined, `no handler for ${vector.kind}`);
    handler(vector);
  });
}
