import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAuditProve, runAuditVerify } from '../../src/cli/audit.js';
import {
  publicKeyHex,
  verifyConsistencyProof,
  verifyInclusionProof,
  type ConsistencyProof,
  type InclusionProof,
  type SignedTreeHead,
} from '../../src/statutory/disclosure/index.js';
import {
  buildLog,
  LOG_KEY_ID,
  LOG_PUBLIC_HEX,
  OTHER_KEY,
  recomputeMax,
  removeTempDirs,
  tempDir,
} from './disclosureFixtures.js';

after(removeTempDirs);

describe('bulwark audit verify', () => {
  test('a good log with its trusted key: exit 0, text names entries, size, root and signer', () => {
    const { path, log } = buildLog();
    const result = runAuditVerify(path, {
      publicKeyHex: [LOG_PUBLIC_HEX],
      recompute: recomputeMax,
      json: false,
    });
    assert.equal(result.exitCode, 0, result.output);
    assert.match(result.output, /entries checked: 5\n/);
    assert.match(result.output, /tree size: 5\n/);
    const root = log.root();
    assert.ok(root.ok);
    assert.match(result.output, new RegExp(`root: ${root.value}\n`));
    assert.match(result.output, new RegExp(`signatures: checked .*${LOG_KEY_ID}`));
    assert.match(result.output, /rates recomputed from their logged inputs: 2\n/);
    assert.match(result.output, /result: OK\n$/);
  });

  test('JSON output carries the same facts', () => {
    const { path } = buildLog();
    const result = runAuditVerify(path, { publicKeyHex: [LOG_PUBLIC_HEX.toUpperCase()], json: true });
    assert.equal(result.exitCode, 0);
    const body = JSON.parse(result.output) as {
      ok: boolean;
      entriesChecked: number;
      treeHead: SignedTreeHead;
      keyIds: string[];
      signaturesChecked: boolean;
      errors: unknown[];
    };
    assert.equal(body.ok, true);
    assert.equal(body.entriesChecked, 5);
    assert.equal(body.treeHead.treeSize, 5);
    assert.deepEqual(body.keyIds, [LOG_KEY_ID]);
    assert.equal(body.signaturesChecked, true);
    assert.deepEqual(body.errors, []);
  });

  test('without --public-key: everything else is checked, signers listed, signatures NOT checked, exit 1', () => {
    const { path } = buildLog();
    const result = runAuditVerify(path, { json: false });
    assert.equal(result.exitCode, 1);
    assert.match(
      result.output,
      new RegExp(`signatures: NOT checked, no --public-key given \\(heads signed by ${LOG_KEY_ID}\\)`),
    );
    assert.match(result.output, /result: NOT VERIFIED \(signatures unchecked\)/);
  });

  test('a tampered byte: exit 1 and the error names the line and entry', () => {
    const { path } = buildLog();
    const bytes = readFileSync(path);
    const thirdLine = bytes.indexOf('\n'.charCodeAt(0), bytes.indexOf('\n'.charCodeAt(0)) + 1) + 1;
    const at = bytes.indexOf('"newRate":"0.5"', thirdLine) + '"newRate":"0.'.length;
    bytes[at] = '6'.charCodeAt(0);
    writeFileSync(path, bytes);
    const result = runAuditVerify(path, {
      publicKeyHex: [LOG_PUBLIC_HEX],
      recompute: recomputeMax,
      json: false,
    });
    assert.equal(result.exitCode, 1);
    assert.match(result.output, /result: FAILED/);
    assert.match(result.output, /\[root_mismatch\] line 4 \(entry 3\)/);
    assert.match(
      result.output,
      /\[rate_mismatch\] line 4 \(entry 3\): entry.newRate is 0.6 but its logged inputs give 0.5/,
    );
  });

  test('a wrong trusted key, a bad key, a missing file: exit 1 with the reason', () => {
    const { path } = buildLog(2);
    const wrong = runAuditVerify(path, { publicKeyHex: [publicKeyHex(OTHER_KEY)], json: false });
    assert.equal(wrong.exitCode, 1);
    assert.match(wrong.output, /\[unknown_key\] line 1 \(entry 0\)/);
    const bad = runAuditVerify(path, { publicKeyHex: ['abc'], json: true });
    assert.equal(bad.exitCode, 1);
    assert.match((JSON.parse(bad.output) as { error: string }).error, /public key must be 64 hex digits/);
    const missing = runAuditVerify(join(tempDir(), 'none.jsonl'), {
      publicKeyHex: [LOG_PUBLIC_HEX],
      json: false,
    });
    assert.equal(missing.exitCode, 1);
    assert.match(missing.output, /\[cannot_read\] cannot read/);
  });
});

