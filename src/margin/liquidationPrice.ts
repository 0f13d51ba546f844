import { tierForNotional, type Tier } from '../market/index.js';
import { assert, Rational } from '../numbers/index.js';
import { exposure, priceCoordinate, sideSign, type Position } from './position.js';

/**
 * Liquidation and bankruptcy prices, exact.
 *
 * Margin balance minus maintenance margin, as a function of the mark P of one symbol with everything else
 * held fixed, is piecewise linear in x = P (linear contracts) or x = 1/P (inverse contracts): PnL, notional
 * and `notional × mmr − cum` are all linear in x, and the tier only changes where a leg's notional crosses
 * a tier floor. So the solver walks the intervals between those breakpoints outward from the mark, solves
 * A + B·x = 0 in each with the tiers of that interval (the tier is re-selected at the solution by
 * construction), also catches a whole-model step across zero at a breakpoint, and returns the root nearest
 * to the mark. Several roots exist only for hedged legs whose net slope changes sign across tiers.
 */

/** The positions that move together with one symbol's mark, and the constant part of the balance. */
export interface PriceProblem {
  /** Legs of one symbol (one in one-way or isolated mode, two in cross hedge mode), same instrument. */
  readonly legs: readonly Position[];
  /** Balance that does not move with this mark: wallet (+ other cross positions' PnL − their MM). */
  readonly constant: Rational;
  /** The current mark of the symbol. */
  readonly mark: Rational;
}

interface Line {
  readonly a: Rational;
  readonly b: Rational;
}

/** PnL of the legs as a + b·x. */
function pnlLine(legs: readonly Position[]): Line {
  let a = Rational.ZERO;
  let b = Rational.ZERO;
  for (const leg of legs) {
    const e = exposure(leg).mulInt(sideSign(leg.side));
    if (leg.instrument.kind === 'linear') {
      a = a.sub(e.mul(leg.entryPrice));
      b = b.add(e);
    } else {
      a = a.add(e.div(leg.entryPrice));
      b = b.sub(e);
    }
  }
  return { a, b };
}

/** The bankruptcy price: where constant + PnL of the legs is zero; null when no positive price exists. */
export function bankruptcyPrice(problem: PriceProblem): Rational | null {
  const pnl = pnlLine(problem.legs);
  const leg = problem.legs[0];
  assert(leg !== undefined, 'price problem without legs');
  if (pnl.b.isZero()) return problem.constant.add(pnl.a).isZero() ? problem.mark : null;
  const x = problem.constant.add(pnl.a).neg().div(pnl.b);
  if (x.sign() <= 0) return null;
  return priceCoordinate(leg, x);
}

/** Maintenance margin of the legs as a + b·x with the given tier for each leg (mark basis) or fixed (entry). */
function maintenanceLine(legs: readonly Position[], tiers: readonly Tier[]): Line {
  let a = Rational.ZERO;
  let b = Rational.ZERO;
  for (const [i, leg] of legs.entries()) {
    const tier = tiers[i];
    assert(tier !== undefined, 'tier per leg');
    const cum = leg.instrument.tiers.model === 'cumulative' ? tier.cum : Rational.ZERO;
    const e = exposure(leg);
    if (leg.instrument.maintenanceBasis === 'mark') {
      a = a.sub(cum);
      b = b.add(e.mul(tier.mmr));
    } else {
      const entryNotional = e.mul(priceCoordinate(leg, leg.entryPrice));
      a = a.add(entryNotional.mul(tier.mmr).sub(cum));
    }
  }
  return { a, b };
}

/** Tiers of each leg at coordinate x (entry basis: the tier of the entry notional, whatever x is). */
function tiersAt(legs: readonly Position[], x: Rational): Tier[] {
  return legs.map((leg) => {
    const e = exposure(leg);
    const notional =
      leg.instrument.maintenanceBasis === 'mark' ? e.mul(x) : e.mul(priceCoordinate(leg, leg.entryPrice));
    return tierForNotional(leg.instrument.tiers, notional);
  });
}

/** Sorted distinct x where some mark-basis leg's notional reaches a tier floor above the first. */
function breakpoints(legs: readonly Position[]): Rational[] {
  // Floors ascend and exposure is positive, so each leg's points are already sorted: merge, don't sort.
  let merged: Rational[] = [];
  for (const leg of legs) {
    if (leg.instrument.maintenanceBasis !== 'mark') continue;
    const e = exposure(leg);
    const points = leg.instrument.tiers.tiers.slice(1).map((tier) => tier.floor.div(e));
    if (merged.length === 0) {
      merged = points;
      continue;
    }
    const out: Rational[] = [];
    let i = 0;
    let j = 0;
    while (i < merged.length || j < points.length) {
      const a = merged[i];
      const b = points[j];
      const order = a === undefined ? 1 : b === undefined ? -1 : a.cmp(b);
      const next = order <= 0 ? a : b;
      if (order <= 0) i++;
      if (order >= 0) j++;
      if (next !== undefined) out.push(next);
    }
    merged = out;
  }
  return merged;
}

