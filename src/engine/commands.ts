/**
 * Engine commands. Every command carries its own sequence number and timestamp (the engine never reads the
 * clock); numbers are decimal strings, parsed and checked by the engine at the edge of each command.
 */

export interface CommandHeader {
  /** Consecutive from 1; the journal order. */
  readonly seq: number;
  /** Milliseconds since the epoch, from the sender; never decreasing. */
  readonly timestampMs: number;
}

export type Side = 'buy' | 'sell';
export type PositionMode = 'oneWay' | 'hedge';

export interface TierInput {
  readonly floor: string;
  readonly cap: string;
  readonly mmr: string;
  readonly maxLeverage: string;
  readonly cum?: string;
}

export type Command = CommandHeader &
  (
    | { readonly type: 'configureAsset'; readonly asset: string; readonly scale: number }
    | {
        readonly type: 'listInstrument';
        readonly symbol: string;
        readonly asset: string;
        readonly priceScale: number;
        readonly qtyScale: number;
        readonly tierModel: 'cumulative' | 'whole';
        readonly maintenanceBasis: 'mark' | 'entry';
        readonly tiers: readonly TierInput[];
        readonly makerFeeRate: string;
        readonly takerFeeRate: string;
        /**
         * The price layer (index from sources, computed mark, funding from premium samples). Absent: the mark
         * and funding rates come from outside (`markPrice`, `fundingTick` with a rate).
         */
        readonly prices?: PriceSpecInput;
        /** The loss waterfall's rules. Absent: the engine never liquidates this instrument's positions. */
        readonly liquidation?: LiquidationSpecInput;
      }
    | {
        readonly type: 'setParameter';
        readonly symbol: string;
        readonly makerFeeRate?: string;
        readonly takerFeeRate?: string;
        readonly tiers?: readonly TierInput[];
      }
    | {
        readonly type: 'createAccount';
        readonly accountId: string;
        /**
         * The jurisdiction profile the account trades under (statutory margin: product permission, initial-margin
         * floor and leverage cap at opening, close-out, negative-balance protection). Absent: none, venue rules only.
         */
        readonly profile?: string;
        /** The profile's version; absent: the version in force at the command's time. */
        readonly profileVersion?: number;
        /** The client's category under the profile; absent: retail (professional under the professional profile). */
        readonly clientCategory?: 'retail' | 'professional';
      }
    | {
        readonly type: 'deposit';
        readonly accountId: string;
        readonly asset: string;
        readonly amount: string;
      }
    | {
        readonly type: 'withdraw';
        readonly accountId: string;
        readonly asset: string;
        readonly amount: string;
      }
    | {
        readonly type: 'placeOrder';
        readonly accountId: string;
        readonly orderId: string;
        readonly symbol: string;
        readonly side: Side;
        readonly positionSide?: 'BOTH' | 'LONG' | 'SHORT';
        readonly qty: string;
        readonly price: string;
        readonly reduceOnly?: boolean;
      }
    | { readonly type: 'cancelOrder'; readonly accountId: string; readonly orderId: string }
    | {
        readonly type: 'fill';
        /**
         * Client-supplied idempotency id: a second fill with the same id is a duplicate (within the idempotency
         * window, when one is set: `setIdempotencyWindow`).
         */
        readonly fillId: string;
        readonly symbol: string;
        readonly price: string;
        readonly qty: string;
        readonly buyer: FillParty;
        readonly seller: FillParty;
      }
    | {
        readonly type: 'setLeverage';
        readonly accountId: string;
        readonly symbol: string;
        readonly leverage: number;
      }
    | {
        readonly type: 'setMarginMode';
        readonly accountId: string;
        readonly symbol: string;
        readonly marginMode: 'cross' | 'isolated';
      }
    | { readonly type: 'setPositionMode'; readonly accountId: string; readonly mode: PositionMode }
    | {
        readonly type: 'adjustIsolatedMargin';
        readonly accountId: string;
        readonly symbol: string;
        readonly positionSide: 'BOTH' | 'LONG' | 'SHORT';
        /** Positive adds margin from the wallet, negative returns it. */
        readonly amount: string;
      }
    | { readonly type: 'markPrice'; readonly symbol: string; readonly price: string }
    | {
        readonly type: 'sourcePrices';
        readonly symbol: string;
        /** Spot quotes from the index's sources, each with the time its source observed it. */
        readonly quotes: readonly SourceQuote[];
      }
    | {
        readonly type: 'bookSnapshot';
        readonly symbol: string;
        /** [price, qty] levels, best first; qty in contracts (the instrument's quantity). */
        readonly bids: readonly (readonly [string, string])[];
        readonly asks: readonly (readonly [string, string])[];
        /** The last trade price on the venue, when known (fills also set it). */
        readonly lastPrice?: string;
      }
    | { readonly type: 'createInsuranceFund'; readonly fund: string; readonly asset: string }
    | {
        readonly type: 'fundInsurance';
        readonly fund: string;
        /** Money from outside the venue (the venue's own contribution). */
        readonly amount: string;
        /** `base` (the default) or the volatility `reserve`, which pays only in a declared stress regime. */
        readonly pool?: 'base' | 'reserve';
      }
    | { readonly type: 'setStressRegime'; readonly active: boolean; readonly reason: string }
    | {
        /**
         * How long a fill id is remembered: a fill whose id an applied fill used less than `windowMs` before
         * (by command timestamps) is a duplicate; older ids are forgotten, which bounds the memory and snapshots
         * they take. Absent (as before any window is set): every id is remembered for good.
         */
        readonly type: 'setIdempotencyWindow';
        readonly windowMs?: number;
      }
    | {
        readonly type: 'registerGovernanceKey';
        /** The key's id: the first 16 hex digits of SHA-256 of the raw public key. */
        readonly keyId: string;
        /** Raw Ed25519 public key, 64 hex digits. */
        readonly publicKey: string;
      }
    | ({ readonly type: 'proposeMarginModel' } & MarginModelProposal & {
          /** Ed25519 signature (hex) of the proposer's key over `proposalBytes(proposal)`. */
          readonly signature: string;
        })
    | {
        readonly type: 'approveProposal';
        readonly proposalId: string;
        readonly approverKeyId: string;
        /** Ed25519 signature (hex) of the approver's key over `approvalBytes(proposal)`. */
        readonly signature: string;
      }
    | {
        /** Puts an approved proposal in force; accepted at or after its effective time, journaled like any command. */
        readonly type: 'activateMarginModel';
        readonly proposalId: string;
      }
    | {
        readonly type: 'fundingTick';
        readonly symbol: string;
        /**
         * Funding rate as a fraction for this interval; positive: longs pay shorts. Required without a price
         * layer; with one, a given rate (a historical replay) is held to the rate model's cap and floor, and
         * without one the rate is computed from the interval's premium samples.
         */
        readonly rate?: string;
      }
  );

