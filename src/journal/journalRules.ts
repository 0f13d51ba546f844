/**
 * The rules every journal backend enforces, checked before anything is stored: sequence continuity, bounded
 * batches and payloads, snapshot placement. One copy here keeps the backends from drifting apart.
 */
import type { JournalEntry, Snapshot } from './journal.js';
import type { JournalHead } from './hashChain.js';

/** Entries in one append; bounds the memory and the time one transaction holds the write lock. */
export const JOURNAL_BATCH_ENTRIES_MAX = 65_536;
/** UTF-16 code units in one payload; a command is a few hundred, a whole rulebook change well under this. */
export const JOURNAL_PAYLOAD_CHARS_MAX = 1_048_576;

/** Why a journal refused an operation; engines map these onto their own result codes. */
export type JournalErrorCode =
  | 'sequence_gap'
  | 'duplicate_sequence'
  | 'sequence_reorder'
  | 'invalid_entry'
  | 'batch_too_large'
  | 'head_mismatch'
  | 'invalid_snapshot'
  | 'snapshot_conflict'
  | 'invalid_range'
  | 'read_only'
  | 'closed'
  | 'cannot_open'
  | 'not_a_journal';

/** A refused journal operation, naming the sequence number it concerns when there is one. */
export class JournalError extends Error {
  override readonly name = 'JournalError';

  constructor(
    readonly code: JournalErrorCode,
    readonly seq: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** A lone UTF-16 surrogate would be replaced on its way to UTF-8, so the stored text would not be the given text. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** True when `text` survives a UTF-8 round trip unchanged. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Checks a batch against the stored head (null for an empty journal): each seq exactly one above the one before,
 * the first seq of an empty journal any positive integer, every payload bounded, well-formed text.
 */
export function checkEntries(entries: readonly JournalEntry[], head: JournalHead | null): void {
  if (entries.length > JOURNAL_BATCH_ENTRIES_MAX) {
    throw new JournalError(
      'batch_too_large',
      entries[0]?.seq ?? null,
      `journal append rejected: ${entries.length} entries from seq ${String(entries[0]?.seq)} exceed the batch limit of ${JOURNAL_BATCH_ENTRIES_MAX}`,
    );
  }
  const storedLastSeq = head?.seq ?? 0;
  let previousSeq: number | null = head?.seq ?? null;
  for (const [index, entry] of entries.entries()) {
    const { seq, payload } = entry;
    if (!Number.isSafeInteger(seq) || seq < 1) {
      throw new JournalError(
        'invalid_entry',
        null,
        `journal append rejected: seq ${String(seq)} is not a positive integer`,
      );
    }
    if (
      typeof payload !== 'string' ||
      payload.length > JOURNAL_PAYLOAD_CHARS_MAX ||
      !isWellFormedText(payload)
    ) {
      throw new JournalError(
        'invalid_entry',
        seq,
        `journal append rejected: the payload of seq ${seq} is not well-formed text of at most ${JOURNAL_PAYLOAD_CHARS_MAX} characters`,
      );
    }
    if (previousSeq !== null && seq !== previousSeq + 1)
      throw sequenceError(seq, previousSeq, storedLastSeq, index);
    previousSeq = seq;
  }
}

function sequenceError(seq: number, previousSeq: number, storedLastSeq: number, index: number): JournalError {
  const expected = previousSeq + 1;
  if (seq > expected) {
    return new JournalError(
      'sequence_gap',
      seq,
      `journal append rejected: sequence gap at seq ${seq} (expected seq ${expected}); nothing of the batch was stored`,
    );
  }
  if (seq <= storedLastSeq) {
    return new JournalError(
      'duplicate_sequence',
      seq,
      `journal append rejected: seq ${seq} is already stored (the last stored seq is ${storedLastSeq}); nothing of the batch was stored`,
    );
  }
  if (seq === previousSeq) {
    return new JournalError(
      'duplicate_sequence',
      seq,
      `journal append rejected: seq ${seq} appears twice in the batch (at entry ${index}); nothing of the batch was stored`,
    );
  }
  return new JournalError(
    'sequence_reorder',
    seq,
    `journal append rejected: seq ${seq} comes after seq ${previousSeq} in the batch (out of order); nothing of the batch was stored`,
  );
}

/** Checks `pruneSnapshots`'s `keep`: a whole number of snapshots, at least the latest one. */
export function checkKeepSnapshots(keep: number): void {
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new JournalError(
      'invalid_snapshot',
      null,
      `pruneSnapshots rejected: keep must be an integer of at least 1 (the latest snapshot stays), not ${String(keep)}`,
    );
  }
}

/**
 * A snapshot may only describe commands the journal already holds (journal first): 0 ≤ seq ≤ the last stored
 * seq, with non-empty, well-formed text.
 */
export function checkSnapshot(snapshot: Snapshot, lastSeq: number): void {
  const { seq, stateHash, state } = snapshot;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw new JournalError(
      'invalid_snapshot',
      null,
      `snapshot rejected: seq ${String(seq)} is not a non-negative integer`,
    );
  }
  if (seq > lastSeq) {
    throw new JournalError(
      'invalid_snapshot',
      seq,
      `snapshot rejected: seq ${seq} is after the last journaled seq ${lastSeq} (commands are journaled before their state)`,
    );
  }
  if (typeof stateHash !== 'string' || stateHash === '' || !isWellFormedText(stateHash)) {
    throw new JournalError(
      'invalid_snapshot',
      seq,
      `snapshot rejected: the state hash of seq ${seq} is empty or not text`,
    );
  }
  if (typeof state !== 'string' || !isWellFormedText(state)) {
    throw new JournalError(
      'invalid_snapshot',
      seq,
      `snapshot rejected: the state of seq ${seq} is not well-formed text`,
    );
  }
}

/** Saving a snapshot twice at one seq is idempotent; two different states at one seq mean a determinism bug. */
export function snapshotConflict(stored: Snapshot, given: Snapshot): JournalError | null {
  if (stored.stateHash === given.stateHash && stored.state === given.state) return null;
  return new JournalError(
    'snapshot_conflict',
    given.seq,
    `snapshot rejected: a different snapshot is already stored at seq ${given.seq} (state hash ${stored.stateHash}, given ${given.stateHash})`,
  );
}

/** An append found the stored tail elsewhere than where this journal left its head: refuse rather than fork the chain. */
export function headMismatchError(
  stored: JournalHead | null,
  expected: JournalHead | null,
  seq: number,
): JournalError {
  const describe = (head: JournalHead | null): string =>
    head === null ? 'empty' : `at seq ${head.seq} (hash ${head.hash.slice(0, 12)}…)`;
  return new JournalError(
    'head_mismatch',
    seq,
    `journal append rejected at seq ${seq}: the stored journal ends ${describe(stored)} but its head is ${describe(expected)} (another writer, or entries removed); run verify — nothing was stored`,
  );
}

/** `read` arguments: any integer start, a non-negative integer limit (absent: no limit). */
export function checkReadRange(fromSeq: number, limit: number | undefined): void {
  if (!Number.isSafeInteger(fromSeq)) {
    throw new JournalError(
      'invalid_range',
      null,
      `journal read rejected: fromSeq ${String(fromSeq)} is not an integer`,
    );
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new JournalError(
      'invalid_range',
      null,
      `journal read rejected: limit ${String(limit)} is not a non-negative integer`,
    );
  }
}

/**
 * Runs synchronous journal work behind the asynchronous interface: a thrown error becomes a rejected promise, as a
 * network-backed journal would report it, rather than an exception at the call site.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
