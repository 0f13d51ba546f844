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
  /** Positions, grouped by unit in ascending unit order (a unit's positions are consecutive). */
  readonly unitOf: Int32Array;
  /**
   * Signed size (qty units) and signed entry value (money units) as float64: + long, − short. Signed values
   * make PnL `qty × mark − entryValue` with no branch on the side (sides are unpredictable in a real book).
   */
  readonly qty: Float64Array;
  readonly entryValue: Float64Array;
  /** Index into `tables` of the position's instrument (not read when there is one table). */
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

/**
 * Scans the units of positions `from` (inclusive) to `positions` (exclusive) at the marks `marks[instrument]`
 * (kernel price units as float64); `from` must start a unit (see `floatScanParts`), 0 scans them all.
 */
export function floatScan(
  book: FloatBook,
  positions: number,
  marks: Float64Array,
  from = 0,
): FloatScanResult {
  assert(positions <= book.qty.length && from >= 0 && from <= positions, 'scan within the arrays');
  assert(from === 0 || book.unitOf[from] !== book.unitOf[from - 1], 'a partial scan starts a unit');
  const { unitOf, qty, entryValue, instrument, balance, tables } = book;
  const single = tables.length === 1;
  const unhealthy: number[] = [];
  const borderline: number[] = [];
  // One pass, unit by unit: a unit's positions are consecutive, so its margin, magnitude and count live in
  // locals (no per-unit arrays: the scan is bound by memory traffic). Plain locals, no closure: a closure would
  // keep them in a heap context and slow the loop down.
  let previous = -1;
  let i = from;
  while (i < positions) {
    const unit = unitOf[i] ?? 0;
    if (unit <= previous) assert(false, 'float scan positions grouped by unit, ascending');
    previous = unit;
    let margin = balance[unit] ?? 0;
    let magnitude = Math.abs(margin);
    let count = 0;
    // A notional within a few ulps of a floor may sit in the other tier exactly: undecidable here (a whole-
    // position table jumps there), so the unit is left to the exact check whatever its margin.
    let ambiguous = false;
    do {
      // One instrument (the common case): its index array is not read at all.
      const which = single ? 0 : (instrument[i] ?? 0);
      const table = tables[which];
      if (table !== undefined) {
        const floors = table.floors;
        const signed = (qty[i] ?? 0) * (marks[which] ?? 0);
        const notional = Math.abs(signed);
        // The tier of this notional: floors are few (≤ 64) and most positions sit in the first tiers.
        let k = 0;
        let next = floors[1] ?? Infinity;
        while (notional >= next) next = floors[++k + 1] ?? Infinity;
        const cum = table.cum[k] ?? 0;
        const mm = notional * (table.mmr[k] ?? 0) - cum;
        const e = entryValue[i] ?? 0;
        margin += signed - e - mm;
        magnitude += notional + Math.abs(e) + Math.abs(mm) + cum;
        const near = 4 * U * notional;
        ambiguous = ambiguous || notional - (floors[k] ?? 0) <= near || next - notional <= near;
        count++;
      }
      i++;
    } while (i < positions && unitOf[i] === unit);
    if (count === 0) continue;
    const band = 2 * (count + 8) * U * magnitude;
    // Written so that a NaN margin (never expected) is borderline, not healthy.
    if (ambiguous || !(margin < -band || margin > band)) borderline.push(unit);
    else if (margin < -band) unhealthy.push(unit);
  }
  return { unhealthy, borderline };
}

/**
 * Splits positions 0 … `positions` into at most `parts` consecutive ranges of about equal size that each start a
 * unit, as `[from, to)` pairs: scanned on separate threads (over shared arrays), their results concatenated in
 * order are the full scan's.
 */
export function floatScanParts(book: FloatBook, positions: number, parts: number): [number, number][] {
  assert(Number.isInteger(parts) && parts >= 1, 'at least one part');
  const ranges: [number, number][] = [];
  let from = 0;
  for (let part = 1; part <= parts && from < positions; part++) {
    let to = part === parts ? positions : Math.max(from + 1, Math.round((positions * part) / parts));
    // Move the cut forward to the next unit's first position.
    while (to < positions && book.unitOf[to] === book.unitOf[to - 1]) to++;
    ranges.push([from, to]);
    from = to;
  }
  return ranges;
}
