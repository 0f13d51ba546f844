import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runJournalInspect } from '../../src/cli/journalInspect.js';
import { openSqliteJournal } from '../../src/journal/index.js';
import { openSqliteDatabase } from '../../src/journal/sqliteDriver.js';
import { entries, flipOneByte } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-inspect-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** A closed journal holding commands 1…`count` and a snapshot at `snapshotSeq` (if any). */
async function journalWith(count: number, snapshotSeq?: number): Promise<string> {
  files += 1;
  const path = join(dir, `journal-${files}.db`);
  const journal = openSqliteJournal(path);
  if (count > 0) await journal.append(entries(1, count));
  if (snapshotSeq !== undefined)
    await journal.saveSnapshot({ seq: snapshotSeq, stateHash: 'h', state: '{}' });
  await journal.close();
  return path;
}

function tamper(path: string, seq: number): void {
  const db = openSqliteDatabase(path, { fileMustExist: true });
  try {
    const row = db.prepare('SELECT payload FROM commands WHERE seq = ?').get(seq) as { payload: string };
    db.prepare('UPDATE commands SET payload = ? WHERE seq = ?').run(flipOneByte(row.payload), seq);
  } finally {
    db.close();
  }
}

interface InspectJson {
  ok?: boolean;
  summary?: { count: number; firstSeq: number | null; lastSeq: number | null; headHash: string };
  corruption?: { seq: number; reason: string };
  latestSnapshotSeq?: number | null;
  commands?: { seq: number; hash: string; payload: string }[];
  error?: { code: string; message: string };
}

async function inspectJson(
  path: string,
  options: { from?: number; limit?: number } = {},
): Promise<{ exitCode: number; body: InspectJson }> {
  const { exitCode, output } = await runJournalInspect(path, { ...options, json: true });
  return { exitCode, body: JSON.parse(output) as InspectJson };
}

describe('bulwark journal inspect', () => {
  test('a sound journal: exit 0, summary and the first commands', async () => {
    const path = await journalWith(30, 25);
    const journal = openSqliteJournal(path, { readonly: true });
    const records = await journal.read(1);
    await journal.close();
    const headHash = records.at(-1)?.hash ?? '';

    const text = await runJournalInspect(path, {});
    assert.equal(text.exitCode, 0, text.output);
    assert.match(text.output, /chain\s+ok: 30 commands verified/);
    assert.match(text.output, /seq\s+1 … 30/);
    assert.ok(text.output.includes(headHash));
    assert.match(text.output, /snapshot\s+seq 25/);
    const first = records[0];
    assert.ok(first !== undefined);
    assert.ok(text.output.includes(`1    ${first.hash.slice(0, 12)}  ${first.payload}`), text.output);
    assert.match(text.output, /\(20 commands shown, seq 1 … 20, limit 20/);

    const { exitCode, body } = await inspectJson(path);
    assert.equal(exitCode, 0);
    assert.deepEqual(body.summary, { count: 30, firstSeq: 1, lastSeq: 30, headHash });
    assert.equal(body.latestSnapshotSeq, 25);
    assert.deepEqual(body.commands, records.slice(0, 20));
  });

  test('--from and --limit select the commands shown', async () => {
    const path = await journalWith(30);
    const { body } = await inspectJson(path, { from: 28, limit: 5 });
    assert.deepEqual(
      body.commands?.map((command) => command.seq),
      [28, 29, 30],
    );
    const none = await runJournalInspect(path, { from: 31 });
    assert.equal(none.exitCode, 0);
    assert.match(none.output, /no commands from seq 31/);
  });

  test('an empty journal verifies', async () => {
    const path = await journalWith(0);
    const { exitCode, body } = await inspectJson(path);
    assert.equal(exitCode, 0);
    assert.equal(body.summary?.count, 0);
    assert.equal(body.latestSnapshotSeq, null);
  });

  test('a changed byte: exit 3 naming the seq, the damaged entry listed, the file untouched', async () => {
    const path = await journalWith(40);
    tamper(path, 17);
    const before = readFileSync(path);
    const text = await runJournalInspect(path, {});
    assert.equal(text.exitCode, 3, text.output);
    assert.match(text.output, /BROKEN at seq 17: hash mismatch/);
    assert.match(text.output, /hash chain is broken at seq 17/);
    assert.match(text.output, /\n17 {3}/, 'the listing starts just before the damage');
    const { exitCode, body } = await inspectJson(path);
    assert.equal(exitCode, 3);
    assert.equal(body.ok, false);
    assert.equal(body.corruption?.seq, 17);
    assert.equal(body.commands?.[0]?.seq, 15);
    assert.deepEqual(readFileSync(path), before);
  });

  test('missing file, not a journal, bad options: exit 2 with a clear message', async () => {
    const missing = await runJournalInspect(join(dir, 'nope.db'), {});
    assert.equal(missing.exitCode, 2);
    assert.match(missing.output, /journal not found: .*nope\.db/);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all\n'.repeat(100));
    const notJournal = await inspectJson(text);
    assert.equal(notJournal.exitCode, 2);
    assert.equal(notJournal.body.error?.code, 'not_a_journal');

    const path = await journalWith(1);
    for (const options of [{ limit: -1 }, { limit: 1.5 }, { limit: 100_001 }, { from: -3 }]) {
      const bad = await runJournalInspect(path, options);
      assert.equal(bad.exitCode, 2, JSON.stringify(options));
      assert.match(bad.output, /--(from|limit) must be/);
    }
  });

  test('payload control characters are escaped and long payloads cut in the text listing', async () => {
    files += 1;
    const path = join(dir, `journal-${files}.db`);
    const journal = openSqliteJournal(path);
    await journal.append([
      { seq: 1, payload: 'bell\u0007 escape\u001b[2J' },
      { seq: 2, payload: 'y'.repeat(500) },
    ]);
    await journal.close();
    const { exitCode, output } = await runJournalInspect(path, {});
    assert.equal(exitCode, 0);
    assert.ok(output.includes('bell\\u0007 escape\\u001b[2J'));
    assert.ok(!output.includes('\u001b'));
    assert.ok(output.includes(`${'y'.repeat(200)}… (+300 characters)`));
  });
});
