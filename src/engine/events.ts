import type { Transfer } from '../ledger/index.js';
import { plainConstructor, type Fields } from '../runtime/plainObject.js';

/** What a command changed. Every balance change is a `Transfer`; positions, orders and settings have their own. */
export type EngineEvent =
  | { readonly type: 'AssetConfigured'; readonly asset: string; readonly scale: number }
  | { readonly type: 'InstrumentListed'; readonly symbol: string }
  | { readonly type: 'ParameterChanged'; readonly symbol: string; readonly fields: readonly string[] }
  | {
      readonly type: 'AccountCreated';
      readonly accountId: string;
      /** `id@version` of the jurisdiction profile, or null. */
      readonly profile: string | null;
    }
  | Transfer
  | {
      readonly type: 'OrderPlaced';
      readonly accountId: string;
      readonly orderId: string;
      readonly reserved: bigint;
    }
  | {
      readonly type: 'OrderReduced';
      readonly accountId: string;
      readonly orderId: string;
      readonly remainingQty: bigint;
      readonly released: bigint;
    }
  | {
      readonly type: 'OrderCancelled';
      readonly accountId: string;
      readonly orderId: string;
      readonly released: bigint;
    }
  | {
      readonly type: 'Filled';
      readonly fillId: string;
      readonly symbol: string;
      readonly price: bigint;
      readonly qty: bigint;
    }
  | {
      readonly type: 'PositionChanged';
      readonly accountId: string;
      readonly symbol: string;
      readonly positionSide: string;
      readonly sign: bigint;
      readonly qty: bigint;
      readonly entryValue: bigint;
      readonly realizedPnl: bigint;
    }
  | {
      readonly type: 'LeverageSet';
      readonly accountId: string;
      readonly symbol: string;
      readonly leverage: bigint;
    }
  | {
      readonly type: 'MarginModeSet';
      readonly accountId: string;
      readonly symbol: string;
      readonly marginMode: string;
    }
  | { readonly type: 'PositionModeSet'; readonly accountId: string; readonly mode: string }
  | {
      readonly type: 'MarkPriceUpdated';
      readonly symbol: string;
      /** Kernel price units. */
      readonly price: bigint;
      /** The price layer held the move to its maximum per tick. */
      readonly clamped?: boolean;
    }
  | {
      readonly type: 'IndexPriceUpdated';
      readonly symbol: string;
      /** Fine price units (10^−(priceScale + 6)); null before the first good index. */
      readonly price: bigint | null;
      /** `stale`: too few live sources; the previous index is kept and flagged. */
      readonly status: 'ok' | 'stale' | 'none';
      readonly liveSources: number;
      readonly staleSinceMs?: number;
    }
  | {
      readonly type: 'PremiumSampled';
      readonly symbol: string;
      /** Fine price units. */
      readonly impactBid: bigint;
      readonly impactAsk: bigint;
      /** 10^−12 of the index. */
      readonly premium: bigint;
      /** False when this sampling slot already had its sample. */
      readonly sampled: boolean;
    }
  | {
      readonly type: 'BookDepthSet';
      readonly symbol: string;
      /** Levels a side in the liquidation executor's depth. */
      readonly bids: number;
      readonly asks: number;
    }
  | { readonly type: 'PremiumSkipped'; readonly symbol: string; readonly reason: 'insufficient_depth' }
  | {
      readonly type: 'FundingPaid';
      readonly symbol: string;
      /** Rate units (10^−8) for the interval. */
      readonly rate: bigint;
      readonly paid: bigint;
      readonly received: bigint;
      /** The rate model's cap or floor bound the rate (price layer only). */
      readonly limit?: 'cap' | 'floor' | null;
      /** The funding time paid (a multiple of the interval; price layer only). */
      readonly fundingTimeMs?: number;
    }
  | {
      readonly type: 'BadDebt';
      readonly accountId: string;
      readonly symbol: string;
      readonly positionSide: string;
      readonly amount: bigint;
    }
  | { readonly type: 'NegativeBalanceFlagged'; readonly accountId: string; readonly flagged: boolean }
  | { readonly type: 'InsuranceFundCreated'; readonly fund: string; readonly asset: string }
  | {
      readonly type: 'InsuranceFundChanged';
      readonly fund: string;
      /** Money units after the change. */
      readonly base: bigint;
      readonly reserve: bigint;
    }
  | { readonly type: 'StressRegimeSet'; readonly active: boolean; readonly reason: string }
  /** The idempotency window changed; `expired` ids older than it were forgotten at once. */
  | { readonly type: 'IdempotencyWindowSet'; readonly windowMs: number | null; readonly expired: number }
  | {
      readonly type: 'LiquidationTriggered';
      readonly accountId: string;
      /** The margin pool found at or below maintenance: the cross wallet of an asset, or one isolated leg. */
      readonly unit: string;
      /** Money units. */
      readonly equity: bigint;
      /** Money × rate units (10^−8 of a money unit). */
      readonly maintenance: bigint;
    }
  | {
      readonly type: 'LiquidationFill';
      readonly accountId: string;
      readonly symbol: string;
      readonly positionSide: string;
      /** Who took the other side: the book (the liquidity account), or an ADL counterparty. */
      readonly via: 'book' | 'takeover' | 'adl' | 'backstop';
      readonly counterparty: string;
      readonly qty: bigint;
      /** Kernel price units. */
      readonly price: bigint;
      /** The liquidated leg's bankruptcy price the order was limited to (kernel price units, rounded toward solvency). */
      readonly bankruptcyPrice: bigint;
    }
  | {
      readonly type: 'LiquidationEnded';
      readonly accountId: string;
      readonly unit: string;
      /** healthy: back above maintenance; flat: nothing left to close; stuck: no liquidity, fund or ADL counterparty left. */
      readonly outcome: 'healthy' | 'flat' | 'stuck';
    }
  | {
      readonly type: 'AdlQuantiles';
      readonly symbol: string;
      /** accountId/positionSide → light 1 (least likely) … 5 (first in the queue), per side. */
      readonly lights: Readonly<Record<string, number>>;
    }
  | { readonly type: 'GovernanceKeyRegistered'; readonly keyId: string }
  | {
      readonly type: 'MarginModelProposed';
      readonly proposalId: string;
      readonly symbol: string;
      readonly effectiveAtMs: number;
      readonly emergency: boolean;
      readonly proposerKeyId: string;
    }
  | { readonly type: 'ProposalApproved'; readonly proposalId: string; readonly approverKeyId: string }
  | {
      readonly type: 'MarginModelActivated';
      readonly proposalId: string;
      readonly symbol: string;
      readonly formulaId: string;
      readonly formulaVersion: number;
      readonly parameterSetVersion: number;
      readonly reasonCode: string;
      readonly emergency: boolean;
      readonly proposerKeyId: string;
      readonly approverKeyId: string;
    }
  | {
      /** A symbol's formula rate was computed: everything needed to recompute it is here (the disclosure log's entry). */
      readonly type: 'MarginRateChanged';
      readonly symbol: string;
      readonly proposalId: string;
      readonly formulaId: string;
      readonly formulaVersion: number;
      /** SHA-256 (hex) of the formula source. */
      readonly formulaHash: string;
      readonly source: string;
      readonly parameterSetVersion: number;
      readonly parameters: Readonly<Record<string, string>>;
      /** 10^−rateScale; null: none yet. */
      readonly oldRate: bigint | null;
      readonly newRate: bigint | null;
      readonly rateScale: number;
      /** The standard inputs as decimal text, and the completed days' [close, high, low]. */
      readonly inputs: Readonly<Record<string, string>>;
      readonly history: readonly (readonly [string, string, string])[];
      readonly clamps: readonly string[];
      /** Why the formula gave no rate (the previous one stands), or null. */
      readonly error: string | null;
      readonly reason: 'model-activated' | 'daily';
      readonly effectiveMs: number;
    }
  | {
      /** Negative-balance protection: the venue (its bad-debt account) absorbed a protected account's deficit. */
      readonly type: 'NegativeBalanceAbsorbed';
      readonly accountId: string;
      readonly asset: string;
      readonly profile: string;
      readonly amount: bigint;
    };

