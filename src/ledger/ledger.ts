import { assert } from '../numbers/index.js';
import { plainConstructor, type Fields } from '../runtime/plainObject.js';

/**
 * Double-entry ledger. Money only moves by `transfer`, which debits one ledger account and credits another
 * by the same positive amount, so every asset sums to zero across accounts at all times; deposits come from
 * the `external` account of the asset (its balance is minus what the venue holds). Amounts are integers in
 * the asset's money units (the venue fixes each asset's scale once).
 */

/** Ledger account names. User accounts are `wallet:{id}` (cross) and `isolated:{id}:{symbol}:{side}`. */
export const LedgerAccounts = {
  external: 'external',
  clearing: 'clearing',
  fees: 'fees',
  fundingPool: 'funding',
  /** Losses beyond a closed isolated position's margin: the venue's, until an insurance fund covers them. */
  badDebt: 'bad-debt',
  insurance: (fund: string): string => `insurance:${fund}`,
  /** The fund's volatility reserve: pays only while a stress regime is declared. */
  insuranceReserve: (fund: string): string => `insurance:${fund}:reserve`,
  wallet: (accountId: string): string => `wallet:${accountId}`,
  isolated: (accountId: string, symbol: string, positionSide: string): string =>
    `isolated:${accountId}:${symbol}:${positionSide}`,
} as const;

/** Ledger accounts whose balance may be negative by design (the world, trade settlement, the venue's bad debt). */
export function mayBeNegative(ledgerAccount: string): boolean {
  return (
    ledgerAccount === LedgerAccounts.external ||
    ledgerAccount === LedgerAccounts.clearing ||
    ledgerAccount === LedgerAccounts.badDebt
  );
}

/** One money movement: it is itself the engine's `Transfer` event (one object per movement, none wrapping it). */
export interface Transfer {
  readonly type: 'Transfer';
  readonly from: string;
  readonly to: string;
  readonly asset: string;
  readonly amount: bigint;
  readonly reason: string;
}

/** Makes a `Transfer` (a plain object without an allocation site: src/runtime/plainObject.ts). */
const TransferEvent = plainConstructor(function (
  this: Fields<Transfer>,
  from: string,
  to: string,
  asset: string,
  amount: bigint,
  reason: string,
) {
  this.type = 'Transfer';
  this.from = from;
  this.to = to;
  this.asset = asset;
  this.amount = amount;
  this.reason = reason;
});

/**
 * One ledger account's balance in one asset, mutated in place: hot paths keep a reference (`balanceOf`) and move
 * money between references (`move`) without looking the names up again. Only the ledger changes `value`.
 */
export interface Balance {
  readonly ledgerAccount: string;
  readonly asset: string;
  value: bigint;
}

export class Ledger {
  /** asset → ledger account → balance. */
  private readonly balances = new Map<string, Map<string, Balance>>();

  balance(ledgerAccount: string, asset: string): bigint {
    return this.balances.get(asset)?.get(ledgerAccount)?.value ?? 0n;
  }

  /**
   * The balance of `ledgerAccount` in `asset`, to hold on to (created at zero when new: a zero balance is not
   * part of the canonical state, so this changes nothing). Valid for this ledger only.
   */
  balanceOf(ledgerAccount: string, asset: string): Balance {
    let accounts = this.balances.get(asset);
    if (accounts === undefined) {
      accounts = new Map();
      this.balances.set(asset, accounts);
    }
    let balance = accounts.get(ledgerAccount);
    if (balance === undefined) {
      balance = { ledgerAccount, asset, value: 0n };
      accounts.set(ledgerAccount, balance);
    }
    return balance;
  }

  /** Moves `amount` (> 0) of `asset`; callers validate first, so a bad amount here is a bug. */
  transfer(from: string, to: string, asset: string, amount: bigint, reason: string): Transfer {
    return this.move(this.balanceOf(from, asset), this.balanceOf(to, asset), amount, reason);
  }

  /** `transfer` between balances already held (the same asset, this ledger's). */
  move(from: Balance, to: Balance, amount: bigint, reason: string): Transfer {
    // Messages are built only on failure: this runs for every money movement.
    if (amount <= 0n) assert(false, `transfer of a non-positive amount (${reason})`);
    if (from === to || from.asset !== to.asset)
      assert(false, `transfer to itself or across assets (${reason})`);
    from.value -= amount;
    to.value += amount;
    return new TransferEvent(from.ledgerAccount, to.ledgerAccount, from.asset, amount, reason);
  }

  /** `settle` between balances already held. */
  settleBalances(from: Balance, to: Balance, amount: bigint, reason: string): Transfer | null {
    if (amount === 0n) return null;
    return amount > 0n ? this.move(from, to, amount, reason) : this.move(to, from, -amount, reason);
  }

  /** Transfers a signed amount: positive from → to, negative to → from, zero nothing. */
  settle(from: string, to: string, asset: string, amount: bigint, reason: string): Transfer | null {
    if (amount === 0n) return null;
    return amount > 0n
      ? this.transfer(from, to, asset, amount, reason)
      : this.transfer(to, from, asset, -amount, reason);
  }

  /** Every (asset, account, balance), sorted, zero balances left out: the canonical form for hashing. */
  entries(): [string, string, bigint][] {
    const out: [string, string, bigint][] = [];
    for (const asset of [...this.balances.keys()].sort()) {
      const accounts = this.balances.get(asset);
      if (accounts === undefined) continue;
      for (const account of [...accounts.keys()].sort()) {
        const balance = accounts.get(account)?.value ?? 0n;
        if (balance !== 0n) out.push([asset, account, balance]);
      }
    }
    return out;
  }

  /** Rebuilds a ledger from `entries()` output (snapshots). */
  static fromEntries(entries: readonly (readonly [string, string, bigint])[]): Ledger {
    const ledger = new Ledger();
    for (const [asset, account, balance] of entries) {
      let accounts = ledger.balances.get(asset);
      if (accounts === undefined) {
        accounts = new Map();
        ledger.balances.set(asset, accounts);
      }
      accounts.set(account, { ledgerAccount: account, asset, value: balance });
    }
    return ledger;
  }

  /** Visits every non-zero balance, unsorted (for checks that need no canonical order). */
  forEachBalance(visit: (asset: string, ledgerAccount: string, balance: bigint) => void): void {
    for (const [asset, accounts] of this.balances) {
      for (const [account, cell] of accounts) if (cell.value !== 0n) visit(asset, account, cell.value);
    }
  }

  /** Sum of all balances per asset; zero for every asset unless the ledger is broken. */
  sums(): Map<string, bigint> {
    const sums = new Map<string, bigint>();
    for (const [asset, accounts] of this.balances) {
      let total = 0n;
      for (const cell of accounts.values()) total += cell.value;
      sums.set(asset, total);
    }
    return sums;
  }
}
