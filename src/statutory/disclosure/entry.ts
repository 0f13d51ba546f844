import { sha256Hex } from '../../crypto/sha256.js';
import {
  assert,
  err,
  inputError,
  ok,
  parseDecimal,
  type InputError,
  type Result,
} from '../../numbers/index.js';
import { ED25519_SIGNATURE_BYTES, KEY_ID_HEX_DIGITS } from './keys.js';
import { HASH_BYTES } from './merkle.js';

/** What a disclosure entry announces (STATUTORY.md §4). */
export const ENTRY_KINDS = ['rate', 'parameterSet', 'formula', 'profile', 'correction'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Longest identifier, version, reason code, clamp name or source id, in UTF-16 code units. */
export const MAX_TEXT_CHARS = 128;
/** Longest formula source text logged with an entry, in UTF-16 code units. */
export const MAX_FORMULA_SOURCE_CHARS = 16_384;
/** Most named inputs or parameter values in one entry. */
export const MAX_NAMED_VALUES = 64;
/** Most price bars logged inline as an entry's history (longer histories are logged by hash and source). */
export const MAX_HISTORY_BARS = 10_000;
/** Most clamps listed on one entry. */
export const MAX_CLAMPS = 16;
/** `prevHash` of the first entry: there is no previous leaf. */
export const GENESIS_PREV_HASH = '0'.repeat(HASH_BYTES * 2);

/** One logged price bar: close, high, low as decimal strings. */
export type PriceBarText = readonly [close: string, high: string, low: string];
/** History too long to log inline: its SHA-256 and where to fetch it. */
export interface HistoryReference {
  readonly hash: string;
  readonly source: string;
}
export type InputHistory = readonly PriceBarText[] | HistoryReference;
/** Named inputs as decimal strings; only the key `history` holds the price history instead. */
export type DisclosureInputs = Readonly<Record<string, string | InputHistory>>;

export interface DisclosureEntry {
  readonly kind: EntryKind;
  /** Position in the log, from 0. */
  readonly seq: number;
  /** Leaf hash (hex) of the previous entry, or 64 zeros for the first. */
  readonly prevHash: string;
  /** When the change was logged, ms since the Unix epoch. */
  readonly timeMs: number;
  readonly profile: { readonly id: string; readonly version: string } | null;
  /** `hash` is SHA-256 (hex) of the UTF-8 `source` text, so the formula that ran is the one logged. */
  readonly formula: {
    readonly id: string;
    readonly version: string;
    readonly hash: string;
    readonly source: string;
  } | null;
  readonly parameterSet: {
    readonly version: string;
    readonly values: Readonly<Record<string, string>>;
  } | null;
  readonly instrument: string | null;
  readonly assetClass: string | null;
  readonly tier: string | null;
  /** Rates as decimal fractions ("0.5" is 50 %). */
  readonly oldRate: string | null;
  readonly newRate: string | null;
  /** When the change takes effect, ms since the Unix epoch. */
  readonly effectiveMs: number;
  readonly inputs: DisclosureInputs;
  readonly clamps: readonly string[];
  readonly reasonCode: string;
  readonly emergency: boolean;
  /** The seq of the entry this one corrects (corrections only need it; entries are never edited). */
  readonly supersedes: number | null;
  /** Key ids of the proposer and of the second key that approved. */
  readonly proposer: string;
  readonly approver: string;
  /** The approver's Ed25519 signature (hex) over the change, produced by governance. */
  readonly approvalSignature: string;
}

/** What a caller appends: the log assigns `seq` and `prevHash`. */
export type DisclosureEntryInput = Omit<DisclosureEntry, 'seq' | 'prevHash'>;

const ENTRY_KEYS = [
  'kind',
  'seq',
  'prevHash',
  'timeMs',
  'profile',
  'formula',
  'parameterSet',
  'instrument',
  'assetClass',
  'tier',
  'oldRate',
  'newRate',
  'effectiveMs',
  'inputs',
  'clamps',
  'reasonCode',
  'emergency',
  'supersedes',
  'proposer',
  'approver',
  'approvalSignature',
] as const satisfies readonly (keyof DisclosureEntry)[];

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const LOWER_HEX_PATTERN = /^[0-9a-f]*$/;
const HISTORY_KEY = 'history';

type Fields = Readonly<Record<string, unknown>>;

/** Collects every problem of one entry, each naming its field, instead of stopping at the first. */
class Checker {
  readonly errors: InputError[] = [];
  private readonly failedPaths = new Set<string>();

  /** Records a problem; only the first per field, so a missing field is not also reported as mistyped. */
  fail(path: string, code: string, message: string): null {
    if (!this.failedPaths.has(path)) this.errors.push(inputError(code, `${path} ${message}`, path));
    this.failedPaths.add(path);
    return null;
  }

  object(value: unknown, path: string, keys: readonly string[]): Fields | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, 'invalid_type', 'must be an object');
    }
    const fields = value as Fields;
    for (const key of Object.keys(fields)) {
      if (!keys.includes(key)) this.fail(`${path}.${key}`, 'unknown_field', 'is not a field of this object');
    }
    for (const key of keys) if (!(key in fields)) this.fail(`${path}.${key}`, 'missing_field', 'is required');
    return fields;
  }

  text(value: unknown, path: string, maxChars = MAX_TEXT_CHARS): string | null {
    if (typeof value !== 'string') return this.fail(path, 'invalid_type', 'must be a string');
    if (value.length === 0 || value.length > maxChars) {
      return this.fail(path, 'invalid_length', `must have 1 to ${maxChars} characters`);
    }
    return value;
  }

  hex(value: unknown, path: string, digits: number): string | null {
    if (typeof value !== 'string' || value.length !== digits || !LOWER_HEX_PATTERN.test(value)) {
      return this.fail(path, 'invalid_hex', `must be ${digits} lower-case hex digits`);
    }
    return value;
  }

  decimal(value: unknown, path: string): string | null {
    if (typeof value !== 'string' || !parseDecimal(value).ok) {
      return this.fail(path, 'invalid_decimal', 'must be a plain decimal string such as "0.05"');
    }
    return value;
  }

  count(value: unknown, path: string): number | null {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      return this.fail(path, 'invalid_integer', 'must be a non-negative safe integer');
    }
    return value;
  }

  nullable<T>(value: unknown, read: (v: unknown) => T | null): T | null {
    return value === null ? null : read(value);
  }

  /** A record of decimal strings keyed by identifiers; `skip` names a key read separately. */
  decimals(value: unknown, path: string, skip?: string): Record<string, string> | null {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return this.fail(path, 'invalid_type', 'must be an object');
    }
    const out: Record<string, string> = {};
    const names = Object.keys(value).filter((name) => name !== skip);
    if (names.length > MAX_NAMED_VALUES)
      return this.fail(path, 'too_many', `has over ${MAX_NAMED_VALUES} values`);
    for (const name of names) {
      const childPath = `${path}.${name}`;
      if (!NAME_PATTERN.test(name)) {
        this.fail(childPath, 'invalid_name', 'must be an identifier (letters, digits, _; at most 64)');
        continue;
      }
      const decimal = this.decimal((value as Fields)[name], childPath);
      if (decimal !== null) out[name] = decimal;
    }
    return out;
  }

  history(value: unknown, path: string): InputHistory | null {
    if (!Array.isArray(value)) {
      const fields = this.object(value, path, ['hash', 'source']);
      if (fields === null) return null;
      const hash = this.hex(fields.hash, `${path}.hash`, HASH_BYTES * 2);
      const source = this.text(fields.source, `${path}.source`);
      return hash === null || source === null ? null : { hash, source };
    }
    if (value.length > MAX_HISTORY_BARS) {
      return this.fail(path, 'too_many', `has over ${MAX_HISTORY_BARS} bars; log it by hash and source`);
    }
    const bars: PriceBarText[] = [];
    for (let i = 0; i < value.length; i++) {
      const bar: unknown = value[i];
      const barPath = `${path}[${i}]`;
      if (!Array.isArray(bar) || bar.length !== 3) {
        this.fail(barPath, 'invalid_bar', 'must be [close, high, low] decimal strings');
        continue;
      }
      const close = this.decimal(bar[0], `${barPath}[0]`);
      const high = this.decimal(bar[1], `${barPath}[1]`);
      const low = this.decimal(bar[2], `${barPath}[2]`);
      if (close !== null && high !== null && low !== null) bars.push([close, high, low]);
    }
    return bars;
  }
}

