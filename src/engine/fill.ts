import { LedgerAccounts, type Balance, type Transfer } from '../ledger/index.js';
import { tierIndex as tierIndexAt } from '../margin/index.js';
import { assert, divide, mulDiv } from '../numbers/index.js';
import { refreshNegativeFlag } from './accounts.js';
import { settingsOf } from './settings.js';
import type { Command, FillParty, Rejection, Side } from './commands.js';
import { FilledEvent, OrderReducedEvent, PositionChangedEvent, type EngineEvent } from './events.js';
import { arrayOf, plainConstructor, type Fields } from '../runtime/plainObject.js';
import { closingQty } from './exposure.js';
import { priceUnits } from './instruments.js';
import { cachedCrossSum, legContribution, markOf } from './marginView.js';
import { positionSideFor } from './orders.js';
import { identifier, isRejection, reject, shown, units } from './parse.js';
import {
  keyOf,
  RATE_SCALE,
  type AccountState,
  type EngineState,
  type InstrumentState,
  type OrderState,
  type PositionSideKey,
  type PositionState,
  type SymbolSettings,
  houseOf,
  isolatedOf,
  walletOf,
} from './state.js';
import { pow10 } from '../numbers/index.js';
import { FINE_DIGITS } from './priceLayer.js';
import { checkPricesAvailable } from './prices.js';
import { checkMarginRate } from './marginModel.js';
import { checkStatutoryOpening, closeOutRateOf } from './statutory.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

const RATE_ONE = pow10(RATE_SCALE);

/** Everything one side of a fill will change, computed before anything is changed. */
interface SidePlan {
  readonly account: AccountState;
  /** The account's cross wallet in the settlement asset (looked up once per fill side). */
  readonly wallet: Balance;
  readonly settings: SymbolSettings;
  /** The leg traded (`positionKey`), its side and the position held before (undefined: none). */
  readonly key: string;
  readonly positionSide: PositionSideKey;
  readonly existing: PositionState | undefined;
  /** How the trade splits into closing the held leg and opening new exposure (`closingQty`). */
  readonly closeQty: bigint;
  readonly openQty: bigint;
  /** The leg after the fill: sign (0n: flat), size and entry value (held as numbers, not a new object). */
  afterSign: 1n | -1n | 0n;
  afterQty: bigint;
  afterEntry: bigint;
  /** Money units; positive is a profit. */
  realizedPnl: bigint;
  /** Positive: paid by the user; negative: a maker rebate. */
  readonly fee: bigint;
  /** Initial margin moved from the wallet into the isolated margin for newly opened exposure. */
  readonly isolatedIn: bigint;
  readonly order: OrderState | undefined;
  readonly releasedReserve: bigint;
  /** A partly liquidated isolated leg keeps its whole margin (a fill releases the closed share). */
  keepIsolatedMargin: boolean;
  /**
   * What the fill changes in the account's cached cross sum (this leg's contribution after less before, plus
   * the released order hold), or null: the cache is not current and is ended when the side is applied.
   */
  crossDelta: bigint | null;
  /** With `crossDelta`: the leg's own contribution after the fill (its cache). */
  afterContribution: bigint;
  /** The margin balance the leg settles into (its isolated margin, or the wallet), once the side is applied. */
  margin: Balance | null;
}

/**
 * Makes a side's plan, the leg after the fill still to be set (a plain object without an allocation site, as
 * two are made per fill: src/runtime/plainObject.ts).
 */
const Plan = plainConstructor(function (
  this: Fields<SidePlan>,
  account: AccountState,
  wallet: Balance,
  settings: SymbolSettings,
  key: string,
  positionSide: PositionSideKey,
  existing: PositionState | undefined,
  closeQty: bigint,
  openQty: bigint,
  fee: bigint,
  isolatedIn: bigint,
  order: OrderState | undefined,
  releasedReserve: bigint,
) {
  this.account = account;
  this.wallet = wallet;
  this.settings = settings;
  this.key = key;
  this.positionSide = positionSide;
  this.existing = existing;
  this.closeQty = closeQty;
  this.openQty = openQty;
  this.afterSign = 0n;
  this.afterQty = 0n;
  this.afterEntry = 0n;
  this.realizedPnl = 0n;
  this.fee = fee;
  this.isolatedIn = isolatedIn;
  this.order = order;
  this.releasedReserve = releasedReserve;
  this.keepIsolatedMargin = false;
  this.crossDelta = null;
  this.afterContribution = 0n;
  this.margin = null;
});

