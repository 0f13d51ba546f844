/**
 * Tampering with a journal is detected at start-up (issue 3): a journal of ~200 commands is written by
 * `bulwark run`, then changed behind its back through a second SQLite connection — one byte of one command row,
 * a snapshot's state (not its hash), the last row deleted. Every start-up path must refuse, naming the sequence
 * number: `bulwark run` (`{"ready":false,…}`, exit 3), `bulwark replay` (exit 3) and `DurableEngine.open`
 * (`StartupError` with `.seq`). Nothing is repaired or appended by a refused start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Engine, type Command } from '../../src/engine/index.js';
import { DurableEngine, openSqliteJournal, StartupError } from '../../src/journal/index.js';
import { CommandStream } from '../../src/simulator/randomCommands.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';

/** The part of better-sqlite3 used here (the package ships no type declarations). */
interface Statement {
  get(...params: (string | number)[]): unknown;
  all(...params: (string | number)[]): unknown[];
  run(...params: (string | number)[]): { changes: number };
}
interface Database {
  prepare(sql: string): Statement;
  close(): void;
}
const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as new (
  path: string,
  options: { fileMustExist: boolean },
) => Database;

const COMMANDS = 200;
const SNAPSHOT_AT = 120;

const dir = mkdtempSync(join(tmpdir(), 'bulwark-tamper-'));
before(() => {
  ensureBuilt();
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The seeded stream as JSON lines (drawn against a local engine) and that engine's final state hash. */
function commandLines(): { lines: string[]; hash: string } {
  const stream = new CommandStream({ seed: 303, accounts: 20, symbols: 2, invalidShare: 0.03 });
  const engine = Engine.create();
  const lines: string[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const line = JSON.stringify(stream.next(engine.view));
    engine.apply(JSON.parse(line) as Command);
    lines.push(line);
  }
  return { lines, hash: engine.stateHash() };
}
const stream = commandLines();

let files = 0;
/** A journal of the stream written by `bulwark run`, optionally with a snapshot after command `snapshotAt`. */
function buildJournal(snapshotAt?: number): string {
  files += 1;
  const path = join(dir, `journal-${files}.db`);
  const input = stream.lines.flatMap((line, i) =>
    i + 1 === snapshotAt ? [line, '{"control":"snapshot"}'] : [line],
  );
  const run = runCli(['run', path], `${input.join('\n')}\n`);
  assert.equal(run.status, 0, run.stderr);
  const out = run.stdout.trim().split('\n');
  assert.equal(out.length, 1 + input.length, 'a ready line and one line per input line');
  assert.match(out[0] ?? '', /^\{"ready":true,"lastSeq":0,/);
  // The untouched journal starts cleanly, from the snapshot when there is one, to the clean run's hash.
  const replay = runCli(['replay', '--json', path]);
  assert.equal(replay.status, 0, replay.stdout + replay.stderr);
  const summary = JSON.parse(replay.stdout) as {
    stateHash: string;
    lastSeq: number;
    fromSnapshotSeq: number | null;
  };
  assert.deepEqual(
    { stateHash: summary.stateHash, lastSeq: summary.lastSeq, fromSnapshotSeq: summary.fromSnapshotSeq },
    { stateHash: stream.hash, lastSeq: COMMANDS, fromSnapshotSeq: snapshotAt ?? null },
  );
  return path;
}

/** Runs `change` on a second connection to the journal file, as an operator with the sqlite3 shell would. */
function behindTheBack<T>(path: string, change: (db: Database) => T): T {
  const db = new BetterSqlite3(path, { fileMustExist: true });
  try {
    return change(db);
  } finally {
    db.close();
  }
}

/** How many bytes differ between two texts of the same UTF-8 length. */
function bytesChanged(before: string, after: string): number {
  const a = Buffer.from(before, 'utf8');
  const b = Buffer.from(after, 'utf8');
  assert.equal(a.length, b.length, 'the tampering keeps the length');
  let changed = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed += 1;
  return changed;
}

/** `text` with the digit at `at` replaced by another non-zero digit. */
function otherDigit(text: string, at: number): string {
  const digit = Number(text[at]);
  assert.ok(Number.isInteger(digit) && /\d/.test(text[at] ?? ''), `no digit at ${at} of ${text}`);
  return `${text.slice(0, at)}${(digit % 9) + 1}${text.slice(at + 1)}`;
}

/** Output for a failure message, cut short (a crash prints the whole snapshot text). */
function brief(text: string): string {
  return text.length <= 600 ? text : `${text.slice(0, 300)} … ${text.slice(-300)}`;
}

/** Runs `check`; an assertion it fails becomes a line of `problems` (so that every path gets reported). */
async function collect(problems: string[], path: string, check: () => void | Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (!(error instanceof assert.AssertionError)) throw error;
    problems.push(`${path}: ${brief(error.message)}`);
  }
}

/**
 * Every start-up path refuses the journal, naming `seq` (and giving `reason`); the file is left exactly as it
 * was. All three paths are checked before failing, and the failure lists each one that did not refuse.
 */
async function assertRefused(path: string, seq: number, reason: RegExp): Promise<void> {
  const namesSeq = new RegExp(`\\bseq ${seq}\\b`);
  const rows = (): unknown[] =>
    behindTheBack(path, (db) => [
      db.prepare('SELECT seq, payload, hash FROM commands ORDER BY seq').all(),
      db.prepare('SELECT seq, state_hash, state FROM snapshots ORDER BY seq').all(),
      db.prepare('SELECT key, value FROM meta ORDER BY key').all(),
    ]);
  const before = rows();
  const problems: string[] = [];

  // bulwark run: one {"ready":false,…} line naming the seq, exit 3; the command offered on stdin is not read.
  await collect(problems, 'bulwark run', () => {
    const run = runCli(['run', path], `${stream.lines[0] ?? ''}\n`);
    const shown = `exit ${String(run.status)}, stdout ${brief(run.stdout)}, stderr ${brief(run.stderr)}`;
    assert.equal(run.status, 3, shown);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1, shown);
    const refusal = JSON.parse(lines[0] ?? '') as { ready?: unknown; error?: unknown; seq?: unknown };
    assert.equal(refusal.ready, false, shown);
    assert.equal(refusal.seq, seq, shown);
    assert.ok(typeof refusal.error === 'string', shown);
    assert.match(refusal.error, namesSeq);
    assert.match(refusal.error, reason);
  });

  // bulwark replay: exit 3 and a message naming the seq.
  await collect(problems, 'bulwark replay', () => {
    const replay = runCli(['replay', path]);
    const shown = `exit ${String(replay.status)}, stdout ${brief(replay.stdout)}, stderr ${brief(replay.stderr)}`;
    assert.equal(replay.status, 3, shown);
    assert.match(replay.stdout, /^bulwark replay: /);
    assert.match(replay.stdout, namesSeq);
    assert.match(replay.stdout, reason);
  });

  // The library: StartupError whose seq is that seq.
  await collect(problems, 'DurableEngine.open', async () => {
    const journal = openSqliteJournal(path, { readonly: true });
    try {
      let opened: DurableEngine | undefined;
      try {
        opened = await DurableEngine.open(journal);
      } catch (error) {
        assert.ok(error instanceof StartupError, `rejected with ${brief(String(error))}, not a StartupError`);
        assert.equal(error.seq, seq, error.message);
        assert.match(error.message, namesSeq);
        assert.match(error.message, reason);
      }
      if (opened !== undefined) {
        assert.fail(
          `opened: lastSeq ${opened.lastSeq}, replayed ${opened.replayed}, stateHash ${opened.stateHash()} ` +
            `(the untouched journal gives ${stream.hash})`,
        );
      }
    } finally {
      await journal.close();
    }
  });

  await collect(problems, 'the file', () => {
    assert.deepEqual(rows(), before, 'a refused start-up changes nothing in the file');
  });
  if (problems.length > 0) assert.fail(`start-up did not refuse as it must:\n${problems.join('\n')}`);
}

describe('a tampered journal is refused at start-up, naming the sequence number', () => {
  test('one digit of one command row changed (a deposit amount)', async () => {
    const path = buildJournal();
    // A deposit well inside the journal (past the set-up commands), so that rows follow it.
    const seq = stream.lines.findIndex((line, i) => i >= 99 && line.includes('"type":"deposit"')) + 1;
    assert.ok(seq >= 100 && seq < COMMANDS, `a deposit after seq 100 in the stream (found ${seq})`);
    const { before, after: tampered } = behindTheBack(path, (db) => {
      const row = db.prepare('SELECT payload FROM commands WHERE seq = ?').get(seq) as { payload: string };
      const at = row.payload.indexOf('"amount":"') + '"amount":"'.length;
      const changed = otherDigit(row.payload, at);
      assert.equal(db.prepare('UPDATE commands SET payload = ? WHERE seq = ?').run(changed, seq).changes, 1);
      return { before: row.payload, after: changed };
    });
    assert.equal(bytesChanged(before, tampered), 1);
    // Still a well-formed command: only the hash chain can tell.
    assert.doesNotThrow(() => JSON.parse(tampered) as unknown);
    await assertRefused(path, seq, /hash mismatch/);
  });

  test('the state of a snapshot changed, its recorded hash not (one ledger balance digit)', async () => {
    const path = buildJournal(SNAPSHOT_AT);
    const { before, after: tampered } = behindTheBack(path, (db) => {
      const row = db.prepare('SELECT state FROM snapshots WHERE seq = ?').get(SNAPSHOT_AT) as {
        state: string;
      };
      const balance = /\["USDT","wallet:acct-3","(-?\d+)"\]/.exec(row.state);
      assert.ok(balance !== null, 'the snapshot holds the wallet of acct-3');
      const changed = otherDigit(row.state, balance.index + balance[0].length - 3);
      assert.equal(
        db.prepare('UPDATE snapshots SET state = ? WHERE seq = ?').run(changed, SNAPSHOT_AT).changes,
        1,
      );
      return { before: row.state, after: changed };
    });
    assert.equal(bytesChanged(before, tampered), 1);
    await assertRefused(path, SNAPSHOT_AT, /snapshot/);
  });

  test('the state of a snapshot changed, its recorded hash not (one digit of its clock, lastTimestampMs)', async () => {
    // The snapshot text carries the engine clock next to the hashed business state; after a changed clock every
    // later command replays against the wrong time (a clock moved forward rejects them all as timestamp_regression).
    const path = buildJournal(SNAPSHOT_AT);
    const { before, after: tampered } = behindTheBack(path, (db) => {
      const row = db.prepare('SELECT state FROM snapshots WHERE seq = ?').get(SNAPSHOT_AT) as {
        state: string;
      };
      const at = row.state.indexOf('"lastTimestampMs":') + '"lastTimestampMs":'.length;
      const changed = otherDigit(row.state, at);
      assert.equal(
        db.prepare('UPDATE snapshots SET state = ? WHERE seq = ?').run(changed, SNAPSHOT_AT).changes,
        1,
      );
      return { before: row.state, after: changed };
    });
    assert.equal(bytesChanged(before, tampered), 1);
    await assertRefused(path, SNAPSHOT_AT, /snapshot/);
  });

  test('the state of a snapshot changed, its recorded hash not (one byte that breaks its JSON)', async () => {
    const path = buildJournal(SNAPSHOT_AT);
    const { before, after: tampered } = behindTheBack(path, (db) => {
      const row = db.prepare('SELECT state FROM snapshots WHERE seq = ?').get(SNAPSHOT_AT) as {
        state: string;
      };
      assert.ok(row.state.startsWith('{'));
      const changed = `[${row.state.slice(1)}`;
      assert.equal(
        db.prepare('UPDATE snapshots SET state = ? WHERE seq = ?').run(changed, SNAPSHOT_AT).changes,
        1,
      );
      return { before: row.state, after: changed };
    });
    assert.equal(bytesChanged(before, tampered), 1);
    await assertRefused(path, SNAPSHOT_AT, /snapshot/);
  });

  test('the last row deleted (the head recorded in meta catches it)', async () => {
    const path = buildJournal();
    behindTheBack(path, (db) => {
      assert.equal(db.prepare('DELETE FROM commands WHERE seq = ?').run(COMMANDS).changes, 1);
      assert.deepEqual(db.prepare(`SELECT value FROM meta WHERE key = 'head_seq'`).get(), {
        value: String(COMMANDS),
      });
    });
    await assertRefused(path, COMMANDS, /missing entries/);
  });
});
