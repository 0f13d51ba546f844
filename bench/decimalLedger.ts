import { Decimal } from 'decimal.js';
import type { Command, FillParty } from '../src/index.js';

/**
 * The engine benchmark's baseline: the same fill semantics written the way a typical decimal.js engine is — plain
 * objects for accounts with Decimal balances, a Map of positions with a signed Decimal size and its cost (Σ size ×
 * price of the open part, so the average entry is cost / size), every figure recomputed from those objects at 40
 * significant digits. No double-entry ledger, no events, no state hash, no negative-balance flag.
 *
 * It mirrors Bulwark where money is booked, so the final balances can be compared: amounts are rounded to the
 * asset's decimals where they land in a balance, against the user (fees and isolated margin up, the closed share
 * of the cost so that realised PnL rounds down, released margin and order holds down). The margin check is the
 * naive one: initial margin = notional at the mark / leverage, unrounded, against equity = wallet + unrealised
 * PnL of the cross positions, less resting orders' holds.
 */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
type Dec = InstanceType<typeof D>;

const ZERO = new D(0);
const DEFAULT_LEVERAGE = new D(20);

interface DecTier {
  readonly floor: Dec;
  readonly cap: Dec;
  readonly maxLeverage: Dec;
}

interface DecInstrument {
  readonly symbol: string;
  readonly asset: string;
  readonly priceScale: number;
  readonly qtyScale: number;
  readonly tiers: readonly DecTier[];
  readonly lastCap: Dec;
  readonly makerFee: Dec;
  readonly takerFee: Dec;
  mark: Dec | null;
}

export interface DecPosition {
  /** Positive long, negative short. */
  qty: Dec;
  /** Σ |qty| × price of the open part, in the asset. */
  cost: Dec;
}

interface DecOrder {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly price: Dec;
  remaining: Dec;
  reserved: Dec;
}

export interface DecAccount {
  readonly id: string;
  wallet: Dec;
  readonly positions: Map<string, DecPosition>;
  readonly isolatedMargin: Map<string, Dec>;
  readonly leverage: Map<string, Dec>;
  readonly isolated: Set<string>;
  readonly orders: Map<string, DecOrder>;
}

export type DecResult = { readonly ok: true } | { readonly ok: false; readonly code: string };

const OK: DecResult = { ok: true };
const fail = (code: string): DecResult => ({ ok: false, code });

/** One side of a fill, computed before anything changes. */
interface SidePlan {
  readonly account: DecAccount;
  readonly position: DecPosition | undefined;
  readonly closeQty: Dec;
  readonly openQty: Dec;
  readonly after: DecPosition | null;
  readonly closedCost: Dec;
  readonly realizedPnl: Dec;
  readonly fee: Dec;
  readonly isolated: boolean;
  readonly isolatedIn: Dec;
  readonly order: DecOrder | undefined;
  readonly release: Dec;
}

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

function parse(text: unknown): Dec | null {
  if (typeof text !== 'string') return null;
  try {
    const value = new D(text);
    return value.isFinite() ? value : null;
  } catch {
    return null;
  }
}

export class DecimalLedger {
  readonly accounts = new Map<string, DecAccount>();
  readonly instruments = new Map<string, DecInstrument>();
  readonly assets = new Map<string, number>();
  readonly fillIds = new Set<string>();
  lastSeq = 0;

  apply(c: Command): DecResult {
    if (c.seq !== this.lastSeq + 1) return fail('sequence_gap');
    this.lastSeq = c.seq;
    switch (c.type) {
      case 'fill':
        return this.fill(c);
      case 'configureAsset':
        this.assets.set(c.asset, c.scale);
        return OK;
      case 'listInstrument':
        return this.listInstrument(c);
      case 'markPrice': {
        const instrument = this.instruments.get(c.symbol);
        const price = parse(c.price);
        if (instrument === undefined) return fail('unknown_symbol');
        if (price?.gt(0) !== true) return fail('invalid_price');
        instrument.mark = price;
        return OK;
      }
      case 'createAccount':
        if (this.accounts.has(c.accountId)) return fail('duplicate_account');
        this.accounts.set(c.accountId, {
          id: c.accountId,
          wallet: ZERO,
          positions: new Map(),
          isolatedMargin: new Map(),
          leverage: new Map(),
          isolated: new Set(),
          orders: new Map(),
        });
        return OK;
      case 'deposit': {
        const account = this.accounts.get(c.accountId);
        const amount = parse(c.amount);
        if (account === undefined) return fail('unknown_account');
        if (amount?.gt(0) !== true) return fail('invalid_amount');
        account.wallet = account.wallet.add(amount);
        return OK;
      }
      case 'setLeverage': {
        const account = this.accounts.get(c.accountId);
        if (account === undefined) return fail('unknown_account');
        account.leverage.set(c.symbol, new D(c.leverage));
        return OK;
      }
      case 'setMarginMode': {
        const account = this.accounts.get(c.accountId);
        if (account === undefined) return fail('unknown_account');
        if (c.marginMode === 'isolated') account.isolated.add(c.symbol);
        else account.isolated.delete(c.symbol);
        return OK;
      }
      case 'placeOrder':
        return this.placeOrder(c);
      default:
        return fail('invalid_command');
    }
  }

