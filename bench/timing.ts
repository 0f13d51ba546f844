/** A small timing harness: warm-up, then repetitions of whole passes over the population; median ns/op. */

export interface TimingOptions {
  /** Warm up for at least this long (and at least two passes). */
  readonly warmupMs: number;
  /** Each repetition runs enough passes to take about this long (at least one pass). */
  readonly repMs: number;
  readonly reps: number;
}

export interface Measurement {
  readonly name: string;
  readonly medianNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  readonly passesPerRep: number;
  readonly opsPerPass: number;
}

/**
 * One pass: the operation on every position at the mark of tick `tick`; returns a count that depends on
 * every result (so nothing can be optimised away) and that the caller can check against the reference.
 */
export type Pass = (tick: number) => number;

/** A full collection when the process allows it (`node --expose-gc`); nothing otherwise. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const elapsedNs = (start: bigint): number => Number(process.hrtime.bigint() - start);

export function measure(
  name: string,
  pass: Pass,
  opsPerPass: number,
  ticks: number,
  options: TimingOptions,
  onResult: (tick: number, result: number) => void,
): Measurement {
  let tick = 0;
  const runPasses = (count: number): number => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      onResult(tick, pass(tick));
      tick = (tick + 1) % ticks;
    }
    return elapsedNs(start);
  };
  let warmed = 0;
  let lastPass = 0;
  for (let passes = 0; passes < 2 || warmed < options.warmupMs * 1e6; passes++) {
    lastPass = runPasses(1);
    warmed += lastPass;
  }
  const passesPerRep = Math.max(1, Math.round((options.repMs * 1e6) / lastPass));
  const samples: number[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    samples.push(runPasses(passesPerRep) / (passesPerRep * opsPerPass));
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const median =
    samples.length % 2 === 1 ? (samples[mid] ?? 0) : ((samples[mid - 1] ?? 0) + (samples[mid] ?? 0)) / 2;
  return {
    name,
    medianNs: median,
    minNs: samples[0] ?? 0,
    maxNs: samples[samples.length - 1] ?? 0,
    passesPerRep,
    opsPerPass,
  };
}
