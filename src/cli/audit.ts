import {
  DisclosureLog,
  trustedKeys,
  verifyConsistencyProof,
  verifyInclusionProof,
  verifyLogFile,
  type ConsistencyProof,
  type InclusionProof,
  type LogError,
  type Recompute,
  type SignedTreeHead,
  type VerifyReport,
} from '../statutory/disclosure/index.js';
import { assert } from '../numbers/index.js';

/** What a command prints and the exit code it returns (0: verified / proved, 1: anything else). */
export interface AuditOutput {
  readonly exitCode: 0 | 1;
  readonly output: string;
}

export interface AuditVerifyOptions {
  /** Trusted Ed25519 public keys, 64 hex digits each (`--public-key`, repeatable). */
  readonly publicKeyHex?: readonly string[];
  /** Recomputes each rate from its logged inputs (the formula evaluator). */
  readonly recompute?: Recompute;
  readonly json: boolean;
}

/**
 * `bulwark audit verify <log>`: re-checks every line, the hash chain, every signed tree head (root,
 * signature, consistency with the previous head) and, given `recompute`, every rate. Without trusted keys
 * the signatures cannot be checked (the log holds no keys, as keys from the log would only vouch for
 * themselves): everything else is checked, the signing key ids are listed, and the exit code is 1.
 */
export function runAuditVerify(path: string, options: AuditVerifyOptions): AuditOutput {
  const keys = trustedKeys(options.publicKeyHex ?? []);
  if (!keys.ok) return failure(options.json, keys.error.message);
  const publicKeys = keys.value.size > 0 ? keys.value : null;
  const report = verifyLogFile(path, {
    publicKeys,
    ...(options.recompute === undefined ? {} : { recompute: options.recompute }),
  });
  const exitCode = report.ok ? 0 : 1;
  if (options.json) {
    const body = {
      ok: report.ok,
      path,
      entriesChecked: report.entries.length,
      treeSize: report.entries.length,
      rootHash: report.rootHash,
      treeHead: report.treeHead,
      keyIds: report.keyIds,
      signaturesChecked: report.signaturesChecked,
      ratesRecomputed: report.ratesRecomputed,
      errors: report.errors,
    };
    return { exitCode, output: `${JSON.stringify(body, null, 2)}\n` };
  }
  return { exitCode, output: renderVerify(path, report, options.recompute !== undefined) };
}

