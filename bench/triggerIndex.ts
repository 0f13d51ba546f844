/**
 * Liquidation trigger index (src/liquidation/triggerIndex.ts) on one symbol with 1,000,000 positions: the
 * per-tick cost of finding the positions whose trigger the mark crossed — `crossed` plus the caller putting
 * every popped handle back with a new trigger (as if each were liquidated and the handle reused by a position
 * opened at the mark) — on a seeded random-walk mark path, as p50 / p99 / max ns per tick; then 100,000
 * `set` updates of random handles. Everything random is drawn before the clock starts. Afterwards (untimed)
 * the heaps are checked, and both `crossed` and a naive scan confirm nothing left fires at the last mark.
 */
import { mulberry32, uniform, type Rng } from '../src/simulator/prng.js';
import { TriggerIndex, type TriggerSide } from '../src/liquidation/triggerIndex.js';

const SEED = 0x0b17_7219;

export interface TriggerBenchOptions {
  readonly positions: number;
  readonly warmupTicks: number;
  readonly ticks: number;
  /** Standard deviation of the mark's log return per tick (5e-5: a calm second of BTC, ~28 % a year). */
  readonly tickVolatility: number;
  /** Liquidation distances (fraction of the mark) are log-uniform between these two. */
  readonly distanceMin: number;
  readonly distanceMax: number;
  readonly updates: number;
  /** Handles `crossed` may pop per call; the caller calls again while a call fills it. */
  readonly outLength: number;
}

export const TRIGGER_BENCH_DEFAULTS: TriggerBenchOptions = {
  positions: 1_000_000,
  warmupTicks: 2_000,
  ticks: 20_000,
  tickVolatility: 5e-5,
  distanceMin: 0.005,
  distanceMax: 0.5,
  updates: 100_000,
  outLength: 4096,
};

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface TriggerBenchResult {
  readonly positions: number;
  readonly ticks: number;
  /** Wall time of one tick: `crossed` (drained) plus re-setting every popped handle, ns. */
  readonly tickNs: Percentiles;
  /** Handles popped per tick, and the share of the book that is at the 99th percentile tick. */
  readonly firedPerTick: Percentiles & { readonly mean: number; readonly p99ShareOfBook: number };
  /** Time of the ticks that fired per handle they popped (pop plus re-set), ns; NaN if none fired. */
  readonly nsPerFiredHandle: number;
  /** Ticks on which nothing fired, and the handles popped on the slowest tick. */
  readonly quietTicks: number;
  readonly slowestTickFired: number;
  readonly buildMs: number;
  readonly updates: number;
  readonly updatesMs: number;
  readonly updateNsPerOp: number;
  readonly failures: readonly string[];
}

const START_MARK = 67_234.5;

/** A trigger at a log-uniform distance from `mark`, on `side`'s side of it (longs below, shorts above). */
function triggerNear(rng: Rng, mark: number, side: TriggerSide, options: TriggerBenchOptions): number {
  const distance = Math.exp(uniform(rng, Math.log(options.distanceMin), Math.log(options.distanceMax)));
  return side === 'long' ? mark * (1 - distance) : mark * (1 + distance);
}

