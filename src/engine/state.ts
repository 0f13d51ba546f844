import { sha256Hex } from '../crypto/sha256.js';
import { Ledger, LedgerAccounts, type Balance } from '../ledger/index.js';
import { assert } from '../numbers/index.js';
import type { CompiledInstrument } from '../margin/index.js';
import type {
  LiquidationSpecInput,
  MarginModelProposal,
  PositionMode,
  PriceSpecInput,
  Side,
  TierInput,
} from './commands.js';
import { IdSet } from './idSet.js';
import type { LiquidationConfig } from './liquidationConfig.js';
import type { AccountProfile } from './statutory.js';
import type { PriceState } from './priceLayer.js';

/** Fraction digits of every rate the engine stores (fees, funding, mmr): 1e-8, as venues publish them. */
export const RATE_SCALE = 8;
/** Bounds (TigerBeetle: bound everything). */
export const MAX_ACCOUNTS = 10_000_000;
export const MAX_ORDERS_PER_ACCOUNT = 200;
export const MAX_SYMBOLS = 4096;
export const MAX_ID_LENGTH = 64;

export type PositionSideKey = 'BOTH' | 'LONG' | 'SHORT';

/** The listing as given, kept so snapshots can rebuild the compiled instrument. */
export interface InstrumentSpec {
  readonly symbol: string;
  readonly asset: string;
  readonly priceScale: number;
  readonly qtyScale: number;
  readonly tierModel: 'cumulative' | 'whole';
  readonly maintenanceBasis: 'mark' | 'entry';
  readonly tiers: readonly TierInput[];
  readonly makerFeeRate: string;
  readonly takerFeeRate: string;
  readonly prices?: PriceSpecInput;
  readonly liquidation?: LiquidationSpecInput;
}

/** One price level of the liquidity the liquidation executor trades against. */
export interface DepthLevel {
  /** Kernel price units. */
  readonly price: bigint;
  /** Qty units left at this level (liquidations consume it until the next book snapshot). */
  qty: bigint;
}

/** The last book snapshot's depth, best first on each side. */
export interface BookDepth {
  readonly bids: DepthLevel[];
  readonly asks: DepthLevel[];
}

/** An insurance fund: its money is the ledger accounts `insurance:{name}` (base) and `…:reserve`. */
export interface InsuranceFundState {
  readonly name: string;
  readonly asset: string;
}

/** A declared stress regime, in which insurance funds' volatility reserves pay. */
export interface StressRegime {
  active: boolean;
  reason: string;
  sinceMs: number;
}

/** The bounds a fill that opens exposure is checked against, from the tier table (derived with `compiled`). */
export interface OpeningLimits {
  /** A position whose notional (value units) is at or above this passes the last tier's cap; null: no cap. */
  readonly capValue: bigint | null;
  /** Per tier, the largest whole leverage it allows (⌊maxLeverage⌋: leverage is a whole number). */
  readonly maxLeverage: readonly bigint[];
}

export interface InstrumentState {
  spec: InstrumentSpec;
  compiled: CompiledInstrument;
  /** Derived from `compiled` and replaced with it. */
  limits: OpeningLimits;
  /** Fee rates in 10^−RATE_SCALE (a negative maker rate is a rebate). */
  makerFee: bigint;
  takerFee: bigint;
  /** Multiplies a price in 10^−priceScale into kernel price units. */
  readonly priceFactor: bigint;
  /** `priceFactor` as a power of ten. */
  readonly priceShift: number;
  /** Latest mark in kernel price units. */
  mark: bigint | null;
  /** Open interest in exposure units (qty units): equal for longs and shorts by construction. */
  longOpenInterest: bigint;
  shortOpenInterest: bigint;
  /** The price layer (index, computed mark, premium samples, funding schedule), or null: marks come from outside. */
  readonly prices: PriceState | null;
  /** The symbol's position keys (derived): the very strings the accounts' position maps are keyed by. */
  readonly positionKeys: PositionKeys;
  /** Accounts holding a position in this symbol (derived; rebuilt on restore, not hashed). */
  readonly holders: Set<string>;
  /** The fee and clearing balances of the settlement asset, held by reference (derived, filled on first use). */
  house: { readonly fees: Balance; readonly clearing: Balance } | null;
  /** The holders' accounts sorted by id, the deterministic order funding pays in; null when `holders` changed. */
  holdersSorted: AccountState[] | null;
  /** The liquidity liquidation orders trade against (the last book snapshot, consumed); null before one. */
  depth: BookDepth | null;
  /** The loss waterfall's rules (derived from the spec), or null: the engine never liquidates this symbol. */
  readonly liquidation: LiquidationConfig | null;
  /** The margin-rate model in force (governance), its latest rate, and the daily mark history it reads. */
  readonly marginModel: InstrumentMarginModel;
}

