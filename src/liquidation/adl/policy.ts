import { assert, Rational } from '../../numbers/index.js';

/**
 * Auto-deleveraging (RULEBOOK.md §4 item 5): when the insurance fund cannot absorb a bankrupt position, legs on
 * the opposite side are closed against it, with no fee, at the policy's close price. Venues differ in who is
 * closed first, so the choice is an `AdlPolicy`, one file per venue, picked by configuration (`ADL_POLICIES`).
 *
 * Everything here is pure and exact: the engine builds `AdlCandidate` records from its state (in its own money
 * and qty units), calls `allocateAdl`, and re-checks every counterparty when it executes the fills.
 *
 * Tie-break, everywhere: equal scores (and every unranked order) fall back to the account id in ascending
 * UTF-16 code-unit order (`<` on strings, never `localeCompare`, whose order depends on the ICU build). So an
 * allocation depends only on the set of candidates, never on the order the engine lists them in, and a replay
 * on another machine closes the same legs.
 */

/** Most candidates one call considers: one opposite leg per account, so the engine's account bound. */
export const ADL_CANDIDATES_MAX = 10_000_000;
/** Longest account id, characters (the engine's id bound). */
export const ADL_ACCOUNT_ID_LENGTH_MAX = 64;
/** Seeds are 64-bit: the dYdX walk hashes them with SplitMix64. */
export const ADL_SEED_LIMIT = 1n << 64n;

export type AdlPolicyId = 'binance' | 'bitmex' | 'bybitClassic' | 'hyperliquid' | 'dydx' | 'proRata';

/**
 * Where counterparties are closed: at the bankrupt position's bankruptcy price (Binance, BitMEX, Bybit, dYdX,
 * pro-rata) or at the mark before the liquidation event (Hyperliquid).
 */
export type AdlClosePrice = 'bankruptcy' | 'previousMark';

/** The part of a leg every allocation needs. */
export interface AdlLeg {
  /** Unique among the candidates of one call; 1 to ADL_ACCOUNT_ID_LENGTH_MAX characters. */
  readonly accountId: string;
  /** Size in qty units, ≥ 0 (a zero leg is skipped: it is never closed and never appears in a result). */
  readonly qty: bigint;
}

/**
 * One opposite-side leg (one account's position in the symbol). Money fields are in the settlement asset's
 * money units (the engine's value units: qty units × kernel price units); the scores are ratios, so only
 * Binance's `max(1, WB)` needs the scale (`AdlContext.moneyOne`). Margin fields (`walletBalance`,
 * `unrealizedPnl`, `maintenanceMargin`, `accountValue`) are those of the margin scope backing the leg: the
 * account's cross wallet in the asset, or the leg's isolated margin.
 */
export interface AdlCandidate extends AdlLeg {
  /** +1 long, −1 short; every candidate is opposite the bankrupt side. */
  readonly sign: 1n | -1n;
  /** qty × average entry price, money units, > 0 (unsigned). */
  readonly entryValue: bigint;
  /** qty × mark, money units, > 0 (unsigned). */
  readonly markValue: bigint;
  /**
   * qty × the leg's own bankruptcy price, money units (unsigned; may be ≤ 0 for a long backed by more than
   * its notional). BitMEX's effective leverage divides by the distance to it, so a candidate must be solvent:
   * its mark strictly better than its own bankruptcy price.
   */
  readonly bankruptcyValue: bigint;
  /** Wallet balance (cross) or isolated margin, money units, any sign. */
  readonly walletBalance: bigint;
  /** Unrealized PnL at the mark, money units, any sign. */
  readonly unrealizedPnl: bigint;
  /** Maintenance margin, money units, ≥ 0. */
  readonly maintenanceMargin: bigint;
  /** Hyperliquid's account value (equity of the margin scope), money units, > 0 for a solvent candidate. */
  readonly accountValue: bigint;
}

