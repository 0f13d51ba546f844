import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { AssertionError, Rational } from '../../src/numbers/index.js';
import { impactPrice, impactPrices, type ImpactResult, type ImpactSide } from '../../src/prices/impact.js';
import {
  validateBook,
  type BookLevel,
  type ContractKind,
  type OrderBook,
} from '../../src/prices/orderBook.js';
import { premiumIndex } from '../../src/prices/premium.js';
import {
  loadBinanceDepthSnapshot,
  loadBitmexXbtusdBook,
  type BinanceDepthSnapshot,
  type BitmexBookSnapshot,
} from '../../src/simulator/orderBookSnapshots.js';

const LINEAR: ContractKind = { kind: 'linear', contractSize: Rational.ONE };
const INVERSE: ContractKind = { kind: 'inverse', contractSize: Rational.ONE };

function level(price: Rational | bigint, qty: Rational | bigint): BookLevel {
  return {
    price: typeof price === 'bigint' ? Rational.fromInt(price) : price,
    qty: typeof qty === 'bigint' ? Rational.fromInt(qty) : qty,
  };
}

function priced(result: ImpactResult): { price: Rational; levelsUsed: number } {
  if (result.status !== 'ok') assert.fail(`expected an impact price, got ${result.status}`);
  return result;
}

function levelNotional(l: BookLevel, contract: ContractKind): Rational {
  const contracts = l.qty.mul(contract.contractSize);
  return contract.kind === 'linear' ? contracts.mul(l.price) : contracts.div(l.price);
}

function sideNotional(levels: readonly BookLevel[], contract: ContractKind): Rational {
  return levels.reduce((sum, l) => sum.add(levelNotional(l, contract)), Rational.ZERO);
}

// ---------------------------------------------------------------------------------------------------------
// Small hand-checked books

test('linear: a partly used second level averages quote over base', () => {
  const book: OrderBook = {
    bids: [level(100n, 2n), level(90n, 10n)],
    asks: [level(101n, 1n), level(110n, 5n)],
  };
  // Sell 290 USDT: 200 at 100 (2 coins), 90 at 90 (1 coin) → 290 / 3.
  const bid = priced(impactPrice(book, 'bid', Rational.fromInt(290n), LINEAR));
  assert.ok(bid.price.eq(Rational.of(290n, 3n)));
  assert.equal(bid.levelsUsed, 2);
  // Buy 211 USDT: 101 at 101 (1 coin), 110 at 110 (1 coin) → 105.5.
  const ask = priced(impactPrice(book, 'ask', Rational.fromInt(211n), LINEAR));
  assert.ok(ask.price.eq(Rational.of(211n, 2n)));
  assert.equal(ask.levelsUsed, 2);
});

test('inverse: coin notional, harmonic average of the contracts filled', () => {
  // 300 one-USD contracts at 100 (3 coin) and 100 at 50 (2 coin).
  const bidBook: OrderBook = { bids: [level(100n, 300n), level(50n, 100n)], asks: [] };
  assert.ok(validateBook(bidBook).ok);
  const bid = priced(impactPrice(bidBook, 'bid', Rational.fromInt(4n), INVERSE));
  // 3 coin at 100 (300 USD) + 1 coin at 50 (50 USD) → 350 / 4.
  assert.ok(bid.price.eq(Rational.of(350n, 4n)));
  assert.equal(bid.levelsUsed, 2);
  // Contract size scales the depth: 10 USD contracts.
  const tenUsd: ContractKind = { kind: 'inverse', contractSize: Rational.fromInt(10n) };
  const small = priced(impactPrice(bidBook, 'bid', Rational.fromInt(31n), tenUsd));
  // 30 coin at 100 (3000 USD) + 1 coin at 50 (50 USD) → 3050 / 31.
  assert.ok(small.price.eq(Rational.of(3050n, 31n)));
});

test('a notional that exactly exhausts a level uses no further level', () => {
  const book: OrderBook = { bids: [level(100n, 2n), level(90n, 10n)], asks: [] };
  const bid = priced(impactPrice(book, 'bid', Rational.fromInt(200n), LINEAR));
  assert.ok(bid.price.eq(Rational.fromInt(100n)));
  assert.equal(bid.levelsUsed, 1);
  const all = priced(impactPrice(book, 'bid', Rational.fromInt(1100n), LINEAR));
  assert.equal(all.levelsUsed, 2);
  assert.ok(all.price.eq(Rational.of(1100n, 12n)));
});

