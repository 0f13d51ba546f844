import { LedgerAccounts } from '../ledger/index.js';
import { divide, pow10 } from '../numbers/index.js';
import { refreshNegativeFlag } from './accounts.js';
import type { Command, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { isRejection, reject, units } from './parse.js';
import { RATE_SCALE, type EngineState } from './state.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

const RATE_ONE = pow10(RATE_SCALE);

/**
 * Pays funding on every open position of the symbol: `mark × qty × rate`, longs pay shorts when the rate is
 * positive. Payers round up and receivers down, so the funding pool never goes below zero (long and short
 * open interest are equal, so the exact amounts match); the pool keeps the rounding dust.
 */
export function fundingTick(state: EngineState, c: Of<'fundingTick'>): EngineEvent[] | Rejection {
  const instrument = state.instruments.get(c.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${String(c.symbol)} is not listed`);
  const rate = units(c.rate, RATE_SCALE, 'rate', 'invalid_command', 'any');
  if (isRejection(rate)) return rate;
  const mark = instrument.mark;
  if (mark === null) return reject('missing_mark', `${c.symbol} has no mark price yet`);
  const asset = instrument.spec.asset;
  const events: EngineEvent[] = [];
  const payments: { from: string; to: string; amount: bigint }[] = [];
  const receipts: { from: string; to: string; amount: bigint }[] = [];
  const holders = [...instrument.holders].sort();
  for (const accountId of holders) {
    const account = state.accounts.get(accountId);
    if (account === undefined) continue;
    const isolated = account.settings.get(c.symbol)?.marginMode === 'isolated';
    for (const position of account.positions.values()) {
      if (position.symbol !== c.symbol || rate === 0n) continue;
      const exact = position.qty * mark * (rate < 0n ? -rate : rate);
      const pays = (position.sign === 1n) === rate > 0n;
      const margin = isolated
        ? LedgerAccounts.isolated(account.id, c.symbol, position.positionSide)
        : LedgerAccounts.wallet(account.id);
      if (pays)
        payments.push({
          from: margin,
          to: LedgerAccounts.fundingPool,
          amount: divide(exact, RATE_ONE, 'ceil'),
        });
      else
        receipts.push({
          from: LedgerAccounts.fundingPool,
          to: margin,
          amount: divide(exact, RATE_ONE, 'floor'),
        });
    }
  }
  let paid = 0n;
  let received = 0n;
  for (const p of payments) {
    if (p.amount === 0n) continue;
    paid += p.amount;
    events.push({
      type: 'Transfer',
      transfer: state.ledger.transfer(p.from, p.to, asset, p.amount, 'funding paid'),
    });
  }
  for (const r of receipts) {
    if (r.amount === 0n) continue;
    received += r.amount;
    events.push({
      type: 'Transfer',
      transfer: state.ledger.transfer(r.from, r.to, asset, r.amount, 'funding received'),
    });
  }
  for (const accountId of holders) {
    const account = state.accounts.get(accountId);
    if (account !== undefined) events.push(...refreshNegativeFlag(state, account));
  }
  events.push({ type: 'FundingPaid', symbol: c.symbol, rate, paid, received });
  return events;
}
