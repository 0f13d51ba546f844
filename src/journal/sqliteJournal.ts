/**
 * The embedded journal on SQLite (better-sqlite3): WAL mode, each append one transaction (group commit), and with
 * `synchronous = FULL` a commit returns only after the write-ahead log is on disk, so a resolved append survives
 * a crash or a power cut. The head of the chain lives in memory and is also recorded in the `meta` table with each
 * append, which lets `verify` notice entries removed from the end. Nothing here ever rewrites a stored entry:
 * a damaged journal stays damaged until a human looks at it.
 */
import { statSync } from 'node:fs';
import { assert } from '../numbers/assert.js';
import {
  chainEntries,
  isChainHash,
  sameHead,
  verifyChain,
  type JournalHead,
  type VerifyResult,
} from './hashChain.js';
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
import {
  openSqliteDatabase,
  sqliteErrorCode,
  type SqliteDatabase,
  type SqliteStatement,
  type SqliteValue,
  type SqliteTransaction,
} from './sqliteDriver.js';

/** The on-disk layout this code reads and writes; a file with another version is refused, never migrated silently. */
export const SQLITE_JOURNAL_FORMAT_VERSION = 1;

export interface SqliteJournalOptions {
  /** Open an existing journal for reading only (appends and snapshots are refused). */
  readonly readonly?: boolean;
  /**
   * `full` (default): an append is durable when it resolves, even across a power cut. `normal`: durable across a
   * process crash but the last commits may be lost on a power cut — faster, for simulations only.
   */
  readonly synchronous?: 'full' | 'normal';
}

/** SQLite's own view of the durability settings in force on the journal's connection. */
export interface SqliteStorageSettings {
  readonly journalMode: string;
  /** 0 off, 1 normal, 2 full, 3 extra. */
  readonly synchronous: number;
}

export interface SqliteJournal extends Journal {
  readonly path: string;
  readonly readonly: boolean;
  /** The journal mode and synchronous level the connection actually uses. */
  storageSettings(): SqliteStorageSettings;
}

/**
 * Commands inserted by one statement: a batch of 1,000 is 15 calls into SQLite and 40 single-row ones, not 1,000
 * (each call costs about as much as a row's own insert).
 */
const ROWS_PER_INSERT = 64;

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  CREATE TABLE commands (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL, hash TEXT NOT NULL) STRICT;
  CREATE TABLE snapshots (seq INTEGER PRIMARY KEY, state_hash TEXT NOT NULL, state TEXT NOT NULL) STRICT;
`;

/** Opens the journal at `path`, creating it unless `readonly`; throws a JournalError naming the file otherwise. */
export function openSqliteJournal(path: string, options: SqliteJournalOptions = {}): SqliteJournal {
  const readonly = options.readonly ?? false;
  let db: SqliteDatabase;
  try {
    // SQLite reports a directory as a disk I/O error; say what it is.
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true)
      throw new JournalError('cannot_open', null, `cannot open journal ${path}: it is a directory`);
    db = openSqliteDatabase(path, { readonly, fileMustExist: readonly });
  } catch (error) {
    if (error instanceof JournalError) throw error;
    throw new JournalError('cannot_open', null, `cannot open journal ${path}: ${messageOf(error)}`);
  }
  try {
    prepareSchema(db, path, readonly, options.synchronous ?? 'full');
    return new SqliteJournalImpl(db, path, readonly);
  } catch (error) {
    db.close();
    if (error instanceof JournalError) throw error;
    if (sqliteErrorCode(error) === 'SQLITE_NOTADB') {
      throw new JournalError(
        'not_a_journal',
        null,
        `${path} is not a Bulwark journal: not an SQLite database`,
      );
    }
    throw new JournalError('cannot_open', null, `cannot open journal ${path}: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Creates the tables in an empty file; otherwise checks that the file is a journal of our format, changing nothing. */
function prepareSchema(
  db: SqliteDatabase,
  path: string,
  readonly: boolean,
  synchronous: 'full' | 'normal',
): void {
  const tableCount = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get();
  const empty = (tableCount as { n: number }).n === 0;
  if (empty && readonly)
    throw new JournalError('not_a_journal', null, `${path} is not a Bulwark journal: it is empty`);
  if (!empty) checkFormat(db, path);
  if (readonly) return;
  // Only after the format check: switching the journal mode writes to the file, which must not happen to a
  // database that is not ours.
  const journalMode = db.pragma('journal_mode = WAL', { simple: true });
  assert(journalMode === 'wal', `SQLite refused WAL mode for ${path} (got ${String(journalMode)})`);
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`, { simple: true });
  if (empty) {
    db.transaction(() => {
      db.exec(SCHEMA);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('format_version', ?)`).run(
        String(SQLITE_JOURNAL_FORMAT_VERSION),
      );
    }).immediate();
  }
}

