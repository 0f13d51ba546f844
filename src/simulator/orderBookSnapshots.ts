import {
  childPath,
  err,
  inputError,
  ok,
  parseExactJson,
  Rational,
  readArray,
  readDecimal,
  readEnum,
  readObject,
  type ExactJson,
  type InputError,
  type JsonObject,
  type Result,
} from '../numbers/index.js';
import {
  MAX_BOOK_LEVELS_PER_SIDE,
  validateBook,
  type BookLevel,
  type ContractKind,
  type OrderBook,
} from '../prices/index.js';

/**
 * Loaders for the real depth snapshots in `data/orderbook-snapshots/` (see its README): BitMEX XBTUSD
 * `orderBookL2` (a partial plus deltas) and Binance USDⓈ-M `GET /fapi/v1/depth`. Numbers keep their source text
 * (parseExactJson, readDecimal), so no float64 rounding enters a level; a bad entry is an error naming it.
 */

/** BitMEX XBTUSD: inverse, one contract is 1 USD. */
export const BITMEX_XBTUSD_CONTRACT: ContractKind = { kind: 'inverse', contractSize: Rational.ONE };
/** Binance USDⓈ-M: linear, quantities are base coin. */
export const BINANCE_USDM_CONTRACT: ContractKind = { kind: 'linear', contractSize: Rational.ONE };

/** Most delta messages one BitMEX file may hold (the sample's 30 s has 1,299). */
export const MAX_BITMEX_DELTA_MESSAGES = 100_000;
/** Most entries one BitMEX message may carry: a partial carries both sides of the book. */
const MAX_ENTRIES_PER_MESSAGE = 2 * MAX_BOOK_LEVELS_PER_SIDE;

/** A BitMEX XBTUSD book as the file's partial gave it and after the file's deltas. */
export interface BitmexBookSnapshot {
  readonly contract: ContractKind;
  readonly partial: OrderBook;
  /** After every insert/update/delete message, in file order (the end of the recording). */
  readonly final: OrderBook;
  readonly deltaMessages: number;
}

/** A Binance USDⓈ-M depth snapshot. */
export interface BinanceDepthSnapshot {
  readonly contract: ContractKind;
  readonly book: OrderBook;
}

type BitmexSide = 'Buy' | 'Sell';
type BitmexAction = 'insert' | 'update' | 'delete';

interface BitmexLevel {
  readonly side: BitmexSide;
  readonly price: Rational;
  qty: Rational;
}

const BITMEX_FILE_KEYS = [
  'source',
  'exchange',
  'symbol',
  'captured_utc',
  'partial',
  'updates',
  'trades',
  'quotes',
];
const BITMEX_MESSAGE_KEYS = ['recv_ts', 'action', 'data'];
/** BitMEX L2 entries are keyed by `id`; a delete carries no size or price, an update no price (checked if sent). */
const BITMEX_ENTRY_KEYS: Record<'partial' | BitmexAction, readonly string[]> = {
  partial: ['symbol', 'id', 'side', 'size', 'price'],
  insert: ['symbol', 'id', 'side', 'size', 'price'],
  update: ['symbol', 'id', 'side', 'size', 'price'],
  delete: ['symbol', 'id', 'side'],
};
const BITMEX_SYMBOL = 'XBTUSD';

