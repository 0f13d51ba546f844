import { assert } from '../numbers/index.js';

/**
 * A float64 full scan of margin units with a proven error band (issue 5's "float full scan"): for every unit,
 * equity − maintenance in float64, and a bound on that figure's rounding error. A unit whose float margin
 * clears the band either way is decided by the float alone; the rest are `borderline` and must be checked
 * exactly by the caller. Struct-of-arrays, no objects per position: the caller fills the arrays once and
 * updates them as positions change.
 *
 * Error band. Every input (balances, sizes, entry values, marks, rates, cum) is an integer or a decimal
 * converted once with relative error ≤ u = 2^−53. Each position's terms — q·m, q·m·mmr, e, cum — take at
 * most 3 roundings more, and the sums at most one rounding per addition (n terms: ≤ n−1). Bounding every
 * rounding by u times the sum of the magnitudes involved (the standard a-priori bound for recursive
 * summation, |fl(Σ) − Σ| ≤ (n−1)·u·Σ|x| + O(u²)), the total error of the margin figure is at most
 * (k + 4)·u·M where M = |balance| + Σ (q·m + e + q·m·mmr + cum) is accumulated alongside and k is the
 * unit's number of positions. The scan uses the band 2·(k + 8)·u·M, twice that plus slack for the O(u²)
 * terms and the band's own rounding. The tier is chosen on the float notional; where that notional is within
 * 4 ulps of a floor the exact tier is undecidable in float, and the unit is borderline whatever its margin.
 * Mark-basis maintenance only (entry-basis units are not scanned here).
 */
export interface FloatBook {
  /** Positions. */
  readonly unitOf: Int32Array;
  readonly sign: Float64Array;
  /** Size (qty units) and entry value (money units) as float64. */
  readonly qty: Float64Array;
  readonly entryValue: Float64Array;
  /** Index into `tables` of the position's instrument. */
  readonly instrument: Int32Array;
  /** Units: their margin balance (money units). */
  readonly balance: Float64Array;
  /** Per instrument: tier floors (money units), mmr (fractions), cum (money units), ascending floors. */
  readonly tables: readonly { floors: Float64Array; mmr: Float64Array; cum: Float64Array }[];
}

export interface FloatScanResult {
  /** Units whose float margin is below −band: at or below maintenance for certain. */
  readonly unhealthy: number[];
  /** Units within the band: the caller decides them exactly. */
  readonly borderline: number[];
}

const U = 2 ** -53;

/** Scans every unit at the marks `marks[instrument]` (kernel price units as float64). */
export function floatScan(
  book: FloatBook,
  positions: number,
  units: number,
  marks: Float64Array,
  scratch: { margin: Float64Array; magnitude: Float64Array; count: Int32Array },
): FloatScanResult {
  assert(positions <= book.qty.length && units <= book.balance.length, 'scan within the arrays');
  const { margin, magnitude, count } = scratch;
  for (let u = 0; u < units; u++) {
    const b = book.balance[u] ?? 0;
    margin[u] = b;
    magnitude[u] = Math.abs(b);
    count[u] = 0;
  }
  for (let i = 0; i < positions; i++) {
    const unit = book.unitOf[i] ?? 0;
    const table = book.tables[book.instrument[i] ?? 0];
    if (table === undefined) continue;
    const mark = marks[book.instrument[i] ?? 0] ?? 0;
    const q = book.qty[i] ?? 0;
    const e = book.entryValue[i] ?? 0;
    const notional = q * mark;
    // The tier of this notional: floors are few (≤ 64) and most positions sit in the first tiers.
    const floors = table.floors;
    let k = 0;
    while (k + 1 < floors.length && notional >= (floors[k + 1] ?? Infinity)) k++;
    const mm = notional * (table.mmr[k] ?? 0) - (table.cum[k] ?? 0);
    // A notional within a few ulps of a floor may sit in the other tier exactly: undecidable here (a whole-
    // position table jumps there), so the unit's band becomes infinite and it is left to the exact check.
    const near = 4 * U * notional;
    const ambiguous =
      Math.abs(notional - (floors[k] ?? 0)) <= near ||
      (k + 1 < floors.length && Math.abs((floors[k + 1] ?? 0) - notional) <= near);
    const pnl = (book.sign[i] ?? 1) * (notional - e);
    margin[unit] = (margin[unit] ?? 0) + pnl - mm;
    magnitude[unit] = ambiguous
      ? Infinity
      : (magnitude[unit] ?? 0) + notional + e + Math.abs(mm) + (table.cum[k] ?? 0);
    count[unit] = (count[unit] ?? 0) + 1;
  }
  const unhealthy: number[] = [];
  const borderline: number[] = [];
  for (let u = 0; u < units; u++) {
    const n = count[u] ?? 0;
    if (n === 0) continue;
    const band = 2 * (n + 8) * U * (magnitude[u] ?? Infinity);
    const m = margin[u] ?? 0;
    if (m < -band) unhealthy.push(u);
    else if (m <= band) borderline.push(u);
  }
  return { unhealthy, borderline };
}
