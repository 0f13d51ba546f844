/**
 * The one conformance suite every journal backend passes (memory, SQLite, and later PostgreSQL and NATS
 * JetStream): the append contract, sequence rules, the hash chain, snapshots, restart, tamper detection.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  chainHash,
  GENESIS_HASH,
  JOURNAL_BATCH_ENTRIES_MAX,
  JOURNAL_PAYLOAD_CHARS_MAX,
  JournalError,
  type Journal,
  type JournalEntry,
  type JournalErrorCode,
  type JournalRecord,
} from '../../src/journal/index.js';
import { fcParams } from '../helpers/portfolio.js';

/** A backend's fresh, empty journal, with the hooks a backend can offer for the restart and tamper tests. */
export interface JournalUnderTest {
  readonly journal: Journal;
  /** Opens the same storage again after the suite closed `journal` (a restart). */
  readonly reopen?: () => Promise<Journal>;
  /** Changes one byte of the stored payload of `seq`, behind the journal's back. */
  readonly tamper?: (seq: number) => Promise<void>;
  /** Deletes the last stored entry behind the journal's back. */
  readonly truncate?: () => Promise<void>;
}

/** A realistic command payload: canonical JSON of a fill. */
export function fillPayload(seq: number): string {
  return JSON.stringify({
    type: 'fill',
    seq,
    ts: 1_729_728_000_000 + seq,
    account: `acct-${seq % 97}`,
    symbol: 'BTCUSDT',
    side: seq % 2 === 0 ? 'buy' : 'sell',
    priceTicks: String(672_345 + (seq % 1000)),
    qtyLots: String(1 + (seq % 50)),
    fillId: `f-${seq}`,
  });
}

export function entries(fromSeq: number, count: number): JournalEntry[] {
  return Array.from({ length: count }, (_, i) => ({ seq: fromSeq + i, payload: fillPayload(fromSeq + i) }));
}

/** The payload with one byte changed: the middle character (ASCII in every payload the suite tampers with). */
export function flipOneByte(payload: string): string {
  const at = Math.floor(payload.length / 2);
  const code = payload.charCodeAt(at);
  assert.ok(code < 0x80, 'tampering expects an ASCII character');
  return payload.slice(0, at) + String.fromCharCode(code ^ 1) + payload.slice(at + 1);
}

/** The records a journal must hold for `list`, chained from the genesis hash. */
function expectedRecords(list: readonly JournalEntry[]): JournalRecord[] {
  let hash = GENESIS_HASH;
  return list.map(({ seq, payload }) => {
    hash = chainHash(hash, seq, payload);
    return { seq, payload, hash };
  });
}

