import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rational, type InputError } from '../../src/numbers/index.js';
import {
  MAX_BOOK_LEVELS_PER_SIDE,
  validateBook,
  type BookLevel,
  type OrderBook,
} from '../../src/prices/orderBook.js';

function level(price: bigint, qty: bigint): BookLevel {
  return { price: Rational.fromInt(price), qty: Rational.fromInt(qty) };
}

const VALID: OrderBook = {
  bids: [level(100n, 5n), level(99n, 1n), level(97n, 2n), level(90n, 7n)],
  asks: [level(101n, 3n), level(102n, 4n)],
};

function rejected(book: OrderBook, path = ''): InputError {
  const result = validateBook(book, path);
  if (result.ok) assert.fail('expected the book to be rejected');
  return result.error;
}

test('a well-formed book passes unchanged; empty sides are valid', () => {
  const result = validateBook(VALID);
  assert.ok(result.ok);
  assert.equal(result.value, VALID);
  assert.ok(validateBook({ bids: [], asks: [] }).ok);
  assert.ok(validateBook({ bids: VALID.bids, asks: [] }).ok);
});

test('non-positive prices and quantities are named by field', () => {
  const zeroPrice = rejected({ ...VALID, bids: [...VALID.bids.slice(0, 3), level(0n, 1n)] });
  assert.deepEqual([zeroPrice.code, zeroPrice.path], ['not_positive', 'bids[3].price']);
  assert.match(zeroPrice.message, /bids\[3\]\.price must be positive/);
  const negativeQty = rejected({ ...VALID, asks: [level(101n, -3n)] });
  assert.deepEqual([negativeQty.code, negativeQty.path], ['not_positive', 'asks[0].qty']);
  const zeroQty = rejected({ ...VALID, asks: [level(101n, 3n), level(105n, 0n)] });
  assert.equal(zeroQty.path, 'asks[1].qty');
});

test('unsorted and duplicate levels are rejected at the offending level', () => {
  const unsortedBids = rejected({ ...VALID, bids: [level(100n, 1n), level(98n, 1n), level(99n, 1n)] });
  assert.deepEqual([unsortedBids.code, unsortedBids.path], ['unsorted_levels', 'bids[2].price']);
  assert.match(unsortedBids.message, /descending/);
  const unsortedAsks = rejected({ ...VALID, asks: [level(103n, 1n), level(102n, 1n)] });
  assert.deepEqual([unsortedAsks.code, unsortedAsks.path], ['unsorted_levels', 'asks[1].price']);
  const duplicate = rejected({ ...VALID, asks: [level(101n, 1n), level(102n, 1n), level(102n, 9n)] });
  assert.deepEqual([duplicate.code, duplicate.path], ['duplicate_level', 'asks[2].price']);
  // Equal prices written differently (2/1 and 4/2) are still one price.
  const sameValue = rejected({
    bids: [
      { price: Rational.fromInt(2n), qty: Rational.ONE },
      { price: Rational.of(4n, 2n), qty: Rational.ONE },
    ],
    asks: [],
  });
  assert.equal(sameValue.code, 'duplicate_level');
});

test('a crossed or locked book is rejected', () => {
  const crossed = rejected({ bids: [level(102n, 1n)], asks: [level(101n, 1n)] });
  assert.deepEqual([crossed.code, crossed.path], ['crossed_book', 'bids[0].price']);
  assert.match(crossed.message, /102 is not below the best ask 101/);
  const locked = rejected({ bids: [level(101n, 1n)], asks: [level(101n, 1n)] });
  assert.equal(locked.code, 'crossed_book');
});

test('a side may hold MAX_BOOK_LEVELS_PER_SIDE levels and no more', () => {
  assert.equal(MAX_BOOK_LEVELS_PER_SIDE, 10_000);
  const asks = Array.from({ length: MAX_BOOK_LEVELS_PER_SIDE }, (_, i) => level(BigInt(1000 + i), 1n));
  assert.ok(validateBook({ bids: [], asks }).ok);
  const tooMany = rejected({ bids: [], asks: [...asks, level(1_000_000n, 1n)] });
  assert.deepEqual([tooMany.code, tooMany.path], ['too_many_items', 'asks']);
});

test('a path prefix is carried into every error path', () => {
  assert.equal(rejected({ bids: [level(100n, 0n)], asks: [] }, 'body').path, 'body.bids[0].qty');
  assert.equal(rejected({ bids: [level(2n, 1n)], asks: [level(1n, 1n)] }, 'book').path, 'book.bids[0].price');
});

test('property: random valid books pass; swapping two adjacent levels names the second', () => {
  const sideArb = fc.uniqueArray(fc.bigInt({ min: 1n, max: 10_000n }), { minLength: 2, maxLength: 40 });
  fc.assert(
    fc.property(sideArb, sideArb, fc.nat(), fc.boolean(), (bidTicks, askTicks, swapAt, swapBids) => {
      // Bids below 10,001 ticks and asks above, so the book is never crossed.
      const bids = [...bidTicks].sort((a, b) => (a < b ? 1 : -1)).map((t) => level(t, (t % 7n) + 1n));
      const asks = [...askTicks].sort((a, b) => (a < b ? -1 : 1)).map((t) => level(10_000n + t, 1n));
      assert.ok(validateBook({ bids, asks }).ok);
      const side = swapBids ? [...bids] : [...asks];
      const i = swapAt % (side.length - 1);
      const [first, second] = [side[i], side[i + 1]];
      assert.ok(first !== undefined && second !== undefined);
      side[i] = second;
      side[i + 1] = first;
      const error = rejected(swapBids ? { bids: side, asks } : { bids, asks: side });
      assert.deepEqual(
        [error.code, error.path],
        ['unsorted_levels', `${swapBids ? 'bids' : 'asks'}[${i + 1}].price`],
      );
    }),
    { seed: 4101, numRuns: 300 },
  );
});