/** Fee on `notional` at `rate` (10^−RATE_SCALE): fees round up, rebates down (against the user). */
function feeOn(notional: bigint, rate: bigint): bigint {
  return rate >= 0n
    ? divide(notional * rate, RATE_ONE, 'ceil')
    : -divide(notional * -rate, RATE_ONE, 'floor');
}

/**
 * Sets the plan's leg after the trade: closing releases entry value pro rata (rounded against the user), then
 * opening adds at the fill price. `notional` is qty × price of the whole trade.
 */
function planPositionAfter(plan: SidePlan, side: Side, qty: bigint, price: bigint, notional: bigint): void {
  const trade = plan;
  const existing = trade.existing;
  const tradeSign = side === 'buy' ? 1n : -1n;
  if (existing === undefined || trade.closeQty === 0n) {
    plan.afterSign =
      existing?.sign ??
      (trade.positionSide === 'SHORT' ? -1n : trade.positionSide === 'LONG' ? 1n : tradeSign);
    plan.afterQty = existing === undefined ? qty : existing.qty + qty;
    plan.afterEntry = existing === undefined ? notional : existing.entryValue + notional;
    return;
  }
  // A long's realised PnL falls as the closed entry value rises, so that share is rounded up; a short's, down.
  const closedEntry =
    trade.closeQty === existing.qty
      ? existing.entryValue
      : mulDiv(existing.entryValue, trade.closeQty, existing.qty, existing.sign === 1n ? 'ceil' : 'floor');
  const closedValue = trade.closeQty === qty ? notional : trade.closeQty * price;
  plan.realizedPnl = existing.sign === 1n ? closedValue - closedEntry : closedEntry - closedValue;
  const remainingQty = existing.qty - trade.closeQty;
  if (remainingQty > 0n) {
    plan.afterSign = existing.sign;
    plan.afterQty = remainingQty;
    plan.afterEntry = existing.entryValue - closedEntry;
  } else if (trade.openQty > 0n) {
    plan.afterSign = tradeSign;
    plan.afterQty = trade.openQty;
    plan.afterEntry = trade.openQty * price;
  }
}

