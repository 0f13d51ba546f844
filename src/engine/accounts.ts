import { LedgerAccounts } from '../ledger/index.js';
import type { Command, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { crossFigures, initialMarginAt, markOf } from './marginView.js';
import { identifier, isRejection, reject, shown, units } from './parse.js';
import { ensureSettings, settingsOf } from './settings.js';
import { tierIndexOf } from '../margin/index.js';
import {
  MAX_ACCOUNTS,
  positionKey,
  type AccountState,
  type EngineState,
  type PositionSideKey,
  walletOf,
} from './state.js';
import { checkStatutoryOpening, resolveProfile } from './statutory.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

export function accountOf(state: EngineState, accountId: unknown): AccountState | Rejection {
  const account = typeof accountId === 'string' ? state.accounts.get(accountId) : undefined;
  return account ?? reject('unknown_account', `account ${shown(accountId)} does not exist`);
}

/**
 * Sets or clears the account's negative-balance flag from its actual balances (wallets and isolated margins)
 * after a command that can realise losses; returns the event when the flag changes.
 */
export function refreshNegativeFlag(state: EngineState, account: AccountState): EngineEvent[] {
  let negative = false;
  for (const asset of state.assets.keys()) {
    if (walletOf(state, account, asset).value < 0n) negative = true;
  }
  for (const position of account.positions.values()) {
    const instrument = state.instruments.get(position.symbol);
    // A cross position has no margin account of its own (its money is the wallet, checked above).
    if (instrument === undefined || account.settings.get(position.symbol)?.marginMode !== 'isolated')
      continue;
    const isolated = LedgerAccounts.isolated(account.id, position.symbol, position.positionSide);
    if (state.ledger.balance(isolated, instrument.spec.asset) < 0n) negative = true;
  }
  if (negative === account.negativeBalance) return [];
  account.negativeBalance = negative;
  if (negative && account.profile !== null) state.protectionPending.add(account);
  return [{ type: 'NegativeBalanceFlagged', accountId: account.id, flagged: negative }];
}

export function createAccount(state: EngineState, c: Of<'createAccount'>): EngineEvent[] | Rejection {
  const id = identifier(c.accountId, 'accountId');
  if (isRejection(id)) return id;
  if (state.accounts.has(id)) return reject('duplicate_account', `account ${id} already exists`);
  if (state.accounts.size >= MAX_ACCOUNTS)
    return reject('too_many_items', `at most ${MAX_ACCOUNTS} accounts`);
  const profile =
    c.profile === undefined && c.profileVersion === undefined
      ? null
      : resolveProfile(c.profile, c.profileVersion, c.clientCategory, c.timestampMs);
  if (isRejection(profile)) return profile;
  state.accounts.set(id, {
    id,
    profile,
    walletKey: LedgerAccounts.wallet(id),
    wallets: new Map(),
    lastWallet: null,
    isolatedMargins: new Map(),
    positionMode: 'oneWay',
    settings: new Map(),
    positions: new Map(),
    orders: new Map(),
    negativeBalance: false,
    partialCooldownUntilMs: 0,
    liquidatedInBlock: { block: 0, value: 0n },
    crossEpoch: -1,
    crossAsset: '',
    crossSum: 0n,
  });
  return [
    {
      type: 'AccountCreated',
      accountId: id,
      profile: profile === null ? null : `${profile.id}@${profile.version}`,
    },
  ];
}

export function deposit(state: EngineState, c: Of<'deposit'>): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  const asset = state.assets.get(c.asset);
  if (asset === undefined) return reject('unknown_asset', `asset ${shown(c.asset)} is not configured`);
  const amount = units(c.amount, asset.scale, 'amount', 'invalid_amount', 'positive');
  if (isRejection(amount)) return amount;
  const transfer = state.ledger.transfer(
    LedgerAccounts.external,
    account.walletKey,
    c.asset,
    amount,
    'deposit',
  );
  return [transfer, ...refreshNegativeFlag(state, account)];
}

export function withdraw(state: EngineState, c: Of<'withdraw'>): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  const asset = state.assets.get(c.asset);
  if (asset === undefined) return reject('unknown_asset', `asset ${shown(c.asset)} is not configured`);
  const amount = units(c.amount, asset.scale, 'amount', 'invalid_amount', 'positive');
  if (isRejection(amount)) return amount;
  // The solvency gate: an account left negative (bad debt) withdraws nothing until it is repaid.
  if (account.negativeBalance)
    return reject('negative_balance', `account ${account.id} has a negative balance (bad debt)`);
  // Withdrawable: wallet cash not needed as initial margin; unrealised profit is not cash.
  const figures = crossFigures(state, account, c.asset);
  const withdrawable = figures.available < figures.wallet ? figures.available : figures.wallet;
  if (amount > withdrawable) {
    return reject(
      'insufficient_balance',
      `withdrawable is ${withdrawable > 0n ? withdrawable : 0n} units, asked ${amount}`,
    );
  }
  const transfer = state.ledger.transfer(
    account.walletKey,
    LedgerAccounts.external,
    c.asset,
    amount,
    'withdrawal',
  );
  return [transfer];
}

