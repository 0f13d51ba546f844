import { assert, Rational } from '../numbers/index.js';

/**
 * The premium index of RULEBOOK.md §3, a fraction of the index:
 * `[max(0, impactBid − index) − max(0, index − impactAsk)] / index`. Zero while the index lies between the
 * impact prices; positive when buyers pay above it, negative when sellers sell below it. Exact.
 */
export function premiumIndex(impactBid: Rational, impactAsk: Rational, index: Rational): Rational {
  assert(index.sign() > 0, 'premium index needs a positive index');
  const above = impactBid.gt(index) ? impactBid.sub(index) : Rational.ZERO;
  const below = index.gt(impactAsk) ? index.sub(impactAsk) : Rational.ZERO;
  return above.sub(below).div(index);
}