/** One UTC day of an instrument's marks (kernel price units): the history the margin-rate formulas read. */
export interface DailyBar {
  /** Start of the UTC day, ms. */
  readonly dayMs: number;
  high: bigint;
  low: bigint;
  close: bigint;
}

/** A formula version and parameter set in force for a symbol, put there by an activated proposal. */
export interface ActiveMarginModel {
  readonly proposalId: string;
  readonly formulaId: string;
  readonly formulaVersion: number;
  readonly source: string;
  readonly parameterSetVersion: number;
  /** Decimal strings, as proposed. */
  readonly parameters: Readonly<Record<string, string>>;
}

export interface InstrumentMarginModel {
  active: ActiveMarginModel | null;
  /** The formula's latest rate (10^−RATE_SCALE, rounded up); null before a model is active. Caps leverage at opening. */
  rate: bigint | null;
  /** Completed and current days of marks, oldest first, at most MAX_HISTORY_DAYS. */
  readonly history: DailyBar[];
}

/** Days of mark history kept per instrument (the formula language reads at most 1,000 bars). */
export const MAX_HISTORY_DAYS = 1001;

export interface PositionState {
  readonly symbol: string;
  readonly positionSide: PositionSideKey;
  /** +1 long, −1 short (one-way positions flip). */
  sign: 1n | -1n;
  /** Size in qty units (> 0 while the position exists). */
  qty: bigint;
  /** Σ qty × price of the open fills, in money units of the asset: exact, so average entry is exact. */
  entryValue: bigint;
  /** The position's instrument (derived, not hashed): hot paths read the mark and asset without a lookup. */
  readonly instrument: InstrumentState;
  /**
   * The account's stored settings for the symbol (derived, not hashed): the very object `account.settings`
   * holds, which leverage and margin-mode changes mutate in place, so this reference always reads the current ones.
   */
  readonly settings: SymbolSettings;
  /**
   * The statutory close-out requirement of the account's profile for this symbol (derived, not hashed): equity
   * below closeOutFraction × statutory initial margin closes out, i.e. a maintenance floor of qty × mark × this
   * rate (10^−RATE_SCALE, rounded up); 0n without a profile.
   */
  readonly closeOutRate: bigint;
  /**
   * The fill path's cache of this leg's contribution to its account's cross sum in its own asset (derived,
   * transient; see `AccountState.crossEpoch`): valid while `crossEpoch` equals the state's.
   */
  crossEpoch: number;
  crossContribution: bigint;
}

export interface OrderState {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly positionSide: PositionSideKey;
  /** Kernel price units. */
  readonly price: bigint;
  remainingQty: bigint;
  /** Initial margin held for the rest of the order, money units (not a ledger move: a hold). */
  reserved: bigint;
  readonly reduceOnly: boolean;
}

export interface SymbolSettings {
  leverage: bigint;
  marginMode: 'cross' | 'isolated';
}

export interface AccountState {
  readonly id: string;
  /** The cross wallet's ledger name (derived, built once: hot paths reuse the string and its hash). */
  readonly walletKey: string;
  /** The cross wallet's balance per asset, held by reference (derived, filled on first use; not hashed). */
  readonly wallets: Map<string, Balance>;
  /** The wallet `walletOf` returned last (derived): most accounts trade in one asset, so no map lookup. */
  lastWallet: Balance | null;
  /** Isolated margins by position key, held by reference (derived, filled on first use; not hashed). */
  readonly isolatedMargins: Map<string, Balance>;
  positionMode: PositionMode;
  readonly settings: Map<string, SymbolSettings>;
  /** Keyed by `${symbol}/${positionSide}`. */
  readonly positions: Map<string, PositionState>;
  readonly orders: Map<string, OrderState>;
  /** Set when a loss left a wallet or isolated margin negative (bad debt until repaid). */
  negativeBalance: boolean;
  /**
   * Hyperliquid: until when (ms) liquidation orders for this account are for whole positions, after a partial
   * liquidation of any of its positions (0: none).
   */
  partialCooldownUntilMs: number;
  /** The jurisdiction profile the account trades under, pinned to a version; null: venue rules only. */
  readonly profile: AccountProfile | null;
  /**
   * dYdX block limits: the notional (money units) liquidated from this account in the command with sequence
   * number `block`. Transient, neither hashed nor snapshotted: the next command starts a new block.
   */
  liquidatedInBlock: { block: number; value: bigint };
  /**
   * The fill path's cache of the cross sum (derived, transient, neither hashed nor snapshotted): in `crossAsset`,
   * every cross position's contribution at the marks (PnL less initial margin) less the order holds, as
   * `crossAvailable` computes it without the wallet. Valid while `crossEpoch` equals the state's: only fills
   * read and write it, keeping it exact as they change the account, and every other command starts a new epoch.
   * While it is valid, so is every one of the account's legs' own cached contribution in that asset.
   */
  crossEpoch: number;
  crossAsset: string;
  crossSum: bigint;
}