/**
 * Checks a whole entry (from a caller or parsed from the log) and returns a fresh plain copy, or every
 * problem with the field it concerns. Besides types and bounds it checks what the log itself can: the
 * fields each kind needs, a second key approving, a future effective time unless flagged as an emergency,
 * and that the logged formula hash is the hash of the logged source.
 */
export function validateEntry(value: unknown): Result<DisclosureEntry, readonly InputError[]> {
  const c = new Checker();
  const f = c.object(value, 'entry', ENTRY_KEYS);
  if (f === null) return err(c.errors);

  const kind = ENTRY_KINDS.includes(f.kind as EntryKind)
    ? (f.kind as EntryKind)
    : c.fail('entry.kind', 'invalid_kind', `must be one of ${ENTRY_KINDS.join(', ')}`);
  const seq = c.count(f.seq, 'entry.seq');
  const prevHash = c.hex(f.prevHash, 'entry.prevHash', HASH_BYTES * 2);
  const timeMs = c.count(f.timeMs, 'entry.timeMs');
  const effectiveMs = c.count(f.effectiveMs, 'entry.effectiveMs');

  const profile = c.nullable(f.profile, (v) => {
    const p = c.object(v, 'entry.profile', ['id', 'version']);
    if (p === null) return null;
    const id = c.text(p.id, 'entry.profile.id');
    const version = c.text(p.version, 'entry.profile.version');
    return id === null || version === null ? null : { id, version };
  });
  const formula = c.nullable(f.formula, (v) => {
    const p = c.object(v, 'entry.formula', ['id', 'version', 'hash', 'source']);
    if (p === null) return null;
    const id = c.text(p.id, 'entry.formula.id');
    const version = c.text(p.version, 'entry.formula.version');
    const hash = c.hex(p.hash, 'entry.formula.hash', HASH_BYTES * 2);
    const source = c.text(p.source, 'entry.formula.source', MAX_FORMULA_SOURCE_CHARS);
    if (id === null || version === null || hash === null || source === null) return null;
    if (sha256Hex(source) !== hash) {
      return c.fail('entry.formula.hash', 'formula_hash_mismatch', 'is not SHA-256 of entry.formula.source');
    }
    return { id, version, hash, source };
  });
  const parameterSet = c.nullable(f.parameterSet, (v) => {
    const p = c.object(v, 'entry.parameterSet', ['version', 'values']);
    if (p === null) return null;
    const version = c.text(p.version, 'entry.parameterSet.version');
    const values = c.decimals(p.values, 'entry.parameterSet.values');
    return version === null || values === null ? null : { version, values };
  });
  const instrument = c.nullable(f.instrument, (v) => c.text(v, 'entry.instrument'));
  const assetClass = c.nullable(f.assetClass, (v) => c.text(v, 'entry.assetClass'));
  const tier = c.nullable(f.tier, (v) => c.text(v, 'entry.tier'));
  const oldRate = c.nullable(f.oldRate, (v) => c.decimal(v, 'entry.oldRate'));
  const newRate = c.nullable(f.newRate, (v) => c.decimal(v, 'entry.newRate'));

  const inputs = readInputs(c, f.inputs);
  const clamps = readClamps(c, f.clamps);
  const reasonCode = c.text(f.reasonCode, 'entry.reasonCode');
  const emergency =
    typeof f.emergency === 'boolean'
      ? f.emergency
      : c.fail('entry.emergency', 'invalid_type', 'must be a boolean');
  const supersedes = c.nullable(f.supersedes, (v) => c.count(v, 'entry.supersedes'));
  const proposer = c.hex(f.proposer, 'entry.proposer', KEY_ID_HEX_DIGITS);
  const approver = c.hex(f.approver, 'entry.approver', KEY_ID_HEX_DIGITS);
  const approvalSignature = c.hex(
    f.approvalSignature,
    'entry.approvalSignature',
    ED25519_SIGNATURE_BYTES * 2,
  );

  if (c.errors.length > 0) return err(c.errors);
  // Every field read cleanly (the checker recorded nothing), so no required read returned null.
  const entry: DisclosureEntry = {
    kind: need(kind),
    seq: need(seq),
    prevHash: need(prevHash),
    timeMs: need(timeMs),
    profile,
    formula,
    parameterSet,
    instrument,
    assetClass,
    tier,
    oldRate,
    newRate,
    effectiveMs: need(effectiveMs),
    inputs: need(inputs),
    clamps: need(clamps),
    reasonCode: need(reasonCode),
    emergency: need(emergency),
    supersedes,
    proposer: need(proposer),
    approver: need(approver),
    approvalSignature: need(approvalSignature),
  };
  checkRules(c, entry);
  return c.errors.length > 0 ? err(c.errors) : ok(entry);
}