  private listInstrument(c: Of<'listInstrument'>): DecResult {
    const tiers = c.tiers.map((t) => ({
      floor: new D(t.floor),
      cap: new D(t.cap),
      maxLeverage: new D(t.maxLeverage),
    }));
    const last = tiers[tiers.length - 1];
    if (last === undefined) return fail('invalid_tiers');
    this.instruments.set(c.symbol, {
      symbol: c.symbol,
      asset: c.asset,
      priceScale: c.priceScale,
      qtyScale: c.qtyScale,
      tiers,
      lastCap: last.cap,
      makerFee: new D(c.makerFeeRate),
      takerFee: new D(c.takerFeeRate),
      mark: null,
    });
    return OK;
  }

  private scaleOf(instrument: DecInstrument): number {
    return this.assets.get(instrument.asset) ?? 8;
  }

  private leverageOf(account: DecAccount, symbol: string): Dec {
    return account.leverage.get(symbol) ?? DEFAULT_LEVERAGE;
  }

  private placeOrder(c: Of<'placeOrder'>): DecResult {
    const account = this.accounts.get(c.accountId);
    if (account === undefined) return fail('unknown_account');
    const instrument = this.instruments.get(c.symbol);
    if (instrument === undefined) return fail('unknown_symbol');
    const qty = parse(c.qty);
    const price = parse(c.price);
    if (qty?.gt(0) !== true) return fail('invalid_quantity');
    if (price?.gt(0) !== true) return fail('invalid_price');
    const held = account.positions.get(c.symbol)?.qty ?? ZERO;
    const sign = c.side === 'buy' ? 1 : -1;
    const closing = held.isZero() || held.s === sign ? ZERO : D.min(qty, held.abs());
    const reserved = qty
      .sub(closing)
      .mul(price)
      .div(this.leverageOf(account, c.symbol))
      .toDP(this.scaleOf(instrument), Decimal.ROUND_UP);
    if (reserved.gt(this.available(account, instrument.asset, null, ZERO, ZERO)))
      return fail('insufficient_margin');
    account.orders.set(c.orderId, {
      orderId: c.orderId,
      symbol: c.symbol,
      side: c.side,
      price,
      remaining: qty,
      reserved,
    });
    return OK;
  }

  /**
   * Equity less initial margin of the account's cross positions at the marks and its orders' holds, with the
   * position on `change.symbol` replaced by `change.after` and the wallet moved by `walletDelta`.
   */
  private available(
    account: DecAccount,
    asset: string,
    change: { readonly symbol: string; readonly after: DecPosition | null } | null,
    walletDelta: Dec,
    released: Dec,
  ): Dec {
    let equity = account.wallet.add(walletDelta);
    let initialMargin = released.neg();
    const visit = (symbol: string, p: DecPosition): void => {
      const instrument = this.instruments.get(symbol);
      if (instrument?.asset !== asset || account.isolated.has(symbol) || instrument.mark === null) return;
      const value = p.qty.abs().mul(instrument.mark);
      equity = equity.add(p.qty.isNeg() ? p.cost.sub(value) : value.sub(p.cost));
      initialMargin = initialMargin.add(value.div(this.leverageOf(account, symbol)));
    };
    for (const [symbol, p] of account.positions) if (symbol !== change?.symbol) visit(symbol, p);
    if (change?.after != null) visit(change.symbol, change.after);
    for (const order of account.orders.values()) {
      if (this.instruments.get(order.symbol)?.asset === asset)
        initialMargin = initialMargin.add(order.reserved);
    }
    return equity.sub(initialMargin);
  }

