import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { floatScan, floatScanParts, type FloatBook } from '../../src/liquidation/floatScan.js';

const RATE_ONE = 100_000_000n;

/** A tier table in exact units (floors: value units; mmr: rate units; cum: value × rate units). */
interface ExactTable {
  readonly floors: bigint[];
  readonly mmr: bigint[];
  readonly cum: bigint[];
}

/** Cumulative tables (cum by the formula, continuous) or whole-position tables (cum 0, a jump at floors). */
const tableArb = fc
  .tuple(
    fc.array(fc.bigInt({ min: 1n, max: 10n ** 13n }), { minLength: 0, maxLength: 5 }),
    fc.array(fc.bigInt({ min: 1n, max: 5_000_000n }), { minLength: 6, maxLength: 6 }),
    fc.boolean(),
  )
  .map(([rawFloors, rawMmr, cumulative]): ExactTable => {
    const floors = [0n, ...[...new Set(rawFloors)].sort((a, b) => (a < b ? -1 : 1))];
    const mmr = rawMmr.slice(0, floors.length).sort((a, b) => (a < b ? -1 : 1));
    const cum: bigint[] = [0n];
    for (let k = 1; k < floors.length; k++)
      cum.push(
        cumulative ? (floors[k] ?? 0n) * ((mmr[k] ?? 0n) - (mmr[k - 1] ?? 0n)) + (cum[k - 1] ?? 0n) : 0n,
      );
    return { floors, mmr, cum };
  });