function need<T>(value: T | null): T {
  assert(value !== null, 'a required field read cleanly');
  return value;
}

function readInputs(c: Checker, value: unknown): DisclosureInputs | null {
  const values = c.decimals(value, 'entry.inputs', HISTORY_KEY);
  if (values === null) return null;
  const raw = (value as Fields)[HISTORY_KEY];
  if (raw === undefined) return values;
  const history = c.history(raw, `entry.inputs.${HISTORY_KEY}`);
  return history === null ? null : { ...values, [HISTORY_KEY]: history };
}

function readClamps(c: Checker, value: unknown): string[] | null {
  if (!Array.isArray(value)) return c.fail('entry.clamps', 'invalid_type', 'must be an array of strings');
  if (value.length > MAX_CLAMPS) return c.fail('entry.clamps', 'too_many', `has over ${MAX_CLAMPS} clamps`);
  const clamps = value.map((v: unknown, i) => c.text(v, `entry.clamps[${i}]`));
  return clamps.every((v) => v !== null) ? clamps : null;
}

/** Rules across fields (STATUTORY.md §3.9 and §4). */
function checkRules(c: Checker, e: DisclosureEntry): void {
  const needs: Partial<Record<EntryKind, keyof DisclosureEntry>> = {
    profile: 'profile',
    formula: 'formula',
    parameterSet: 'parameterSet',
    rate: 'newRate',
    correction: 'supersedes',
  };
  const needed = needs[e.kind];
  if (needed !== undefined && e[needed] === null) {
    c.fail(`entry.${needed}`, 'missing_field', `is required for a ${e.kind} entry`);
  }
  if (e.kind === 'rate') {
    if (e.instrument === null) c.fail('entry.instrument', 'missing_field', 'is required for a rate entry');
    if (e.assetClass === null) c.fail('entry.assetClass', 'missing_field', 'is required for a rate entry');
  }
  if (e.supersedes !== null && e.supersedes >= e.seq) {
    c.fail('entry.supersedes', 'invalid_supersedes', `must name an earlier entry than seq ${e.seq}`);
  }
  if (e.proposer === e.approver) {
    c.fail('entry.approver', 'same_approver', 'must be a key other than the proposer');
  }
  // A new formula, parameter set or profile is announced before it applies (governance check 9); a rate is
  // what an announced model computed, in force from when it is published, never retroactively.
  const announced = e.kind === 'parameterSet' || e.kind === 'formula' || e.kind === 'profile';
  if (announced && !e.emergency && e.effectiveMs <= e.timeMs) {
    c.fail('entry.effectiveMs', 'not_future', 'must be after entry.timeMs unless the change is an emergency');
  }
  if (e.kind === 'rate' && e.effectiveMs < e.timeMs) {
    c.fail(
      'entry.effectiveMs',
      'retroactive',
      'a rate cannot take effect before it is published (entry.timeMs)',
    );
  }
}