test('a thin or empty side reports insufficient depth with what it holds', () => {
  const book: OrderBook = { bids: [level(100n, 2n), level(90n, 10n)], asks: [] };
  const thin = impactPrice(book, 'bid', Rational.of(11001n, 10n), LINEAR);
  if (thin.status !== 'insufficient_depth') assert.fail('expected insufficient depth');
  assert.ok(thin.available.eq(Rational.fromInt(1100n)));
  assert.equal(thin.complete, false);
  const empty = impactPrice(book, 'ask', Rational.ONE, LINEAR);
  assert.ok(empty.status === 'insufficient_depth' && empty.available.isZero());
});

test('impactPrices gives a premium only with an index and depth on both sides', () => {
  const book: OrderBook = { bids: [level(100n, 2n)], asks: [level(102n, 2n)] };
  const n = Rational.fromInt(100n);
  assert.equal(impactPrices(book, n, LINEAR).premium, null);
  const above = impactPrices(book, n, LINEAR, Rational.fromInt(98n)).premium;
  assert.ok(above?.eq(Rational.of(2n, 98n)));
  const inside = impactPrices(book, n, LINEAR, Rational.fromInt(101n)).premium;
  assert.ok(inside?.isZero());
  const below = impactPrices(book, n, LINEAR, Rational.fromInt(104n));
  assert.ok(below.premium?.eq(Rational.of(-2n, 104n)));
  assert.ok(
    below.premium?.eq(premiumIndex(priced(below.bid).price, priced(below.ask).price, Rational.fromInt(104n))),
  );
  const thin = impactPrices(book, Rational.fromInt(1000n), LINEAR, Rational.fromInt(101n));
  assert.equal(thin.premium, null);
  assert.equal(thin.bid.status, 'insufficient_depth');
});

test('bugs stop: non-positive notional or contract size, or a book that skipped validation', () => {
  const book: OrderBook = { bids: [level(100n, 2n), level(101n, 1n)], asks: [level(102n, 2n)] };
  assert.throws(() => impactPrice(book, 'ask', Rational.ZERO, LINEAR), AssertionError);
  assert.throws(
    () => impactPrice(book, 'ask', Rational.ONE, { kind: 'linear', contractSize: Rational.ZERO }),
    AssertionError,
  );
  assert.throws(() => impactPrice(book, 'bid', Rational.fromInt(300n), LINEAR), AssertionError);
  assert.throws(
    () => impactPrice({ bids: [level(1n, 0n)], asks: [] }, 'bid', Rational.ONE, LINEAR),
    AssertionError,
  );
});

// ---------------------------------------------------------------------------------------------------------
// Properties on random books

/** A reference walk written differently: decrement the remaining notional, taking min(level, remaining). */
function naiveImpact(
  levels: readonly BookLevel[],
  notional: Rational,
  contract: ContractKind,
): Rational | null {
  let remaining = notional;
  let counter = Rational.ZERO;
  for (const l of levels) {
    const whole = levelNotional(l, contract);
    const take = whole.lt(remaining) ? whole : remaining;
    counter = counter.add(contract.kind === 'linear' ? take.div(l.price) : take.mul(l.price));
    remaining = remaining.sub(take);
    if (remaining.isZero()) return contract.kind === 'linear' ? notional.div(counter) : counter.div(notional);
  }
  return null;
}

const contractArb = fc.record({
  kind: fc.constantFrom<'linear' | 'inverse'>('linear', 'inverse'),
  contractSize: fc.constantFrom(Rational.ONE, Rational.of(1n, 1000n), Rational.fromInt(100n)),
});

const bookArb = fc
  .record({
    bidTicks: fc.uniqueArray(fc.bigInt({ min: 1n, max: 5_000n }), { minLength: 1, maxLength: 25 }),
    askTicks: fc.uniqueArray(fc.bigInt({ min: 5_001n, max: 10_000n }), { minLength: 1, maxLength: 25 }),
    qtys: fc.array(fc.bigInt({ min: 1n, max: 10_000n }), { minLength: 50, maxLength: 50 }),
    priceScale: fc.constantFrom(0n, 1n, 2n),
  })
  .map(({ bidTicks, askTicks, qtys, priceScale }): OrderBook => {
    const toLevel = (tick: bigint, i: number): BookLevel =>
      level(Rational.of(tick, 10n ** priceScale), Rational.of(qtys[i] ?? 1n, 10n));
    return {
      bids: [...bidTicks].sort((a, b) => (a < b ? 1 : -1)).map(toLevel),
      asks: [...askTicks].sort((a, b) => (a < b ? -1 : 1)).map((t, i) => toLevel(t, 25 + i)),
    };
  });

