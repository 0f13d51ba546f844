import { readFileSync, statSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { assert, err, ok, parseDecimal, type Result } from '../../numbers/index.js';
import { canonicalJson } from './canonicalJson.js';
import { GENESIS_PREV_HASH, validateEntry, type DisclosureEntry } from './entry.js';
import { fromHex, toHex } from './hex.js';
import {
  fileError,
  lineError,
  MAX_LINE_BYTES,
  MAX_LOG_BYTES,
  MAX_LOG_ENTRIES,
  readTreeHead,
  type LogError,
} from './logLine.js';
import { HASH_BYTES, leafHash, MerkleTree, verifyConsistency } from './merkle.js';
import { verifyTreeHeadSignature, type SignedTreeHead } from './treeHead.js';

/** Recomputes an entry's rate from its logged inputs (the lead passes the formula evaluator). */
export type Recompute = (
  entry: DisclosureEntry,
) => { readonly ok: true; readonly rate: string | null } | { readonly ok: false; readonly message: string };

export interface VerifyOptions {
  /** Trusted Ed25519 keys by key id; null skips signature checks (the report then says so and is not ok). */
  readonly publicKeys: ReadonlyMap<string, KeyObject> | null;
  /** Called for every rate entry and every correction that states a new rate. */
  readonly recompute?: Recompute;
}

export interface VerifyReport {
  /** Every check passed, signatures included. */
  readonly ok: boolean;
  /** The entries read, in order (up to the first line that could not be read). */
  readonly entries: readonly DisclosureEntry[];
  /** The last line's signed tree head as stored (whether or not it verified); null for an empty log. */
  readonly treeHead: SignedTreeHead | null;
  /** MTH recomputed over `entries`, hex. */
  readonly rootHash: string;
  /** Key ids that signed tree heads, in order of first use. */
  readonly keyIds: readonly string[];
  readonly signaturesChecked: boolean;
  /** Rate entries whose new rate was recomputed from their inputs and matched or not (0 without `recompute`). */
  readonly ratesRecomputed: number;
  /** Every problem, in file order; each names its line and entry. */
  readonly errors: readonly LogError[];
}

/** What replaying a log gives: the report plus the state a writer continues from. */
export interface Replay {
  readonly report: VerifyReport;
  readonly tree: MerkleTree;
  readonly heads: readonly SignedTreeHead[];
}

const NEWLINE = 0x0a;
/** Rejects malformed UTF-8 instead of substituting U+FFFD (which would hide a changed byte). */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Re-checks a disclosure log file (path) or its bytes: each line's JSON and canonical form, seq order, the
 * prevHash chain, each signed tree head's root over the entries so far and its signature, consistency between
 * consecutive heads, and (with `recompute`) each rate against its logged inputs.
 */
export function verifyLogFile(source: string | Uint8Array, options: VerifyOptions): VerifyReport {
  if (typeof source !== 'string') return replayLog(source, options).report;
  const bytes = readLogBytes(source);
  return bytes.ok ? replayLog(bytes.value, options).report : emptyReport(bytes.error);
}

/** The bytes of a log file, refusing one over MAX_LOG_BYTES before reading it. */
export function readLogBytes(path: string): Result<Uint8Array, LogError> {
  try {
    if (statSync(path).size > MAX_LOG_BYTES)
      return err(fileError('too_large', `log is over ${MAX_LOG_BYTES} bytes`));
    return ok(new Uint8Array(readFileSync(path)));
  } catch (e) {
    return err(fileError('cannot_read', `cannot read ${path}: ${(e as Error).message}`));
  }
}

function emptyReport(error: LogError): VerifyReport {
  return {
    ok: false,
    entries: [],
    treeHead: null,
    rootHash: toHex(new MerkleTree().root()),
    keyIds: [],
    signaturesChecked: false,
    ratesRecomputed: 0,
    errors: [error],
  };
}

/** Splits at newlines; a file that does not end in one has a torn or altered last line, which is reported. */
function splitLines(bytes: Uint8Array): { lines: Uint8Array[]; endsWithNewline: boolean } {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === NEWLINE) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return { lines, endsWithNewline: start === bytes.length };
}