function checkFormat(db: SqliteDatabase, path: string): void {
  const tables = new Set(
    db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`)
      .all()
      .map((row) => (row as { name: string }).name),
  );
  for (const table of ['meta', 'commands', 'snapshots']) {
    if (!tables.has(table)) {
      throw new JournalError(
        'not_a_journal',
        null,
        `${path} is not a Bulwark journal: it has no ${table} table`,
      );
    }
  }
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'format_version'`).get() as
    { value: string } | undefined;
  if (row?.value !== String(SQLITE_JOURNAL_FORMAT_VERSION)) {
    throw new JournalError(
      'not_a_journal',
      null,
      `${path} has journal format version ${row?.value ?? '(none)'}; this Bulwark reads version ${SQLITE_JOURNAL_FORMAT_VERSION}`,
    );
  }
}

class SqliteJournalImpl implements SqliteJournal {
  readonly path: string;
  readonly readonly: boolean;
  readonly #db: SqliteDatabase;
  readonly #tail: SqliteStatement;
  readonly #metaValue: SqliteStatement;
  readonly #range: SqliteStatement;
  readonly #all: SqliteStatement;
  readonly #snapshotAt: SqliteStatement;
  readonly #latestSnapshot: SqliteStatement;
  readonly #appendBatch: SqliteTransaction<[readonly JournalEntry[], JournalEntry], JournalHead>;
  readonly #insertSnapshot: SqliteStatement;
  readonly #snapshotInfos: SqliteStatement;
  readonly #pruneSnapshots: SqliteStatement;
  readonly #verifyAll: SqliteTransaction<[], VerifyResult>;
  /** Where the next append continues the chain; kept in step with the recorded head by every append. */
  #head: JournalHead | null;
  #closed = false;