/** A margin-rate formula version and parameter set for one symbol, as proposed (and signed) by a governance key. */
export interface MarginModelProposal {
  readonly proposalId: string;
  readonly symbol: string;
  /** The formula, in the statutory formula language. */
  readonly formula: { readonly id: string; readonly version: number; readonly source: string };
  /** The published parameters (decimal strings) the formula reads besides its standard inputs. */
  readonly parameters: { readonly version: number; readonly values: Readonly<Record<string, string>> };
  /** When it takes effect (ms); must be after the proposal unless `emergency`. */
  readonly effectiveAtMs: number;
  readonly emergency?: boolean;
  /** Required with `emergency`. */
  readonly emergencyReason?: string;
  /** Why the change is made (a short code, e.g. `volatility-regime`). */
  readonly reasonCode: string;
  readonly proposerKeyId: string;
}

export interface SourceQuote {
  readonly source: string;
  readonly price: string;
  /** When the source observed the price (≤ the command's timestamp). */
  readonly observedAtMs: number;
}

/** Index, mark and funding rules of an instrument: a rulebook's defaults, a few of them overridable. */
export interface PriceSpecInput {
  /** Whose price rules: a rulebook id or `deribit`. */
  readonly rules: string;
  /** The index's spot sources and their weights (decimal strings). */
  readonly sources: readonly { readonly name: string; readonly weight: string }[];
  /** Impact notional for the premium, in the settlement asset. */
  readonly impactNotional: string;
  /** Outlier band of the index rule, a fraction (e.g. 0.01 for BTC on Binance). */
  readonly band?: string;
  readonly staleAfterMs?: number;
  readonly minSources?: number;
  /** How long a stale index may stand before prices are unavailable and margin-dependent commands stop. */
  readonly maxStaleMs?: number;
  /** Largest mark move one tick may make, a fraction of the previous mark. */
  readonly maxMovePerTick?: string;
  readonly fundingIntervalHours?: number;
}