  private planSide(
    instrument: DecInstrument,
    party: FillParty,
    side: 'buy' | 'sell',
    qty: Dec,
    price: Dec,
  ): SidePlan | DecResult {
    const account = this.accounts.get(party.accountId);
    if (account === undefined) return fail('unknown_account');
    const symbol = instrument.symbol;
    const scale = this.scaleOf(instrument);
    let order: DecOrder | undefined;
    let release = ZERO;
    if (party.orderId !== undefined) {
      order = account.orders.get(party.orderId);
      if (order?.symbol !== symbol || order.side !== side) return fail('unknown_order');
      if (qty.gt(order.remaining)) return fail('invalid_quantity');
      release = qty.eq(order.remaining)
        ? order.reserved
        : order.reserved.mul(qty).div(order.remaining).toDP(scale, Decimal.ROUND_DOWN);
    }
    const sign = side === 'buy' ? 1 : -1;
    const position = account.positions.get(symbol);
    const held = position === undefined ? ZERO : position.qty.abs();
    const closeQty = position === undefined || position.qty.s === sign ? ZERO : D.min(qty, held);
    const openQty = qty.sub(closeQty);
    let after: DecPosition | null;
    let closedCost = ZERO;
    let realizedPnl = ZERO;
    if (position === undefined || closeQty.isZero()) {
      after = {
        qty: (position?.qty ?? ZERO).add(sign === 1 ? qty : qty.neg()),
        cost: (position?.cost ?? ZERO).add(qty.mul(price)),
      };
    } else {
      const long = position.qty.isPos();
      // The closed share of the cost, rounded so that realised PnL rounds down (against the user).
      closedCost = closeQty.eq(held)
        ? position.cost
        : position.cost
            .mul(closeQty)
            .div(held)
            .toDP(scale, long ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR);
      const exit = closeQty.mul(price);
      realizedPnl = long ? exit.sub(closedCost) : closedCost.sub(exit);
      if (closeQty.lt(held)) {
        after = {
          qty: long ? position.qty.sub(closeQty) : position.qty.add(closeQty),
          cost: position.cost.sub(closedCost),
        };
      } else if (openQty.isPos()) {
        after = { qty: sign === 1 ? openQty : openQty.neg(), cost: openQty.mul(price) };
      } else after = null;
    }
    const rate = party.liquidity === 'maker' ? instrument.makerFee : instrument.takerFee;
    const fee = qty.mul(price).mul(rate).toDP(scale, Decimal.ROUND_CEIL);
    const isolated = account.isolated.has(symbol);
    const leverage = this.leverageOf(account, symbol);
    const isolatedIn =
      isolated && openQty.isPos() ? openQty.mul(price).div(leverage).toDP(scale, Decimal.ROUND_UP) : ZERO;
    const plan: SidePlan = {
      account,
      position,
      closeQty,
      openQty,
      after,
      closedCost,
      realizedPnl,
      fee,
      isolated,
      isolatedIn,
      order,
      release,
    };
    if (openQty.isZero() || after === null) return plan; // reducing is always allowed

    const mark = instrument.mark;
    if (mark === null) return fail('missing_mark');
    const notional = after.qty.abs().mul(mark);
    if (notional.gte(instrument.lastCap)) return fail('exceeds_tier_notional');
    let tier = instrument.tiers[0];
    for (const t of instrument.tiers) if (notional.gte(t.floor)) tier = t;
    if (tier !== undefined && leverage.gt(tier.maxLeverage)) return fail('leverage_above_tier_max');
    const walletDelta = isolated ? fee.add(isolatedIn).neg() : realizedPnl.sub(fee);
    const available = this.available(account, instrument.asset, { symbol, after }, walletDelta, release);
    if (available.isNeg() || (isolated && account.wallet.add(walletDelta).isNeg()))
      return fail('insufficient_margin');
    return plan;
  }

  private applySide(instrument: DecInstrument, plan: SidePlan): void {
    const { account } = plan;
    const symbol = instrument.symbol;
    if (plan.isolated) {
      let margin = (account.isolatedMargin.get(symbol) ?? ZERO).add(plan.realizedPnl);
      if (plan.closeQty.isPos() && plan.position !== undefined) {
        const closesAll = plan.after?.qty.s !== plan.position.qty.s;
        const release = closesAll
          ? margin
          : margin
              .mul(plan.closeQty)
              .div(plan.position.qty.abs())
              .toDP(this.scaleOf(instrument), Decimal.ROUND_FLOOR);
        if (release.isPos()) {
          account.wallet = account.wallet.add(release);
          margin = margin.sub(release);
        }
        // A loss beyond the isolated margin is the venue's, not the wallet's.
        if (closesAll && margin.isNeg()) margin = ZERO;
      }
      if (plan.isolatedIn.isPos()) {
        account.wallet = account.wallet.sub(plan.isolatedIn);
        margin = margin.add(plan.isolatedIn);
      }
      account.isolatedMargin.set(symbol, margin);
    } else {
      account.wallet = account.wallet.add(plan.realizedPnl);
    }
    account.wallet = account.wallet.sub(plan.fee);
    if (plan.after === null) account.positions.delete(symbol);
    else account.positions.set(symbol, plan.after);
    const order = plan.order;
    if (order !== undefined) {
      order.remaining = order.remaining.sub(plan.closeQty).sub(plan.openQty);
      order.reserved = order.reserved.sub(plan.release);
      if (order.remaining.isZero()) account.orders.delete(order.orderId);
    }
  }

  private fill(c: Of<'fill'>): DecResult {
    if (this.fillIds.has(c.fillId)) return fail('duplicate_command');
    const instrument = this.instruments.get(c.symbol);
    if (instrument === undefined) return fail('unknown_symbol');
    if (c.buyer.accountId === c.seller.accountId) return fail('self_trade');
    if (c.buyer.liquidity === c.seller.liquidity) return fail('invalid_command');
    const qty = parse(c.qty);
    if (qty?.gt(0) !== true || qty.decimalPlaces() > instrument.qtyScale) return fail('invalid_quantity');
    const price = parse(c.price);
    if (price?.gt(0) !== true || price.decimalPlaces() > instrument.priceScale) return fail('invalid_price');
    const buyer = this.planSide(instrument, c.buyer, 'buy', qty, price);
    if ('ok' in buyer) return buyer;
    const seller = this.planSide(instrument, c.seller, 'sell', qty, price);
    if ('ok' in seller) return seller;
    this.applySide(instrument, buyer);
    this.applySide(instrument, seller);
    this.fillIds.add(c.fillId);
    return OK;
  }
}