  constructor(db: SqliteDatabase, path: string, readonly: boolean) {
    this.#db = db;
    this.path = path;
    this.readonly = readonly;
    this.#tail = db.prepare(`SELECT seq, hash FROM commands ORDER BY seq DESC LIMIT 1`);
    this.#metaValue = db.prepare(`SELECT value FROM meta WHERE key = ?`);
    this.#range = db.prepare(`SELECT seq, payload, hash FROM commands WHERE seq >= ? ORDER BY seq LIMIT ?`);
    this.#all = db.prepare(`SELECT seq, payload, hash FROM commands ORDER BY seq`);
    this.#snapshotAt = db.prepare(`SELECT seq, state_hash, state FROM snapshots WHERE seq = ?`);
    this.#latestSnapshot = db.prepare(
      `SELECT seq, state_hash, state FROM snapshots ORDER BY seq DESC LIMIT 1`,
    );
    this.#insertSnapshot = db.prepare(
      `INSERT INTO snapshots (seq, state_hash, state) VALUES (?, ?, ?) ON CONFLICT (seq) DO NOTHING`,
    );
    this.#snapshotInfos = db.prepare(`SELECT seq, state_hash FROM snapshots ORDER BY seq`);
    // One statement, so one implicit transaction: the kept ones are the highest seqs at the moment it runs.
    this.#pruneSnapshots = db.prepare(
      `DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?)`,
    );
    const insertCommand = db.prepare(`INSERT INTO commands (seq, payload, hash) VALUES (?, ?, ?)`);
    const insertCommands = db.prepare(
      `INSERT INTO commands (seq, payload, hash) VALUES ${Array<string>(ROWS_PER_INSERT).fill('(?, ?, ?)').join(', ')}`,
    );
    const rowParams: SqliteValue[] = [];
    const recordHead = db.prepare(
      `INSERT INTO meta (key, value) VALUES ('head_seq', ?), ('head_hash', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.#appendBatch = db.transaction(
      (entries: readonly JournalEntry[], first: JournalEntry): JournalHead => {
        // Checked under the write lock, before the sequence rules: if another connection appended or rows were
        // removed, continuing from our head would fork or hide the chain, and that is the error to report.
        const stored = this.#readTail();
        if (!sameHead(stored, this.#head)) throw headMismatchError(stored, this.#head, first.seq);
        checkEntries(entries, this.#head);
        const records = chainEntries(entries, this.#head?.hash ?? GENESIS_HASH);
        // Whole groups of rows per statement (one call into SQLite each), the rest one by one.
        let next = 0;
        for (; next + ROWS_PER_INSERT <= records.length; next += ROWS_PER_INSERT) {
          rowParams.length = 0;
          for (let i = next; i < next + ROWS_PER_INSERT; i++) {
            const record = records[i];
            assert(record !== undefined, 'a record in range');
            rowParams.push(record.seq, record.payload, record.hash);
          }
          insertCommands.run(...rowParams);
        }
        for (const record of records.slice(next)) insertCommand.run(record.seq, record.payload, record.hash);
        const last = records.at(-1);
        assert(last !== undefined, 'an append transaction has records');
        recordHead.run(String(last.seq), last.hash);
        return { seq: last.seq, hash: last.hash };
      },
    );
    this.#verifyAll = db.transaction(() => verifyChain(this.#all.iterate(), this.#readRecordedHead()));
    // The recorded head, not the last row: if rows were removed from the end, appends must refuse to continue.
    this.#head = this.#readRecordedHead();
  }

  append(entries: readonly JournalEntry[]): Promise<void> {
    return settle(() => {
      this.#checkWritable('append');
      const first = entries[0];
      if (first === undefined) return;
      // One transaction for the batch: one fsync for all of it (group commit), and all or nothing. The head moves
      // only once the commit has returned, that is once the batch is durable.
      this.#head = this.#appendBatch.immediate(entries, first);
    });
  }

  lastSeq(): Promise<number> {
    return settle(() => {
      this.#checkOpen();
      return this.#readTail()?.seq ?? 0;
    });
  }

  read(fromSeq: number, limit?: number): Promise<JournalRecord[]> {
    return settle(() => {
      this.#checkOpen();
      checkReadRange(fromSeq, limit);
      // LIMIT -1 is SQLite's "no limit".
      return this.#range.all(fromSeq, limit ?? -1).map(recordFromRow);
    });
  }

  verify(): Promise<VerifyResult> {
    return settle(() => {
      this.#checkOpen();
      // One read transaction, so that a writer appending meanwhile cannot make rows and recorded head disagree.
      return this.#verifyAll();
    });
  }

  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return settle(() => {
      this.#checkWritable('saveSnapshot');
      checkSnapshot(snapshot, this.#readTail()?.seq ?? 0);
      const { changes } = this.#insertSnapshot.run(snapshot.seq, snapshot.stateHash, snapshot.state);
      if (changes === 1) return;
      const stored = snapshotFromRow(this.#snapshotAt.get(snapshot.seq));
      assert(stored !== null, `snapshot ${snapshot.seq} was neither inserted nor found`);
      const conflict = snapshotConflict(stored, snapshot);
      if (conflict !== null) throw conflict;
    });
  }

  latestSnapshot(): Promise<Snapshot | null> {
    return settle(() => {
      this.#checkOpen();
      return snapshotFromRow(this.#latestSnapshot.get());
    });
  }

  listSnapshots(): Promise<SnapshotInfo[]> {
    return settle(() => {
      this.#checkOpen();
      return this.#snapshotInfos.all().map(snapshotInfoFromRow);
    });
  }

  pruneSnapshots(keep: number): Promise<number> {
    return settle(() => {
      this.#checkWritable('pruneSnapshots');
      checkKeepSnapshots(keep);
      return this.#pruneSnapshots.run(keep).changes;
    });
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.#closed) return;
      this.#closed = true;
      this.#db.close();
    });
  }

  storageSettings(): SqliteStorageSettings {
    this.#checkOpen();
    return {
      journalMode: String(this.#db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.#db.pragma('synchronous', { simple: true })),
    };
  }

  #checkOpen(): void {
    if (this.#closed) throw new JournalError('closed', null, `the journal ${this.path} is closed`);
  }

  #checkWritable(operation: string): void {
    this.#checkOpen();
    if (this.readonly) {
      throw new JournalError(
        'read_only',
        null,
        `${operation} refused: the journal ${this.path} is open read-only`,
      );
    }
  }

  #readTail(): JournalHead | null {
    const row = this.#tail.get() as { seq: number; hash: string } | undefined;
    return row === undefined ? null : { seq: row.seq, hash: row.hash };
  }

  /** The head written with the last append, or null before the first; a malformed one means a damaged file. */
  #readRecordedHead(): JournalHead | null {
    const seqText = (this.#metaValue.get('head_seq') as { value: string } | undefined)?.value;
    const hash = (this.#metaValue.get('head_hash') as { value: string } | undefined)?.value;
    if (seqText === undefined && hash === undefined) return null;
    const seq = Number(seqText);
    if (
      hash === undefined ||
      !isChainHash(hash) ||
      !Number.isSafeInteger(seq) ||
      seq < 1 ||
      String(seq) !== seqText
    ) {
      throw new JournalError('not_a_journal', null, `${this.path}: the recorded journal head is damaged`);
    }
    return { seq, hash };
  }
}

/** STRICT tables guarantee the column types, so a row needs no further checks. */
function recordFromRow(row: unknown): JournalRecord {
  const { seq, payload, hash } = row as { seq: number; payload: string; hash: string };
  return { seq, payload, hash };
}

function snapshotFromRow(row: unknown): Snapshot | null {
  if (row === undefined) return null;
  const { seq, state_hash: stateHash, state } = row as { seq: number; state_hash: string; state: string };
  return { seq, stateHash, state };
}

function snapshotInfoFromRow(row: unknown): SnapshotInfo {
  const { seq, state_hash: stateHash } = row as { seq: number; state_hash: string };
  return { seq, stateHash };
}