/** Impact notionals as a fraction (permille, up to 120 %) of a side's depth, so both outcomes appear. */
const permilleArb = fc.integer({ min: 1, max: 1200 });

function sideOf(book: OrderBook, side: ImpactSide): readonly BookLevel[] {
  return side === 'bid' ? book.bids : book.asks;
}

test('property: agrees exactly with a naive walk; depth is reported iff the notional exceeds it', () => {
  fc.assert(
    fc.property(
      bookArb,
      contractArb,
      permilleArb,
      fc.constantFrom<ImpactSide>('bid', 'ask'),
      (book, contract, permille, side) => {
        assert.ok(validateBook(book).ok);
        const levels = sideOf(book, side);
        const depth = sideNotional(levels, contract);
        const notional = depth.mul(Rational.of(BigInt(permille), 1000n));
        const result = impactPrice(book, side, notional, contract);
        const expected = naiveImpact(levels, notional, contract);
        if (expected === null) {
          assert.ok(notional.gt(depth));
          assert.ok(result.status === 'insufficient_depth' && result.available.eq(depth));
          return;
        }
        const got = priced(result);
        assert.ok(got.price.eq(expected), `${got.price.format('halfEven')} ≠ ${expected.format('halfEven')}`);
        // levelsUsed is the fewest levels whose depth covers the notional.
        assert.ok(sideNotional(levels.slice(0, got.levelsUsed), contract).gte(notional));
        assert.ok(sideNotional(levels.slice(0, got.levelsUsed - 1), contract).lt(notional));
      },
    ),
    { seed: 4102, numRuns: 400 },
  );
});

test('property: the impact bid lies in [worst used bid, best bid], the impact ask in [best ask, worst used ask]', () => {
  fc.assert(
    fc.property(bookArb, contractArb, permilleArb, (book, contract, permille) => {
      for (const side of ['bid', 'ask'] as const) {
        const levels = sideOf(book, side);
        const notional = sideNotional(levels, contract).mul(
          Rational.of(BigInt(Math.min(permille, 1000)), 1000n),
        );
        const { price, levelsUsed } = priced(impactPrice(book, side, notional, contract));
        const best = levels[0]?.price;
        const worst = levels[levelsUsed - 1]?.price;
        assert.ok(best !== undefined && worst !== undefined);
        if (side === 'bid') assert.ok(price.lte(best) && price.gte(worst));
        else assert.ok(price.gte(best) && price.lte(worst));
      }
    }),
    { seed: 4103, numRuns: 300 },
  );
});

test('property: a bigger impact notional never gives a better price', () => {
  fc.assert(
    fc.property(bookArb, contractArb, permilleArb, permilleArb, (book, contract, a, b) => {
      const [small, large] = a <= b ? [a, b] : [b, a];
      for (const side of ['bid', 'ask'] as const) {
        const depth = sideNotional(sideOf(book, side), contract);
        const first = impactPrice(book, side, depth.mul(Rational.of(BigInt(small), 1000n)), contract);
        const second = impactPrice(book, side, depth.mul(Rational.of(BigInt(large), 1000n)), contract);
        if (first.status !== 'ok' || second.status !== 'ok') {
          // Depth runs out at the larger notional first, never at the smaller one alone.
          assert.ok(second.status === 'insufficient_depth');
          continue;
        }
        if (side === 'bid') assert.ok(second.price.lte(first.price));
        else assert.ok(second.price.gte(first.price));
        assert.ok(second.levelsUsed >= first.levelsUsed);
      }
    }),
    { seed: 4104, numRuns: 300 },
  );
});

test('property: a single-level book fills at that level’s price, linear and inverse', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: 10n ** 9n }),
      fc.bigInt({ min: 1n, max: 10n ** 9n }),
      contractArb,
      fc.integer({ min: 1, max: 1000 }),
      (priceTicks, qty, contract, permille) => {
        const only = level(Rational.of(priceTicks, 100n), Rational.fromInt(qty));
        const book: OrderBook = { bids: [only], asks: [only] };
        const notional = levelNotional(only, contract).mul(Rational.of(BigInt(permille), 1000n));
        for (const side of ['bid', 'ask'] as const) {
          const got = priced(impactPrice(book, side, notional, contract));
          assert.ok(got.price.eq(only.price));
          assert.equal(got.levelsUsed, 1);
        }
      },
    ),
    { seed: 4105, numRuns: 300 },
  );
});