export interface EngineState {
  lastSeq: number;
  lastTimestampMs: number;
  readonly assets: Map<string, { readonly scale: number }>;
  readonly instruments: Map<string, InstrumentState>;
  readonly accounts: Map<string, AccountState>;
  ledger: Ledger;
  /** Idempotency ids of applied fills, with their command timestamps. */
  readonly fillIds: IdSet;
  /** How long a fill id is remembered (ms of command time), or null: for good. */
  fillIdWindowMs: number | null;
  readonly insuranceFunds: Map<string, InsuranceFundState>;
  readonly stress: StressRegime;
  readonly governance: GovernanceState;
  /**
   * Accounts under negative-balance protection flagged negative during the current command (derived, transient):
   * the engine absorbs their deficits before the command ends.
   */
  readonly protectionPending: Set<AccountState>;
  /**
   * The epoch of the accounts' cross-sum caches (derived, transient): every command that is not a fill, and a
   * fill that did more than trade (negative-balance protection), starts a new one, so no cache outlives a change
   * made outside the fill path.
   */
  crossEpoch: number;
}

/** A proposal as the engine holds it: the signed fields, when it was made, and where it stands. */
export interface ProposalState {
  readonly proposal: MarginModelProposal;
  readonly proposedAtMs: number;
  status: 'proposed' | 'approved' | 'active';
  approverKeyId: string | null;
  approvedAtMs: number | null;
  /** The approver's Ed25519 signature (hex) over `approvalBytes(proposal)`, published with every rate it sets. */
  approvalSignature: string | null;
}

export interface GovernanceState {
  /** keyId → raw Ed25519 public key (hex). */
  readonly keys: Map<string, string>;
  readonly proposals: Map<string, ProposalState>;
  /** The approved proposals not yet active (derived: the only ones the per-command due check reads). */
  readonly approved: Set<ProposalState>;
}

export function emptyState(): EngineState {
  return {
    lastSeq: 0,
    lastTimestampMs: 0,
    assets: new Map(),
    instruments: new Map(),
    accounts: new Map(),
    ledger: new Ledger(),
    fillIds: new IdSet(),
    fillIdWindowMs: null,
    crossEpoch: 0,
    insuranceFunds: new Map(),
    stress: { active: false, reason: '', sinceMs: 0 },
    governance: { keys: new Map(), proposals: new Map(), approved: new Set() },
    protectionPending: new Set(),
  };
}

/** The account's cross wallet balance in `asset`, held by reference (hot paths). */
export function walletOf(state: EngineState, account: AccountState, asset: string): Balance {
  const last = account.lastWallet;
  if (last !== null && last.asset === asset) return last;
  let balance = account.wallets.get(asset);
  if (balance === undefined) {
    balance = state.ledger.balanceOf(account.walletKey, asset);
    account.wallets.set(asset, balance);
  }
  account.lastWallet = balance;
  return balance;
}

/** The isolated margin of the account's `positionSide` leg of the instrument, held by reference (hot paths). */
export function isolatedOf(
  state: EngineState,
  account: AccountState,
  instrument: InstrumentState,
  positionSide: PositionSideKey,
): Balance {
  const symbol = instrument.spec.symbol;
  const key = keyOf(instrument.positionKeys, positionSide);
  let balance = account.isolatedMargins.get(key);
  if (balance === undefined) {
    balance = state.ledger.balanceOf(
      LedgerAccounts.isolated(account.id, symbol, positionSide),
      instrument.spec.asset,
    );
    account.isolatedMargins.set(key, balance);
  }
  return balance;
}

