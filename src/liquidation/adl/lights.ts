import { assert, type Rational } from '../../numbers/index.js';
import { ADL_CANDIDATES_MAX } from './policy.js';

/** Binance's five-light ADL indicator: 5 = in the first fifth of the queue, closed first. */
export type AdlLight = 1 | 2 | 3 | 4 | 5;

/** The light for k fifths of the population ranked strictly above, k = 0..4. */
const LIGHT_BY_FIFTHS_ABOVE: readonly AdlLight[] = [5, 4, 3, 2, 1];

/**
 * Each position's light (aligned with `scores`, all positions of one side, higher score closes first):
 * `5 − ⌊5 × above / n⌋`, where `above` counts the positions with a strictly higher score and n is the
 * population. So a light is the quintile of the position's place in the queue: the top fifth (rounded up)
 * shows 5, the next fifth 4, and so on.
 *
 * Ties share the light of the best place in their group (they are as exposed as the first of them: which of
 * them closes first is only the account-id tie-break). Small populations: the best-scored position always
 * shows 5, and with n < 5 some lights go unused (n = 1: 5; n = 2: 5 and 3). The lights depend only on the
 * multiset of scores, never on the order given; empty input gives no lights.
 */
export function adlLights(scores: readonly Rational[]): AdlLight[] {
  const count = scores.length;
  assert(count <= ADL_CANDIDATES_MAX, 'too many ADL scores (ADL_CANDIDATES_MAX)');
  const order = scores.map((score, index) => ({ score, index }));
  order.sort((a, b) => b.score.cmp(a.score));
  const lights = new Array<AdlLight>(count);
  let above = 0;
  for (const [place, entry] of order.entries()) {
    const previous = order[place - 1];
    if (previous !== undefined && !previous.score.eq(entry.score)) above = place;
    // Whole-number division of counts (exact: 5 × ADL_CANDIDATES_MAX is far below 2^53).
    const fifths = (5 * above - ((5 * above) % count)) / count;
    const light = LIGHT_BY_FIFTHS_ABOVE[fifths];
    assert(light !== undefined, 'ADL light out of range');
    lights[entry.index] = light;
  }
  return lights;
}
