import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Rational, type InputError, type Result } from '../../src/numbers/index.js';
import type { BookLevel, OrderBook } from '../../src/prices/orderBook.js';
import {
  loadBinanceDepthSnapshot,
  loadBitmexXbtusdBook,
  type BinanceDepthSnapshot,
  type BitmexBookSnapshot,
} from '../../src/simulator/orderBookSnapshots.js';

function readRepoFile(name: string): string {
  return readFileSync(new URL(`../../data/orderbook-snapshots/${name}`, import.meta.url), 'utf8');
}

const BITMEX_TEXT = readRepoFile('bitmex_XBTUSD_orderBookL2_2021-07-22.json');
const SUSHI_TEXT = readRepoFile('binance_usdm_SUSHIUSDT_depth1000_2021-07-22.json');

function r(text: string): Rational {
  const [whole = '', fraction = ''] = text.split('.');
  return Rational.of(BigInt(whole + fraction), 10n ** BigInt(fraction.length));
}

function loaded<T>(result: Result<T, InputError>): T {
  if (!result.ok) assert.fail(`expected a load, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function rejected(result: Result<unknown, InputError>): InputError {
  if (result.ok) assert.fail('expected an error');
  return result.error;
}

function assertBest(book: OrderBook, bid: string, ask: string): void {
  assert.ok(book.bids[0]?.price.eq(r(bid)), `best bid ${book.bids[0]?.price.format('halfEven') ?? 'none'}`);
  assert.ok(book.asks[0]?.price.eq(r(ask)), `best ask ${book.asks[0]?.price.format('halfEven') ?? 'none'}`);
}

// ---------------------------------------------------------------------------------------------------------
// BitMEX XBTUSD orderBookL2

interface RawEntry {
  readonly id: number;
  readonly side: 'Buy' | 'Sell';
  readonly size?: number;
  readonly price?: number;
}
interface RawFile {
  readonly partial: { readonly data: RawEntry[] };
  readonly updates: { readonly action: 'insert' | 'update' | 'delete'; readonly data: RawEntry[] }[];
  readonly quotes: {
    readonly data: { bidPrice: number; askPrice: number; bidSize: number; askSize: number }[];
  }[];
}

/** Independent replay with plain numbers (exact here: every number in the file has at most 8 significant digits). */
function replay(raw: RawFile): { bids: [number, number][]; asks: [number, number][] } {
  const byId = new Map<number, { side: string; price: number; size: number }>();
  for (const e of raw.partial.data)
    byId.set(e.id, { side: e.side, price: e.price ?? NaN, size: e.size ?? NaN });
  for (const message of raw.updates) {
    for (const e of message.data) {
      const known = byId.get(e.id);
      if (message.action === 'insert')
        byId.set(e.id, { side: e.side, price: e.price ?? NaN, size: e.size ?? NaN });
      else if (message.action === 'delete') byId.delete(e.id);
      else if (known !== undefined) known.size = e.size ?? NaN;
    }
  }
  const side = (name: string, sign: number): [number, number][] =>
    [...byId.values()]
      .filter((l) => l.side === name)
      .map((l): [number, number] => [l.price, l.size])
      .sort((a, b) => sign * (a[0] - b[0]));
  return { bids: side('Buy', -1), asks: side('Sell', 1) };
}

function assertSameLevels(actual: readonly BookLevel[], expected: [number, number][], what: string): void {
  assert.equal(actual.length, expected.length, `${what} level count`);
  expected.forEach(([price, size], i) => {
    const level = actual[i];
    assert.ok(
      level !== undefined && level.price.eq(r(String(price))) && level.qty.eq(r(String(size))),
      `${what}[${i}]`,
    );
  });
}

test('BitMEX XBTUSD partial: the README facts (5,542 bids, 3,804 asks, best 32,180 / 32,180.5)', () => {
  const snapshot = loaded(loadBitmexXbtusdBook(BITMEX_TEXT));
  assert.equal(snapshot.contract.kind, 'inverse');
  assert.ok(snapshot.contract.contractSize.eq(Rational.ONE));
  assert.equal(snapshot.partial.bids.length, 5542);
  assert.equal(snapshot.partial.asks.length, 3804);
  assertBest(snapshot.partial, '32180', '32180.5');
  assert.equal(snapshot.deltaMessages, 1299);
  // Far levels are read exactly too: the 1,000,000 USD ask and the 0.5 USD bid at the ends of the book.
  assert.ok(snapshot.partial.asks.at(-1)?.price.eq(Rational.fromInt(1_000_000n)));
  assert.ok(snapshot.partial.bids.at(-1)?.price.eq(Rational.of(1n, 2n)));
  assert.ok(snapshot.partial.asks.some((l) => l.price.eq(r('961537.5'))));
});

test('BitMEX XBTUSD after the deltas equals an independent replay and the file’s last quote', () => {
  const snapshot = loaded(loadBitmexXbtusdBook(BITMEX_TEXT));
  const raw = JSON.parse(BITMEX_TEXT) as RawFile;
  const expected = replay(raw);
  assertSameLevels(snapshot.final.bids, expected.bids, 'final bids');
  assertSameLevels(snapshot.final.asks, expected.asks, 'final asks');
  assert.equal(snapshot.final.bids.length, 5557);
  assert.equal(snapshot.final.asks.length, 3795);
  // BitMEX's own quote channel, recorded in the same file, saw the same top of book at the end.
  const last = raw.quotes.at(-1)?.data.at(-1);
  assert.ok(last !== undefined);
  assertBest(snapshot.final, String(last.bidPrice), String(last.askPrice));
  assert.ok(snapshot.final.bids[0]?.qty.eq(Rational.fromInt(BigInt(last.bidSize))));
  assert.ok(snapshot.final.asks[0]?.qty.eq(Rational.fromInt(BigInt(last.askSize))));
  // The partial is untouched by the deltas.
  assert.equal(snapshot.partial.bids.length, 5542);
});

/** A small file in the BitMEX format; the tests below break one thing in it at a time. */
function miniBitmex(): {
  partial: { recv_ts: number; action: string; data: Record<string, unknown>[] };
  updates: { recv_ts: number; action: string; data: Record<string, unknown>[] }[];
} {
  const entry = (id: number, side: string, size: number, price: number): Record<string, unknown> => ({
    symbol: 'XBTUSD',
    id,
    side,
    size,
    price,
  });
  return {
    partial: {
      recv_ts: 1,
      action: 'partial',
      data: [
        entry(10, 'Sell', 300, 101),
        entry(11, 'Sell', 200, 100.5),
        entry(20, 'Buy', 100, 100),
        entry(21, 'Buy', 50, 99),
      ],
    },
    updates: [
      { recv_ts: 2, action: 'update', data: [{ symbol: 'XBTUSD', id: 20, side: 'Buy', size: 400 }] },
      { recv_ts: 3, action: 'insert', data: [entry(22, 'Buy', 70, 98.5)] },
      { recv_ts: 4, action: 'delete', data: [{ symbol: 'XBTUSD', id: 11, side: 'Sell' }] },
    ],
  };
}

function loadMini(
  edit: (file: ReturnType<typeof miniBitmex>) => void,
): Result<BitmexBookSnapshot, InputError> {
  const file = miniBitmex();
  edit(file);
  return loadBitmexXbtusdBook(JSON.stringify({ source: 'test', ...file }));
}

test('BitMEX deltas: update by id, insert, delete', () => {
  const snapshot = loaded(loadMini(() => undefined));
  assertSameLevels(
    snapshot.partial.bids,
    [
      [100, 100],
      [99, 50],
    ],
    'partial bids',
  );
  assertSameLevels(
    snapshot.partial.asks,
    [
      [100.5, 200],
      [101, 300],
    ],
    'partial asks',
  );
  assertSameLevels(
    snapshot.final.bids,
    [
      [100, 400],
      [99, 50],
      [98.5, 70],
    ],
    'final bids',
  );
  assertSameLevels(snapshot.final.asks, [[101, 300]], 'final asks');
  // An update may repeat the level's price (newer BitMEX feeds do); it must match.
  const withPrice = loaded(loadMini((f) => Object.assign(f.updates[0]?.data[0] ?? {}, { price: 100 })));
  assert.ok(withPrice.final.bids[0]?.qty.eq(Rational.fromInt(400n)));
});

test('BitMEX errors name the entry and field', () => {
  const cases: [string, (f: ReturnType<typeof miniBitmex>) => void, string, string][] = [
    [
      'update of an unknown id',
      (f) => Object.assign(f.updates[0]?.data[0] ?? {}, { id: 99 }),
      'unknown_id',
      'updates[0].data[0].id',
    ],
    [
      'delete of an unknown id',
      (f) => Object.assign(f.updates[2]?.data[0] ?? {}, { id: 99 }),
      'unknown_id',
      'updates[2].data[0].id',
    ],
    [
      'insert of a known id',
      (f) => Object.assign(f.updates[1]?.data[0] ?? {}, { id: 21 }),
      'duplicate_id',
      'updates[1].data[0].id',
    ],
    [
      'side changed by a delete',
      (f) => Object.assign(f.updates[2]?.data[0] ?? {}, { side: 'Buy' }),
      'side_mismatch',
      'updates[2].data[0].side',
    ],
    [
      'update moving the price',
      (f) => Object.assign(f.updates[0]?.data[0] ?? {}, { price: 97 }),
      'price_mismatch',
      'updates[0].data[0].price',
    ],
    [
      'zero size',
      (f) => Object.assign(f.updates[0]?.data[0] ?? {}, { size: 0 }),
      'invalid_number',
      'updates[0].data[0].size',
    ],
    [
      'fractional size',
      (f) => Object.assign(f.partial.data[2] ?? {}, { size: 1.5 }),
      'invalid_number',
      'partial.data[2].size',
    ],
    [
      'negative price',
      (f) => Object.assign(f.partial.data[1] ?? {}, { price: -100.5 }),
      'not_positive',
      'partial.data[1].price',
    ],
    ['missing price', (f) => delete f.partial.data[0]?.price, 'missing_field', 'partial.data[0].price'],
    [
      'another symbol',
      (f) => Object.assign(f.partial.data[0] ?? {}, { symbol: 'ETHUSD' }),
      'invalid_field',
      'partial.data[0].symbol',
    ],
    [
      'an unknown side',
      (f) => Object.assign(f.partial.data[0] ?? {}, { side: 'Ask' }),
      'invalid_field',
      'partial.data[0].side',
    ],
    [
      'an unknown key',
      (f) => Object.assign(f.partial.data[3] ?? {}, { sizee: 1 }),
      'unknown_field',
      'partial.data[3].sizee',
    ],
    [
      'a size on a delete',
      (f) => Object.assign(f.updates[2]?.data[0] ?? {}, { size: 1 }),
      'unknown_field',
      'updates[2].data[0].size',
    ],
    [
      'a partial among the updates',
      (f) => Object.assign(f.updates[1] ?? {}, { action: 'partial' }),
      'invalid_field',
      'updates[1].action',
    ],
    [
      'a crossed partial',
      (f) => Object.assign(f.partial.data[2] ?? {}, { price: 100.5 }),
      'crossed_book',
      'bookAfterPartial.bids[0].price',
    ],
    [
      'a crossing insert',
      (f) => Object.assign(f.updates[1]?.data[0] ?? {}, { price: 102 }),
      'crossed_book',
      'bookAfterUpdates.bids[0].price',
    ],
    [
      'two ids at one price',
      (f) => Object.assign(f.partial.data[3] ?? {}, { price: 100 }),
      'duplicate_level',
      'bookAfterPartial.bids[1].price',
    ],
  ];
  for (const [what, edit, code, path] of cases) {
    const error = rejected(loadMini(edit));
    assert.deepEqual([error.code, error.path], [code, path], `${what}: ${error.message}`);
    assert.ok(error.message.includes(path), `${what}: the message names ${path}`);
  }
  // Number text a float64 reader would change is refused (JSON.stringify cannot write it, so edit the text).
  const text = JSON.stringify({ source: 'test', ...miniBitmex() }).replace(
    '"price":101',
    '"price":9007199254740993',
  );
  assert.deepEqual(rejected(loadBitmexXbtusdBook(text)).path, 'partial.data[0].price');
  assert.equal(rejected(loadBitmexXbtusdBook('{"partial": ')).code, 'invalid_json');
  assert.equal(rejected(loadBitmexXbtusdBook('[]')).code, 'invalid_field');
});

test('the real BitMEX file with one entry broken gives an error naming it', () => {
  // The first delta of the file updates id 8796766500 (Sell); make it a Buy.
  const text = BITMEX_TEXT.replace(
    '"action": "update", "data": [{"symbol": "XBTUSD", "id": 8796766500, "side": "Sell"',
    '"action": "update", "data": [{"symbol": "XBTUSD", "id": 8796766500, "side": "Buy"',
  );
  assert.notEqual(text, BITMEX_TEXT);
  const error = rejected(loadBitmexXbtusdBook(text));
  assert.deepEqual([error.code, error.path], ['side_mismatch', 'updates[0].data[0].side']);
});

// ---------------------------------------------------------------------------------------------------------
// Binance USDⓈ-M depth

test('Binance SUSHIUSDT depth: the README facts (1,000 / 1,000 levels, best 7.6110 / 7.6120)', () => {
  const snapshot: BinanceDepthSnapshot = loaded(loadBinanceDepthSnapshot(SUSHI_TEXT));
  assert.equal(snapshot.contract.kind, 'linear');
  assert.ok(snapshot.contract.contractSize.eq(Rational.ONE));
  assert.equal(snapshot.book.bids.length, 1000);
  assert.equal(snapshot.book.asks.length, 1000);
  assertBest(snapshot.book, '7.6110', '7.6120');
  assert.ok(snapshot.book.bids[0]?.qty.eq(Rational.fromInt(6n)));
  assert.ok(snapshot.book.asks[0]?.qty.eq(Rational.fromInt(297n)));
  // Every level equals the file's strings read independently.
  const raw = JSON.parse(SUSHI_TEXT) as { body: { bids: [string, string][]; asks: [string, string][] } };
  for (const [side, levels] of [
    [snapshot.book.bids, raw.body.bids],
    [snapshot.book.asks, raw.body.asks],
  ] as const) {
    levels.forEach(([price, qty], i) => {
      assert.ok(side[i]?.price.eq(r(price)) && side[i].qty.eq(r(qty)), `level ${i}`);
    });
  }
});

test('the other Binance depth snapshots load (AKRO, CTK, KEEP)', () => {
  const expected: [string, number, number, string, string][] = [
    ['AKROUSDT', 609, 763, '0.01731', '0.01732'],
    ['CTKUSDT', 485, 744, '1.01', '1.011'],
    ['KEEPUSDT', 400, 612, '0.2463', '0.2464'],
  ];
  for (const [symbol, bids, asks, bestBid, bestAsk] of expected) {
    const snapshot = loaded(
      loadBinanceDepthSnapshot(readRepoFile(`binance_usdm_${symbol}_depth1000_2021-07-22.json`)),
    );
    assert.deepEqual([snapshot.book.bids.length, snapshot.book.asks.length], [bids, asks], symbol);
    assertBest(snapshot.book, bestBid, bestAsk);
  }
});

test('Binance errors name the level and field', () => {
  const cases: [string, string, string, string, string][] = [
    ['a bad price', '["7.6080", "161"]', '["7.6x80", "161"]', 'invalid_number', 'body.bids[1][0]'],
    ['a negative qty', '["7.6080", "161"]', '["7.6080", "-161"]', 'not_positive', 'body.bids[1][1]'],
    ['a zero qty', '["7.6080", "161"]', '["7.6080", "0"]', 'not_positive', 'body.bids[1][1]'],
    ['an exponent', '["7.6080", "161"]', '["7.6080", "1.61e2"]', 'invalid_number', 'body.bids[1][1]'],
    [
      'a level with three fields',
      '["7.6080", "161"]',
      '["7.6080", "161", "1"]',
      'too_many_items',
      'body.bids[1]',
    ],
    ['a level with one field', '["7.6080", "161"]', '["7.6080"]', 'invalid_field', 'body.bids[1]'],
    ['an unsorted level', '["7.6080", "161"]', '["7.6200", "161"]', 'unsorted_levels', 'body.bids[1].price'],
    ['a duplicate level', '["7.6080", "161"]', '["7.6110", "161"]', 'duplicate_level', 'body.bids[1].price'],
    ['a crossed book', '["7.6110", "6"]', '["7.6120", "6"]', 'crossed_book', 'body.bids[0].price'],
    ['a misspelt key', '"asks":', '"askz":', 'unknown_field', 'body.askz'],
  ];
  for (const [what, from, to, code, path] of cases) {
    const text = SUSHI_TEXT.replace(from, to);
    assert.notEqual(text, SUSHI_TEXT, what);
    const error = rejected(loadBinanceDepthSnapshot(text));
    assert.deepEqual([error.code, error.path], [code, path], `${what}: ${error.message}`);
  }
  assert.equal(rejected(loadBinanceDepthSnapshot('{"source": "x"}')).path, 'body');
  const tooMany = JSON.stringify({
    body: { bids: Array.from({ length: 10_001 }, (_, i) => [String(10_001 - i), '1']), asks: [] },
  });
  assert.deepEqual(rejected(loadBinanceDepthSnapshot(tooMany)).path, 'body.bids');
});

test('property: damaged files give a result, never an exception', () => {
  const mini = JSON.stringify({ source: 'test', ...miniBitmex() });
  const raw = JSON.parse(SUSHI_TEXT) as { body: { bids: unknown[]; asks: unknown[] } };
  const sushiTop = JSON.stringify({
    body: { bids: raw.body.bids.slice(0, 5), asks: raw.body.asks.slice(0, 5) },
  });
  assert.ok(loadBinanceDepthSnapshot(sushiTop).ok);
  const damage = fc.record({
    at: fc.nat(),
    cut: fc.integer({ min: 0, max: 8 }),
    insert: fc.constantFrom('', '0', '-', '.', '"', ',', ']', '}', '[', '{', 'e9', 'null', '"Buy"', '1.5'),
  });
  fc.assert(
    fc.property(damage, fc.boolean(), ({ at, cut, insert }, bitmex) => {
      const base = bitmex ? mini : sushiTop;
      const i = at % (base.length + 1);
      const text = base.slice(0, i) + insert + base.slice(i + cut);
      const result = bitmex ? loadBitmexXbtusdBook(text) : loadBinanceDepthSnapshot(text);
      if (!result.ok) assert.equal(typeof result.error.path, 'string');
    }),
    { seed: 4106, numRuns: 500 },
  );
});
