import { mayBeNegative } from '../ledger/index.js';
import { crossAvailable, crossContribution } from './marginView.js';
import type { EngineState } from './state.js';

export interface InvariantViolation {
  readonly invariant: string;
  readonly detail: string;
}

/**
 * Recomputes the engine's invariants from scratch (tests run it after every command): every asset sums to
 * zero across ledger accounts; per symbol, long open interest equals short open interest and both equal the
 * positions' sizes; no ledger account is negative unless it may be by design or its user is flagged; flags,
 * holders and orders are consistent.
 */
export function checkInvariants(state: Readonly<EngineState>): InvariantViolation[] {
  const violations: InvariantViolation[] = [];
  const fail = (invariant: string, detail: string): void => {
    violations.push({ invariant, detail });
  };
  for (const [asset, sum] of state.ledger.sums())
    if (sum !== 0n) fail('ledger_balanced', `${asset} sums to ${sum}`);

  const long = new Map<string, bigint>();
  const short = new Map<string, bigint>();
  const holders = new Map<string, Set<string>>();
  for (const account of state.accounts.values()) {
    for (const p of account.positions.values()) {
      if (p.qty <= 0n) fail('positive_positions', `${account.id} ${p.symbol} qty ${p.qty}`);
      const side = p.sign === 1n ? long : short;
      side.set(p.symbol, (side.get(p.symbol) ?? 0n) + p.qty);
      const set = holders.get(p.symbol) ?? new Set<string>();
      set.add(account.id);
      holders.set(p.symbol, set);
    }
    for (const o of account.orders.values()) {
      if (o.remainingQty <= 0n || o.reserved < 0n) fail('orders', `${account.id} order ${o.orderId}`);
    }
  }
  for (const [symbol, instrument] of state.instruments) {
    const l = long.get(symbol) ?? 0n;
    const s = short.get(symbol) ?? 0n;
    if (l !== s) fail('open_interest_balanced', `${symbol}: long ${l}, short ${s}`);
    if (instrument.longOpenInterest !== l || instrument.shortOpenInterest !== s) {
      fail(
        'open_interest_tracked',
        `${symbol}: tracked ${instrument.longOpenInterest}/${instrument.shortOpenInterest}, positions ${l}/${s}`,
      );
    }
    const expected = holders.get(symbol) ?? new Set<string>();
    if (instrument.holders.size !== expected.size || [...expected].some((id) => !instrument.holders.has(id)))
      fail('holders_index', symbol);
  }

  const negativeUsers = new Set<string>();
  state.ledger.forEachBalance((asset, account, balance) => {
    if (balance >= 0n || mayBeNegative(account)) return;
    const user = /^(?:wallet|isolated):([^:]+)/.exec(account)?.[1];
    if (user === undefined) fail('no_negative_balance', `${account} ${asset} ${balance}`);
    else negativeUsers.add(user);
  });
  for (const account of state.accounts.values()) {
    const negative = negativeUsers.has(account.id);
    if (negative !== account.negativeBalance)
      fail('negative_flag', `${account.id}: negative ${negative}, flagged ${account.negativeBalance}`);
  }
  // The fill path's cross-sum caches that are current equal the sum computed afresh.
  for (const account of state.accounts.values()) {
    if (account.crossEpoch !== state.crossEpoch) continue;
    const fresh = crossAvailable(state, account, account.crossAsset, 0n, undefined);
    if (fresh !== account.crossSum)
      fail(
        'cross_cache',
        `${account.id} ${account.crossAsset}: cached ${account.crossSum}, computed ${fresh}`,
      );
    for (const p of account.positions.values()) {
      if (p.crossEpoch !== state.crossEpoch) continue;
      const asset = p.instrument.spec.asset;
      const own = crossContribution(p.instrument, p.settings, asset, p.sign, p.qty, p.entryValue);
      if (own !== p.crossContribution)
        fail(
          'cross_cache',
          `${account.id} ${p.symbol}/${p.positionSide}: cached ${p.crossContribution}, computed ${own}`,
        );
    }
  }
  return violations;
}
