import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  chainHash,
  GENESIS_HASH,
  JournalError,
  openSqliteJournal,
  SQLITE_JOURNAL_FORMAT_VERSION,
  type JournalErrorCode,
} from '../../src/journal/index.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../src/journal/sqliteDriver.js';
import { entries, flipOneByte, journalConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'bulwark-journal-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** A path for a new journal file inside the test's temporary directory. */
function newPath(): string {
  files += 1;
  return join(dir, `journal-${files}.db`);
}

/**
 * Runs `change` on a second connection to the file, as an operator with the sqlite3 shell would; `create` makes a
 * plain SQLite database where there is none.
 */
function behindTheBack(path: string, change: (db: SqliteDatabase) => void, create = false): void {
  const db = openSqliteDatabase(path, { fileMustExist: !create });
  try {
    change(db);
  } finally {
    db.close();
  }
}

journalConformance('sqlite', () => {
  const path = newPath();
  return Promise.resolve({
    journal: openSqliteJournal(path),
    reopen: () => Promise.resolve(openSqliteJournal(path)),
    tamper: (seq: number) => {
      behindTheBack(path, (db) => {
        const row = db.prepare('SELECT payload FROM commands WHERE seq = ?').get(seq) as { payload: string };
        db.prepare('UPDATE commands SET payload = ? WHERE seq = ?').run(flipOneByte(row.payload), seq);
      });
      return Promise.resolve();
    },
    truncate: () => {
      behindTheBack(path, (db) => {
        db.exec('DELETE FROM commands WHERE seq = (SELECT max(seq) FROM commands)');
      });
      return Promise.resolve();
    },
  });
});

async function rejectsWithCode(promise: Promise<unknown>, code: JournalErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof JournalError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

function throwsWithCode(work: () => unknown, code: JournalErrorCode, message: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof JournalError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    return true;
  });
}

