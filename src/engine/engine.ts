import { createHash } from 'node:crypto';
import { Ledger, LedgerAccounts } from '../ledger/index.js';
import { assert } from '../numbers/index.js';
import {
  adjustIsolatedMargin,
  createAccount,
  deposit,
  setLeverage,
  setMarginMode,
  setPositionMode,
  withdraw,
} from './accounts.js';
import type { Command, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { fill } from './fill.js';
import { fundingTick } from './funding.js';
import { buildInstrument, configureAsset, listInstrument, markPrice, setParameter } from './instruments.js';
import { cancelOrder, placeOrder } from './orders.js';
import { bookSnapshot, sourcePrices } from './prices.js';
import { isRejection, reject } from './parse.js';
import {
  canonicalState,
  emptyState,
  restorePrices,
  type CanonicalPrices,
  stateHash,
  type AccountState,
  type EngineState,
  type InstrumentSpec,
  type OrderState,
  type PositionState,
  type SymbolSettings,
} from './state.js';

export type ApplyResult =
  { readonly ok: true; readonly events: EngineEvent[] } | ({ readonly ok: false } & Rejection);

type Handler = (state: EngineState, command: never) => EngineEvent[] | Rejection;

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
};

/**
 * The one writer. Applies commands one at a time in sequence order; each handler validates fully before it
 * changes anything, so a rejected command leaves the state (and its hash) as it was. Rejections are result
 * codes; an exception is a bug (an assertion), and the engine must stop rather than continue.
 */
export class Engine {
  private constructor(private readonly state: EngineState) {}

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
    if (
      typeof command !== 'object' ||
      !Number.isSafeInteger(command.seq) ||
      !Number.isSafeInteger(command.timestampMs) ||
      command.timestampMs < 0
    ) {
      return {
        ok: false,
        ...reject('invalid_command', 'a command needs an integer seq and a non-negative integer timestampMs'),
      };
    }
    // Sequence errors consume no sequence number: such a command never enters the journal.
    if (command.seq <= state.lastSeq)
      return { ok: false, ...reject('sequence_reorder', `seq ${command.seq} is not after ${state.lastSeq}`) };
    if (command.seq !== state.lastSeq + 1)
      return { ok: false, ...reject('sequence_gap', `seq ${command.seq} skips after ${state.lastSeq}`) };
    state.lastSeq = command.seq;
    if (command.timestampMs < state.lastTimestampMs) {
      return {
        ok: false,
        ...reject(
          'timestamp_regression',
          `timestamp ${command.timestampMs} is before ${state.lastTimestampMs}`,
        ),
      };
    }
    state.lastTimestampMs = command.timestampMs;
    const handler = (HANDLERS as Partial<Record<string, Handler>>)[command.type];
    if (handler === undefined)
      return { ok: false, ...reject('invalid_command', `unknown command type ${String(command.type)}`) };
    const result = handler(state, command as never);
    return isRejection(result) ? { ok: false, ...result } : { ok: true, events: result };
  }

  /** SHA-256 of the canonical business state (sequence counter and clock excluded). */
  stateHash(): string {
    return stateHash(this.state);
  }

  /** The full state as text: the sequence counter, the clock, the state hash and the canonical state. */
  snapshot(): string {
    const canonical = canonicalState(this.state);
    const hash = createHash('sha256').update(canonical).digest('hex');
    return JSON.stringify({
      lastSeq: this.state.lastSeq,
      lastTimestampMs: this.state.lastTimestampMs,
      stateHash: hash,
      state: JSON.parse(canonical) as unknown,
    });
  }

  /**
   * Rebuilds an engine from `snapshot()` text (the normal start-up path: snapshot, then replay). Throws when
   * the text is not a snapshot or the rebuilt state does not hash to the hash it records.
   */
  static restore(text: string): Engine {
    const parsed = JSON.parse(text) as {
      lastSeq: number;
      lastTimestampMs: number;
      stateHash: string;
      state: CanonicalState;
    };
    if (!Number.isSafeInteger(parsed.lastSeq) || !Number.isSafeInteger(parsed.lastTimestampMs))
      throw new Error('snapshot without a sequence number and clock');
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
      built.longOpenInterest = BigInt(i.longOpenInterest);
      built.shortOpenInterest = BigInt(i.shortOpenInterest);
      state.instruments.set(i.symbol, built);
    }
    for (const a of c.accounts) {
      const account: AccountState = {
        id: a.id,
        walletKey: LedgerAccounts.wallet(a.id),
        wallets: new Map(),
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
      };
      for (const p of a.positions) {
        const [symbol = '', positionSide = 'BOTH'] = p.key.split('/') as [
          string,
          PositionState['positionSide'],
        ];
        account.positions.set(p.key, {
          symbol,
          positionSide,
          sign: p.sign === '1' ? 1n : -1n,
          qty: BigInt(p.qty),
          entryValue: BigInt(p.entryValue),
        });
        state.instruments.get(symbol)?.holders.add(a.id);
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
    for (const id of c.fillIds) state.fillIds.add(id);
    const engine = new Engine(state);
    if (engine.stateHash() !== parsed.stateHash)
      throw new Error('snapshot state does not match its recorded state hash');
    return engine;
  }
}

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
  }[];
  accounts: {
    id: string;
    positionMode: 'oneWay' | 'hedge';
    negativeBalance: boolean;
    settings: { symbol: string; leverage: string; marginMode: 'cross' | 'isolated' }[];
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
  fillIds: string[];
}
