import type { Transfer } from '../ledger/index.js';

/** What a command changed. Every balance change is a `Transfer`; positions, orders and settings have their own. */
export type EngineEvent =
  | { readonly type: 'AssetConfigured'; readonly asset: string; readonly scale: number }
  | { readonly type: 'InstrumentListed'; readonly symbol: string }
  | { readonly type: 'ParameterChanged'; readonly symbol: string; readonly fields: readonly string[] }
  | { readonly type: 'AccountCreated'; readonly accountId: string }
  | { readonly type: 'Transfer'; readonly transfer: Transfer }
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
  | { readonly type: 'MarkPriceUpdated'; readonly symbol: string; readonly price: bigint }
  | {
      readonly type: 'FundingPaid';
      readonly symbol: string;
      readonly rate: bigint;
      readonly paid: bigint;
      readonly received: bigint;
    }
  | {
      readonly type: 'BadDebt';
      readonly accountId: string;
      readonly symbol: string;
      readonly positionSide: string;
      readonly amount: bigint;
    }
  | { readonly type: 'NegativeBalanceFlagged'; readonly accountId: string; readonly flagged: boolean };