describe('sqlite journal', () => {
  test('is in WAL mode with synchronous FULL by default, NORMAL on request', async () => {
    const path = newPath();
    const journal = openSqliteJournal(path);
    assert.deepEqual(journal.storageSettings(), { journalMode: 'wal', synchronous: 2 });
    await journal.close();
    const fast = openSqliteJournal(path, { synchronous: 'normal' });
    assert.deepEqual(fast.storageSettings(), { journalMode: 'wal', synchronous: 1 });
    await fast.close();
  });

  test('records its format version in the meta table', async () => {
    const path = newPath();
    await openSqliteJournal(path).close();
    behindTheBack(path, (db) => {
      const row = db.prepare(`SELECT value FROM meta WHERE key = 'format_version'`).get();
      assert.deepEqual(row, { value: String(SQLITE_JOURNAL_FORMAT_VERSION) });
    });
  });

  test('a deleted middle row is reported as a gap naming the missing seq', async () => {
    const path = newPath();
    const journal = openSqliteJournal(path);
    await journal.append(entries(1, 10));
    behindTheBack(path, (db) => {
      db.exec('DELETE FROM commands WHERE seq = 4');
    });
    const result = await journal.verify();
    assert.ok(!result.ok);
    assert.equal(result.corruption.seq, 4);
    assert.match(result.corruption.reason, /sequence gap/);
    await journal.close();
  });

  test('a rewritten hash, or a whole chain recomputed after an edit, is found', async () => {
    const path = newPath();
    const journal = openSqliteJournal(path);
    await journal.append(entries(1, 5));
    behindTheBack(path, (db) => {
      db.exec(`UPDATE commands SET hash = replace(hash, substr(hash, 1, 1), 'x') WHERE seq = 2`);
    });
    const rewritten = await journal.verify();
    assert.ok(!rewritten.ok);
    assert.equal(rewritten.corruption.seq, 2);
    await journal.close();

    // An editor who recomputes every hash after changing seq 3 still leaves the recorded head behind.
    const other = newPath();
    const victim = openSqliteJournal(other);
    await victim.append(entries(1, 5));
    await victim.close();
    let hash = GENESIS_HASH;
    const forged = entries(1, 5).map(({ seq, payload }) => {
      const text = seq === 3 ? flipOneByte(payload) : payload;
      hash = chainHash(hash, seq, text);
      return { seq, payload: text, hash };
    });
    behindTheBack(other, (db) => {
      const update = db.prepare('UPDATE commands SET payload = ?, hash = ? WHERE seq = ?');
      for (const record of forged) update.run(record.payload, record.hash, record.seq);
    });
    const reopened = openSqliteJournal(other);
    const found = await reopened.verify();
    assert.ok(!found.ok);
    assert.equal(found.corruption.seq, 5);
    assert.match(found.corruption.reason, /head hash mismatch/);
    await reopened.close();
  });

  test('a second writer on the same file makes the first refuse to fork the chain', async () => {
    const path = newPath();
    const first = openSqliteJournal(path);
    await first.append(entries(1, 3));
    const second = openSqliteJournal(path);
    await second.append(entries(4, 2));
    await rejectsWithCode(first.append(entries(4, 1)), 'head_mismatch');
    assert.equal(await first.lastSeq(), 5);
    assert.ok((await first.verify()).ok);
    await second.close();
    await first.close();
  });

  test('read-only: verifies a journal another connection is writing, and refuses to write', async () => {
    const path = newPath();
    const writer = openSqliteJournal(path);
    await writer.append(entries(1, 3));
    const reader = openSqliteJournal(path, { readonly: true });
    assert.equal(reader.readonly, true);
    await writer.append(entries(4, 2));
    const result = await reader.verify();
    assert.ok(result.ok);
    assert.equal(result.summary.lastSeq, 5);
    await rejectsWithCode(reader.append(entries(6, 1)), 'read_only');
    await rejectsWithCode(reader.saveSnapshot({ seq: 1, stateHash: 'h', state: '{}' }), 'read_only');
    await writer.saveSnapshot({ seq: 2, stateHash: 'h2', state: '{}' });
    await writer.saveSnapshot({ seq: 4, stateHash: 'h4', state: '{}' });
    await rejectsWithCode(reader.pruneSnapshots(1), 'read_only');
    assert.deepEqual(await reader.listSnapshots(), [
      { seq: 2, stateHash: 'h2' },
      { seq: 4, stateHash: 'h4' },
    ]);
    await reader.close();
    await writer.close();
  });

  test('refuses files that are missing, empty, not SQLite, or another SQLite database, changing none of them', () => {
    throwsWithCode(
      () => openSqliteJournal(join(dir, 'missing.db'), { readonly: true }),
      'cannot_open',
      /missing\.db/,
    );
    assert.equal(existsSync(join(dir, 'missing.db')), false);

    const empty = newPath();
    writeFileSync(empty, '');
    throwsWithCode(() => openSqliteJournal(empty, { readonly: true }), 'not_a_journal', /empty/);

    const text = newPath();
    writeFileSync(text, 'this is a text file, not a database; '.repeat(50));
    throwsWithCode(() => openSqliteJournal(text), 'not_a_journal', /not an SQLite database/);
    throwsWithCode(
      () => openSqliteJournal(text, { readonly: true }),
      'not_a_journal',
      /not an SQLite database/,
    );

    const foreign = newPath();
    behindTheBack(
      foreign,
      (db) => {
        db.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)');
      },
      true,
    );
    const before = readFileSync(foreign);
    throwsWithCode(() => openSqliteJournal(foreign), 'not_a_journal', /no meta table/);
    assert.deepEqual(readFileSync(foreign), before, 'a foreign database is left byte-identical');
  });

  test('refuses a journal of another format version', async () => {
    const path = newPath();
    await openSqliteJournal(path).close();
    behindTheBack(path, (db) => {
      db.exec(`UPDATE meta SET value = '2' WHERE key = 'format_version'`);
    });
    throwsWithCode(() => openSqliteJournal(path), 'not_a_journal', /format version 2/);
  });

  test('every append acknowledged before a SIGKILL is there after restart, with an intact chain', async () => {
    const path = newPath();
    const child = join(dir, 'appender.mts');
    const journalModule = fileURLToPath(new URL('../../src/journal/index.ts', import.meta.url));
    writeFileSync(
      child,
      [
        `import { openSqliteJournal } from ${JSON.stringify(journalModule)};`,
        `const journal = openSqliteJournal(process.argv[2] ?? '');`,
        `let seq = (await journal.lastSeq()) + 1;`,
        `for (;;) {`,
        `  const batch = Array.from({ length: 50 }, (_, i) => ({ seq: seq + i, payload: JSON.stringify({ n: seq + i }) }));`,
        `  await journal.append(batch);`,
        `  seq += batch.length;`,
        `  process.stdout.write(String(seq - 1) + '\\n');`,
        `}`,
      ].join('\n'),
    );
    for (const killAfterAcks of [1, 7, 23]) {
      const acked = await new Promise<number>((resolve, reject) => {
        const run = spawn(process.execPath, ['--import', 'tsx', child, path], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let last = 0;
        let acks = 0;
        let buffered = '';
        let stderr = '';
        run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        run.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            last = Number(line);
            acks += 1;
          }
          if (acks >= killAfterAcks) run.kill('SIGKILL');
        });
        run.on('exit', (_code, signal) => {
          if (signal === 'SIGKILL') resolve(last);
          else reject(new Error(`the appender exited without being killed: ${stderr}`));
        });
      });
      const journal = openSqliteJournal(path);
      const result = await journal.verify();
      assert.ok(result.ok, result.ok ? '' : result.corruption.reason);
      assert.ok((result.summary.lastSeq ?? 0) >= acked, `acknowledged seq ${acked} is missing`);
      assert.equal(result.summary.count, result.summary.lastSeq);
      await journal.close();
    }
  });
});
