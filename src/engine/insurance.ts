import { LedgerAccounts, type Balance } from '../ledger/index.js';
import { assert } from '../numbers/index.js';
import type { Command, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { givenOr, identifier, isRejection, reject, shown, units } from './parse.js';
import type { EngineState, InsuranceFundState } from './state.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

/** Bound (TigerBeetle): insurance funds per venue. */
export const MAX_INSURANCE_FUNDS = 1024;
/** Bound: characters of a stress regime's stated reason. */
export const MAX_REASON_LENGTH = 500;

/** The fund's base pool and volatility reserve, held by reference. */
export function fundBalances(
  state: EngineState,
  fund: InsuranceFundState,
): { readonly base: Balance; readonly reserve: Balance } {
  return {
    base: state.ledger.balanceOf(LedgerAccounts.insurance(fund.name), fund.asset),
    reserve: state.ledger.balanceOf(LedgerAccounts.insuranceReserve(fund.name), fund.asset),
  };
}

/** What the fund can pay now: its base pool, plus the volatility reserve while a stress regime is declared. */
export function fundAvailable(state: EngineState, fund: InsuranceFundState): bigint {
  const { base, reserve } = fundBalances(state, fund);
  return base.value + (state.stress.active ? reserve.value : 0n);
}

/**
 * Pays `amount` (≤ `fundAvailable`) from the fund into `to`: the base pool first, the reserve (stress regime
 * only) for the rest. A fund never goes below zero: asking for more is a bug.
 */
export function payFromFund(
  state: EngineState,
  fund: InsuranceFundState,
  to: Balance,
  amount: bigint,
  reason: string,
  events: EngineEvent[],
): void {
  if (amount <= 0n) return;
  const { base, reserve } = fundBalances(state, fund);
  const fromBase = amount < base.value ? amount : base.value;
  const fromReserve = amount - fromBase;
  if (fromReserve > 0n && !(state.stress.active && fromReserve <= reserve.value))
    assert(false, `insurance fund ${fund.name} asked for more than it can pay (${reason})`);
  if (fromBase > 0n) events.push(state.ledger.move(base, to, fromBase, reason));
  if (fromReserve > 0n) events.push(state.ledger.move(reserve, to, fromReserve, reason));
  events.push(fundChanged(state, fund));
}

/** The fund's balances after a change, as an event (the fund's full history is these events). */
export function fundChanged(state: EngineState, fund: InsuranceFundState): EngineEvent {
  const { base, reserve } = fundBalances(state, fund);
  return { type: 'InsuranceFundChanged', fund: fund.name, base: base.value, reserve: reserve.value };
}

export function createInsuranceFund(
  state: EngineState,
  c: Of<'createInsuranceFund'>,
): EngineEvent[] | Rejection {
  const name = identifier(c.fund, 'fund');
  if (isRejection(name)) return name;
  if (state.insuranceFunds.has(name))
    return reject('duplicate_fund', `insurance fund ${name} already exists`);
  if (!state.assets.has(c.asset)) return reject('unknown_asset', `asset ${shown(c.asset)} is not configured`);
  if (state.insuranceFunds.size >= MAX_INSURANCE_FUNDS)
    return reject('too_many_items', `at most ${MAX_INSURANCE_FUNDS} insurance funds`);
  const fund = { name, asset: c.asset };
  state.insuranceFunds.set(name, fund);
  return [{ type: 'InsuranceFundCreated', fund: name, asset: c.asset }];
}

/** Money into a fund from outside the venue (the venue's own contribution), to its base pool or its reserve. */
export function fundInsurance(state: EngineState, c: Of<'fundInsurance'>): EngineEvent[] | Rejection {
  const fund = typeof c.fund === 'string' ? state.insuranceFunds.get(c.fund) : undefined;
  if (fund === undefined) return reject('unknown_fund', `insurance fund ${shown(c.fund)} does not exist`);
  const pool = givenOr(c.pool, 'base');
  if (pool !== 'base' && pool !== 'reserve') return reject('invalid_command', 'pool must be base or reserve');
  const scale = state.assets.get(fund.asset)?.scale ?? 0;
  const amount = units(c.amount, scale, 'amount', 'invalid_amount', 'positive');
  if (isRejection(amount)) return amount;
  const { base, reserve } = fundBalances(state, fund);
  const external = state.ledger.balanceOf(LedgerAccounts.external, fund.asset);
  const transfer = state.ledger.move(external, pool === 'base' ? base : reserve, amount, 'insurance funding');
  return [transfer, fundChanged(state, fund)];
}

/** Declares or ends a stress regime (the volatility reserves pay only during one). */
export function setStressRegime(state: EngineState, c: Of<'setStressRegime'>): EngineEvent[] | Rejection {
  if (typeof c.active !== 'boolean') return reject('invalid_command', 'active must be true or false');
  if (typeof c.reason !== 'string' || c.reason.length === 0 || c.reason.length > MAX_REASON_LENGTH)
    return reject('invalid_command', `reason must be 1 to ${MAX_REASON_LENGTH} characters`);
  if (c.active === state.stress.active)
    return reject('invalid_command', `the stress regime is already ${c.active ? 'declared' : 'over'}`);
  state.stress.active = c.active;
  state.stress.reason = c.reason;
  state.stress.sinceMs = c.timestampMs;
  return [{ type: 'StressRegimeSet', active: c.active, reason: c.reason }];
}
