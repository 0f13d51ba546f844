/**
 * The journal's hash chain: every entry's hash covers the previous entry's hash, its own sequence number and its
 * payload, so changing, removing or reordering any stored entry changes every hash after it. One implementation
 * of the chain and of its verification serves every journal backend.
 */
import { sha256Hex } from '../crypto/sha256.js';
import { assert } from '../numbers/assert.js';
import {
  GENESIS_HASH,
  type JournalCorruption,
  type JournalEntry,
  type JournalRecord,
  type JournalSummary,
} from './journal.js';

/** The newest entry of a journal: where the next append continues the chain. */
export interface JournalHead {
  readonly seq: number;
  readonly hash: string;
}

/** What `Journal.verify()` answers. */
export type VerifyResult =
  | { readonly ok: true; readonly summary: JournalSummary }
  | { readonly ok: false; readonly corruption: JournalCorruption };

const HASH_HEX = /^[0-9a-f]{64}$/;

/** True for a lowercase hex SHA-256 digest, the only form a chain hash takes. */
export function isChainHash(text: string): boolean {
  return HASH_HEX.test(text);
}

/**
 * sha256(previousHash ‖ '\n' ‖ seq in decimal ‖ '\n' ‖ payload as UTF-8), lowercase hex. The encoding is
 * unambiguous because the previous hash has a fixed length and the decimal seq cannot contain a newline, so
 * everything after the second newline is the payload.
 */
export function chainHash(previousHash: string, seq: number, payload: string): string {
  assert(isChainHash(previousHash), `chainHash: previous hash is not 64 lowercase hex digits`);
  return link(previousHash, seq, payload);
}

/** `chainHash` of a previous hash already known to be one (a digest this module just made). */
function link(previousHash: string, seq: number, payload: string): string {
  assert(Number.isSafeInteger(seq) && seq >= 1, `chainHash: seq ${seq} is not a positive safe integer`);
  return sha256Hex(`${previousHash}\n${seq}\n${payload}`);
}

/** Chains `entries` onto `previousHash`; the caller has already checked their sequence numbers. */
export function chainEntries(entries: readonly JournalEntry[], previousHash: string): JournalRecord[] {
  assert(isChainHash(previousHash), `chainEntries: previous hash is not 64 lowercase hex digits`);
  const records: JournalRecord[] = [];
  let hash = previousHash;
  for (const entry of entries) {
    hash = link(hash, entry.seq, entry.payload);
    records.push({ seq: entry.seq, payload: entry.payload, hash });
  }
  return records;
}

/** Two heads agree when both are absent or both name the same seq and hash. */
export function sameHead(a: JournalHead | null, b: JournalHead | null): boolean {
  if (a === null || b === null) return a === b;
  return a.seq === b.seq && a.hash === b.hash;
}

/** A stored row as a record, or why it cannot be one (a damaged store may hold anything). */
function asRecord(row: unknown): JournalRecord | string {
  if (typeof row !== 'object' || row === null) return 'row is not a record';
  const { seq, payload, hash } = row as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return 'seq is not a positive integer';
  if (typeof payload !== 'string') return 'payload is not text';
  if (typeof hash !== 'string') return 'hash is not text';
  return { seq, payload, hash };
}

function corrupt(seq: number, reason: string): VerifyResult {
  return { ok: false, corruption: { seq, reason } };
}

/**
 * Recomputes the chain over `rows` (in stored order, streamed) and checks that it ends on `recordedHead`, the head
 * the journal wrote alongside its last append (null when it never appended). The recorded head is what catches
 * entries deleted from the end, which the chain alone cannot show. Reports the first bad seq.
 */
export function verifyChain(rows: Iterable<unknown>, recordedHead: JournalHead | null): VerifyResult {
  let previous: JournalHead | null = null;
  let firstSeq: number | null = null;
  let count = 0;
  for (const row of rows) {
    const record = asRecord(row);
    if (typeof record === 'string') return corrupt((previous?.seq ?? 0) + 1, `malformed row: ${record}`);
    if (previous !== null && record.seq !== previous.seq + 1) {
      return record.seq > previous.seq
        ? corrupt(
            previous.seq + 1,
            `sequence gap: seq ${previous.seq + 1} is missing (the next stored seq is ${record.seq})`,
          )
        : corrupt(record.seq, `sequence out of order: seq ${record.seq} is stored after seq ${previous.seq}`);
    }
    const expected = chainHash(previous?.hash ?? GENESIS_HASH, record.seq, record.payload);
    if (record.hash !== expected) {
      return corrupt(
        record.seq,
        `hash mismatch: stored ${record.hash} but the chain gives ${expected} (the entry was altered)`,
      );
    }
    firstSeq ??= record.seq;
    count += 1;
    previous = { seq: record.seq, hash: record.hash };
  }
  if (!sameHead(previous, recordedHead)) return headCorruption(previous, recordedHead);
  return {
    ok: true,
    summary: { count, firstSeq, lastSeq: previous?.seq ?? null, headHash: previous?.hash ?? GENESIS_HASH },
  };
}

/** Why a chain that verified on its own does not end where the journal recorded its head. */
function headCorruption(tail: JournalHead | null, recorded: JournalHead | null): VerifyResult {
  if (recorded === null) {
    return corrupt(1, `entries are stored (up to seq ${tail?.seq ?? 0}) but the journal recorded no head`);
  }
  if (tail === null) {
    return corrupt(
      recorded.seq,
      `the journal is empty but its recorded head is seq ${recorded.seq} (entries deleted)`,
    );
  }
  if (tail.seq < recorded.seq) {
    return corrupt(
      tail.seq + 1,
      `missing entries: the journal ends at seq ${tail.seq} but its recorded head is seq ${recorded.seq}`,
    );
  }
  if (tail.seq > recorded.seq) {
    return corrupt(
      recorded.seq + 1,
      `entries after the recorded head seq ${recorded.seq} (up to seq ${tail.seq}) were written outside the journal`,
    );
  }
  return corrupt(
    tail.seq,
    `head hash mismatch at seq ${tail.seq}: the chain was rewritten after it was recorded`,
  );
}