/** Loads a BitMEX XBTUSD orderBookL2 file: the partial's book and the book after its deltas (sizes in USD contracts). */
export function loadBitmexXbtusdBook(text: string): Result<BitmexBookSnapshot, InputError> {
  const root = parseJson(text);
  if (!root.ok) return root;
  const file = readObject(root.value, '', BITMEX_FILE_KEYS);
  if (!file.ok) return file;

  const levels = new Map<bigint, BitmexLevel>();
  const partial = readMessage(file.value.partial, 'partial', ['partial']);
  if (!partial.ok) return partial;
  for (const [i, entry] of partial.value.data.entries()) {
    const applied = applyEntry(levels, 'partial', entry, childPath('partial.data', i));
    if (!applied.ok) return applied;
  }
  const partialBook = toBook(levels, 'bookAfterPartial');
  if (!partialBook.ok) return partialBook;

  const updates = readArray(file.value.updates, 'updates', MAX_BITMEX_DELTA_MESSAGES);
  if (!updates.ok) return updates;
  for (const [m, value] of updates.value.entries()) {
    const at = childPath('updates', m);
    const message = readMessage(value, at, ['insert', 'update', 'delete']);
    if (!message.ok) return message;
    for (const [i, entry] of message.value.data.entries()) {
      const applied = applyEntry(levels, message.value.action, entry, childPath(childPath(at, 'data'), i));
      if (!applied.ok) return applied;
    }
  }
  const finalBook = toBook(levels, 'bookAfterUpdates');
  if (!finalBook.ok) return finalBook;
  return ok({
    contract: BITMEX_XBTUSD_CONTRACT,
    partial: partialBook.value,
    final: finalBook.value,
    deltaMessages: updates.value.length,
  });
}

function readMessage<A extends 'partial' | BitmexAction>(
  value: ExactJson | undefined,
  path: string,
  actions: readonly A[],
): Result<{ action: A; data: readonly ExactJson[] }, InputError> {
  const message = readObject(value, path, BITMEX_MESSAGE_KEYS);
  if (!message.ok) return message;
  const action = readEnum(message.value.action, childPath(path, 'action'), actions);
  if (!action.ok) return action;
  const data = readArray(message.value.data, childPath(path, 'data'), MAX_ENTRIES_PER_MESSAGE);
  if (!data.ok) return data;
  return ok({ action: action.value, data: data.value });
}

/** Applies one L2 entry to the levels by id; anything a real feed never sends is an error naming the entry. */
function applyEntry(
  levels: Map<bigint, BitmexLevel>,
  action: 'partial' | BitmexAction,
  value: ExactJson,
  path: string,
): Result<null, InputError> {
  const entry = readObject(value, path, BITMEX_ENTRY_KEYS[action]);
  if (!entry.ok) return entry;
  const fields = entry.value;
  const symbol = readEnum(fields.symbol, childPath(path, 'symbol'), [BITMEX_SYMBOL]);
  if (!symbol.ok) return symbol;
  const id = readWhole(fields.id, childPath(path, 'id'), 0n);
  if (!id.ok) return id;
  const side = readEnum(fields.side, childPath(path, 'side'), ['Buy', 'Sell'] as const);
  if (!side.ok) return side;
  const idPath = childPath(path, 'id');
  const existing = levels.get(id.value);

  if (action === 'partial' || action === 'insert') {
    if (existing !== undefined)
      return err(inputError('duplicate_id', `${idPath} ${id.value} is already in the book`, idPath));
    if (levels.size >= 2 * MAX_BOOK_LEVELS_PER_SIDE) {
      return err(
        inputError(
          'too_many_items',
          `${path} would take the book past ${MAX_BOOK_LEVELS_PER_SIDE} levels a side`,
          path,
        ),
      );
    }
    const price = readPositive(fields.price, childPath(path, 'price'));
    if (!price.ok) return price;
    const qty = readWhole(fields.size, childPath(path, 'size'), 1n);
    if (!qty.ok) return qty;
    levels.set(id.value, { side: side.value, price: price.value, qty: Rational.fromInt(qty.value) });
    return ok(null);
  }

  if (existing === undefined)
    return err(inputError('unknown_id', `${idPath} ${id.value} is not in the book`, idPath));
  if (existing.side !== side.value) {
    const sidePath = childPath(path, 'side');
    return err(inputError('side_mismatch', `${sidePath} differs from the side id ${id.value} has`, sidePath));
  }
  if (action === 'delete') {
    levels.delete(id.value);
    return ok(null);
  }
  if (fields.price !== undefined) {
    const price = readPositive(fields.price, childPath(path, 'price'));
    if (!price.ok) return price;
    if (!price.value.eq(existing.price)) {
      const pricePath = childPath(path, 'price');
      return err(
        inputError('price_mismatch', `${pricePath} differs from the price id ${id.value} has`, pricePath),
      );
    }
  }
  const qty = readWhole(fields.size, childPath(path, 'size'), 1n);
  if (!qty.ok) return qty;
  existing.qty = Rational.fromInt(qty.value);
  return ok(null);
}