async function rejectsWith(
  promise: Promise<unknown>,
  code: JournalErrorCode,
  seq: number | null,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof JournalError, `expected a JournalError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.seq, seq, error.message);
    if (seq !== null) assert.match(error.message, new RegExp(`\\bseq ${seq}\\b`));
    return true;
  });
}

async function verifiedSummary(journal: Journal): Promise<{ count: number; headHash: string }> {
  const result = await journal.verify();
  assert.ok(
    result.ok,
    result.ok ? '' : `verify failed at seq ${result.corruption.seq}: ${result.corruption.reason}`,
  );
  return result.summary;
}

/** Registers the suite under `name`; `open` gives a fresh, empty journal each time it is called. */
export function journalConformance(name: string, open: () => Promise<JournalUnderTest>): void {
  /** Runs `body` on a fresh journal and closes whichever journal it ends with. */
  const withJournal = async (
    body: (subject: JournalUnderTest) => Promise<Journal | undefined>,
  ): Promise<void> => {
    const subject = await open();
    let current: Journal = subject.journal;
    try {
      current = (await body(subject)) ?? current;
    } finally {
      await current.close();
    }
  };

  describe(`journal conformance: ${name}`, () => {
    test('an empty journal', () =>
      withJournal(async ({ journal }) => {
        assert.equal(await journal.lastSeq(), 0);
        assert.deepEqual(await journal.read(0), []);
        assert.equal(await journal.latestSnapshot(), null);
        assert.deepEqual(await journal.verify(), {
          ok: true,
          summary: { count: 0, firstSeq: null, lastSeq: null, headHash: GENESIS_HASH },
        });
        return undefined;
      }));

    test('append then read gives back every payload exactly, chained with chainHash', () =>
      withJournal(async ({ journal }) => {
        const payloads = [
          fillPayload(1),
          '',
          'line one\nline two\r\n',
          'nul \u0000 inside',
          'unicode: €, 😀, 中文, e\u0301',
          '"quoted" \\ backslash',
          'x'.repeat(100_000),
        ];
        const list = payloads.map((payload, i) => ({ seq: i + 1, payload }));
        await journal.append(list);
        const records = await journal.read(1);
        assert.deepEqual(records, expectedRecords(list));
        assert.equal(await journal.lastSeq(), payloads.length);
        return undefined;
      }));

    test('batches append in order and the chain runs across them', () =>
      withJournal(async ({ journal }) => {
        await journal.append(entries(1, 3));
        await journal.append(entries(4, 1));
        await journal.append([]);
        await journal.append(entries(5, 1000));
        // Batches of whole multiples of a backend's rows per statement (the SQLite journal's is 64), and one row more.
        await journal.append(entries(1005, 64));
        await journal.append(entries(1069, 128));
        await journal.append(entries(1197, 65));
        const all = entries(1, 1261);
        assert.deepEqual(await journal.read(1), expectedRecords(all));
        assert.equal(await journal.lastSeq(), 1261);
        const summary = await verifiedSummary(journal);
        assert.deepEqual(summary, {
          count: 1261,
          firstSeq: 1,
          lastSeq: 1261,
          headHash: expectedRecords(all).at(-1)?.hash,
        });
        return undefined;
      }));

    test('the first entry of an empty journal may start at any seq ≥ 1, and the next follows it', () =>
      withJournal(async ({ journal }) => {
        await journal.append(entries(1000, 2));
        assert.equal(await journal.lastSeq(), 1001);
        await rejectsWith(journal.append(entries(1000, 1)), 'duplicate_sequence', 1000);
        await journal.append(entries(1002, 1));
        const summary = await verifiedSummary(journal);
        assert.equal(summary.count, 3);
        return undefined;
      }));

    test('a first seq that is not a positive integer is rejected', () =>
      withJournal(async ({ journal }) => {
        for (const seq of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
          await rejectsWith(journal.append([{ seq, payload: 'x' }]), 'invalid_entry', null);
        }
        assert.equal(await journal.lastSeq(), 0);
        return undefined;
      }));

    test('a sequence gap is rejected, naming the seq, and nothing of the batch is stored', () =>
      withJournal(async ({ journal }) => {
        await journal.append(entries(1, 3));
        await rejectsWith(journal.append(entries(5, 2)), 'sequence_gap', 5);
        await rejectsWith(journal.append([...entries(4, 2), ...entries(7, 1)]), 'sequence_gap', 7);
        assert.equal(await journal.lastSeq(), 3);
        assert.equal((await journal.read(1)).length, 3);
        await journal.append(entries(4, 1));
        assert.equal(await journal.lastSeq(), 4);
        return undefined;
      }));

    test('a duplicate seq is rejected, stored or within the batch', () =>
      withJournal(async ({ journal }) => {
        await journal.append(entries(1, 3));
        await rejectsWith(journal.append(entries(3, 2)), 'duplicate_sequence', 3);
        await rejectsWith(journal.append(entries(1, 1)), 'duplicate_sequence', 1);
        await rejectsWith(journal.append([...entries(4, 1), ...entries(4, 1)]), 'duplicate_sequence', 4);
        assert.equal(await journal.lastSeq(), 3);
        return undefined;
      }));

    test('a reordered batch is rejected and stores nothing', () =>
      withJournal(async ({ journal }) => {
        await rejectsWith(journal.append([...entries(2, 1), ...entries(1, 1)]), 'sequence_reorder', 1);
        assert.equal(await journal.lastSeq(), 0);
        await journal.append(entries(1, 3));
        await rejectsWith(journal.append([...entries(4, 3), ...entries(5, 1)]), 'sequence_reorder', 5);
        assert.equal(await journal.lastSeq(), 3);
        return undefined;
      }));

    test('payloads that cannot be stored exactly, and oversized batches, are rejected', () =>
      withJournal(async ({ journal }) => {
        await rejectsWith(journal.append([{ seq: 1, payload: 'lone \uD800 surrogate' }]), 'invalid_entry', 1);
        await rejectsWith(
          journal.append([{ seq: 1, payload: 'x'.repeat(JOURNAL_PAYLOAD_CHARS_MAX + 1) }]),
          'invalid_entry',
          1,
        );
        await rejectsWith(journal.append([{ seq: 1, payload: 42 as unknown as string }]), 'invalid_entry', 1);
        const tooMany = Array.from({ length: JOURNAL_BATCH_ENTRIES_MAX + 1 }, (_, i) => ({
          seq: i + 1,
          payload: '',
        }));
        await rejectsWith(journal.append(tooMany), 'batch_too_large', 1);
        await journal.append([{ seq: 1, payload: 'x'.repeat(JOURNAL_PAYLOAD_CHARS_MAX) }]);
        assert.equal(await journal.lastSeq(), 1);
        return undefined;
      }));

    test('read honours fromSeq and limit', () =>
      withJournal(async ({ journal }) => {
        await journal.append(entries(10, 10));
        const all = expectedRecords(entries(10, 10));
        assert.deepEqual(await journal.read(0), all);
        assert.deepEqual(await journal.read(-5, 3), all.slice(0, 3));
        assert.deepEqual(await journal.read(15), all.slice(5));
        assert.deepEqual(await journal.read(15, 2), all.slice(5, 7));
        assert.deepEqual(await journal.read(15, 0), []);
        assert.deepEqual(await journal.read(18, 100), all.slice(8));
        assert.deepEqual(await journal.read(20), []);
        await rejectsWith(journal.read(1.5), 'invalid_range', null);
        await rejectsWith(journal.read(1, -1), 'invalid_range', null);
        return undefined;
      }));

    test('snapshots: the highest seq wins; none after the last command; one state per seq', () =>
      withJournal(async ({ journal }) => {
        await journal.append(entries(1, 10));
        const at = (seq: number, tag = ''): { seq: number; stateHash: string; state: string } => ({
          seq,
          stateHash: `state-hash-${seq}${tag}`,
          state: JSON.stringify({ seq, tag }),
        });
        await journal.saveSnapshot(at(0));
        await journal.saveSnapshot(at(5));
        await journal.saveSnapshot(at(8));
        await journal.saveSnapshot(at(3));
        assert.deepEqual(await journal.latestSnapshot(), at(8));
        await journal.saveSnapshot(at(8));
        await rejectsWith(journal.saveSnapshot(at(8, 'other')), 'snapshot_conflict', 8);
        await rejectsWith(journal.saveSnapshot(at(11)), 'invalid_snapshot', 11);
        await rejectsWith(journal.saveSnapshot({ ...at(9), stateHash: '' }), 'invalid_snapshot', 9);
        await rejectsWith(journal.saveSnapshot(at(-1)), 'invalid_snapshot', null);
        await journal.saveSnapshot(at(10));
        assert.deepEqual(await journal.latestSnapshot(), at(10));
        return undefined;
      }));

    test('pruneSnapshots keeps the highest seqs, lists what is left, and never touches the commands', () =>
      withJournal(async ({ journal, reopen }) => {
        await journal.append(entries(1, 10));
        const at = (seq: number): { seq: number; stateHash: string; state: string } => ({
          seq,
          stateHash: `state-hash-${seq}`,
          state: JSON.stringify({ seq }),
        });
        assert.deepEqual(await journal.listSnapshots(), []);
        assert.equal(await journal.pruneSnapshots(1), 0);
        for (const seq of [4, 0, 9, 2, 7]) await journal.saveSnapshot(at(seq));
        const info = (seqs: number[]): { seq: number; stateHash: string }[] =>
          seqs.map((seq) => ({ seq, stateHash: `state-hash-${seq}` }));
        assert.deepEqual(await journal.listSnapshots(), info([0, 2, 4, 7, 9]));
        for (const keep of [0, -1, 1.5, Number.NaN])
          await rejectsWith(journal.pruneSnapshots(keep), 'invalid_snapshot', null);
        assert.equal((await journal.listSnapshots()).length, 5, 'a refused prune deletes nothing');
        assert.equal(await journal.pruneSnapshots(5), 0);
        assert.equal(await journal.pruneSnapshots(3), 2);
        assert.deepEqual(await journal.listSnapshots(), info([4, 7, 9]));
        assert.equal(await journal.pruneSnapshots(1), 2);
        assert.deepEqual(await journal.listSnapshots(), info([9]));
        assert.deepEqual(await journal.latestSnapshot(), at(9));
        // A pruned seq may be saved again (the engine's state there is what it was).
        await journal.saveSnapshot(at(4));
        assert.deepEqual(await journal.listSnapshots(), info([4, 9]));
        assert.deepEqual(await journal.read(1), expectedRecords(entries(1, 10)));
        assert.equal((await verifiedSummary(journal)).count, 10);
        if (reopen === undefined) return undefined;
        await journal.close();
        const again = await reopen();
        assert.deepEqual(await again.listSnapshots(), info([4, 9]));
        assert.deepEqual(await again.latestSnapshot(), at(9));
        return again;
      }));

    test('a closed journal refuses every operation; closing twice is harmless', async () => {
      const { journal } = await open();
      await journal.append(entries(1, 1));
      await journal.close();
      await rejectsWith(journal.append(entries(2, 1)), 'closed', null);
      await rejectsWith(journal.read(1), 'closed', null);
      await rejectsWith(journal.lastSeq(), 'closed', null);
      await rejectsWith(journal.verify(), 'closed', null);
      await rejectsWith(journal.latestSnapshot(), 'closed', null);
      await rejectsWith(journal.listSnapshots(), 'closed', null);
      await rejectsWith(journal.pruneSnapshots(1), 'closed', null);
      await journal.close();
    });

    test('reopening keeps every entry and snapshot, and appends continue the chain', () =>
      withJournal(async ({ journal, reopen }) => {
        if (reopen === undefined) return undefined;
        await journal.append(entries(1, 5));
        const snapshot = { seq: 4, stateHash: 'f'.repeat(64), state: '{"accounts":[]}' };
        await journal.saveSnapshot(snapshot);
        const before = await verifiedSummary(journal);
        await journal.close();
        const again = await reopen();
        assert.deepEqual(await again.read(1), expectedRecords(entries(1, 5)));
        assert.equal(await again.lastSeq(), 5);
        assert.deepEqual(await again.latestSnapshot(), snapshot);
        assert.deepEqual(await verifiedSummary(again), before);
        await rejectsWith(again.append(entries(7, 1)), 'sequence_gap', 7);
        await again.append(entries(6, 2));
        assert.deepEqual(await again.read(1), expectedRecords(entries(1, 7)));
        assert.equal((await verifiedSummary(again)).count, 7);
        return again;
      }));

    test('one changed byte in one payload is found by verify, naming that seq, and never repaired', () =>
      withJournal(async ({ journal, reopen, tamper }) => {
        if (tamper === undefined) return undefined;
        await journal.append(entries(1, 10));
        await tamper(6);
        const found = await journal.verify();
        assert.equal(found.ok, false);
        assert.ok(!found.ok);
        assert.equal(found.corruption.seq, 6);
        assert.match(found.corruption.reason, /hash mismatch/);
        // Appending after the damaged entry neither fails silently nor heals the chain.
        await journal.append(entries(11, 1));
        assert.deepEqual(await journal.verify(), found);
        if (reopen === undefined) return undefined;
        await journal.close();
        const again = await reopen();
        assert.deepEqual(await again.verify(), found);
        return again;
      }));

    test('a changed last entry and a changed first entry are found too', () =>
      withJournal(async ({ journal, tamper }) => {
        if (tamper === undefined) return undefined;
        await journal.append(entries(5, 3));
        await tamper(7);
        const last = await journal.verify();
        assert.ok(!last.ok);
        assert.equal(last.corruption.seq, 7);
        await tamper(5);
        const first = await journal.verify();
        assert.ok(!first.ok);
        assert.equal(first.corruption.seq, 5);
        return undefined;
      }));

    test('entries removed from the end are found, and appends refuse to continue', () =>
      withJournal(async ({ journal, reopen, truncate }) => {
        if (truncate === undefined) return undefined;
        await journal.append(entries(1, 10));
        await truncate();
        const found = await journal.verify();
        assert.ok(!found.ok);
        assert.equal(found.corruption.seq, 10);
        assert.match(found.corruption.reason, /missing/);
        await rejectsWith(journal.append(entries(10, 1)), 'head_mismatch', 10);
        await rejectsWith(journal.append(entries(11, 1)), 'head_mismatch', 11);
        if (reopen === undefined) return undefined;
        await journal.close();
        const again = await reopen();
        assert.deepEqual(await again.verify(), found);
        await rejectsWith(again.append(entries(10, 1)), 'head_mismatch', 10);
        return again;
      }));

    test('property: any split of a command list into batches gives the same records and head hash', async () => {
      const commands = fc.record({
        firstSeq: fc.integer({ min: 1, max: 1_000_000_000 }),
        payloads: fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 60 }),
        cuts: fc.array(fc.nat(), { maxLength: 8 }),
      });
      await fc.assert(
        fc.asyncProperty(commands, async ({ firstSeq, payloads, cuts }) => {
          const list = payloads.map((payload, i) => ({ seq: firstSeq + i, payload }));
          const bounds = [...new Set(cuts.map((cut) => cut % list.length))].sort((a, b) => a - b);
          const batches = [0, ...bounds].map((start, i) => list.slice(start, [...bounds, list.length][i]));
          const { journal } = await open();
          try {
            for (const batch of batches) await journal.append(batch);
            const want = expectedRecords(list);
            assert.deepEqual(await journal.read(firstSeq), want);
            assert.equal(await journal.lastSeq(), firstSeq + list.length - 1);
            const summary = await verifiedSummary(journal);
            assert.equal(summary.count, list.length);
            assert.equal(summary.headHash, want.at(-1)?.hash);
          } finally {
            await journal.close();
          }
        }),
        fcParams(0x10_6a1, 40),
      );
    });
  });
}