/** The fee and clearing balances of the instrument's settlement asset, held by reference (hot paths). */
export function houseOf(
  state: EngineState,
  instrument: InstrumentState,
): { readonly fees: Balance; readonly clearing: Balance } {
  const asset = instrument.spec.asset;
  return (instrument.house ??= {
    fees: state.ledger.balanceOf(LedgerAccounts.fees, asset),
    clearing: state.ledger.balanceOf(LedgerAccounts.clearing, asset),
  });
}

/** The instrument's holders sorted by account id (the deterministic order funding and liquidation walk), cached. */
export function holdersOf(state: EngineState, instrument: InstrumentState): readonly AccountState[] {
  return (instrument.holdersSorted ??= [...instrument.holders].sort().map((id) => {
    const account = state.accounts.get(id);
    assert(account !== undefined, `holder ${id} of ${instrument.spec.symbol} is an account`);
    return account;
  }));
}

/** A symbol's three position keys (`positionKey`). */
export interface PositionKeys {
  readonly BOTH: string;
  readonly LONG: string;
  readonly SHORT: string;
}

/** Position keys by symbol: the same strings every time, so their hashes are computed once (hot path). */
const POSITION_KEYS = new Map<string, PositionKeys>();

/** The position keys of `symbol`, the same object (and strings) every time while the cache has room. */
export function positionKeysOf(symbol: string): PositionKeys {
  let keys = POSITION_KEYS.get(symbol);
  if (keys === undefined) {
    keys = { BOTH: `${symbol}/BOTH`, LONG: `${symbol}/LONG`, SHORT: `${symbol}/SHORT` };
    // Bounded like the instruments themselves; past that (many engines in one process) keys are built anew.
    if (POSITION_KEYS.size < MAX_SYMBOLS) POSITION_KEYS.set(symbol, keys);
  }
  return keys;
}

/**
 * One of the keys by side. Named loads, not `keys[positionSide]`: a keyed load with three different names turns
 * megamorphic, and this runs several times per fill.
 */
export function keyOf(keys: PositionKeys, positionSide: PositionSideKey): string {
  return positionSide === 'BOTH' ? keys.BOTH : positionSide === 'LONG' ? keys.LONG : keys.SHORT;
}

export function positionKey(symbol: string, positionSide: PositionSideKey): string {
  return keyOf(positionKeysOf(symbol), positionSide);
}

const byKey = <T>(map: ReadonlyMap<string, T>): [string, T][] =>
  [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The business state as canonical JSON: sorted keys, bigints as decimal strings, nothing derived. The
 * sequence counter and clock are left out so that a rejected command (which consumes a sequence number)
 * leaves the hash unchanged; snapshots add them (`serializeSnapshot`).
 */
export function canonicalState(state: EngineState): string {
  const accounts = byKey(state.accounts).map(([id, a]) => ({
    id,
    profile: a.profile,
    positionMode: a.positionMode,
    negativeBalance: a.negativeBalance,
    settings: byKey(a.settings).map(([symbol, s]) => ({
      symbol,
      leverage: s.leverage.toString(),
      marginMode: s.marginMode,
    })),
    partialCooldownUntilMs: a.partialCooldownUntilMs,
    positions: byKey(a.positions).map(([key, p]) => ({
      key,
      sign: p.sign.toString(),
      qty: p.qty.toString(),
      entryValue: p.entryValue.toString(),
    })),
    orders: byKey(a.orders).map(([orderId, o]) => ({
      orderId,
      symbol: o.symbol,
      side: o.side,
      positionSide: o.positionSide,
      price: o.price.toString(),
      remainingQty: o.remainingQty.toString(),
      reserved: o.reserved.toString(),
      reduceOnly: o.reduceOnly,
    })),
  }));
  const instruments = byKey(state.instruments).map(([symbol, i]) => ({
    symbol,
    spec: i.spec,
    mark: i.mark === null ? null : i.mark.toString(),
    prices: i.prices === null ? null : canonicalPrices(i.prices),
    longOpenInterest: i.longOpenInterest.toString(),
    shortOpenInterest: i.shortOpenInterest.toString(),
    depth: i.depth === null ? null : { bids: levelsText(i.depth.bids), asks: levelsText(i.depth.asks) },
    marginModel: {
      active: i.marginModel.active,
      rate: text(i.marginModel.rate),
      history: i.marginModel.history.map((b) => [
        b.dayMs,
        b.high.toString(),
        b.low.toString(),
        b.close.toString(),
      ]),
    },
  }));
  return JSON.stringify({
    assets: byKey(state.assets).map(([asset, a]) => ({ asset, scale: a.scale })),
    instruments,
    accounts,
    ledger: state.ledger.entries().map(([asset, account, balance]) => [asset, account, balance.toString()]),
    // In the order they are forgotten (time, then id), so a restore adds them back in an order the set accepts.
    fillIds: state.fillIds.entries().sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : a > b ? 1 : 0)),
    fillIdWindowMs: state.fillIdWindowMs,
    insuranceFunds: byKey(state.insuranceFunds).map(([name, f]) => ({ name, asset: f.asset })),
    stress: state.stress,
    governance: {
      keys: byKey(state.governance.keys),
      proposals: byKey(state.governance.proposals).map(([, p]) => p),
    },
  });
}

