import { assert } from '../../numbers/index.js';
import { canonicalJson } from './canonicalJson.js';
import type { DisclosureEntry } from './entry.js';
import { KEY_ID_HEX_DIGITS, ED25519_SIGNATURE_BYTES } from './keys.js';
import { HASH_BYTES } from './merkle.js';
import type { SignedTreeHead } from './treeHead.js';

/** Longest line of the log in bytes (an entry with a full inline price history stays well below). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Most entries one log may hold (a venue logs a few thousand changes a year). */
export const MAX_LOG_ENTRIES = 1_000_000;
/** Largest log file read, in bytes. */
export const MAX_LOG_BYTES = 512 * 1024 * 1024;

/** Where a problem with the log is: 1-based line and the seq of the entry that line holds (or should). */
export interface LogError {
  readonly code: string;
  readonly message: string;
  /** 1-based line of the file; null for a problem with the file as a whole. */
  readonly line: number | null;
  /** The entry on that line (line − 1, as entries are numbered from 0 in file order); null with line null. */
  readonly seq: number | null;
}

/** A problem on a given line, which holds entry `line − 1`. */
export function lineError(line: number, code: string, message: string): LogError {
  return { code, message: `line ${line} (entry ${line - 1}): ${message}`, line, seq: line - 1 };
}

/** A problem with the file as a whole rather than one line. */
export function fileError(code: string, message: string): LogError {
  return { code, message, line: null, seq: null };
}

/** One line of the log, without its newline: `{"entry":…,"treeHead":…}` in canonical JSON. */
export function formatLogLine(entry: DisclosureEntry, treeHead: SignedTreeHead): string {
  const text = canonicalJson({ entry, treeHead });
  assert(text.ok, `a validated entry is canonical JSON: ${text.ok ? '' : text.error.message}`);
  return text.value;
}

const HEAD_KEYS = ['keyId', 'rootHash', 'signature', 'timestampMs', 'treeSize'] as const;
const HEX = /^[0-9a-f]*$/;

function isHex(value: unknown, digits: number): value is string {
  return typeof value === 'string' && value.length === digits && HEX.test(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The signed tree head of a parsed line, or what is wrong with its shape. */
export function readTreeHead(
  value: unknown,
): { ok: true; head: SignedTreeHead } | { ok: false; message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'treeHead must be an object' };
  }
  const fields = value as Readonly<Record<string, unknown>>;
  const keys = Object.keys(fields).sort();
  if (keys.join(',') !== HEAD_KEYS.join(',')) {
    return { ok: false, message: `treeHead must have exactly the fields ${HEAD_KEYS.join(', ')}` };
  }
  const { keyId, rootHash, signature, timestampMs, treeSize } = fields;
  if (!isCount(treeSize)) return { ok: false, message: 'treeHead.treeSize must be a non-negative integer' };
  if (!isCount(timestampMs))
    return { ok: false, message: 'treeHead.timestampMs must be a non-negative integer' };
  if (!isHex(rootHash, HASH_BYTES * 2))
    return { ok: false, message: 'treeHead.rootHash must be 64 hex digits' };
  if (!isHex(keyId, KEY_ID_HEX_DIGITS)) return { ok: false, message: 'treeHead.keyId must be 16 hex digits' };
  if (!isHex(signature, ED25519_SIGNATURE_BYTES * 2)) {
    return { ok: false, message: 'treeHead.signature must be 128 hex digits' };
  }
  return { ok: true, head: { treeSize, rootHash, timestampMs, keyId, signature } };
}
