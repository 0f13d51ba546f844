import { divide } from '../numbers/index.js';
import { accountOf } from './accounts.js';
import { settingsOf } from './settings.js';
import type { Command, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { legTrade } from './exposure.js';
import { priceUnits } from './instruments.js';
import { crossFigures } from './marginView.js';
import { givenOr, identifier, isRejection, reject, shown, units } from './parse.js';
import { MAX_ORDERS_PER_ACCOUNT, type EngineState, type PositionSideKey } from './state.js';
import { checkMarginRate } from './marginModel.js';
import { checkStatutoryOpening } from './statutory.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

/** The position side a party trades (absent: BOTH), checked against the account's position mode. */
export function positionSideFor(mode: 'oneWay' | 'hedge', given: unknown): PositionSideKey | Rejection {
  const side = givenOr(given, 'BOTH');
  if (mode === 'oneWay')
    return side === 'BOTH' ? 'BOTH' : reject('position_mode_mismatch', 'a one-way account trades BOTH');
  return side === 'LONG' || side === 'SHORT'
    ? side
    : reject('position_mode_mismatch', 'a hedge-mode account trades LONG or SHORT');
}

/** Places a resting order, holding initial margin for the part that would open new exposure. */
export function placeOrder(state: EngineState, c: Of<'placeOrder'>): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  const instrument = state.instruments.get(c.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  const orderId = identifier(c.orderId, 'orderId');
  if (isRejection(orderId)) return orderId;
  if (account.orders.has(orderId)) return reject('duplicate_order', `order ${orderId} exists`);
  if (account.orders.size >= MAX_ORDERS_PER_ACCOUNT)
    return reject('too_many_items', `at most ${MAX_ORDERS_PER_ACCOUNT} open orders`);
  if (c.side !== 'buy' && c.side !== 'sell') return reject('invalid_command', 'side must be buy or sell');
  const positionSide = positionSideFor(account.positionMode, c.positionSide);
  if (isRejection(positionSide)) return positionSide;
  const qty = units(c.qty, instrument.spec.qtyScale, 'qty', 'invalid_quantity', 'positive');
  if (isRejection(qty)) return qty;
  const price = priceUnits(instrument, c.price, 'price');
  if (isRejection(price)) return price;
  const trade = legTrade(account, c.symbol, positionSide, c.side, qty);
  const given = c.reduceOnly as unknown;
  if (given !== undefined && typeof given !== 'boolean')
    return reject('invalid_command', 'reduceOnly must be true or false');
  const reduceOnly = given === true;
  if (trade.overClose || (reduceOnly && trade.openQty > 0n))
    return reject('reduce_only_violation', 'the order would open or flip a position');
  const settings = settingsOf(state, account, c.symbol);
  if (trade.openQty > 0n) {
    const refused =
      checkStatutoryOpening(account, instrument, settings.leverage) ??
      checkMarginRate(instrument, settings.leverage);
    if (refused !== null) return refused;
  }
  const reserved = divide(trade.openQty * price, settings.leverage, 'ceil');
  if (reserved > 0n && reserved > crossFigures(state, account, instrument.spec.asset).available) {
    return reject('insufficient_margin', `the order needs ${reserved} units of initial margin`);
  }
  account.orders.set(orderId, {
    orderId,
    symbol: instrument.spec.symbol,
    side: c.side,
    positionSide,
    price,
    remainingQty: qty,
    reserved,
    reduceOnly,
  });
  return [{ type: 'OrderPlaced', accountId: account.id, orderId, reserved }];
}

export function cancelOrder(state: EngineState, c: Of<'cancelOrder'>): EngineEvent[] | Rejection {
  const account = accountOf(state, c.accountId);
  if (isRejection(account)) return account;
  const order = typeof c.orderId === 'string' ? account.orders.get(c.orderId) : undefined;
  if (order === undefined) return reject('unknown_order', `order ${shown(c.orderId)} is not open`);
  account.orders.delete(order.orderId);
  return [
    { type: 'OrderCancelled', accountId: account.id, orderId: order.orderId, released: order.reserved },
  ];
}
