/**
 * The slice of better-sqlite3 the journal uses, typed here. better-sqlite3 ships no type declarations and the
 * project carries no @types package for it, so it is loaded through `createRequire` and given exactly the
 * surface the journal relies on; anything else stays out of reach of the rest of the code.
 */
import { createRequire } from 'node:module';

/** A value SQLite binds or returns (the journal binds only numbers and strings). */
export type SqliteValue = number | string | null;

export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number };
  /** The first row, or undefined; rows come back as plain objects whose shape the caller must check. */
  get(...params: SqliteValue[]): unknown;
  /** Rows one at a time, so that a whole journal is never held in memory. */
  iterate(...params: SqliteValue[]): IterableIterator<unknown>;
  all(...params: SqliteValue[]): unknown[];
}

/** A function wrapped in BEGIN … COMMIT (rolled back when it throws); `immediate` takes the write lock first. */
export interface SqliteTransaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  /** With `simple: true`, the first column of the first row. */
  pragma(source: string, options: { simple: true }): unknown;
  transaction<A extends unknown[], R>(work: (...args: A) => R): SqliteTransaction<A, R>;
  close(): void;
}

export interface SqliteOpenOptions {
  readonly readonly?: boolean;
  readonly fileMustExist?: boolean;
}

type DatabaseConstructor = new (filename: string, options: SqliteOpenOptions) => SqliteDatabase;

const loadCommonJs = createRequire(import.meta.url);
const Database = loadCommonJs('better-sqlite3') as DatabaseConstructor;

/** Opens (or, unless `fileMustExist`, creates) the SQLite database file at `path`. */
export function openSqliteDatabase(path: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  return new Database(path, options);
}

/** The SQLite result code (`SQLITE_NOTADB`, …) carried by a better-sqlite3 error, if any. */
export function sqliteErrorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}
