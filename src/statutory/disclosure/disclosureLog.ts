import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync, writeFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { assert, err, inputError, ok, type InputError, type Result } from '../../numbers/index.js';
import { canonicalBytes } from './canonicalJson.js';
import {
  GENESIS_PREV_HASH,
  validateEntry,
  type DisclosureEntry,
  type DisclosureEntryInput,
} from './entry.js';
import { toHex } from './hex.js';
import { keyIdOf } from './keys.js';
import { fileError, formatLogLine, MAX_LINE_BYTES, MAX_LOG_ENTRIES, type LogError } from './logLine.js';
import { leafHash, MerkleTree } from './merkle.js';
import type { ConsistencyProof, InclusionProof } from './proofs.js';
import { signTreeHead, type SignedTreeHead } from './treeHead.js';
import { readLogBytes, replayLog } from './verifyLog.js';

/** Who signs the tree head that an append produces, and when (the caller's clock, never ours). */
export interface Signer {
  readonly privateKey: KeyObject;
  readonly keyId: string;
  readonly timestampMs: number;
}

export interface AppendResult {
  readonly seq: number;
  /** Leaf hash of the new entry, hex (the next entry's prevHash). */
  readonly leafHash: string;
  readonly treeHead: SignedTreeHead;
}

/**
 * The append-only disclosure log on disk (format: see index.ts). One writer at a time: the file is not
 * locked, so two processes appending to one log would both write seq n and the verifier would reject it.
 */
export class DisclosureLog {
  private constructor(
    readonly path: string,
    private readonly tree: MerkleTree,
    private readonly entries: DisclosureEntry[],
    private readonly heads: SignedTreeHead[],
  ) {}

  /** Creates an empty log; fails if the file exists, so no log is ever overwritten. */
  static create(path: string): Result<DisclosureLog, LogError> {
    try {
      writeFileSync(path, '', { flag: 'wx' });
    } catch (e) {
      return err(fileError('cannot_create', `cannot create ${path}: ${(e as Error).message}`));
    }
    return ok(new DisclosureLog(path, new MerkleTree(), [], []));
  }

  /**
   * Opens a log after replaying it completely (chain, roots, consistency; signatures too when `publicKeys`
   * is given). A log with any problem is refused: appending to a broken log would hide the break.
   */
  static open(
    path: string,
    publicKeys: ReadonlyMap<string, KeyObject> | null = null,
  ): Result<DisclosureLog, readonly LogError[]> {
    const bytes = readLogBytes(path);
    if (!bytes.ok) return err([bytes.error]);
    const { report, tree, heads } = replayLog(bytes.value, { publicKeys });
    if (report.errors.length > 0) return err(report.errors);
    assert(heads.length === report.entries.length, 'a clean log has one tree head per entry');
    return ok(new DisclosureLog(path, tree, [...report.entries], [...heads]));
  }

  /** Entries in the log. */
  get size(): number {
    return this.entries.length;
  }

  /** The entry with sequence number `seq`. */
  entry(seq: number): DisclosureEntry | undefined {
    return this.entries[seq];
  }

  /** The signed tree head stored with the entry that made the tree `size` entries long. */
  treeHead(size: number = this.size): SignedTreeHead | undefined {
    return this.heads[size - 1];
  }

  /** Root hash (hex) of the first `size` entries. */
  root(size: number = this.size): Result<string, InputError> {
    const bad = this.checkSize(size, 'size');
    return bad ?? ok(toHex(this.tree.root(size)));
  }