const levelsText = (levels: readonly DepthLevel[]): [string, string][] =>
  levels.map((l) => [l.price.toString(), l.qty.toString()]);

const text = (value: bigint | null): string | null => (value === null ? null : value.toString());

/** The price layer's state (its config is rebuilt from the spec, so only what commands changed is kept). */
export function canonicalPrices(p: PriceState): CanonicalPrices {
  return {
    quotes: byKey(p.quotes).map(([source, q]) => ({
      source,
      price: q.price.toString(),
      observedAtMs: q.observedAtMs,
    })),
    index: text(p.index),
    indexStatus: p.indexStatus,
    indexAtMs: p.indexAtMs,
    bestBid: text(p.bestBid),
    bestAsk: text(p.bestAsk),
    lastPrice: text(p.lastPrice),
    basis: p.basis.map((b) => b.toString()),
    lastBasisSecond: p.lastBasisSecond,
    ema: p.ema === null ? null : { num: p.ema.num.toString(), den: p.ema.den.toString() },
    emaAtMs: p.emaAtMs,
    premiumSum: p.premiumSum.toString(),
    premiumWeightedSum: p.premiumWeightedSum.toString(),
    premiumCount: p.premiumCount,
    lastSampleSlot: p.lastSampleSlot,
    lastFundingRate: p.lastFundingRate.toString(),
    lastFundingAtMs: p.lastFundingAtMs,
  };
}

export interface CanonicalPrices {
  quotes: { source: string; price: string; observedAtMs: number }[];
  index: string | null;
  indexStatus: PriceState['indexStatus'];
  indexAtMs: number;
  bestBid: string | null;
  bestAsk: string | null;
  lastPrice: string | null;
  basis: string[];
  lastBasisSecond: number;
  ema: { num: string; den: string } | null;
  emaAtMs: number;
  premiumSum: string;
  premiumWeightedSum: string;
  premiumCount: number;
  lastSampleSlot: number;
  lastFundingRate: string;
  lastFundingAtMs: number | null;
}

/** Rebuilds a price layer's state from its canonical form (snapshot restore). */
export function restorePrices(p: PriceState, c: CanonicalPrices): void {
  const big = (value: string | null): bigint | null => (value === null ? null : BigInt(value));
  for (const q of c.quotes) p.quotes.set(q.source, { price: BigInt(q.price), observedAtMs: q.observedAtMs });
  p.index = big(c.index);
  p.indexStatus = c.indexStatus;
  p.indexAtMs = c.indexAtMs;
  p.bestBid = big(c.bestBid);
  p.bestAsk = big(c.bestAsk);
  p.lastPrice = big(c.lastPrice);
  p.basis = c.basis.map((b) => BigInt(b));
  p.lastBasisSecond = c.lastBasisSecond;
  p.ema = c.ema === null ? null : { num: BigInt(c.ema.num), den: BigInt(c.ema.den) };
  p.emaAtMs = c.emaAtMs;
  p.premiumSum = BigInt(c.premiumSum);
  p.premiumWeightedSum = BigInt(c.premiumWeightedSum);
  p.premiumCount = c.premiumCount;
  p.lastSampleSlot = c.lastSampleSlot;
  p.lastFundingRate = BigInt(c.lastFundingRate);
  p.lastFundingAtMs = c.lastFundingAtMs;
}

/** SHA-256 of the canonical state, lowercase hex. */
export function stateHash(state: EngineState): string {
  return sha256Hex(canonicalState(state));
}