/** What must be closed. */
export interface AdlRequest {
  /** Side of the bankrupt position: +1 long, −1 short. Every candidate must have the opposite sign. */
  readonly bankruptSign: 1n | -1n;
  /** Bankrupt quantity left to close against counterparties, qty units, ≥ 0. */
  readonly qty: bigint;
  /**
   * The bankrupt position's bankruptcy price in kernel price units (money units per qty unit), > 0. A Rational
   * because a bankruptcy price is an exact quotient; the engine rounds the money it moves at settlement.
   */
  readonly bankruptcyPrice: Rational;
  /** The mark before the liquidation event, kernel price units, > 0 (Hyperliquid closes there). */
  readonly previousMark: Rational;
}

/** What the engine knows at the moment of ADL, besides the legs. */
export interface AdlContext {
  /** Money units in one whole unit of the settlement asset (10^moneyScale), > 0: Binance's `max(1, WB)`. */
  readonly moneyOne: bigint;
  /** A per-event seed in [0, 2^64), e.g. the command's sequence number: where dYdX's walk starts. */
  readonly seed: bigint;
}

/** Close `qty` (qty units, > 0) of the leg held by `accountId`. */
export interface AdlFill {
  readonly accountId: string;
  readonly qty: bigint;
}

export interface AdlAllocation {
  /** Price every fill closes at, kernel price units: the policy's `closePrice` taken from the request. */
  readonly price: Rational;
  /** In the order the policy closes them; each account at most once. */
  readonly fills: readonly AdlFill[];
  /** Σ fills, qty units: min(request qty, Σ candidate qty). */
  readonly closedQty: bigint;
  /** Request qty − closedQty, qty units: > 0 only when the opposite side holds less than the shortfall. */
  readonly unclosedQty: bigint;
}

/**
 * A venue's ADL rule. Contract (checked by `allocateAdl` and by the shared conformance suite): the split closes
 * exactly min(qty, Σ candidate qty), never more of a leg than it holds, touches only the candidates given, is a
 * function of the candidate set (not of its order) and of the context, and never returns a zero fill.
 */
export interface AdlPolicy {
  readonly id: AdlPolicyId;
  /** Human-readable name, for reports. */
  readonly name: string;
  readonly closePrice: AdlClosePrice;
  /**
   * The exact ranking score (dimensionless; higher is closed first), or null for a policy without a ranking.
   * `moneyOne` as in `AdlContext`.
   */
  score(candidate: AdlCandidate, moneyOne: bigint): Rational | null;
  /**
   * The policy's core, on trusted input: `qty` > 0 (qty units), candidates non-empty with qty > 0 and unique
   * ids. Call `allocateAdl`, which validates the input and checks the result, rather than this.
   */
  split(qty: bigint, candidates: readonly AdlCandidate[], context: AdlContext): AdlFill[];
}