function openLegs(account: AccountState, symbol: string): { key: string; positionSide: PositionSideKey }[] {
  return (['BOTH', 'LONG', 'SHORT'] as const)
    .map((positionSide) => ({ key: positionKey(symbol, positionSide), positionSide }))
    .filter(({ key }) => account.positions.has(key));
}

export function setLeverage(state: EngineState, c: Of<'setLeverage'>): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  const instrument = state.instruments.get(c.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  if (typeof c.leverage !== 'number' || !Number.isSafeInteger(c.leverage) || c.leverage < 1) {
    return reject('invalid_leverage', 'leverage must be a whole number ≥ 1');
  }
  const leverage = BigInt(c.leverage);
  const tiers = instrument.compiled.instrument.tiers.tiers;
  // The tier of the largest leg now decides the cap (or the first tier when flat).
  let tierIndex = 0;
  for (const { key } of openLegs(account, c.symbol)) {
    const position = account.positions.get(key);
    if (position === undefined) continue;
    const k = tierIndexOf(instrument.compiled, position.qty, position.entryValue, markOf(instrument));
    if (k > tierIndex) tierIndex = k;
  }
  const tier = tiers[tierIndex];
  if (tier === undefined || leverage * tier.maxLeverage.den > tier.maxLeverage.num) {
    return reject('leverage_above_tier_max', `leverage ${leverage} exceeds the max of tier ${tierIndex + 1}`);
  }
  const statutory = checkStatutoryOpening(account, instrument, leverage);
  if (statutory !== null) return statutory;
  const settings = settingsOf(state, account, c.symbol);
  if (settings.marginMode === 'cross' && openLegs(account, c.symbol).length > 0) {
    // A trial on the stored settings (an open position always has them), undone before deciding.
    const previous = settings.leverage;
    settings.leverage = leverage;
    const figures = crossFigures(state, account, instrument.spec.asset);
    settings.leverage = previous;
    if (figures.available < 0n && leverage < previous)
      return reject('insufficient_margin', 'lower leverage needs more initial margin than is available');
  }
  ensureSettings(state, account, c.symbol).leverage = leverage;
  return [{ type: 'LeverageSet', accountId: account.id, symbol: c.symbol, leverage }];
}

export function setMarginMode(state: EngineState, c: Of<'setMarginMode'>): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  if (!state.instruments.has(c.symbol)) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  if (c.marginMode !== 'cross' && c.marginMode !== 'isolated')
    return reject('invalid_command', 'marginMode must be cross or isolated');
  const busy =
    openLegs(account, c.symbol).length > 0 || [...account.orders.values()].some((o) => o.symbol === c.symbol);
  if (busy) return reject('position_open', `${c.symbol} has an open position or order`);
  ensureSettings(state, account, c.symbol).marginMode = c.marginMode;
  return [{ type: 'MarginModeSet', accountId: account.id, symbol: c.symbol, marginMode: c.marginMode }];
}

export function setPositionMode(state: EngineState, c: Of<'setPositionMode'>): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  if (c.mode !== 'oneWay' && c.mode !== 'hedge')
    return reject('invalid_command', 'mode must be oneWay or hedge');
  if (account.positions.size > 0 || account.orders.size > 0)
    return reject('position_open', 'the account has open positions or orders');
  account.positionMode = c.mode;
  return [{ type: 'PositionModeSet', accountId: account.id, mode: c.mode }];
}

export function adjustIsolatedMargin(
  state: EngineState,
  c: Of<'adjustIsolatedMargin'>,
): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  const instrument = state.instruments.get(c.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  const position = account.positions.get(positionKey(c.symbol, c.positionSide));
  if (position === undefined || settingsOf(state, account, c.symbol).marginMode !== 'isolated') {
    return reject('invalid_command', `no isolated ${c.symbol} ${shown(c.positionSide)} position`);
  }
  const asset = instrument.spec.asset;
  const scale = state.assets.get(asset)?.scale ?? 0;
  const amount = units(c.amount, scale, 'amount', 'invalid_amount', 'any');
  if (isRejection(amount)) return amount;
  if (amount === 0n) return reject('invalid_amount', 'amount must not be zero');
  const wallet = account.walletKey;
  const isolated = LedgerAccounts.isolated(account.id, c.symbol, c.positionSide);
  if (amount > 0n) {
    const figures = crossFigures(state, account, asset);
    if (amount > figures.available || amount > figures.wallet)
      return reject('insufficient_margin', 'not enough available balance to add');
    const added = state.ledger.transfer(wallet, isolated, asset, amount, 'isolated margin added');
    return [added, ...refreshNegativeFlag(state, account)];
  }
  // Removing: what stays must cover the position's initial margin at the mark, after its PnL.
  const mark = markOf(instrument);
  const leverage = settingsOf(state, account, c.symbol).leverage;
  const balance = state.ledger.balance(isolated, asset);
  const pnl = position.sign * (position.qty * mark - position.entryValue);
  const unrealizedLoss = pnl < 0n ? pnl : 0n;
  if (balance + amount + unrealizedLoss < initialMarginAt(position, mark, leverage)) {
    return reject('insufficient_margin', 'removing this much would leave less than the initial margin');
  }
  const removed = state.ledger.transfer(isolated, wallet, asset, -amount, 'isolated margin removed');
  return [removed, ...refreshNegativeFlag(state, account)];
}