/** Replays a log's bytes, checking everything; the writer uses it to reopen a log, the auditor to verify it. */
export function replayLog(bytes: Uint8Array, options: VerifyOptions): Replay {
  const errors: LogError[] = [];
  const entries: DisclosureEntry[] = [];
  const heads: SignedTreeHead[] = [];
  const keyIds: string[] = [];
  const tree = new MerkleTree();
  let ratesRecomputed = 0;
  let lastHead: SignedTreeHead | null = null;
  let lastGoodHead: SignedTreeHead | null = null;

  if (bytes.length > MAX_LOG_BYTES) {
    return {
      report: emptyReport(fileError('too_large', `log is over ${MAX_LOG_BYTES} bytes`)),
      tree,
      heads,
    };
  }
  const { lines, endsWithNewline } = splitLines(bytes);

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const fail = (code: string, message: string): void => {
      errors.push(lineError(lineNo, code, message));
    };
    if (i === lines.length - 1 && !endsWithNewline) {
      fail('torn_line', 'the file does not end with a newline (a torn append, or an altered last byte)');
    }
    if (i >= MAX_LOG_ENTRIES) {
      fail('too_many_entries', `a log holds at most ${MAX_LOG_ENTRIES} entries; later lines are not checked`);
      break;
    }
    const read = readLine(lines[i] ?? new Uint8Array());
    if (!read.ok) {
      fail(read.code, `${read.message}; lines after this one are not checked`);
      break;
    }
    const { entry, entryBytes, rawHead } = read;
    if (entry.seq !== i) {
      fail(
        'seq_out_of_order',
        `entry.seq is ${entry.seq}, expected ${i}; lines after this one are not checked`,
      );
      break;
    }
    const previous = entries[i - 1];
    const expectedPrev = i === 0 ? GENESIS_PREV_HASH : toHex(tree.leaf(i - 1));
    if (entry.prevHash !== expectedPrev) {
      fail(
        'broken_chain',
        `entry.prevHash ${entry.prevHash} is not the leaf hash of the previous entry (${expectedPrev})`,
      );
    }
    if (previous !== undefined && entry.timeMs < previous.timeMs) {
      fail(
        'time_backwards',
        `entry.timeMs ${entry.timeMs} is before the previous entry's ${previous.timeMs}`,
      );
    }
    tree.append(leafHash(entryBytes));
    entries.push(entry);

    const readHead = readTreeHead(rawHead);
    lastHead = readHead.ok ? readHead.head : null;
    if (!readHead.ok) fail('invalid_tree_head', readHead.message);
    else {
      heads.push(readHead.head);
      // The next head is proven consistent with the last head that verified, skipping a bad one.
      if (checkHead(readHead.head, lineNo, entry, tree, lastGoodHead, options, keyIds, fail)) {
        lastGoodHead = readHead.head;
      }
    }
    if (options.recompute !== undefined && statesRate(entry)) {
      ratesRecomputed++;
      const result = options.recompute(entry);
      if (!result.ok)
        fail('recompute_failed', `rate could not be recomputed from its inputs: ${result.message}`);
      else if (!sameRate(result.rate, entry.newRate)) {
        fail(
          'rate_mismatch',
          `entry.newRate is ${String(entry.newRate)} but its logged inputs give ${String(result.rate)}`,
        );
      }
    }
  }
  const signaturesChecked = options.publicKeys !== null;
  return {
    report: {
      ok: errors.length === 0 && signaturesChecked,
      entries,
      treeHead: lastHead,
      rootHash: toHex(tree.root()),
      keyIds,
      signaturesChecked,
      ratesRecomputed,
      errors,
    },
    tree,
    heads,
  };
}

