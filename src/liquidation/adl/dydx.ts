import { assert } from '../../numbers/index.js';
import { ADL_SEED_LIMIT, closeFromTop, sortByAccountId, type AdlPolicy } from './policy.js';

const MASK_64 = ADL_SEED_LIMIT - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/**
 * SplitMix64's output for `seed` (the first value of a generator started at `seed`), in [0, 2^64): a fixed,
 * well-mixed integer hash, so consecutive sequence numbers start the walk far apart.
 */
export function splitMix64(seed: bigint): bigint {
  assert(seed >= 0n && seed < ADL_SEED_LIMIT, 'SplitMix64 seed must be in [0, 2^64)');
  let z = (seed + GOLDEN_GAMMA) & MASK_64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return z ^ (z >> 31n);
}

/**
 * Where dYdX's walk starts among `count` (> 0) legs sorted by account id: `splitMix64(seed) mod count`. The
 * modulo bias is below count / 2^64, nothing next to one leg.
 */
export function dydxWalkStart(seed: bigint, count: number): number {
  assert(Number.isSafeInteger(count) && count > 0, 'dYdX walk needs at least one leg');
  return Number(splitMix64(seed) % BigInt(count));
}

/**
 * dYdX: no ranking. The legs are put in a fixed order (account id ascending) and walked from a pseudo-random
 * start chosen by the per-event seed, wrapping around, closing each whole until the shortfall is met.
 */
export const DYDX_ADL: AdlPolicy = {
  id: 'dydx',
  name: 'dYdX',
  closePrice: 'bankruptcy',
  score: () => null,
  split: (qty, candidates, context) => {
    const ring = sortByAccountId(candidates);
    const start = dydxWalkStart(context.seed, ring.length);
    return closeFromTop([...ring.slice(start), ...ring.slice(0, start)], qty);
  },
};
