/**
 * The in-memory journal: the same contract as the SQLite journal without durability, for tests and the
 * simulator. Its store is a plain object that outlives the journal, so a test can close a journal, open another
 * on the same store (a restart) or alter the store behind its back (tampering).
 */
import { assert } from '../numbers/assert.js';
import { chainEntries, sameHead, verifyChain, type JournalHead, type VerifyResult } from './hashChain.js';
import {
  GENESIS_HASH,
  type Journal,
  type JournalEntry,
  type JournalRecord,
  type Snapshot,
  type SnapshotInfo,
} from './journal.js';
import {
  checkEntries,
  checkKeepSnapshots,
  checkReadRange,
  checkSnapshot,
  headMismatchError,
  JournalError,
  settle,
  snapshotConflict,
} from './journalRules.js';

/** What an in-memory journal holds; `head` is recorded with every append, as the SQLite journal's meta row is. */
export interface MemoryJournalStore {
  readonly records: JournalRecord[];
  readonly snapshots: Map<number, Snapshot>;
  head: JournalHead | null;
}

/** An empty store. */
export function createMemoryJournalStore(): MemoryJournalStore {
  return { records: [], snapshots: new Map(), head: null };
}

/** Opens a journal on `store` (a new empty one by default), continuing the chain from the store's recorded head. */
export function openMemoryJournal(store: MemoryJournalStore = createMemoryJournalStore()): Journal {
  return new MemoryJournal(store);
}

function tailOf(records: readonly JournalRecord[]): JournalHead | null {
  const last = records.at(-1);
  return last === undefined ? null : { seq: last.seq, hash: last.hash };
}

/** The index of the first record with seq ≥ `seq` (records are in seq order). */
function lowerBound(records: readonly JournalRecord[], seq: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((records[middle]?.seq ?? Infinity) < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

class MemoryJournal implements Journal {
  readonly #store: MemoryJournalStore;
  #head: JournalHead | null;
  #closed = false;

  constructor(store: MemoryJournalStore) {
    this.#store = store;
    this.#head = store.head;
  }

  append(entries: readonly JournalEntry[]): Promise<void> {
    return settle(() => {
      this.#checkOpen();
      const first = entries[0];
      if (first === undefined) return;
      // Before the sequence rules: when the store no longer ends at our head, that is the error to report.
      const stored = tailOf(this.#store.records);
      if (!sameHead(stored, this.#head) || !sameHead(this.#store.head, this.#head)) {
        throw headMismatchError(stored, this.#head, first.seq);
      }
      checkEntries(entries, this.#head);
      const records = chainEntries(entries, this.#head?.hash ?? GENESIS_HASH);
      for (const record of records) this.#store.records.push(record);
      const head = tailOf(records);
      assert(head !== null, 'a non-empty batch has a last record');
      this.#head = head;
      this.#store.head = head;
    });
  }

  lastSeq(): Promise<number> {
    return settle(() => {
      this.#checkOpen();
      return tailOf(this.#store.records)?.seq ?? 0;
    });
  }

  read(fromSeq: number, limit?: number): Promise<JournalRecord[]> {
    return settle(() => {
      this.#checkOpen();
      checkReadRange(fromSeq, limit);
      const start = lowerBound(this.#store.records, fromSeq);
      return this.#store.records.slice(start, limit === undefined ? undefined : start + limit);
    });
  }

  verify(): Promise<VerifyResult> {
    return settle(() => {
      this.#checkOpen();
      return verifyChain(this.#store.records, this.#store.head);
    });
  }

  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return settle(() => {
      this.#checkOpen();
      checkSnapshot(snapshot, tailOf(this.#store.records)?.seq ?? 0);
      const stored = this.#store.snapshots.get(snapshot.seq);
      if (stored !== undefined) {
        const conflict = snapshotConflict(stored, snapshot);
        if (conflict !== null) throw conflict;
        return;
      }
      // A copy, so that a caller reusing its object cannot change what was saved.
      this.#store.snapshots.set(snapshot.seq, {
        seq: snapshot.seq,
        stateHash: snapshot.stateHash,
        state: snapshot.state,
      });
    });
  }

  latestSnapshot(): Promise<Snapshot | null> {
    return settle(() => {
      this.#checkOpen();
      let latest: Snapshot | null = null;
      for (const snapshot of this.#store.snapshots.values()) {
        if (latest === null || snapshot.seq > latest.seq) latest = snapshot;
      }
      return latest;
    });
  }
  listSnapshots(): Promise<SnapshotInfo[]> {
    return settle(() => {
      this.#checkOpen();
      return [...this.#store.snapshots.values()]
        .map(({ seq, stateHash }) => ({ seq, stateHash }))
        .sort((a, b) => a.seq - b.seq);
    });
  }

  pruneSnapshots(keep: number): Promise<number> {
    return settle(() => {
      this.#checkOpen();
      checkKeepSnapshots(keep);
      const seqs = [...this.#store.snapshots.keys()].sort((a, b) => b - a);
      for (const seq of seqs.slice(keep)) this.#store.snapshots.delete(seq);
      return Math.max(0, seqs.length - keep);
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #checkOpen(): void {
    if (this.#closed) throw new JournalError('closed', null, 'the journal is closed');
  }
}