/** A line read as far as its own content allows: the entry validated, its exact bytes, the raw head. */
type ReadLine =
  | {
      readonly ok: true;
      readonly entry: DisclosureEntry;
      readonly entryBytes: Uint8Array;
      readonly rawHead: unknown;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Decodes, parses and validates one line; a line that fails here leaves the rest of the log unreadable. */
function readLine(bytes: Uint8Array): ReadLine {
  if (bytes.length > MAX_LINE_BYTES)
    return { ok: false, code: 'line_too_long', message: `line is over ${MAX_LINE_BYTES} bytes` };
  let text: string;
  let parsed: unknown;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return { ok: false, code: 'invalid_utf8', message: 'line is not valid UTF-8' };
  }
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { ok: false, code: 'invalid_json', message: `line is not JSON (${(e as Error).message})` };
  }
  // Re-serialising must give the same bytes: white space, key order, escapes, 1.0 for 1 or a repeated key
  // would otherwise be changes to the file that no hash sees.
  const canonical = canonicalJson(parsed);
  if (!canonical.ok || canonical.value !== text) {
    const message = canonical.ok ? 'line is not in canonical JSON form' : canonical.error.message;
    return { ok: false, code: 'not_canonical', message };
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.keys(parsed).join(',') !== 'entry,treeHead'
  ) {
    return {
      ok: false,
      code: 'invalid_line',
      message: 'line must be an object with exactly the fields entry and treeHead',
    };
  }
  const record = parsed as Readonly<Record<string, unknown>>;
  const validated = validateEntry(record.entry);
  if (!validated.ok) {
    return { ok: false, code: 'invalid_entry', message: validated.error.map((e) => e.message).join('; ') };
  }
  // The leaf hashes the entry's bytes exactly as they stand in the file (part of a canonical line).
  const entryText = canonicalJson(record.entry);
  assert(entryText.ok, 'part of a canonical line is canonical');
  return {
    ok: true,
    entry: validated.value,
    entryBytes: new TextEncoder().encode(entryText.value),
    rawHead: record.treeHead,
  };
}

/** Entries whose new rate comes from a formula and its inputs: rates, and corrections that state a rate. */
function statesRate(entry: DisclosureEntry): boolean {
  return entry.kind === 'rate' || (entry.kind === 'correction' && entry.newRate !== null);
}

/** Checks one signed tree head against the tree so far; true when it is good enough to chain the next. */
function checkHead(
  head: SignedTreeHead,
  lineNo: number,
  entry: DisclosureEntry,
  tree: MerkleTree,
  previous: SignedTreeHead | null,
  options: VerifyOptions,
  keyIds: string[],
  fail: (code: string, message: string) => void,
): boolean {
  let failures = 0;
  const failHere = (code: string, message: string): void => {
    failures++;
    fail(code, message);
  };
  if (!keyIds.includes(head.keyId)) keyIds.push(head.keyId);
  if (head.treeSize !== lineNo) {
    failHere(
      'tree_size_mismatch',
      `treeHead.treeSize is ${head.treeSize}, but this line ends a tree of ${lineNo}`,
    );
    return false;
  }
  const root = toHex(tree.root(head.treeSize));
  if (head.rootHash !== root) {
    failHere(
      'root_mismatch',
      `treeHead.rootHash ${head.rootHash} is not the root of the entries so far (${root})`,
    );
  }
  if (head.timestampMs < entry.timeMs) {
    failHere(
      'head_before_entry',
      `treeHead.timestampMs ${head.timestampMs} is before entry.timeMs ${entry.timeMs}`,
    );
  }
  if (previous !== null && head.timestampMs < previous.timestampMs) {
    failHere('time_backwards', `treeHead.timestampMs ${head.timestampMs} is before the previous head's`);
  }
  if (options.publicKeys !== null) {
    const key = options.publicKeys.get(head.keyId);
    if (key === undefined) failHere('unknown_key', `treeHead.keyId ${head.keyId} is not a trusted key`);
    else if (!verifyTreeHeadSignature(head, key)) {
      failHere('bad_signature', `treeHead.signature does not verify under key ${head.keyId}`);
    }
  }
  if (previous !== null) {
    // Proven from the recomputed tree against the two signed roots: a head that rewrote history fails here.
    const oldRoot = fromHex(previous.rootHash, HASH_BYTES);
    const newRoot = fromHex(head.rootHash, HASH_BYTES);
    const proof = tree.consistencyProof(previous.treeSize, head.treeSize);
    if (
      !oldRoot.ok ||
      !newRoot.ok ||
      !verifyConsistency(previous.treeSize, head.treeSize, oldRoot.value, newRoot.value, proof)
    ) {
      failHere('inconsistent_heads', `treeHead is not consistent with the head of line ${previous.treeSize}`);
    }
  }
  return failures === 0;
}

/** Rates are equal as numbers ("0.50" equals "0.5"); null equals only null. */
function sameRate(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  return x.ok && y.ok && x.value.units === y.value.units && x.value.scale === y.value.scale;
}