function renderVerify(path: string, report: VerifyReport, recomputing: boolean): string {
  const lines = [
    `disclosure log: ${path}`,
    `entries checked: ${report.entries.length}`,
    `tree size: ${report.entries.length}`,
    `root: ${report.rootHash}`,
  ];
  if (report.treeHead !== null) lines.push(`last signed tree head: ${describeHead(report.treeHead)}`);
  const signers = report.keyIds.length > 0 ? report.keyIds.join(', ') : 'none';
  lines.push(
    report.signaturesChecked
      ? `signatures: checked against the trusted keys given (heads signed by ${signers})`
      : `signatures: NOT checked, no --public-key given (heads signed by ${signers}); the log holds no keys, ` +
          'so pass the public keys you trust to check them',
  );
  lines.push(
    recomputing
      ? `rates recomputed from their logged inputs: ${report.ratesRecomputed}`
      : 'rates: not recomputed (no formula evaluator)',
  );
  if (report.errors.length === 0) {
    lines.push(report.ok ? 'result: OK' : 'result: NOT VERIFIED (signatures unchecked)');
  } else {
    lines.push(`result: FAILED, ${report.errors.length} problem(s)`);
    for (const error of report.errors) lines.push(`  ${describeError(error)}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeError(error: LogError): string {
  // lineError already names the line and entry in the message; file-level errors have neither.
  return `[${error.code}] ${error.message}`;
}

function describeHead(head: SignedTreeHead): string {
  return (
    `size ${head.treeSize}, root ${head.rootHash}, timestampMs ${head.timestampMs}, key ${head.keyId}, ` +
    `signature ${head.signature}`
  );
}

export interface AuditProveOptions {
  /** Entry (seq) to prove included (`--entry`). */
  readonly entry?: number;
  /** Earlier tree size to prove consistent with `size` (`--old-size`). */
  readonly oldSize?: number;
  /** Tree size the proofs are for; default the whole log (`--size`). */
  readonly size?: number;
  readonly json: boolean;
}

/**
 * `bulwark audit prove <log>`: prints an inclusion proof for `entry` and/or a consistency proof from
 * `oldSize`, both for the tree of `size` entries, with the signed tree heads they are checked against.
 * The log is replayed first (without keys); a broken log gives no proofs.
 */
export function runAuditProve(path: string, options: AuditProveOptions): AuditOutput {
  if (options.entry === undefined && options.oldSize === undefined) {
    return failure(options.json, 'nothing to prove: give --entry <seq> and/or --old-size <n>');
  }
  const opened = DisclosureLog.open(path);
  if (!opened.ok) {
    return failure(options.json, opened.error.map(describeError).join('\n'));
  }
  const log = opened.value;
  const size = options.size ?? log.size;
  let inclusion: (InclusionProof & { treeHead: SignedTreeHead | null }) | null = null;
  let consistency:
    (ConsistencyProof & { oldTreeHead: SignedTreeHead | null; newTreeHead: SignedTreeHead | null }) | null =
    null;
  if (options.entry !== undefined) {
    const proof = log.inclusionProof(options.entry, size);
    if (!proof.ok) return failure(options.json, proof.error.message);
    assert(verifyInclusionProof(proof.value), 'a proof from a replayed log verifies');
    inclusion = { ...proof.value, treeHead: log.treeHead(size) ?? null };
  }
  if (options.oldSize !== undefined) {
    const proof = log.consistencyProof(options.oldSize, size);
    if (!proof.ok) return failure(options.json, proof.error.message);
    assert(verifyConsistencyProof(proof.value), 'a proof from a replayed log verifies');
    consistency = {
      ...proof.value,
      oldTreeHead: log.treeHead(options.oldSize) ?? null,
      newTreeHead: log.treeHead(size) ?? null,
    };
  }
  if (options.json) {
    return {
      exitCode: 0,
      output: `${JSON.stringify({ ok: true, path, inclusion, consistency }, null, 2)}\n`,
    };
  }
  const lines = [`disclosure log: ${path}`];
  if (inclusion !== null) {
    lines.push(
      'inclusion proof (RFC 6962 audit path, leaf first)',
      `  leaf index: ${inclusion.leafIndex}`,
      `  tree size: ${inclusion.treeSize}`,
      `  leaf hash: ${inclusion.leafHash}`,
      `  audit path:${inclusion.auditPath.length === 0 ? ' (empty)' : ''}`,
      ...inclusion.auditPath.map((hash, i) => `    ${i}: ${hash}`),
      `  root: ${inclusion.rootHash}`,
      `  signed tree head: ${inclusion.treeHead === null ? 'none' : describeHead(inclusion.treeHead)}`,
    );
  }
  if (consistency !== null) {
    lines.push(
      'consistency proof (RFC 6962)',
      `  old size: ${consistency.oldSize}`,
      `  old root: ${consistency.oldRootHash}`,
      `  new size: ${consistency.newSize}`,
      `  new root: ${consistency.newRootHash}`,
      `  proof:${consistency.proof.length === 0 ? ' (empty)' : ''}`,
      ...consistency.proof.map((hash, i) => `    ${i}: ${hash}`),
      `  old signed tree head: ${consistency.oldTreeHead === null ? 'none' : describeHead(consistency.oldTreeHead)}`,
      `  new signed tree head: ${consistency.newTreeHead === null ? 'none' : describeHead(consistency.newTreeHead)}`,
    );
  }
  return { exitCode: 0, output: `${lines.join('\n')}\n` };
}

function failure(json: boolean, message: string): AuditOutput {
  return {
    exitCode: 1,
    output: json ? `${JSON.stringify({ ok: false, error: message }, null, 2)}\n` : `error: ${message}\n`,
  };
}
