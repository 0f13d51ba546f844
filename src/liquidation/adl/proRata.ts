import { assert, divide } from '../../numbers/index.js';
import {
  compareAccountIds,
  sortByAccountId,
  type AdlCandidate,
  type AdlFill,
  type AdlPolicy,
} from './policy.js';

/** A fill with just the account id and qty (a leg or share carries more). */
function toFill(leg: AdlFill): AdlFill {
  return { accountId: leg.accountId, qty: leg.qty };
}

/**
 * Pro-rata split, qty units: every leg gives up the same fraction `min(1, qty / Σ leg qty)` of its size. Whole
 * units by the largest-remainder method: each leg first gets ⌊legQty × qty / total⌋ (floor: never above its
 * exact share, hence never above its size), then the units still missing (fewer than the number of legs) go
 * one each to the largest remainders of that division, equal remainders by account id ascending. So the total
 * is exactly the shortfall, each leg is within one unit of its exact share, and a leg whose exact share is
 * whole never gets more. Fills come in account-id order, zero shares left out.
 */
export function proRataSplit(qty: bigint, legs: readonly AdlCandidate[]): AdlFill[] {
  assert(qty >= 0n, 'pro-rata quantity must not be negative');
  const sorted = sortByAccountId(legs);
  const total = sorted.reduce((sum, leg) => sum + leg.qty, 0n);
  if (qty >= total) return sorted.filter((leg) => leg.qty > 0n).map(toFill);

  const shares = sorted.map((leg) => {
    const base = divide(leg.qty * qty, total, 'floor');
    return { accountId: leg.accountId, qty: base, remainder: leg.qty * qty - base * total };
  });
  let missing = qty - shares.reduce((sum, share) => sum + share.qty, 0n);
  assert(missing >= 0n && missing < BigInt(shares.length), 'pro-rata remainder out of range');
  const byRemainder = [...shares].sort(
    (a, b) =>
      (a.remainder > b.remainder ? -1 : a.remainder < b.remainder ? 1 : 0) ||
      compareAccountIds(a.accountId, b.accountId),
  );
  for (const share of byRemainder) {
    if (missing === 0n) break;
    // Only a positive remainder is picked: the remainders sum to `missing × total`, each below `total`.
    assert(share.remainder > 0n, 'pro-rata unit given to an exact share');
    share.qty += 1n;
    missing -= 1n;
  }
  return shares.filter((share) => share.qty > 0n).map(toFill);
}

/**
 * Pro-rata by risk (proposed after the 10 Oct 2025 ADL, where queue ranking closed far more profit than the
 * bad debt): no ranking; every opposite leg gives up the same fraction, capped to the shortfall
 * (`proRataSplit`), at the bankruptcy price.
 */
export const PRO_RATA_ADL: AdlPolicy = {
  id: 'proRata',
  name: 'Pro-rata',
  closePrice: 'bankruptcy',
  score: () => null,
  split: (qty, candidates) => proRataSplit(qty, candidates),
};