/** Sorts the levels into a book and validates it; `path` names which book a failure is in. */
function toBook(levels: ReadonlyMap<bigint, BitmexLevel>, path: string): Result<OrderBook, InputError> {
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (const level of levels.values()) {
    (level.side === 'Buy' ? bids : asks).push({ price: level.price, qty: level.qty });
  }
  bids.sort((a, b) => b.price.cmp(a.price));
  asks.sort((a, b) => a.price.cmp(b.price));
  return validateBook({ bids, asks }, path);
}

const BINANCE_FILE_KEYS = ['source', 'url', 'recv_ts', 'captured_utc', 'body'];
const BINANCE_BODY_KEYS = ['lastUpdateId', 'E', 'T', 'bids', 'asks'];

/** Loads a Binance USDⓈ-M depth snapshot file (`body.bids/asks` as [price, qty] decimal strings; qty in base coin). */
export function loadBinanceDepthSnapshot(text: string): Result<BinanceDepthSnapshot, InputError> {
  const root = parseJson(text);
  if (!root.ok) return root;
  const file = readObject(root.value, '', BINANCE_FILE_KEYS);
  if (!file.ok) return file;
  const body = readObject(file.value.body, 'body', BINANCE_BODY_KEYS);
  if (!body.ok) return body;
  const bids = readBinanceSide(body.value, 'bids');
  if (!bids.ok) return bids;
  const asks = readBinanceSide(body.value, 'asks');
  if (!asks.ok) return asks;
  // File order is kept, so a validation path such as `body.bids[3].price` is the file's `body.bids[3][0]`.
  const book = validateBook({ bids: bids.value, asks: asks.value }, 'body');
  if (!book.ok) return book;
  return ok({ contract: BINANCE_USDM_CONTRACT, book: book.value });
}

function readBinanceSide(body: JsonObject, key: 'bids' | 'asks'): Result<BookLevel[], InputError> {
  const path = childPath('body', key);
  const side = readArray(body[key], path, MAX_BOOK_LEVELS_PER_SIDE);
  if (!side.ok) return side;
  const levels: BookLevel[] = [];
  for (const [i, value] of side.value.entries()) {
    const at = childPath(path, i);
    const pair = readArray(value, at, 2);
    if (!pair.ok) return pair;
    if (pair.value.length !== 2) return err(inputError('invalid_field', `${at} must be [price, qty]`, at));
    const price = readPositive(pair.value[0], childPath(at, 0));
    if (!price.ok) return price;
    const qty = readPositive(pair.value[1], childPath(at, 1));
    if (!qty.ok) return qty;
    levels.push({ price: price.value, qty: qty.value });
  }
  return ok(levels);
}

function parseJson(text: string): Result<ExactJson, InputError> {
  const parsed = parseExactJson(text);
  if (!parsed.ok) return err(inputError('invalid_json', `not valid JSON: ${parsed.error.message}`, ''));
  return parsed;
}

function readPositive(value: ExactJson | undefined, path: string): Result<Rational, InputError> {
  const decimal = readDecimal(value, path);
  if (!decimal.ok) return decimal;
  if (decimal.value.units <= 0n) return err(inputError('not_positive', `${path} must be positive`, path));
  return ok(Rational.fromDecimal(decimal.value));
}

/** A whole number at least `min` (ids from 0, contract sizes from 1). */
function readWhole(value: ExactJson | undefined, path: string, min: bigint): Result<bigint, InputError> {
  const decimal = readDecimal(value, path);
  if (!decimal.ok) return decimal;
  if (decimal.value.scale !== 0 || decimal.value.units < min)
    return err(inputError('invalid_number', `${path} must be a whole number of at least ${min}`, path));
  return ok(decimal.value.units);
}