function planSide(
  state: EngineState,
  instrument: InstrumentState,
  party: FillParty,
  /** `state.accounts.get(party.accountId)`, looked up by the caller. */
  account: AccountState | undefined,
  side: Side,
  qty: bigint,
  price: bigint,
  notional: bigint,
  symbol: string,
  nowMs: number,
  forced = false,
): SidePlan | Rejection {
  if (account === undefined)
    return reject('unknown_account', `account ${shown(party.accountId)} does not exist`);
  if (party.liquidity !== 'maker' && party.liquidity !== 'taker')
    return reject('invalid_command', 'liquidity must be maker or taker');
  const positionSide = positionSideFor(account.positionMode, party.positionSide);
  if (isRejection(positionSide)) return positionSide;
  let order: OrderState | undefined;
  let releasedReserve = 0n;
  if (party.orderId !== undefined) {
    order = account.orders.get(party.orderId);
    if (order?.symbol !== symbol || order.side !== side || order.positionSide !== positionSide) {
      return reject(
        'unknown_order',
        `account ${account.id} has no open ${side} order ${shown(party.orderId)} on ${symbol}`,
      );
    }
    if (qty > order.remainingQty)
      return reject('invalid_quantity', `fill qty exceeds order ${party.orderId}'s remaining qty`);
    releasedReserve =
      qty === order.remainingQty ? order.reserved : mulDiv(order.reserved, qty, order.remainingQty, 'floor');
  }
  const key = keyOf(instrument.positionKeys, positionSide);
  const existing = account.positions.get(key);
  const closeQty = closingQty(existing, positionSide, side, qty);
  if (closeQty < 0n)
    return reject('reduce_only_violation', `a ${side} of ${qty} exceeds the ${positionSide} leg`);
  const openQty = qty - closeQty;
  // A held leg carries the account's stored settings for the symbol (the same object).
  const settings = existing?.settings ?? settingsOf(state, account, symbol);
  const fee = forced
    ? 0n
    : feeOn(notional, party.liquidity === 'maker' ? instrument.makerFee : instrument.takerFee);
  const isolated = settings.marginMode === 'isolated';
  const isolatedIn =
    isolated && openQty > 0n
      ? divide(openQty === qty ? notional : openQty * price, settings.leverage, 'ceil')
      : 0n;
  const wallet = walletOf(state, account, instrument.spec.asset);
  const plan = new Plan(
    account,
    wallet,
    settings,
    key,
    positionSide,
    existing,
    closeQty,
    openQty,
    fee,
    isolatedIn,
    order,
    releasedReserve,
  );
  planPositionAfter(plan, side, qty, price, notional);
  const afterSign = plan.afterSign;
  // A forced trade (liquidation, ADL) is the engine's own: it skips the checks and ends the account's cache.
  if (forced) return plan;
  const asset = instrument.spec.asset;
  // Reducing is always allowed; the cached cross sum is kept exact if it is current.
  if (openQty === 0n || afterSign === 0n) {
    if (account.crossEpoch === state.crossEpoch && account.crossAsset === asset)
      planCrossDelta(state, instrument, settings, plan, releasedReserve, null);
    return plan;
  }
  // Statutory permission and leverage cap (accounts under a profile), then the symbol's formula rate.
  const statutory =
    account.profile === null ? null : checkStatutoryOpening(account, instrument, settings.leverage);
  if (statutory !== null) return statutory;
  const rated = checkMarginRate(instrument, settings.leverage);
  if (rated !== null) return rated;

  const mark = instrument.mark;
  if (mark === null) return reject('missing_mark', `${symbol} has no mark price yet`);
  const stale = checkPricesAvailable(instrument, nowMs);
  if (stale !== null) return stale;
  const compiled = instrument.compiled;
  const limits = instrument.limits;
  const markValue = plan.afterQty * mark;
  if (limits.capValue !== null && markValue >= limits.capValue) {
    return reject('exceeds_tier_notional', `the ${symbol} position would pass the last tier's cap`);
  }
  const tierIndex = tierIndexAt(compiled.floors, compiled.markBasis ? markValue : plan.afterEntry);
  const maxLeverage = limits.maxLeverage[tierIndex];
  if (maxLeverage !== undefined && settings.leverage > maxLeverage) {
    return reject(
      'leverage_above_tier_max',
      `leverage ${settings.leverage} exceeds tier ${tierIndex + 1}'s max at the new size`,
    );
  }
  // The wallet after the fill, and what is available of it: the other cross positions as they are, this leg
  // as it would be, and the released order hold.
  const walletAfter = wallet.value + (isolated ? -fee - isolatedIn : plan.realizedPnl - fee);
  const crossSum = cachedCrossSum(state, account, asset);
  const available =
    walletAfter + crossSum + planCrossDelta(state, instrument, settings, plan, releasedReserve, markValue);
  if (available < 0n || (isolated && walletAfter < 0n)) {
    return reject('insufficient_margin', `account ${account.id} lacks initial margin for this fill`);
  }
  return plan;
}

/**
 * Sets (and returns) the change a side makes to its account's cross sum: the leg's contribution after the fill
 * less before it (both at the mark; an isolated leg contributes nothing), plus the order hold it releases; and
 * the leg's contribution after the fill. The contribution before is the leg's cached one when that is current.
 * `afterNotional` is the leg's notional at the mark after the fill when the caller has it.
 */
function planCrossDelta(
  state: EngineState,
  instrument: InstrumentState,
  settings: SymbolSettings,
  plan: SidePlan,
  releasedReserve: bigint,
  afterNotional: bigint | null,
): bigint {
  let delta = releasedReserve;
  let after = 0n;
  if (settings.marginMode !== 'isolated') {
    const mark = markOf(instrument);
    const leverage = settings.leverage;
    const existing = plan.existing;
    if (existing !== undefined)
      delta -=
        existing.crossEpoch === state.crossEpoch
          ? existing.crossContribution
          : legContribution(existing.sign, existing.qty * mark, existing.entryValue, leverage);
    if (plan.afterSign !== 0n)
      after = legContribution(
        plan.afterSign,
        afterNotional ?? plan.afterQty * mark,
        plan.afterEntry,
        leverage,
      );
    delta += after;
  }
  plan.crossDelta = delta;
  plan.afterContribution = after;
  return delta;
}