  /** Inclusion proof of entry `index` in the tree of the first `size` entries. */
  inclusionProof(index: number, size: number = this.size): Result<InclusionProof, InputError> {
    const bad = this.checkSize(size, 'size');
    if (bad !== null) return bad;
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      return err(inputError('out_of_range', `entry ${index} is not in a tree of ${size} entries`, 'entry'));
    }
    return ok({
      leafIndex: index,
      treeSize: size,
      leafHash: toHex(this.tree.leaf(index)),
      auditPath: this.tree.inclusionProof(index, size).map(toHex),
      rootHash: toHex(this.tree.root(size)),
    });
  }

  /** Consistency proof from the tree of `oldSize` entries to the tree of `newSize`. */
  consistencyProof(oldSize: number, newSize: number = this.size): Result<ConsistencyProof, InputError> {
    const bad = this.checkSize(newSize, 'size');
    if (bad !== null) return bad;
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
      return err(inputError('out_of_range', `old size ${oldSize} must be 0 to ${newSize}`, 'oldSize'));
    }
    return ok({
      oldSize,
      newSize,
      oldRootHash: toHex(this.tree.root(oldSize)),
      newRootHash: toHex(this.tree.root(newSize)),
      proof: this.tree.consistencyProof(oldSize, newSize).map(toHex),
    });
  }

  /**
   * Validates, numbers, chains and signs one entry, then appends its line and fsyncs. Memory changes only
   * after the write succeeded, so a failed write leaves this object matching what a reopen would read.
   */
  append(input: DisclosureEntryInput, signer: Signer): Result<AppendResult, readonly InputError[]> {
    const seq = this.entries.length;
    if (seq >= MAX_LOG_ENTRIES)
      return err([inputError('log_full', `a log holds at most ${MAX_LOG_ENTRIES} entries`, 'entry')]);
    const prevHash = seq === 0 ? GENESIS_PREV_HASH : toHex(this.tree.leaf(seq - 1));
    const validated = validateEntry({ ...input, seq, prevHash });
    if (!validated.ok) return validated;
    const entry = validated.value;
    const problems = this.checkAppend(entry, signer);
    if (problems.length > 0) return err(problems);

    const bytes = canonicalBytes(entry);
    assert(bytes.ok, 'a validated entry is canonical JSON');
    const leaf = leafHash(bytes.value);
    const rootHash = toHex(this.tree.rootWithAppended(leaf));
    const treeHead = signTreeHead(
      { treeSize: seq + 1, rootHash, timestampMs: signer.timestampMs, keyId: signer.keyId },
      signer.privateKey,
    );
    const line = `${formatLogLine(entry, treeHead)}\n`;
    if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
      return err([
        inputError('entry_too_large', `the entry's line is over ${MAX_LINE_BYTES} bytes`, 'entry'),
      ]);
    }
    const fd = openSync(this.path, 'a');
    const sizeBefore = fstatSync(fd).size;
    try {
      const written = writeSync(fd, line);
      assert(
        written === Buffer.byteLength(line),
        'the whole line was written (a short write means the disk is full)',
      );
      fsyncSync(fd);
    } catch (e) {
      // Cut a partly written line off again, so the file still ends where this object thinks it does.
      ftruncateSync(fd, sizeBefore);
      throw e;
    } finally {
      closeSync(fd);
    }
    this.tree.append(leaf);
    this.entries.push(entry);
    this.heads.push(treeHead);
    return ok({ seq, leafHash: toHex(leaf), treeHead });
  }

  private checkAppend(entry: DisclosureEntry, signer: Signer): InputError[] {
    const problems: InputError[] = [];
    const last = this.entries[this.entries.length - 1];
    const lastHead = this.heads[this.heads.length - 1];
    if (last !== undefined && entry.timeMs < last.timeMs) {
      problems.push(
        inputError(
          'time_backwards',
          `entry.timeMs is before the last entry's ${last.timeMs}`,
          'entry.timeMs',
        ),
      );
    }
    if (signer.privateKey.type !== 'private' || signer.privateKey.asymmetricKeyType !== 'ed25519') {
      problems.push(
        inputError('invalid_signer', 'signer.privateKey must be an Ed25519 private key', 'signer.privateKey'),
      );
    } else if (keyIdOf(signer.privateKey) !== signer.keyId) {
      problems.push(
        inputError('key_id_mismatch', 'signer.keyId is not the id of signer.privateKey', 'signer.keyId'),
      );
    }
    if (!Number.isSafeInteger(signer.timestampMs) || signer.timestampMs < entry.timeMs) {
      problems.push(
        inputError(
          'invalid_timestamp',
          'signer.timestampMs must be an integer at or after entry.timeMs',
          'signer.timestampMs',
        ),
      );
    } else if (lastHead !== undefined && signer.timestampMs < lastHead.timestampMs) {
      problems.push(
        inputError('time_backwards', 'signer.timestampMs is before the last tree head', 'signer.timestampMs'),
      );
    }
    return problems;
  }

  private checkSize(size: number, name: string): { ok: false; error: InputError } | null {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      return err(inputError('out_of_range', `${name} ${size} must be 0 to ${this.size}`, name));
    }
    return null;
  }
}