// ---------------------------------------------------------------------------------------------------------
// Real books (issue 4): every figure against an independent decimal.js calculation

/** 40 significant digits: far beyond the 1e-12 relative agreement required. */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
type Dec = InstanceType<typeof D>;
const TOLERANCE = new D('1e-12');

interface RefLevel {
  readonly price: Dec;
  readonly qty: Dec;
}

type RefResult = { readonly price: Dec; readonly levelsUsed: number } | { readonly available: Dec };

/**
 * Independent impact price: prefix sums of notional and contracts, a binary search for the first level whose
 * cumulative notional reaches the target, then the part of that level still missing.
 */
function referenceImpact(levels: readonly RefLevel[], notional: Dec, kind: 'linear' | 'inverse'): RefResult {
  const notionals = levels.map((l) => (kind === 'linear' ? l.qty.mul(l.price) : l.qty.div(l.price)));
  const cumulative: Dec[] = [];
  const contracts: Dec[] = [];
  notionals.forEach((n, i) => {
    cumulative.push((cumulative[i - 1] ?? new D(0)).add(n));
    contracts.push((contracts[i - 1] ?? new D(0)).add(levels[i]?.qty ?? 0));
  });
  const total = cumulative[cumulative.length - 1] ?? new D(0);
  if (total.lt(notional)) return { available: total };
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((cumulative[mid] ?? total).gte(notional)) hi = mid;
    else lo = mid + 1;
  }
  const crossing = levels[lo];
  assert.ok(crossing !== undefined);
  const missing = notional.sub(cumulative[lo - 1] ?? 0);
  const before = contracts[lo - 1] ?? new D(0);
  const price =
    kind === 'linear'
      ? notional.div(before.add(missing.div(crossing.price)))
      : before.add(missing.mul(crossing.price)).div(notional);
  return { price, levelsUsed: lo + 1 };
}

function referencePremium(bid: Dec, ask: Dec, index: Dec): Dec {
  return D.max(0, bid.sub(index))
    .sub(D.max(0, index.sub(ask)))
    .div(index);
}

function dec(value: Rational): Dec {
  return new D(value.num.toString()).div(value.den.toString());
}

function assertClose(actual: Rational, expected: Dec, what: string): void {
  if (expected.isZero()) {
    assert.ok(actual.isZero(), `${what}: ${actual.format('halfEven')} ≠ 0`);
    return;
  }
  const relative = dec(actual).sub(expected).div(expected).abs();
  assert.ok(
    relative.lte(TOLERANCE),
    `${what}: ${actual.format('halfEven')} vs ${expected.toString()} (rel ${relative.toString()})`,
  );
}

interface RealCase {
  readonly name: string;
  readonly book: OrderBook;
  readonly contract: ContractKind;
  readonly bids: readonly RefLevel[];
  readonly asks: readonly RefLevel[];
}

/** Checks both impact prices and the premium at the mid and at the mid ±0.1 %; returns them for sign checks. */
function checkAgainstReference(
  c: RealCase,
  notionalText: string,
): { bid: ImpactResult; ask: ImpactResult; premiums: (Rational | null)[] } {
  // The reference counts contracts as coin (linear) or USD (inverse): true for these venues' size-1 contracts.
  assert.ok(c.contract.contractSize.eq(Rational.ONE));
  const notional = rationalOf(notionalText);
  const bestBid = c.book.bids[0];
  const bestAsk = c.book.asks[0];
  assert.ok(bestBid !== undefined && bestAsk !== undefined);
  const mid = bestBid.price.add(bestAsk.price).div(Rational.fromInt(2n));
  const indices = [mid, mid.mul(Rational.of(999n, 1000n)), mid.mul(Rational.of(1001n, 1000n))];
  const refMid = c.bids[0]?.price.add(c.asks[0]?.price ?? 0).div(2) ?? new D(0);
  const refIndices = [refMid, refMid.mul('0.999'), refMid.mul('1.001')];
  const first = impactPrices(c.book, notional, c.contract, mid);
  const refBid = referenceImpact(c.bids, new D(notionalText), c.contract.kind);
  const refAsk = referenceImpact(c.asks, new D(notionalText), c.contract.kind);
  for (const [side, got, ref] of [
    ['bid', first.bid, refBid],
    ['ask', first.ask, refAsk],
  ] as const) {
    const what = `${c.name} ${notionalText} impact ${side}`;
    if ('available' in ref) {
      assert.ok(got.status === 'insufficient_depth', `${what}: expected insufficient depth`);
      assertClose(got.available, ref.available, `${what} available`);
    } else {
      assert.ok(got.status === 'ok', `${what}: expected a price`);
      assertClose(got.price, ref.price, what);
      assert.equal(got.levelsUsed, ref.levelsUsed, `${what} levels used`);
    }
  }
  // The walk does not depend on the index: the shifted indices reuse it through premiumIndex.
  const premiums = indices.map((index, i) => {
    const refIndex = refIndices[i];
    assert.ok(refIndex !== undefined);
    const premium =
      i === 0
        ? first.premium
        : first.bid.status === 'ok' && first.ask.status === 'ok'
          ? premiumIndex(first.bid.price, first.ask.price, index)
          : null;
    if ('available' in refBid || 'available' in refAsk) assert.equal(premium, null);
    else {
      assert.ok(premium !== null);
      assertClose(
        premium,
        referencePremium(refBid.price, refAsk.price, refIndex),
        `${c.name} ${notionalText} premium`,
      );
    }
    return premium;
  });
  return { bid: first.bid, ask: first.ask, premiums };
}