/** A plan, not a rejection (a check that sees only these two shapes, where `isRejection` sees every shape). */
function isPlan(value: SidePlan | Rejection): value is SidePlan {
  return (value as Partial<SidePlan>).account !== undefined;
}

/** Records a transfer as an event (settling zero moves nothing and records nothing). */
function record(events: EngineEvent[], transfer: Transfer | null): void {
  if (transfer !== null) events.push(transfer);
}

/** Adds `delta` (qty units) to the open interest on the side `sign`. */
function addOpenInterest(instrument: InstrumentState, sign: bigint, delta: bigint): void {
  if (sign === 1n) instrument.longOpenInterest += delta;
  else instrument.shortOpenInterest += delta;
}

function applySide(
  state: EngineState,
  instrument: InstrumentState,
  plan: SidePlan,
  symbol: string,
  events: EngineEvent[],
): void {
  const account = plan.account;
  const trade = plan;
  const asset = instrument.spec.asset;
  const wallet = plan.wallet;
  const isolated = plan.settings.marginMode === 'isolated';
  const margin = isolated ? isolatedOf(state, account, instrument, trade.positionSide) : wallet;
  plan.margin = margin;
  const clearing = houseOf(state, instrument).clearing;
  record(events, state.ledger.settleBalances(clearing, margin, plan.realizedPnl, 'realized pnl'));
  if (isolated && trade.closeQty > 0n && trade.existing !== undefined) {
    // Closing returns the closed share of the isolated margin (all of it when the leg is flat or flipped).
    const balance = margin.value;
    const closesAll = plan.afterSign !== trade.existing.sign;
    const release = closesAll
      ? balance
      : plan.keepIsolatedMargin
        ? 0n
        : mulDiv(balance, trade.closeQty, trade.existing.qty, 'floor');
    if (release > 0n) record(events, state.ledger.move(margin, wallet, release, 'isolated margin released'));
    if (closesAll && balance < 0n) {
      // An isolated loss stops at its margin: the rest is the venue's bad debt, not the user's wallet's.
      const badDebt = state.ledger.balanceOf(LedgerAccounts.badDebt, asset);
      record(events, state.ledger.move(badDebt, margin, -balance, 'isolated bad debt'));
      events.push({
        type: 'BadDebt',
        accountId: account.id,
        symbol,
        positionSide: trade.positionSide,
        amount: -balance,
      });
    }
  }
  if (plan.isolatedIn > 0n)
    record(events, state.ledger.move(wallet, margin, plan.isolatedIn, 'isolated margin'));

  const before = trade.existing;
  const { afterSign, afterQty, afterEntry } = plan;
  // Open interest moves only by what this leg opened and closed (no bigint arithmetic for the other side).
  const beforeSign = before?.sign ?? 0n;
  const beforeQty = before?.qty ?? 0n;
  if (afterSign === beforeSign) {
    if (afterQty !== beforeQty) addOpenInterest(instrument, afterSign, afterQty - beforeQty);
  } else {
    if (before !== undefined) addOpenInterest(instrument, before.sign, -beforeQty);
    if (afterSign !== 0n) addOpenInterest(instrument, afterSign, afterQty);
  }
  // Settings in force when a position opens are stored with it (later default changes must not alter it).
  if (before === undefined && !account.settings.has(symbol)) account.settings.set(symbol, plan.settings);
  // The held position is updated in place (it stays where it is in memory); a new leg gets a new object.
  if (afterSign === 0n) {
    if (before !== undefined) account.positions.delete(trade.key);
  } else if (before !== undefined) {
    before.sign = afterSign;
    before.qty = afterQty;
    before.entryValue = afterEntry;
    // The leg's cached contribution is the plan's, or it ends with the account's.
    before.crossEpoch = plan.crossDelta === null ? -1 : state.crossEpoch;
    before.crossContribution = plan.afterContribution;
  } else {
    account.positions.set(trade.key, {
      symbol,
      positionSide: trade.positionSide,
      sign: afterSign,
      qty: afterQty,
      entryValue: afterEntry,
      instrument,
      settings: plan.settings,
      closeOutRate: account.profile === null ? 0n : closeOutRateOf(account, instrument),
      crossEpoch: plan.crossDelta === null ? -1 : state.crossEpoch,
      crossContribution: plan.afterContribution,
    });
  }
  // Holding the symbol changes only when this leg opens or closes. One-way accounts hold the symbol exactly
  // when this leg is open; hedge accounts may hold the other leg.
  if ((before === undefined) !== (afterSign === 0n)) {
    const holdsSymbol =
      afterSign !== 0n ||
      (trade.positionSide !== 'BOTH' &&
        account.positions.has(
          trade.positionSide === 'LONG' ? instrument.positionKeys.SHORT : instrument.positionKeys.LONG,
        ));
    if (holdsSymbol !== instrument.holders.has(account.id)) {
      if (holdsSymbol) instrument.holders.add(account.id);
      else instrument.holders.delete(account.id);
      instrument.holdersSorted = null;
    }
  }
  events.push(
    new PositionChangedEvent(
      account.id,
      symbol,
      trade.positionSide,
      afterSign,
      afterQty,
      afterEntry,
      plan.realizedPnl,
    ),
  );
  // The account's cross sum moves by what the plan worked out, or the cache ends (the next fill recomputes it).
  if (plan.crossDelta === null) account.crossEpoch = -1;
  else account.crossSum += plan.crossDelta;
  if (plan.order !== undefined) {
    const order = plan.order;
    order.remainingQty -= trade.closeQty + trade.openQty;
    order.reserved -= plan.releasedReserve;
    if (order.remainingQty === 0n) account.orders.delete(order.orderId);
    events.push(new OrderReducedEvent(account.id, order.orderId, order.remainingQty, plan.releasedReserve));
  }
}