/** A standard normal draw (Box–Muller). */
function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function percentiles(samples: Float64Array): Percentiles {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

const elapsedNs = (start: bigint): number => Number(process.hrtime.bigint() - start);

export function benchTriggerIndex(options: TriggerBenchOptions = TRIGGER_BENCH_DEFAULTS): TriggerBenchResult {
  const rng = mulberry32(SEED);
  const failures: string[] = [];
  const sides: TriggerSide[] = Array.from({ length: options.positions }, () =>
    rng() < 0.5 ? 'long' : 'short',
  );
  const initialTriggers = Float64Array.from(sides, (side) => triggerNear(rng, START_MARK, side, options));

  const totalTicks = options.warmupTicks + options.ticks;
  const marks = new Float64Array(totalTicks);
  let mark = START_MARK;
  for (let tick = 0; tick < totalTicks; tick++) {
    mark *= Math.exp(options.tickVolatility * normal(rng));
    marks[tick] = mark;
  }
  // The re-derived triggers of popped handles come from a pool drawn in advance, as distances from the mark.
  const RESET_POOL = 1 << 16;
  const resetDistances = Float64Array.from({ length: RESET_POOL }, () =>
    triggerNear(rng, 1, 'long', options),
  );
  const updateHandles = Int32Array.from({ length: options.updates }, () =>
    Math.floor(rng() * options.positions),
  );
  const lastMark = marks[totalTicks - 1] ?? NaN;
  const updateTriggers = Float64Array.from(updateHandles, (handle) =>
    triggerNear(rng, lastMark, sides[handle] ?? 'long', options),
  );

  let start = process.hrtime.bigint();
  const index = new TriggerIndex(options.positions);
  for (let handle = 0; handle < options.positions; handle++) {
    index.set(handle, sides[handle] ?? 'long', initialTriggers[handle] ?? NaN);
  }
  const buildMs = elapsedNs(start) / 1e6;

  const out = new Int32Array(options.outLength);
  const popped = new Int32Array(options.positions);
  const tickNs = new Float64Array(options.ticks);
  const firedPerTick = new Float64Array(options.ticks);
  let nextReset = 0;
  for (let tick = 0; tick < totalTicks; tick++) {
    const tickMark = marks[tick] ?? NaN;
    start = process.hrtime.bigint();
    let fired = 0;
    for (;;) {
      const count = index.crossed(tickMark, out);
      popped.set(out.subarray(0, count), fired);
      fired += count;
      if (count < out.length) break;
    }
    for (let i = 0; i < fired; i++) {
      const handle = popped[i] ?? -1;
      // 1 − distance below the mark for a long, 1 + distance above it for a short.
      const longFactor = resetDistances[nextReset++ & (RESET_POOL - 1)] ?? NaN;
      const side = sides[handle] ?? 'long';
      index.set(handle, side, tickMark * (side === 'long' ? longFactor : 2 - longFactor));
    }
    const ns = elapsedNs(start);
    if (tick >= options.warmupTicks) {
      tickNs[tick - options.warmupTicks] = ns;
      firedPerTick[tick - options.warmupTicks] = fired;
    }
  }

  start = process.hrtime.bigint();
  for (let i = 0; i < options.updates; i++) {
    const handle = updateHandles[i] ?? -1;
    index.set(handle, sides[handle] ?? 'long', updateTriggers[i] ?? NaN);
  }
  const updatesNs = elapsedNs(start);

  const violations = index.checkInvariants();
  if (violations.length > 0) failures.push(`heap invariants: ${violations.slice(0, 3).join('; ')}`);
  if (index.size !== options.positions) failures.push(`${index.size} handles, not ${options.positions}`);
  let stale = 0;
  index.forEach((_handle, side, trigger) => {
    if (side === 'long' ? lastMark <= trigger : lastMark >= trigger) stale++;
  });
  const drained = index.crossed(lastMark, new Int32Array(options.positions));
  // The last tick drained everything the last mark fires, and the updates set triggers away from it.
  if (stale !== 0 || drained !== 0)
    failures.push(`${drained} (naive scan: ${stale}) fire again at the last mark`);

  const fired = percentiles(firedPerTick);
  let firedTotal = 0;
  let firingNs = 0;
  let quietTicks = 0;
  firedPerTick.forEach((count, tick) => {
    firedTotal += count;
    if (count === 0) quietTicks++;
    else firingNs += tickNs[tick] ?? NaN;
  });
  return {
    positions: options.positions,
    ticks: options.ticks,
    tickNs: percentiles(tickNs),
    firedPerTick: {
      ...fired,
      mean: firedTotal / options.ticks,
      p99ShareOfBook: fired.p99 / options.positions,
    },
    nsPerFiredHandle: firingNs / firedTotal,
    quietTicks,
    slowestTickFired:
      firedPerTick[
        tickNs.reduce((slowest, ns, tick) => (ns > (tickNs[slowest] ?? ns) ? tick : slowest), 0)
      ] ?? NaN,
    buildMs,
    updates: options.updates,
    updatesMs: updatesNs / 1e6,
    updateNsPerOp: updatesNs / options.updates,
    failures,
  };
}
