import { sha256Hex } from '../crypto/sha256.js';
import { Ledger, LedgerAccounts } from '../ledger/index.js';
import { assert } from '../numbers/index.js';
import { plainConstructor, type Fields } from '../runtime/plainObject.js';
import {
  adjustIsolatedMargin,
  createAccount,
  deposit,
  refreshNegativeFlag,
  setLeverage,
  setMarginMode,
  setPositionMode,
  withdraw,
} from './accounts.js';
import type { Command, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { fill } from './fill.js';
import {
  activateMarginModel,
  approveProposal,
  dueProposal,
  proposeMarginModel,
  registerGovernanceKey,
} from './governance.js';
import { absorbNegativeBalances, closeOutRateOf, type AccountProfile } from './statutory.js';
import { fundingTick } from './funding.js';
import { buildInstrument, configureAsset, listInstrument, markPrice, setParameter } from './instruments.js';
import { cancelOrder, placeOrder } from './orders.js';
import { adlQueueLights, counterpartiesIn, liquidateHolders } from './liquidate.js';
import { Screening } from './screening.js';
import { createInsuranceFund, fundInsurance, setStressRegime } from './insurance.js';
import { setIdempotencyWindow } from './fill.js';
import { bookSnapshot, sourcePrices } from './prices.js';
import { isRejection, reject, shown } from './parse.js';
import {
  canonicalState,
  emptyState,
  restorePrices,
  type CanonicalPrices,
  stateHash,
  type AccountState,
  type DepthLevel,
  type EngineState,
  holdersOf,
  type ActiveMarginModel,
  type InstrumentSpec,
  type ProposalState,
  type OrderState,
  type PositionState,
  type SymbolSettings,
} from './state.js';

export type ApplyResult =
  { readonly ok: true; readonly events: EngineEvent[] } | ({ readonly ok: false } & Rejection);

type Handler = (state: EngineState, command: never) => EngineEvent[] | Rejection;

/** An applied command's result (a plain object without an allocation site: src/runtime/plainObject.ts). */
const Applied = plainConstructor(function (
  this: Fields<Extract<ApplyResult, { ok: true }>>,
  events: EngineEvent[],
) {
  this.ok = true;
  this.events = events;
});

const HANDLERS: Record<Command['type'], Handler> = {
  configureAsset,
  listInstrument,
  setParameter,
  createAccount,
  deposit,
  withdraw,
  placeOrder,
  cancelOrder,
  fill,
  setLeverage,
  setMarginMode,
  setPositionMode,
  adjustIsolatedMargin,
  markPrice,
  sourcePrices,
  bookSnapshot,
  fundingTick,
  registerGovernanceKey,
  proposeMarginModel,
  approveProposal,
  activateMarginModel,
  createInsuranceFund,
  fundInsurance,
  setStressRegime,
  setIdempotencyWindow,
};

/** The handlers by command type, for one map lookup per command (an object read by many keys is megamorphic). */
const HANDLER_BY_TYPE: ReadonlyMap<string, Handler> = new Map(Object.entries(HANDLERS));

/** Commands that move a mark: the screening index pops the units whose range the new mark left. */
const MARKING: ReadonlySet<Command['type']> = new Set(['markPrice', 'sourcePrices', 'bookSnapshot']);
/** Commands that change one account's margin: its screening ranges are derived again. */
const ACCOUNT_CHANGING: ReadonlySet<Command['type']> = new Set([
  'deposit',
  'withdraw',
  'adjustIsolatedMargin',
  'setMarginMode',
  'setPositionMode',
]);
/** Commands that change every holder of a symbol (funding paid, new tiers): a full exact pass over them. */
const HOLDERS_CHANGING: ReadonlySet<Command['type']> = new Set(['fundingTick', 'setParameter']);
/**
 * The screening safety net: after every mark tick this many indexed units are checked exactly (round robin),
 * so a 1,000,000-unit index is re-checked in full every ~31,000 ticks at ~0.1 ms a tick, never in one pause.
 */
export const SCREENING_AUDIT_SLICE = 32;

/**
 * The layout `snapshot()` writes. A snapshot is derived data (the journal's commands are the truth), so a change
 * of layout bumps this rather than migrating: a snapshot in another layout is refused by `restore`, and start-up
 * replays the journal instead (`DurableEngine.open`). 2: fill ids with their times, and the idempotency window.
 */
export const SNAPSHOT_FORMAT = 2;

/** `Engine.restore` of a snapshot written in another layout than this version's (`SNAPSHOT_FORMAT`). */
export class SnapshotFormatError extends Error {
  override readonly name = 'SnapshotFormatError';
  constructor(readonly format: unknown) {
    super(
      `snapshot layout ${JSON.stringify(format)} is not this engine's (${SNAPSHOT_FORMAT}); replay the journal instead`,
    );
  }
}

/**
 * Why a command with this header cannot be applied after `lastSeq`, or null: it is next. Sequence errors consume no
 * sequence number, so such a command never enters the journal (a front end checks with this before journaling).
 */
export function headerRejection(seq: unknown, timestampMs: unknown, lastSeq: number): Rejection | null {
  if (
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    typeof timestampMs !== 'number' ||
    !Number.isSafeInteger(timestampMs) ||
    timestampMs < 0
  ) {
    return reject('invalid_command', 'a command needs an integer seq and a non-negative integer timestampMs');
  }
  if (seq <= lastSeq) return reject('sequence_reorder', `seq ${seq} is not after ${lastSeq}`);
  if (seq !== lastSeq + 1) return reject('sequence_gap', `seq ${seq} skips after ${lastSeq}`);
  return null;
}

/**
 * The one writer. Applies commands one at a time in sequence order; each handler validates fully before it
 * changes anything, so a rejected command leaves the state (and its hash) as it was. Rejections are result
 * codes; an exception is a bug (an assertion), and the engine must stop rather than continue.
 */
export class Engine {
  /** Liquidation screening (derived: rebuilt from the positions, never hashed). */
  private readonly screening: Screening;
  /** Some instrument has liquidation rules (derived). */
  private liquidating: boolean;

  private constructor(private readonly state: EngineState) {
    this.screening = new Screening(
      (symbol) => state.instruments.get(symbol)?.liquidation?.liquidityAccount ?? null,
    );
    this.liquidating = [...state.instruments.values()].some((i) => i.liquidation !== null);
    if (this.liquidating)
      for (const account of state.accounts.values()) this.screening.deriveAccount(state, account);
  }

  static create(): Engine {
    return new Engine(emptyState());
  }

  get lastSeq(): number {
    return this.state.lastSeq;
  }

  /** Read access for views and tests (the engine stays the only writer). */
  get view(): Readonly<EngineState> {
    return this.state;
  }

  apply(command: Command): ApplyResult {
    const state = this.state;
    if (typeof command !== 'object' || command === null) {
      return { ok: false, ...reject('invalid_command', 'a command is an object') };
    }
    // Each field is read once: commands of many shapes pass through here, so these loads are megamorphic.
    const seq = command.seq;
    const timestampMs = command.timestampMs;
    const type = command.type;
    const refused = headerRejection(seq, timestampMs, state.lastSeq);
    if (refused !== null) return { ok: false, ...refused };
    state.lastSeq = seq;
    if (timestampMs < state.lastTimestampMs) {
      return {
        ok: false,
        ...reject('timestamp_regression', `timestamp ${timestampMs} is before ${state.lastTimestampMs}`),
      };
    }
    state.lastTimestampMs = timestampMs;
    const handler = HANDLER_BY_TYPE.get(type);
    if (handler === undefined) {
      const message = type === undefined ? 'a command needs a type' : `unknown command type ${shown(type)}`;
      return { ok: false, ...reject('invalid_command', message) };
    }
    // An approved change is in force from its effective time: nothing runs at or after it until it is activated.
    if (state.governance.approved.size > 0 && type !== 'activateMarginModel') {
      const due = dueProposal(state, timestampMs);
      if (due !== null)
        return {
          ok: false,
          ...reject(
            'activation_due',
            `proposal ${due.proposal.proposalId} must be activated first (activateMarginModel)`,
          ),
        };
    }
    // Only fills keep the accounts' cross-sum caches exact; any other command may change what they sum.
    if (type !== 'fill') state.crossEpoch++;
    const result = handler(state, command as never);
    // Handlers return their events (an array) or a rejection.
    if (!Array.isArray(result)) return { ok: false, ...result };
    this.screen(command, type, result);
    if (state.protectionPending.size > 0) this.protect(result);
    return new Applied(result);
  }

  /** Negative-balance protection for the accounts this command left negative, in account-id order. */
  private protect(events: EngineEvent[]): void {
    const state = this.state;
    // Absorbing a deficit moves money the fill path did not plan: the cross-sum caches end.
    state.crossEpoch++;
    const accounts = [...state.protectionPending].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    state.protectionPending.clear();
    for (const account of accounts) {
      absorbNegativeBalances(state, account, events);
      events.push(...refreshNegativeFlag(state, account));
      state.protectionPending.delete(account);
      if (this.liquidating) this.screening.deriveAccount(state, account);
    }
  }

  /**
   * Liquidation after an accepted command. A new mark (or funding paid, or new tiers) can put margin units
   * at or below maintenance: the waterfall runs in the same command, so its events are this command's and a
   * replay repeats them; then the ranges of whatever changed are derived again.
   */
  private screen(command: Command, type: Command['type'], events: EngineEvent[]): void {
    const state = this.state;
    if (type === 'listInstrument') {
      const symbol = (command as Extract<Command, { type: 'listInstrument' }>).symbol;
      this.liquidating ||= state.instruments.get(symbol)?.liquidation != null;
      return;
    }
    // Nothing is ever liquidated on a venue without liquidation rules: the fill path pays nothing here.
    if (!this.liquidating) return;
    const seed = BigInt(command.seq);
    if (command.type === 'fill') {
      for (const party of [command.buyer, command.seller]) {
        const account = state.accounts.get(party.accountId);
        if (account !== undefined) this.screening.deriveAccount(state, account);
      }
    } else if (ACCOUNT_CHANGING.has(command.type)) {
      const account = state.accounts.get((command as { accountId: string }).accountId);
      if (account !== undefined) this.screening.deriveAccount(state, account);
    } else if (MARKING.has(command.type) || HOLDERS_CHANGING.has(command.type)) {
      const instrument = state.instruments.get((command as { symbol: string }).symbol);
      if (instrument === undefined) return;
      if (MARKING.has(command.type)) {
        this.screening.onMark(state, instrument, command.timestampMs, seed, events);
        const missed = this.screening.auditSlice(state, SCREENING_AUDIT_SLICE);
        assert(missed.length === 0, `liquidation screening missed ${missed.slice(0, 5).join(', ')}`);
      } else {
        const holders = [...holdersOf(state, instrument)];
        const before = events.length;
        liquidateHolders(state, instrument, command.timestampMs, seed, events);
        const touched = new Set([...holders, ...counterpartiesIn(state, events, before)]);
        for (const account of touched) this.screening.deriveAccount(state, account);
      }
    }
  }

  /**
   * The five-light ADL indicator of every position in `symbol` (`accountId/positionSide` → 1…5, 5 = first to
   * be deleveraged), by the instrument's ADL ranking; empty for unranked policies (dYdX, pro-rata).
   */
  adlLights(symbol: string): Map<string, number> {
    const instrument = this.state.instruments.get(symbol);
    return instrument === undefined ? new Map<string, number>() : adlQueueLights(this.state, instrument);
  }

  /** The screening safety net on demand: units the index would not fire for although they are liquidatable. */
  auditScreening(): { missed: string[]; scanned: number } {
    return this.screening.audit(this.state);
  }

  /** Units in the screening index and how many times ranges were derived (tests, bench). */
  get screeningStats(): { units: number; derivations: number } {
    return { units: this.screening.size, derivations: this.screening.derivations };
  }

  /** SHA-256 of the canonical business state (sequence counter and clock excluded). */
  stateHash(): string {
    return stateHash(this.state);
  }

  /** The full state as text: the sequence counter, the clock, the state hash and the canonical state. */
  snapshot(): string {
    const canonical = canonicalState(this.state);
    const hash = sha256Hex(canonical);
    return JSON.stringify({
      format: SNAPSHOT_FORMAT,
      lastSeq: this.state.lastSeq,
      lastTimestampMs: this.state.lastTimestampMs,
      stateHash: hash,
      state: JSON.parse(canonical) as unknown,
    });
  }

  /**
   * Rebuilds an engine from `snapshot()` text (the normal start-up path: snapshot, then replay). Throws when
   * the text is not a snapshot or the rebuilt state does not hash to the hash it records; a
   * `SnapshotFormatError` when it is a snapshot in another version's layout.
   */
  static restore(text: string): Engine {
    const parsed = JSON.parse(text) as {
      format?: unknown;
      lastSeq: number;
      lastTimestampMs: number;
      stateHash: string;
      state: CanonicalState;
    };
    if (!Number.isSafeInteger(parsed.lastSeq) || !Number.isSafeInteger(parsed.lastTimestampMs))
      throw new Error('snapshot without a sequence number and clock');
    // Snapshots written before the layout was numbered (fill ids without their times) are format 1.
    const format = parsed.format ?? 1;
    if (format !== SNAPSHOT_FORMAT) throw new SnapshotFormatError(format);
    const state = emptyState();
    state.lastSeq = parsed.lastSeq;
    state.lastTimestampMs = parsed.lastTimestampMs;
    const c = parsed.state;
    for (const a of c.assets) state.assets.set(a.asset, { scale: a.scale });
    for (const i of c.instruments) {
      const scale = state.assets.get(i.spec.asset)?.scale;
      assert(scale !== undefined, 'snapshot instrument of a configured asset');
      const built = buildInstrument(i.spec, scale);
      assert(!isRejection(built), `snapshot instrument ${i.symbol} rebuilds`);
      built.mark = i.mark === null ? null : BigInt(i.mark);
      if (built.prices !== null) {
        assert(i.prices !== null, `snapshot instrument ${i.symbol} has its price state`);
        restorePrices(built.prices, i.prices);
      }
      built.depth =
        i.depth === null ? null : { bids: depthLevels(i.depth.bids), asks: depthLevels(i.depth.asks) };
      built.longOpenInterest = BigInt(i.longOpenInterest);
      built.shortOpenInterest = BigInt(i.shortOpenInterest);
      built.marginModel.active = i.marginModel.active;
      built.marginModel.rate = i.marginModel.rate === null ? null : BigInt(i.marginModel.rate);
      for (const [dayMs, high, low, close] of i.marginModel.history)
        built.marginModel.history.push({ dayMs, high: BigInt(high), low: BigInt(low), close: BigInt(close) });
      state.instruments.set(i.symbol, built);
    }
    for (const a of c.accounts) {
      const account: AccountState = {
        id: a.id,
        profile: a.profile,
        walletKey: LedgerAccounts.wallet(a.id),
        wallets: new Map(),
        lastWallet: null,
        isolatedMargins: new Map(),
        positionMode: a.positionMode,
        settings: new Map(
          a.settings.map((s): [string, SymbolSettings] => [
            s.symbol,
            { leverage: BigInt(s.leverage), marginMode: s.marginMode },
          ]),
        ),
        positions: new Map(),
        orders: new Map(),
        negativeBalance: a.negativeBalance,
        partialCooldownUntilMs: a.partialCooldownUntilMs,
        liquidatedInBlock: { block: 0, value: 0n },
        crossEpoch: -1,
        crossAsset: '',
        crossSum: 0n,
      };
      for (const p of a.positions) {
        const [symbol = '', positionSide = 'BOTH'] = p.key.split('/') as [
          string,
          PositionState['positionSide'],
        ];
        const instrument = state.instruments.get(symbol);
        const settings = account.settings.get(symbol);
        assert(
          instrument !== undefined && settings !== undefined,
          `snapshot position ${p.key} of ${a.id} has its instrument and stored settings`,
        );
        account.positions.set(p.key, {
          symbol,
          positionSide,
          sign: p.sign === '1' ? 1n : -1n,
          qty: BigInt(p.qty),
          entryValue: BigInt(p.entryValue),
          instrument,
          settings,
          closeOutRate: closeOutRateOf(account, instrument),
          crossEpoch: -1,
          crossContribution: 0n,
        });
        instrument.holders.add(a.id);
      }
      for (const o of a.orders) {
        const order: OrderState = {
          ...o,
          price: BigInt(o.price),
          remainingQty: BigInt(o.remainingQty),
          reserved: BigInt(o.reserved),
        };
        account.orders.set(o.orderId, order);
      }
      state.accounts.set(a.id, account);
    }
    state.ledger = Ledger.fromEntries(
      c.ledger.map(([asset, account, balance]) => [asset, account, BigInt(balance)] as const),
    );
    for (const [id, timeMs] of c.fillIds) state.fillIds.add(id, timeMs);
    state.fillIdWindowMs = c.fillIdWindowMs;
    for (const f of c.insuranceFunds) state.insuranceFunds.set(f.name, { name: f.name, asset: f.asset });
    Object.assign(state.stress, c.stress);
    for (const [keyId, publicKey] of c.governance.keys) state.governance.keys.set(keyId, publicKey);
    for (const p of c.governance.proposals) {
      state.governance.proposals.set(p.proposal.proposalId, p);
      if (p.status === 'approved') state.governance.approved.add(p);
    }
    const engine = new Engine(state);
    if (engine.stateHash() !== parsed.stateHash)
      throw new Error('snapshot state does not match its recorded state hash');
    return engine;
  }
}

const depthLevels = (levels: readonly [string, string][]): DepthLevel[] =>
  levels.map(([price, qty]) => ({ price: BigInt(price), qty: BigInt(qty) }));

/** The shape `canonicalState` writes. */
interface CanonicalState {
  assets: { asset: string; scale: number }[];
  instruments: {
    symbol: string;
    spec: InstrumentSpec;
    mark: string | null;
    prices: CanonicalPrices | null;
    longOpenInterest: string;
    shortOpenInterest: string;
    depth: { bids: [string, string][]; asks: [string, string][] } | null;
    marginModel: {
      active: ActiveMarginModel | null;
      rate: string | null;
      history: [number, string, string, string][];
    };
  }[];
  accounts: {
    id: string;
    profile: AccountProfile | null;
    positionMode: 'oneWay' | 'hedge';
    negativeBalance: boolean;
    settings: { symbol: string; leverage: string; marginMode: 'cross' | 'isolated' }[];
    partialCooldownUntilMs: number;
    positions: { key: string; sign: string; qty: string; entryValue: string }[];
    orders: {
      orderId: string;
      symbol: string;
      side: 'buy' | 'sell';
      positionSide: 'BOTH' | 'LONG' | 'SHORT';
      price: string;
      remainingQty: string;
      reserved: string;
      reduceOnly: boolean;
    }[];
  }[];
  ledger: [string, string, string][];
  fillIds: [string, number][];
  fillIdWindowMs: number | null;
  insuranceFunds: { name: string; asset: string }[];
  stress: { active: boolean; reason: string; sinceMs: number };
  governance: { keys: [string, string][]; proposals: ProposalState[] };
}