function chargeFee(
  state: EngineState,
  plan: SidePlan,
  instrument: InstrumentState,
  events: EngineEvent[],
): void {
  const wallet = plan.wallet;
  const reason = plan.fee >= 0n ? 'trading fee' : 'maker rebate';
  const t = state.ledger.settleBalances(wallet, houseOf(state, instrument).fees, plan.fee, reason);
  record(events, t);
}

/**
 * The negative-balance flag after a fill: a flagged account gets the full check (the fill may have repaired
 * it); an unflagged one can only have turned negative where this fill moved money, its wallet or this leg's
 * isolated margin, so only those are read.
 */
function flagIfNegative(
  state: EngineState,
  plan: SidePlan,
  instrument: InstrumentState,
  events: EngineEvent[],
): void {
  const account = plan.account;
  if (account.negativeBalance) {
    events.push(...refreshNegativeFlag(state, account));
    return;
  }
  let negative = plan.wallet.value < 0n;
  if (!negative && plan.settings.marginMode === 'isolated')
    negative = (plan.margin ?? isolatedOf(state, account, instrument, plan.positionSide)).value < 0n;
  if (!negative) return;
  account.negativeBalance = true;
  if (account.profile !== null) state.protectionPending.add(account);
  events.push({ type: 'NegativeBalanceFlagged', accountId: account.id, flagged: true });
}

/**
 * Loads both sides' hot state before either side is planned, level by level and side by side: each account's
 * position and wallet, then the numbers in them. A fill reads two accounts that no recent command touched, so on
 * a large book most of these reads miss the cache; planned one side after the other they form two chains of
 * misses, each waiting for the one before, while issued together the two sides' misses overlap (on this machine
 * ~15 % more fills per second in alternating A/B runs). Nothing is decided here: the reads are the
 * negative-balance and position invariants, checked (asserts stay on), and the cross-sum caches; planning reads
 * the same values again from the cache.
 */
function loadSides(
  instrument: InstrumentState,
  buyer: AccountState,
  buyerParty: FillParty,
  seller: AccountState,
  sellerParty: FillParty,
): void {
  const keys = instrument.positionKeys;
  const buyerSide = positionSideFor(buyer.positionMode, buyerParty.positionSide);
  const sellerSide = positionSideFor(seller.positionMode, sellerParty.positionSide);
  const buyerLeg = typeof buyerSide === 'string' ? buyer.positions.get(keyOf(keys, buyerSide)) : undefined;
  const sellerLeg =
    typeof sellerSide === 'string' ? seller.positions.get(keyOf(keys, sellerSide)) : undefined;
  const buyerWallet = buyer.lastWallet;
  const sellerWallet = seller.lastWallet;
  if (buyerWallet !== null && buyerWallet.value < 0n && !buyer.negativeBalance)
    assert(false, `${buyer.id} has an unflagged negative wallet`);
  if (sellerWallet !== null && sellerWallet.value < 0n && !seller.negativeBalance)
    assert(false, `${seller.id} has an unflagged negative wallet`);
  if (buyerLeg !== undefined) checkLeg(buyerLeg);
  if (sellerLeg !== undefined) checkLeg(sellerLeg);
  // The cross-sum caches planning reads: no invariant to check, so their signs go to `_unchecked`.
  let negative = 0;
  if (buyer.crossSum < 0n) negative++;
  if (seller.crossSum < 0n) negative++;
  if (buyerLeg !== undefined && buyerLeg.crossContribution < 0n) negative++;
  if (sellerLeg !== undefined && sellerLeg.crossContribution < 0n) negative++;
  _unchecked += negative;
}

