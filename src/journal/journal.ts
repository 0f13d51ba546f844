/**
 * The durable command log. Commands are appended (with a hash chain) before they are acknowledged; the
 * engine's state is rebuilt by loading the latest snapshot and replaying the commands after it. The interface
 * is asynchronous so that network-backed logs (PostgreSQL, NATS JetStream) implement it as they are; the
 * embedded SQLite log answers at once. Every implementation passes the same conformance suite
 * (test/journal/conformance.ts).
 */

/** One command as journaled: its sequence number and canonical JSON text. */
export interface JournalEntry {
  readonly seq: number;
  readonly payload: string;
}

/** A stored entry with its chained hash: sha256(previous hash ‖ seq ‖ payload), lowercase hex. */
export interface JournalRecord extends JournalEntry {
  readonly hash: string;
}

/** A state snapshot taken after command `seq`. `state` is the engine's canonical serialisation. */
export interface Snapshot {
  readonly seq: number;
  readonly stateHash: string;
  readonly state: string;
}

/** A stored snapshot without its state: where it was taken and the state hash it holds. */
export interface SnapshotInfo {
  readonly seq: number;
  readonly stateHash: string;
}

/** What verification found wrong, naming the first bad sequence number. */
export interface JournalCorruption {
  readonly seq: number;
  readonly reason: string;
}

export interface JournalSummary {
  readonly count: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly headHash: string;
}

export interface Journal {
  /**
   * Appends entries durably in one transaction, in order, each `seq` exactly one above the previous entry's
   * (the first entry of an empty journal may start anywhere ≥ 1). Resolves only once the data is durable;
   * rejects (and stores nothing of the batch) on a sequence gap, reorder or duplicate.
   */
  append(entries: readonly JournalEntry[]): Promise<void>;
  /** The last stored sequence number, or 0 for an empty journal. */
  lastSeq(): Promise<number>;
  /** Entries with seq ≥ fromSeq in order, at most `limit` (default: all). */
  read(fromSeq: number, limit?: number): Promise<JournalRecord[]>;
  /** Recomputes the whole hash chain; the first entry whose stored hash or sequence is wrong is reported. */
  verify(): Promise<{ ok: true; summary: JournalSummary } | { ok: false; corruption: JournalCorruption }>;
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  /** The snapshot with the highest seq, or null. */
  latestSnapshot(): Promise<Snapshot | null>;
  /** Every stored snapshot's seq and state hash, in ascending seq. */
  listSnapshots(): Promise<SnapshotInfo[]>;
  /**
   * Deletes every snapshot but the `keep` (an integer ≥ 1) with the highest seq, in one transaction; resolves to
   * how many were deleted. Commands are never deleted: the chain stays verifiable, and the state replayable,
   * from the first command. Start-up needs only the latest snapshot; older ones only take space.
   */
  pruneSnapshots(keep: number): Promise<number>;
  close(): Promise<void>;
}

/** The hash of the entry before the first one. */
export const GENESIS_HASH = '0'.repeat(64);