const unitArb = fc.record({
  balance: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 14n }),
  positions: fc.array(
    fc.record({
      long: fc.boolean(),
      qty: fc.bigInt({ min: 1n, max: 10n ** 7n }),
      entry: fc.bigInt({ min: 1n, max: 10n ** 9n }), // entry price, kernel units
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

function exactMargin(
  unit: { balance: bigint; positions: { long: boolean; qty: bigint; entry: bigint }[] },
  table: ExactTable,
  mark: bigint,
): bigint {
  let margin = unit.balance * RATE_ONE;
  for (const p of unit.positions) {
    const notional = p.qty * mark;
    let k = table.floors.length - 1;
    while (k > 0 && notional < (table.floors[k] ?? 0n)) k--;
    const pnl = p.long ? notional - p.qty * p.entry : p.qty * p.entry - notional;
    margin += pnl * RATE_ONE - (notional * (table.mmr[k] ?? 0n) - (table.cum[k] ?? 0n));
  }
  return margin;
}

test('float scan: never calls a healthy unit unhealthy, never misses an unhealthy one outside its band', () => {
  fc.assert(
    fc.property(
      tableArb,
      fc.array(unitArb, { minLength: 1, maxLength: 30 }),
      fc.bigInt({ min: 1n, max: 10n ** 9n }),
      fc.boolean(),
      (table, units, markSeed, onFloor) => {
        // Half the runs put the mark so a position's notional sits exactly on a tier floor.
        const first = units[0]?.positions[0];
        const floor = table.floors[table.floors.length - 1] ?? 0n;
        const mark =
          onFloor && first !== undefined && floor % first.qty === 0n && floor > 0n
            ? floor / first.qty
            : markSeed;
        const n = units.reduce((s, u) => s + u.positions.length, 0);
        const book: FloatBook = {
          unitOf: new Int32Array(n),
          qty: new Float64Array(n),
          entryValue: new Float64Array(n),
          instrument: new Int32Array(n),
          balance: Float64Array.from(units, (u) => Number(u.balance)),
          tables: [
            {
              floors: Float64Array.from(table.floors, Number),
              mmr: Float64Array.from(table.mmr, (m) => Number(m) / Number(RATE_ONE)),
              cum: Float64Array.from(table.cum, (c) => Number(c) / Number(RATE_ONE)),
            },
          ],
        };
        let i = 0;
        units.forEach((u, unit) => {
          for (const p of u.positions) {
            book.unitOf[i] = unit;
            book.qty[i] = p.long ? Number(p.qty) : -Number(p.qty);
            book.entryValue[i] = (p.long ? 1 : -1) * Number(p.qty * p.entry);
            i++;
          }
        });
        const marks = new Float64Array([Number(mark)]);
        const result = floatScan(book, n, marks);
        // Split on unit boundaries (as threads scan it), the parts cover every position once, in order, and
        // their results concatenated are the full scan's.
        for (const count of [2, 3, 7]) {
          const parts = floatScanParts(book, n, count);
          assert.ok(parts.length <= count);
          assert.deepEqual(
            parts.map(([from]) => from),
            [0, ...parts.slice(0, -1).map(([, to]) => to)],
          );
          assert.equal(parts.at(-1)?.[1], n);
          for (const [from] of parts) assert.ok(from === 0 || book.unitOf[from] !== book.unitOf[from - 1]);
          const pieces = parts.map(([from, to]) => floatScan(book, to, marks, from));
          assert.deepEqual(
            pieces.flatMap((p) => p.unhealthy),
            result.unhealthy,
          );
          assert.deepEqual(
            pieces.flatMap((p) => p.borderline),
            result.borderline,
          );
        }
        const unhealthy = new Set(result.unhealthy);
        const borderline = new Set(result.borderline);
        units.forEach((u, unit) => {
          const exactUnhealthy = exactMargin(u, table, mark) <= 0n;
          if (unhealthy.has(unit)) assert.ok(exactUnhealthy, `unit ${unit} called unhealthy but is healthy`);
          if (exactUnhealthy) assert.ok(unhealthy.has(unit) || borderline.has(unit), `unit ${unit} missed`);
        });
      },
    ),
    { numRuns: 2000 },
  );
});

test('float scan: a unit exactly at maintenance is never decided healthy by the float alone', () => {
  // Balance 4, one long of 1,000 units entered at 10 and marked at 10 with mmr 0.0004: MM = 4, equity = 4.
  const book: FloatBook = {
    unitOf: new Int32Array([0]),
    qty: new Float64Array([1000]),
    entryValue: new Float64Array([10_000]),
    instrument: new Int32Array([0]),
    balance: new Float64Array([4]),
    tables: [{ floors: new Float64Array([0]), mmr: new Float64Array([0.0004]), cum: new Float64Array([0]) }],
  };
  const result = floatScan(book, 1, new Float64Array([10]));
  assert.deepEqual([...result.unhealthy, ...result.borderline], [0]);
});

test('float scan: a partial scan must start a unit', () => {
  const book: FloatBook = {
    unitOf: new Int32Array([0, 0, 1]),
    qty: new Float64Array([1, 1, 1]),
    entryValue: new Float64Array([10, 10, 10]),
    instrument: new Int32Array(3),
    balance: new Float64Array([100, 100]),
    tables: [{ floors: new Float64Array([0]), mmr: new Float64Array([0.01]), cum: new Float64Array([0]) }],
  };
  assert.throws(() => floatScan(book, 3, new Float64Array([10]), 1), /starts a unit/);
  assert.deepEqual(floatScanParts(book, 3, 2), [
    [0, 2],
    [2, 3],
  ]);
});

test('float scan: a NaN margin (a corrupt input) is left to the exact check, never called healthy', () => {
  const book: FloatBook = {
    unitOf: new Int32Array([0, 1]),
    qty: new Float64Array([1, 1]),
    entryValue: new Float64Array([10, 10]),
    instrument: new Int32Array(2),
    balance: new Float64Array([Number.NaN, 100]),
    tables: [{ floors: new Float64Array([0]), mmr: new Float64Array([0.01]), cum: new Float64Array([0]) }],
  };
  const result = floatScan(book, 2, new Float64Array([10]));
  assert.deepEqual(result, { unhealthy: [], borderline: [0] });
});