/**
 * Where `loadSides` puts what it reads and checks nothing against: a read whose result is never used may be
 * dropped by the compiler, and then its cache miss is not in flight early. Never read; it decides nothing.
 */
let _unchecked = 0;

/** A held leg's invariants: a positive size, a non-negative entry value, a leverage of at least 1. */
function checkLeg(leg: PositionState): void {
  if (leg.qty <= 0n || leg.entryValue < 0n || leg.settings.leverage < 1n)
    assert(false, `${leg.symbol}/${leg.positionSide} holds size ${leg.qty}, entry value ${leg.entryValue}`);
}

/** The party of a fill command as given: an object, or nothing to read. */
function partyOf(value: unknown): FillParty | null {
  return typeof value === 'object' && value !== null ? (value as FillParty) : null;
}

/** A trade between two accounts: both sides are planned and checked, then applied (or neither). */
export function fill(state: EngineState, c: Of<'fill'>): EngineEvent[] | Rejection {
  const fillId = identifier(c.fillId, 'fillId');
  if (isRejection(fillId)) return fillId;
  // Reads first, decisions after, in the same order as always: both accounts and the fill id are looked up,
  // and the accounts' hot state loaded, before anything is decided, so that all these cache misses overlap.
  const instrument = state.instruments.get(c.symbol);
  const buyerParty = partyOf(c.buyer);
  const sellerParty = partyOf(c.seller);
  const buyerAccount = buyerParty === null ? undefined : state.accounts.get(buyerParty.accountId);
  const sellerAccount = sellerParty === null ? undefined : state.accounts.get(sellerParty.accountId);
  // The fill id's slot in a table of every id so far (megabytes: usually a miss too), looked up alongside. An id
  // is a duplicate while it is remembered: for good, or for the idempotency window after the fill that used it.
  const usedAt = state.fillIds.usedAt(fillId);
  const window = state.fillIdWindowMs;
  const duplicate = usedAt >= 0 && (window === null || usedAt > c.timestampMs - window);
  if (
    instrument !== undefined &&
    buyerAccount !== undefined &&
    sellerAccount !== undefined &&
    buyerParty !== null &&
    sellerParty !== null &&
    buyerAccount !== sellerAccount
  )
    loadSides(instrument, buyerAccount, buyerParty, sellerAccount, sellerParty);
  if (duplicate) return reject('duplicate_command', `fill ${fillId} was already applied`);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  if (buyerParty === null || sellerParty === null)
    return reject('invalid_command', 'buyer and seller are required');
  if (buyerParty.accountId === sellerParty.accountId)
    return reject('self_trade', 'buyer and seller are the same account');
  if (buyerParty.liquidity === sellerParty.liquidity)
    return reject('invalid_command', 'one side is the maker and the other the taker');
  const qty = units(c.qty, instrument.spec.qtyScale, 'qty', 'invalid_quantity', 'positive');
  if (isRejection(qty)) return qty;
  const price = priceUnits(instrument, c.price, 'price');
  if (isRejection(price)) return price;
  // The listing's own string from here on: positions keep it, and every later map lookup by it hits a
  // string whose hash is computed and that is the very key stored (the command's copy is a fresh string).
  const symbol = instrument.spec.symbol;
  const notional = qty * price;
  const t = c.timestampMs;
  const buyer = planSide(state, instrument, buyerParty, buyerAccount, 'buy', qty, price, notional, symbol, t);
  if (!isPlan(buyer)) return buyer;
  const seller = planSide(
    state,
    instrument,
    sellerParty,
    sellerAccount,
    'sell',
    qty,
    price,
    notional,
    symbol,
    t,
  );
  if (!isPlan(seller)) return seller;

  const events = arrayOf<EngineEvent>(new FilledEvent(fillId, symbol, price, qty));
  applySide(state, instrument, buyer, symbol, events);
  applySide(state, instrument, seller, symbol, events);
  // The taker's fee is in the fee account before the maker's rebate leaves it.
  const buyerFirst = buyer.fee >= seller.fee;
  chargeFee(state, buyerFirst ? buyer : seller, instrument, events);
  chargeFee(state, buyerFirst ? seller : buyer, instrument, events);
  if (window !== null) state.fillIds.expireThrough(t - window);
  state.fillIds.add(fillId, t);
  // The venue's last trade price feeds the mark at the next price tick (fine units of the price layer).
  if (instrument.prices !== null)
    instrument.prices.lastPrice = (price / instrument.priceFactor) * pow10(FINE_DIGITS);
  flagIfNegative(state, buyer, instrument, events);
  flagIfNegative(state, seller, instrument, events);
  return events;
}

