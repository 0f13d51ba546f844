/** The journal: the durable, hash-chained command log and its backends. */
export * from './journal.js';
export { chainHash, isChainHash, verifyChain, type JournalHead, type VerifyResult } from './hashChain.js';
export {
  JOURNAL_BATCH_ENTRIES_MAX,
  JOURNAL_PAYLOAD_CHARS_MAX,
  JournalError,
  type JournalErrorCode,
} from './journalRules.js';
export { createMemoryJournalStore, openMemoryJournal, type MemoryJournalStore } from './memoryJournal.js';
export {
  openSqliteJournal,
  SQLITE_JOURNAL_FORMAT_VERSION,
  type SqliteJournal,
  type SqliteJournalOptions,
  type SqliteStorageSettings,
} from './sqliteJournal.js';
export {
  DurableEngine,
  StartupError,
  commandPayload,
  snapshotOf,
  type SkippedSnapshot,
} from './durableEngine.js';
