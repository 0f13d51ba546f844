import { existsSync } from 'node:fs';
import {
  JournalError,
  openSqliteJournal,
  type JournalRecord,
  type SnapshotInfo,
  type SqliteJournal,
} from '../journal/index.js';

/** Commands shown when no limit is given, and the most one run will show (a journal can hold millions). */
export const INSPECT_LIMIT_DEFAULT = 20;
export const INSPECT_LIMIT_MAX = 100_000;
/** Characters of a payload shown in the text listing; `--json` always gives payloads whole. */
const PAYLOAD_DISPLAY_CHARS = 200;
/** Hex digits of each command's hash shown in the text listing. */
const HASH_PREFIX_DIGITS = 12;
/** Commands shown before a broken entry when no start is given, so that the damage is seen in context. */
const CONTEXT_BEFORE_CORRUPTION = 2;

export interface JournalInspectOptions {
  /** First seq listed; default: the first stored one, or just before the first bad one. */
  readonly from?: number;
  /** Commands listed; default 20, at most 100,000. */
  readonly limit?: number;
  /** One JSON document instead of text. */
  readonly json?: boolean;
}

type Inspection =
  | { readonly exitCode: 0; readonly body: Verified }
  | { readonly exitCode: 3; readonly body: Broken }
  | { readonly exitCode: 1 | 2; readonly body: Failed };

interface Listing {
  readonly path: string;
  readonly latestSnapshotSeq: number | null;
  /** Every stored snapshot (seq and state hash), ascending. */
  readonly snapshots: readonly SnapshotInfo[];
  readonly from: number;
  readonly limit: number;
  readonly commands: readonly JournalRecord[];
}
interface Verified extends Listing {
  readonly ok: true;
  readonly summary: { count: number; firstSeq: number | null; lastSeq: number | null; headHash: string };
}
interface Broken extends Listing {
  readonly ok: false;
  readonly corruption: { seq: number; reason: string };
  readonly lastSeq: number;
}
interface Failed {
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * `bulwark journal inspect`: opens the SQLite journal read-only, verifies the whole hash chain and lists commands.
 * Exit 0 when the chain verifies, 3 when it does not (naming the first bad seq), 2 when the file is missing, is not
 * a journal or an option is invalid, 1 on an unexpected error (a bug).
 */
export async function runJournalInspect(
  path: string,
  options: JournalInspectOptions,
): Promise<{ exitCode: number; output: string }> {
  const inspection = await inspect(path, options);
  const output =
    options.json === true ? `${JSON.stringify(inspection.body, null, 2)}\n` : renderText(inspection);
  return { exitCode: inspection.exitCode, output };
}

function failed(exitCode: 1 | 2, code: string, message: string): Inspection {
  return { exitCode, body: { error: { code, message } } };
}

async function inspect(path: string, options: JournalInspectOptions): Promise<Inspection> {
  const { from, limit = INSPECT_LIMIT_DEFAULT } = options;
  if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) {
    return failed(2, 'invalid_option', `--from must be a non-negative integer, got ${String(from)}`);
  }
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > INSPECT_LIMIT_MAX) {
    return failed(
      2,
      'invalid_option',
      `--limit must be an integer from 0 to ${INSPECT_LIMIT_MAX}, got ${String(limit)}`,
    );
  }
  if (!existsSync(path)) return failed(2, 'not_found', `journal not found: ${path}`);
  let journal: SqliteJournal;
  try {
    journal = openSqliteJournal(path, { readonly: true });
  } catch (error) {
    if (error instanceof JournalError) return failed(2, error.code, error.message);
    return failed(1, 'internal_error', String(error));
  }
  try {
    const result = await journal.verify();
    const snapshots = await journal.listSnapshots();
    const latestSnapshotSeq = snapshots.at(-1)?.seq ?? null;
    const start = from ?? (result.ok ? 0 : Math.max(0, result.corruption.seq - CONTEXT_BEFORE_CORRUPTION));
    const listing = {
      path,
      latestSnapshotSeq,
      snapshots,
      from: start,
      limit,
      commands: await journal.read(start, limit),
    };
    if (result.ok) return { exitCode: 0, body: { ok: true, summary: result.summary, ...listing } };
    return {
      exitCode: 3,
      body: { ok: false, corruption: result.corruption, lastSeq: await journal.lastSeq(), ...listing },
    };
  } catch (error) {
    if (error instanceof JournalError) return failed(2, error.code, error.message);
    return failed(1, 'internal_error', error instanceof Error ? error.message : String(error));
  } finally {
    await journal.close();
  }
}

/** Control characters (a damaged payload may hold any) are shown escaped so they cannot garble the terminal. */
function displayPayload(payload: string): string {
  const shown = payload.length > PAYLOAD_DISPLAY_CHARS ? payload.slice(0, PAYLOAD_DISPLAY_CHARS) : payload;
  const escaped = shown.replace(
    /\p{Cc}/gu,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const rest = payload.length - shown.length;
  return rest > 0 ? `${escaped}… (+${rest} characters)` : escaped;
}

function renderText(inspection: Inspection): string {
  const { body } = inspection;
  if ('error' in body) return `bulwark journal inspect: ${body.error.message}\n`;
  const lines = [`journal   ${body.path}`];
  if (body.ok) {
    const { count, firstSeq, lastSeq, headHash } = body.summary;
    lines.push(
      `chain     ok: ${count} commands verified`,
      `seq       ${firstSeq === null ? 'none' : `${firstSeq} … ${lastSeq ?? firstSeq}`}`,
      `head      ${headHash}`,
    );
  } else {
    lines.push(
      `chain     BROKEN at seq ${body.corruption.seq}: ${body.corruption.reason}`,
      `last seq  ${body.lastSeq}`,
    );
  }
  const older = body.snapshots.slice(0, -1).map((snapshot) => snapshot.seq);
  lines.push(
    `snapshot  ${body.latestSnapshotSeq === null ? 'none' : `seq ${body.latestSnapshotSeq}`}${older.length === 0 ? '' : ` (older: seq ${older.join(', ')})`}`,
    '',
  );
  if (body.commands.length === 0) {
    lines.push(`no commands from seq ${body.from}`);
  } else {
    const width = Math.max(3, String(body.commands.at(-1)?.seq ?? 0).length);
    lines.push(`${'seq'.padEnd(width)}  ${'hash'.padEnd(HASH_PREFIX_DIGITS)}  payload`);
    for (const { seq, hash, payload } of body.commands) {
      lines.push(
        `${String(seq).padEnd(width)}  ${hash.slice(0, HASH_PREFIX_DIGITS)}  ${displayPayload(payload)}`,
      );
    }
    const shown = `seq ${body.commands[0]?.seq ?? body.from} … ${body.commands.at(-1)?.seq ?? body.from}`;
    lines.push(
      `(${body.commands.length} commands shown, ${shown}, limit ${body.limit}; see --from and --limit)`,
    );
  }
  if (!body.ok) {
    lines.push(
      '',
      `error: the journal's hash chain is broken at seq ${body.corruption.seq}; it was not modified`,
    );
  }
  return `${lines.join('\n')}\n`;
}