function rationalOf(text: string): Rational {
  const d = new D(text);
  assert.ok(d.isInteger(), 'impact notionals in these tests are whole');
  return Rational.fromInt(BigInt(d.toFixed(0)));
}

function readRepoFile(name: string): string {
  return readFileSync(new URL(`../../data/orderbook-snapshots/${name}`, import.meta.url), 'utf8');
}

const BITMEX_FILE = 'bitmex_XBTUSD_orderBookL2_2021-07-22.json';

interface RawBitmexEntry {
  readonly side: 'Buy' | 'Sell';
  readonly size: number;
  readonly price: number;
}

/**
 * The reference reads the raw partial itself (JSON.parse is exact here: every number in the file has at most
 * 8 significant digits) rather than the loader's book.
 */
function bitmexPartialCase(snapshot: BitmexBookSnapshot): RealCase {
  const raw = JSON.parse(readRepoFile(BITMEX_FILE)) as { partial: { data: RawBitmexEntry[] } };
  const side = (which: 'Buy' | 'Sell'): RefLevel[] =>
    raw.partial.data
      .filter((e) => e.side === which)
      .map((e) => ({ price: new D(String(e.price)), qty: new D(String(e.size)) }))
      .sort((a, b) => (which === 'Buy' ? b.price.cmp(a.price) : a.price.cmp(b.price)));
  return {
    name: 'BitMEX XBTUSD partial',
    book: snapshot.partial,
    contract: snapshot.contract,
    bids: side('Buy'),
    asks: side('Sell'),
  };
}

function binanceCase(name: string, file: string, snapshot: BinanceDepthSnapshot): RealCase {
  const raw = JSON.parse(readRepoFile(file)) as {
    body: { bids: [string, string][]; asks: [string, string][] };
  };
  const side = (levels: [string, string][]): RefLevel[] =>
    levels.map(([p, q]) => ({ price: new D(p), qty: new D(q) }));
  return {
    name,
    book: snapshot.book,
    contract: snapshot.contract,
    bids: side(raw.body.bids),
    asks: side(raw.body.asks),
  };
}

function loadedBitmex(): BitmexBookSnapshot {
  const loaded = loadBitmexXbtusdBook(readRepoFile(BITMEX_FILE));
  if (!loaded.ok) assert.fail(loaded.error.message);
  return loaded.value;
}

function loadedBinance(file: string): BinanceDepthSnapshot {
  const loaded = loadBinanceDepthSnapshot(readRepoFile(file));
  if (!loaded.ok) assert.fail(loaded.error.message);
  return loaded.value;
}