/** The engine's order for account ids: UTF-16 code units, ascending. */
export function compareAccountIds(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The legs sorted by account id (a new array). */
export function sortByAccountId<T extends AdlLeg>(legs: readonly T[]): T[] {
  return [...legs].sort((a, b) => compareAccountIds(a.accountId, b.accountId));
}

/** The legs ordered by `scoreOf` descending, equal scores by account id ascending (a new array). */
export function rankByScore<T extends AdlLeg>(legs: readonly T[], scoreOf: (leg: T) => Rational): T[] {
  const scored = legs.map((leg) => ({ leg, score: scoreOf(leg) }));
  scored.sort((a, b) => b.score.cmp(a.score) || compareAccountIds(a.leg.accountId, b.leg.accountId));
  return scored.map(({ leg }) => leg);
}

/**
 * Walks `queue` from the top, closing each leg whole until `qty` (qty units, ≥ 0) is met; the last leg
 * touched may close partly. Closes min(qty, Σ leg qty); zero legs are passed over.
 */
export function closeFromTop(queue: readonly AdlLeg[], qty: bigint): AdlFill[] {
  assert(qty >= 0n, 'ADL quantity must not be negative');
  const fills: AdlFill[] = [];
  let remaining = qty;
  for (const leg of queue) {
    if (remaining === 0n) break;
    assert(leg.qty >= 0n, 'ADL leg quantity must not be negative');
    if (leg.qty === 0n) continue;
    const take = leg.qty < remaining ? leg.qty : remaining;
    fills.push({ accountId: leg.accountId, qty: take });
    remaining -= take;
  }
  return fills;
}

/** What a ranking policy is made of: its identity and its score. */
export interface ScoreQueueDefinition {
  readonly id: AdlPolicyId;
  readonly name: string;
  readonly closePrice: AdlClosePrice;
  /** Exact, dimensionless; higher is closed first. */
  readonly score: (candidate: AdlCandidate, moneyOne: bigint) => Rational;
}

/** A queue policy (Binance, BitMEX, Bybit, Hyperliquid): rank by score, then close from the top. */
export function scoreQueuePolicy(definition: ScoreQueueDefinition): AdlPolicy {
  const { id, name, closePrice, score } = definition;
  return {
    id,
    name,
    closePrice,
    score,
    split: (qty, candidates, context) =>
      closeFromTop(
        rankByScore(candidates, (candidate) => score(candidate, context.moneyOne)),
        qty,
      ),
  };
}

function checkCandidates(
  bankruptSign: 1n | -1n,
  candidates: readonly AdlCandidate[],
): { live: AdlCandidate[]; byId: Map<string, AdlCandidate>; available: bigint } {
  assert(candidates.length <= ADL_CANDIDATES_MAX, 'too many ADL candidates (ADL_CANDIDATES_MAX)');
  const byId = new Map<string, AdlCandidate>();
  const live: AdlCandidate[] = [];
  let available = 0n;
  for (const candidate of candidates) {
    const id = candidate.accountId;
    assert(
      id.length > 0 && id.length <= ADL_ACCOUNT_ID_LENGTH_MAX,
      `ADL candidate id must have 1 to ${ADL_ACCOUNT_ID_LENGTH_MAX} characters`,
    );
    assert(!byId.has(id), `ADL candidate ${id} listed twice`);
    assert(candidate.qty >= 0n, `ADL candidate ${id}: negative quantity`);
    assert(candidate.sign === -bankruptSign, `ADL candidate ${id} is on the bankrupt side`);
    byId.set(id, candidate);
    if (candidate.qty > 0n) {
      live.push(candidate);
      available += candidate.qty;
    }
  }
  return { live, byId, available };
}

/**
 * The shared allocation routine: which opposite legs close, and how much (qty units), to absorb `request.qty`
 * of the bankrupt position, and at what price (kernel price units). Validates the input, runs the policy,
 * and checks its result: total closed = min(request qty, Σ candidate qty), every fill > 0 and at most its leg,
 * each account once. A failed check is a bug (assertions stay on).
 */
export function allocateAdl(
  policy: AdlPolicy,
  request: AdlRequest,
  candidates: readonly AdlCandidate[],
  context: AdlContext,
): AdlAllocation {
  assert(request.qty >= 0n, 'ADL quantity must not be negative');
  assert(context.moneyOne > 0n, 'ADL moneyOne must be positive');
  assert(context.seed >= 0n && context.seed < ADL_SEED_LIMIT, 'ADL seed must be in [0, 2^64)');
  const price = policy.closePrice === 'bankruptcy' ? request.bankruptcyPrice : request.previousMark;
  assert(price.sign() > 0, `ADL ${policy.closePrice} price must be positive`);
  const { live, byId, available } = checkCandidates(request.bankruptSign, candidates);
  const target = request.qty < available ? request.qty : available;
  const fills = target === 0n ? [] : policy.split(request.qty, live, context);

  const seen = new Set<string>();
  let closedQty = 0n;
  for (const fill of fills) {
    const leg = byId.get(fill.accountId);
    assert(leg !== undefined, `ADL policy ${policy.id} closed ${fill.accountId}, which is not a candidate`);
    assert(!seen.has(fill.accountId), `ADL policy ${policy.id} closed ${fill.accountId} twice`);
    assert(
      fill.qty > 0n && fill.qty <= leg.qty,
      `ADL policy ${policy.id}: fill of ${fill.accountId} out of range`,
    );
    seen.add(fill.accountId);
    closedQty += fill.qty;
  }
  assert(closedQty === target, `ADL policy ${policy.id} closed ${closedQty}, not ${target}`);
  return { price, fills, closedQty, unclosedQty: request.qty - closedQty };
}
