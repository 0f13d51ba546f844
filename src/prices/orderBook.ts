import {
  childPath,
  err,
  inputError,
  ok,
  type InputError,
  type Rational,
  type Result,
} from '../numbers/index.js';

/** One price level: `qty` contracts resting at `price` (quote per base coin). */
export interface BookLevel {
  readonly price: Rational;
  readonly qty: Rational;
}

/** A depth snapshot: bids best (highest) first, asks best (lowest) first, one level per price. */
export interface OrderBook {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/**
 * What one contract is worth. Linear: `contractSize` base coin per contract, so a level's notional in quote is
 * `qty × contractSize × price`. Inverse (BitMEX XBTUSD: 1 contract = 1 USD): `contractSize` quote per contract,
 * so a level's notional in the base coin is `qty × contractSize / price`.
 */
export type ContractKind =
  | { readonly kind: 'linear'; readonly contractSize: Rational }
  | { readonly kind: 'inverse'; readonly contractSize: Rational };

/** Most levels one side may hold (BitMEX's full XBTUSD book has about 5,500 bids; Binance serves at most 1,000). */
export const MAX_BOOK_LEVELS_PER_SIDE = 10_000;

/**
 * Checks a book before anything walks it: at most MAX_BOOK_LEVELS_PER_SIDE levels a side, positive prices and
 * quantities, strictly ordered sides (so no duplicate prices) and not crossed. Errors name the level
 * (`bids[3].price`, under `path`); an empty side is valid (impact prices then report missing depth).
 */
export function validateBook(book: OrderBook, path = ''): Result<OrderBook, InputError> {
  const bids = validateSide(book.bids, childPath(path, 'bids'), 'descending');
  if (!bids.ok) return bids;
  const asks = validateSide(book.asks, childPath(path, 'asks'), 'ascending');
  if (!asks.ok) return asks;
  const bestBid = book.bids[0];
  const bestAsk = book.asks[0];
  if (bestBid !== undefined && bestAsk !== undefined && bestBid.price.gte(bestAsk.price)) {
    const at = childPath(childPath(childPath(path, 'bids'), 0), 'price');
    return err(
      inputError(
        'crossed_book',
        `${at} ${formatPrice(bestBid.price)} is not below the best ask ${formatPrice(bestAsk.price)}: the book is crossed`,
        at,
      ),
    );
  }
  return ok(book);
}

function validateSide(
  levels: readonly BookLevel[],
  path: string,
  order: 'ascending' | 'descending',
): Result<null, InputError> {
  // The bound comes first so that nothing below walks an unbounded input.
  if (levels.length > MAX_BOOK_LEVELS_PER_SIDE) {
    return err(
      inputError('too_many_items', `${path} has more than ${MAX_BOOK_LEVELS_PER_SIDE} levels`, path),
    );
  }
  let previous: BookLevel | undefined;
  for (const [i, level] of levels.entries()) {
    const at = childPath(path, i);
    for (const field of ['price', 'qty'] as const) {
      if (level[field].sign() <= 0) {
        const fieldPath = childPath(at, field);
        return err(inputError('not_positive', `${fieldPath} must be positive`, fieldPath));
      }
    }
    if (previous !== undefined) {
      const step = level.price.cmp(previous.price);
      const pricePath = childPath(at, 'price');
      if (step === 0) {
        return err(
          inputError(
            'duplicate_level',
            `${pricePath} ${formatPrice(level.price)} repeats the price of ${childPath(path, i - 1)}`,
            pricePath,
          ),
        );
      }
      if (step > 0 !== (order === 'ascending')) {
        return err(
          inputError(
            'unsorted_levels',
            `${pricePath} ${formatPrice(level.price)} is out of order: ${path} must be ${order} in price`,
            pricePath,
          ),
        );
      }
    }
    previous = level;
  }
  return ok(null);
}

function formatPrice(price: Rational): string {
  return price.format('halfEven', 12, 0);
}