describe('bulwark audit prove', () => {
  test('prints an inclusion proof that verifies against the signed head of that size', () => {
    const { path } = buildLog();
    const result = runAuditProve(path, { entry: 2, size: 4, json: true });
    assert.equal(result.exitCode, 0, result.output);
    const { inclusion } = JSON.parse(result.output) as {
      inclusion: InclusionProof & { treeHead: SignedTreeHead };
    };
    assert.equal(inclusion.leafIndex, 2);
    assert.equal(inclusion.treeSize, 4);
    assert.ok(verifyInclusionProof(inclusion));
    assert.equal(inclusion.treeHead.treeSize, 4);
    assert.equal(inclusion.treeHead.rootHash, inclusion.rootHash);
    const tampered = { ...inclusion, auditPath: [...inclusion.auditPath].reverse() };
    assert.equal(verifyInclusionProof(tampered), false);
  });

  test('prints a consistency proof between two signed heads', () => {
    const { path } = buildLog();
    const result = runAuditProve(path, { oldSize: 3, json: true });
    assert.equal(result.exitCode, 0, result.output);
    const { consistency } = JSON.parse(result.output) as {
      consistency: ConsistencyProof & { oldTreeHead: SignedTreeHead; newTreeHead: SignedTreeHead };
    };
    assert.equal(consistency.newSize, 5);
    assert.ok(verifyConsistencyProof(consistency));
    assert.equal(consistency.oldTreeHead.rootHash, consistency.oldRootHash);
    assert.equal(consistency.newTreeHead.rootHash, consistency.newRootHash);
    assert.equal(verifyConsistencyProof({ ...consistency, oldSize: 2 }), false);
  });

  test('text output lists the leaf, the path, the root and the signed head; both proofs at once', () => {
    const { path } = buildLog();
    const result = runAuditProve(path, { entry: 0, oldSize: 1, json: false });
    assert.equal(result.exitCode, 0);
    assert.match(
      result.output,
      /inclusion proof.*\n {2}leaf index: 0\n {2}tree size: 5\n {2}leaf hash: [0-9a-f]{64}\n {2}audit path:\n/,
    );
    assert.match(
      result.output,
      /\n {4}2: [0-9a-f]{64}\n {2}root: [0-9a-f]{64}\n {2}signed tree head: size 5, /,
    );
    assert.match(result.output, /consistency proof.*\n {2}old size: 1\n/);
  });

  test('nothing asked, out of range, or a broken log: exit 1', () => {
    const { path } = buildLog(3);
    assert.match(runAuditProve(path, { json: false }).output, /nothing to prove/);
    const outOfRange = runAuditProve(path, { entry: 3, json: false });
    assert.equal(outOfRange.exitCode, 1);
    assert.match(outOfRange.output, /entry 3 is not in a tree of 3 entries/);
    assert.equal(runAuditProve(path, { oldSize: 4, json: false }).exitCode, 1);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"seq":1', '"seq":7'));
    const broken = runAuditProve(path, { entry: 0, json: false });
    assert.equal(broken.exitCode, 1);
    assert.match(broken.output, /line 2 \(entry 1\)/);
  });
});
