/** How many arguments a function takes: a list of allowed counts, or at least `min` (up to the call bound). */
export interface FunctionArity {
  readonly counts?: readonly number[];
  readonly min?: number;
  readonly text: string;
}

/** The whitelist of callable functions (looked up in a Map, never through an object's prototype). */
export const FUNCTIONS: ReadonlyMap<string, FunctionArity> = new Map<string, FunctionArity>([
  ['min', { min: 2, text: 'at least 2 arguments' }],
  ['max', { min: 2, text: 'at least 2 arguments' }],
  ['clamp', { counts: [3], text: '3 arguments (x, lo, hi)' }],
  ['abs', { counts: [1], text: '1 argument' }],
  ['sqrt', { counts: [1], text: '1 argument' }],
  ['ln', { counts: [1], text: '1 argument' }],
  ['exp', { counts: [1], text: '1 argument' }],
  ['normInv', { counts: [1], text: '1 argument (a probability q, 0 < q < 1)' }],
  ['if', { counts: [3], text: '3 arguments (condition, then, else)' }],
  ['ewmaVol', { counts: [1], text: '1 argument (lambda)' }],
  ['stdev', { counts: [1], text: '1 argument (window)' }],
  ['garchVol', { counts: [0, 2], text: 'no arguments, or 2 (alpha, beta)' }],
  ['parkinsonVol', { counts: [1], text: '1 argument (window)' }],
  ['quantile', { counts: [2], text: '2 arguments (window, q)' }],
]);

/** Whether a call with `count` arguments fits the arity. */
export function arityAccepts(arity: FunctionArity, count: number): boolean {
  if (arity.counts !== undefined) return arity.counts.includes(count);
  return count >= (arity.min ?? 0);
}