/** Largest idempotency window: ten years of command time. */
export const MAX_IDEMPOTENCY_WINDOW_MS = 10 * 366 * 24 * 3_600_000;

/**
 * Sets how long fill ids are remembered (`windowMs` absent: for good). Ids already older than a new window are
 * forgotten at once (at this command's timestamp), so the memory and snapshots they take shrink now, not at the
 * next fill.
 */
export function setIdempotencyWindow(
  state: EngineState,
  c: Of<'setIdempotencyWindow'>,
): EngineEvent[] | Rejection {
  // Only absence means no window: a null (JSON can send one) is refused like any other non-number.
  const given: unknown = c.windowMs;
  if (
    given !== undefined &&
    !(
      typeof given === 'number' &&
      Number.isSafeInteger(given) &&
      given >= 1 &&
      given <= MAX_IDEMPOTENCY_WINDOW_MS
    )
  ) {
    return reject(
      'invalid_command',
      `windowMs must be a whole number of milliseconds from 1 to ${MAX_IDEMPOTENCY_WINDOW_MS} (or absent: remember every fill id), not ${shown(given)}`,
    );
  }
  const windowMs = given ?? null;
  state.fillIdWindowMs = windowMs;
  const expired = windowMs === null ? 0 : state.fillIds.expireThrough(c.timestampMs - windowMs);
  return [{ type: 'IdempotencyWindowSet', windowMs, expired }];
}

/** One side of a trade the engine makes itself: the account and the leg it trades. */
export interface ForcedParty {
  readonly accountId: string;
  readonly positionSide: 'BOTH' | 'LONG' | 'SHORT';
  /** The liquidated side: a partial close of an isolated leg leaves its margin in the leg. */
  readonly keepIsolatedMargin?: boolean;
}

/**
 * A trade the engine makes itself (a liquidation order filled on the book, an ADL close): settled exactly like
 * a fill (realised PnL, isolated margin, open interest, holders), with no trading fee, no fill id and none of
 * the opening checks (the liquidated side only reduces; its counterparty is the liquidity account or an ADL
 * counterparty, which only reduces). Callers have checked both parties exist and `qty` is positive.
 */
export function forcedTrade(
  state: EngineState,
  instrument: InstrumentState,
  buyer: ForcedParty,
  seller: ForcedParty,
  qty: bigint,
  price: bigint,
  events: EngineEvent[],
): void {
  assert(qty > 0n && price > 0n, 'forced trade of a positive qty at a positive price');
  const symbol = instrument.spec.symbol;
  const notional = qty * price;
  const plans: SidePlan[] = [];
  for (const [party, side] of [
    [buyer, 'buy'],
    [seller, 'sell'],
  ] as const) {
    const plan = planSide(
      state,
      instrument,
      { accountId: party.accountId, liquidity: 'taker', positionSide: party.positionSide },
      state.accounts.get(party.accountId),
      side,
      qty,
      price,
      notional,
      symbol,
      state.lastTimestampMs,
      true,
    );
    if (!isPlan(plan)) assert(false, `forced ${side} rejected: ${plan.code} ${plan.message}`);
    plan.keepIsolatedMargin = party.keepIsolatedMargin === true;
    plans.push(plan);
  }
  for (const plan of plans) applySide(state, instrument, plan, symbol, events);
  for (const plan of plans) flagIfNegative(state, plan, instrument, events);
}