/** How an instrument's under-margined positions are liquidated (RULEBOOK.md §4). */
export interface LiquidationSpecInput {
  /** Whose waterfall: a rulebook id (its partial-liquidation rule, clearance fee and ADL ranking). */
  readonly rules: string;
  /** The insurance fund that takes the clearance fees and pays shortfalls (per instrument or shared). */
  readonly insuranceFund: string;
  /** The account standing for the book's resting liquidity: the counterparty of liquidation orders. */
  readonly liquidityAccount: string;
  /** ADL ranking, overriding the rulebook's. */
  readonly adlPolicy?: string;
  /** Clearance fee as a fraction of the closed notional, overriding the rulebook's. */
  readonly clearanceFeeRate?: string;
  /**
   * A backstop liquidator vault (Hyperliquid's HLP): when a unit's equity is below 2/3 of its maintenance
   * margin, the vault takes over its positions at the mark with its remaining collateral (or pays its deficit),
   * instead of the insurance fund's takeover and ADL. Absent: no backstop.
   */
  readonly backstopAccount?: string;
  /**
   * dYdX only: the most notional (settlement asset, at the mark) one account may have liquidated in one block,
   * here one command. Default: dYdX's 100,000,000 USDC (`SubaccountBlockLimits.MaxNotionalLiquidated`).
   */
  readonly blockNotionalLimit?: string;
}

export interface FillParty {
  readonly accountId: string;
  readonly liquidity: 'maker' | 'taker';
  /** The resting order this fill executes, whose reserved margin is released. */
  readonly orderId?: string;
  /** Hedge mode: the leg this fill trades (one-way mode: BOTH, the default). */
  readonly positionSide?: 'BOTH' | 'LONG' | 'SHORT';
}

export type CommandType = Command['type'];

/** Expected rejections: result codes, never exceptions. */
export type RejectCode =
  | 'sequence_gap'
  | 'sequence_reorder'
  | 'timestamp_regression'
  | 'invalid_command'
  | 'invalid_quantity'
  | 'invalid_price'
  | 'invalid_amount'
  | 'invalid_leverage'
  | 'unknown_asset'
  | 'unknown_account'
  | 'unknown_symbol'
  | 'unknown_order'
  | 'duplicate_account'
  | 'duplicate_asset'
  | 'duplicate_symbol'
  | 'duplicate_order'
  | 'duplicate_command'
  | 'insufficient_balance'
  | 'insufficient_margin'
  | 'exceeds_tier_notional'
  | 'leverage_above_tier_max'
  | 'position_open'
  | 'position_mode_mismatch'
  | 'reduce_only_violation'
  | 'self_trade'
  | 'missing_mark'
  | 'invalid_instrument'
  | 'invalid_tiers'
  | 'cum_mismatch'
  | 'tiers_not_contiguous'
  | 'too_many_items'
  | 'unknown_source'
  | 'invalid_book'
  | 'stale_price'
  | 'price_out_of_order'
  | 'duplicate_price'
  | 'funding_not_due'
  | 'no_price_layer'
  | 'unknown_fund'
  | 'duplicate_fund'
  | 'negative_balance'
  | 'unknown_profile'
  | 'product_prohibited'
  | 'professional_only'
  | 'leverage_above_statutory_cap'
  | 'below_statutory_margin'
  | 'leverage_above_margin_rate'
  | 'unknown_key'
  | 'duplicate_key'
  | 'invalid_signature'
  | 'invalid_formula'
  | 'invalid_proposal'
  | 'duplicate_proposal'
  | 'unknown_proposal'
  | 'self_approval'
  | 'proposal_not_approved'
  | 'effective_time_passed'
  | 'not_yet_effective'
  | 'activation_due';

export interface Rejection {
  readonly code: RejectCode;
  readonly message: string;
}