/** f(x) = A + B·x on one interval, the balance minus maintenance with that interval's tiers. */
function lineOn(problem: PriceProblem, pnl: Line, x: Rational): Line {
  const mm = maintenanceLine(problem.legs, tiersAt(problem.legs, x));
  return { a: problem.constant.add(pnl.a).sub(mm.a), b: pnl.b.sub(mm.b) };
}

function valueOf(line: Line, x: Rational): Rational {
  return line.a.add(line.b.mul(x));
}

/**
 * The root of `line` in [lo, hi) (hi null: unbounded) with x > 0. A line that is zero throughout gives the
 * point of the interval nearest `near`, or null when that is the open upper end (the breakpoint check finds it).
 */
function rootIn(line: Line, lo: Rational, hi: Rational | null, near: Rational): Rational | null {
  if (line.b.isZero()) {
    if (!line.a.isZero()) return null;
    if (near.lt(lo)) return lo;
    if (hi !== null && near.gte(hi)) return null;
    return near.sign() > 0 ? near : null;
  }
  const x = line.a.neg().div(line.b);
  if (x.sign() <= 0 || x.lt(lo) || (hi !== null && x.gte(hi))) return null;
  return x;
}

/**
 * Bounds on the slope of f over all tiers: pnl slope minus each mark-basis leg's exposure × its largest
 * (smallest) mmr. With a continuous f (no whole-model steps) that is positive at the mark, a non-negative
 * lowest slope rules out roots above the mark and a non-positive highest slope rules out roots below.
 */
function slopeBounds(
  legs: readonly Position[],
  pnl: Line,
): { readonly lowest: Rational; readonly highest: Rational } {
  let lowest = pnl.b;
  let highest = pnl.b;
  for (const leg of legs) {
    if (leg.instrument.maintenanceBasis !== 'mark') continue;
    const e = exposure(leg);
    const largest = leg.instrument.tiers.maxMmr;
    const smallest = leg.instrument.tiers.minMmr;
    lowest = lowest.sub(e.mul(largest));
    highest = highest.sub(e.mul(smallest));
  }
  return { lowest, highest };
}

/**
 * The liquidation price: the mark at which the legs' margin balance equals their maintenance margin, tiers
 * re-selected at that price, nearest to the current mark; null when no positive price exists.
 */
export function liquidationPrice(problem: PriceProblem): Rational | null {
  const leg = problem.legs[0];
  assert(leg !== undefined, 'price problem without legs');
  const pnl = pnlLine(problem.legs);
  const xMark = priceCoordinate(leg, problem.mark);
  // Interval i is [lower(i), lower(i + 1)); the last is unbounded above.
  const bounds = [Rational.ZERO, ...breakpoints(problem.legs)];
  const lower = (i: number): Rational => bounds[i] ?? Rational.ZERO;
  const upper = (i: number): Rational | null => bounds[i + 1] ?? null;
  const lines: (Line | undefined)[] = [];
  const line = (i: number): Line => (lines[i] ??= lineOn(problem, pnl, lower(i)));
  // The last interval whose lower bound is at or below the mark (binary search: bounds ascend).
  let markInterval = 0;
  for (let lo = 0, hi = bounds.length - 1; lo <= hi;) {
    const mid = (lo + hi) >> 1;
    if (xMark.gte(lower(mid))) {
      markInterval = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }

  let below: Rational | null = null;
  let above: Rational | null = null;
  const inMark = rootIn(line(markInterval), lower(markInterval), upper(markInterval), xMark);
  if (inMark !== null) {
    if (inMark.lte(xMark)) below = inMark;
    else above = inMark;
  }
  const continuous = problem.legs.every(
    (p) => p.instrument.tiers.model === 'cumulative' || p.instrument.maintenanceBasis === 'entry',
  );
  const healthyAtMark = valueOf(line(markInterval), xMark).sign() > 0;
  const slopes = continuous && healthyAtMark ? slopeBounds(problem.legs, pnl) : null;
  const searchDown = below === null && !(slopes !== null && slopes.highest.sign() <= 0);
  const searchUp =
    above === null && !(below?.eq(xMark) ?? false) && !(slopes !== null && slopes.lowest.sign() >= 0);

  // A root at a breakpoint is a step of f across zero there (whole model), or a root of either side.
  const crossesAt = (left: number, point: Rational): boolean =>
    valueOf(line(left), point).sign() * valueOf(line(left + 1), point).sign() <= 0;
  for (let i = markInterval; searchDown && below === null && i >= 1; i--) {
    below = crossesAt(i - 1, lower(i)) ? lower(i) : rootIn(line(i - 1), lower(i - 1), lower(i), xMark);
  }
  for (let i = markInterval; searchUp && above === null && i + 1 < bounds.length; i++) {
    above = crossesAt(i, lower(i + 1))
      ? lower(i + 1)
      : rootIn(line(i + 1), lower(i + 1), upper(i + 1), xMark);
  }

  let best: Rational | null = null;
  for (const x of [below, above]) {
    if (x === null) continue;
    const price = priceCoordinate(leg, x);
    if (best === null || price.sub(problem.mark).abs().lt(best.sub(problem.mark).abs())) best = price;
  }
  return best;
}