test('BitMEX XBTUSD (inverse): impact bid/ask and premium for 1 to 20,000 XBT agree with decimal.js', () => {
  const snapshot = loadedBitmex();
  const partial = bitmexPartialCase(snapshot);
  // 10 XBT is BitMEX's own impact notional; 1,000 XBT walks ~600/~800 levels; 5,000 XBT empties the asks
  // (2,714 XBT) but not the bids (13,107 XBT); 20,000 XBT empties both.
  for (const n of ['1', '100']) checkAgainstReference(partial, n);

  const { bid, ask, premiums } = checkAgainstReference(partial, '10');
  // 10 XBT is 321,800 USD, well inside the 1,046,200 contracts at the best bid.
  assert.ok(priced(bid).price.eq(Rational.fromInt(32180n)));
  assert.equal(priced(bid).levelsUsed, 1);
  assert.equal(priced(ask).levelsUsed, 5);
  // Mid inside the impact prices: zero; index 0.1 % below: positive; 0.1 % above: negative.
  assert.deepEqual(
    premiums.map((p) => p?.sign()),
    [0, 1, -1],
  );
  const deep = checkAgainstReference(partial, '1000');
  assert.ok(priced(deep.bid).levelsUsed > 500 && priced(deep.ask).levelsUsed > 500);
  const five = checkAgainstReference(partial, '5000');
  assert.equal(five.bid.status, 'ok');
  assert.equal(five.ask.status, 'insufficient_depth');
  const huge = checkAgainstReference(partial, '20000');
  assert.deepEqual([huge.bid.status, huge.ask.status], ['insufficient_depth', 'insufficient_depth']);

  // The book after the file's 30 s of deltas; its reference levels come from the loader (the replay itself is
  // checked independently in test/simulator/orderBookSnapshots.test.ts).
  const toRef = (levels: readonly BookLevel[]): RefLevel[] =>
    levels.map((l) => ({ price: dec(l.price), qty: dec(l.qty) }));
  const final: RealCase = {
    name: 'BitMEX XBTUSD final',
    book: snapshot.final,
    contract: snapshot.contract,
    bids: toRef(snapshot.final.bids),
    asks: toRef(snapshot.final.asks),
  };
  for (const n of ['10', '1000']) checkAgainstReference(final, n);
});

/**
 * Binance's impact notional is 200 USDT / IMR at the top tier (RULEBOOK.md §3). SUSHIUSDT's top tier is 50×
 * in the repository's 2024-10-24 bracket dump (IMR 2 %), so 10,000 USDT; the 2021 bracket may have differed.
 */
const SUSHI_IMPACT_USDT = '10000';

test('the SUSHIUSDT impact notional follows from the bracket dump in the repository', () => {
  const dump = JSON.parse(
    readFileSync(
      new URL('../../data/binance-leverage-brackets/binance_leverage_tiers_2024-10-24.json', import.meta.url),
      'utf8',
    ),
  ) as Record<string, { info: { initialLeverage: string } }[]>;
  const leverage = dump['SUSHI/USDT:USDT']?.[0]?.info.initialLeverage;
  assert.equal(leverage, '50');
  assert.equal(new D(200).mul(leverage).toString(), SUSHI_IMPACT_USDT);
});

test('Binance SUSHIUSDT (linear): impact bid/ask and premium for 200 to 5,000,000 USDT agree with decimal.js', () => {
  const file = 'binance_usdm_SUSHIUSDT_depth1000_2021-07-22.json';
  const sushi = binanceCase('SUSHIUSDT', file, loadedBinance(file));
  // 1,000,000 USDT walks ~70 levels; 3,200,000 exceeds the bids (3.13 M) but not the asks (3.82 M).
  checkAgainstReference(sushi, '25000');
  const small = checkAgainstReference(sushi, '200');
  // 200 USDT fits in the 297 SUSHI at the best ask.
  assert.ok(priced(small.ask).price.eq(Rational.of(7612n, 1000n)));
  const { premiums } = checkAgainstReference(sushi, SUSHI_IMPACT_USDT);
  assert.deepEqual(
    premiums.map((p) => p?.sign()),
    [0, 1, -1],
  );
  const deep = checkAgainstReference(sushi, '1000000');
  assert.ok(priced(deep.bid).levelsUsed > 50 && priced(deep.ask).levelsUsed > 50);
  const thin = checkAgainstReference(sushi, '3200000');
  assert.equal(thin.bid.status, 'insufficient_depth');
  assert.ok(priced(thin.ask).levelsUsed > 900);
  const huge = checkAgainstReference(sushi, '5000000');
  assert.deepEqual([huge.bid.status, huge.ask.status], ['insufficient_depth', 'insufficient_depth']);
});

test('the other Binance depth snapshots (AKRO, CTK, KEEP) agree with decimal.js too', () => {
  for (const symbol of ['AKROUSDT', 'CTKUSDT', 'KEEPUSDT']) {
    const file = `binance_usdm_${symbol}_depth1000_2021-07-22.json`;
    const c = binanceCase(symbol, file, loadedBinance(file));
    for (const n of ['200', '10000', '500000', '3000000']) checkAgainstReference(c, n);
  }
});