type EventOf<K extends EngineEvent['type']> = Extract<EngineEvent, { type: K }>;

// The fill path's events, made without allocation sites (src/runtime/plainObject.ts): a fill makes several, and
// a pretenured event site slows every later fill.

export const FilledEvent = plainConstructor(function (
  this: Fields<EventOf<'Filled'>>,
  fillId: string,
  symbol: string,
  price: bigint,
  qty: bigint,
) {
  this.type = 'Filled';
  this.fillId = fillId;
  this.symbol = symbol;
  this.price = price;
  this.qty = qty;
});

export const PositionChangedEvent = plainConstructor(function (
  this: Fields<EventOf<'PositionChanged'>>,
  accountId: string,
  symbol: string,
  positionSide: string,
  sign: bigint,
  qty: bigint,
  entryValue: bigint,
  realizedPnl: bigint,
) {
  this.type = 'PositionChanged';
  this.accountId = accountId;
  this.symbol = symbol;
  this.positionSide = positionSide;
  this.sign = sign;
  this.qty = qty;
  this.entryValue = entryValue;
  this.realizedPnl = realizedPnl;
});

export const OrderReducedEvent = plainConstructor(function (
  this: Fields<EventOf<'OrderReduced'>>,
  accountId: string,
  orderId: string,
  remainingQty: bigint,
  released: bigint,
) {
  this.type = 'OrderReduced';
  this.accountId = accountId;
  this.orderId = orderId;
  this.remainingQty = remainingQty;
  this.released = released;
});
