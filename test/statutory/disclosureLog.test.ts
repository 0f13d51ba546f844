import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DisclosureLog,
  GENESIS_PREV_HASH,
  verifyConsistencyProof,
  verifyInclusionProof,
  verifyLogFile,
  type VerifyReport,
} from '../../src/statutory/disclosure/index.js';
import {
  buildLog,
  LOG_KEY_ID,
  OTHER_KEY,
  recomputeMax,
  sample,
  sampleEntries,
  signerFor,
  removeTempDirs,
  tempDir,
  TRUSTED,
} from './disclosureFixtures.js';

function problems(report: VerifyReport): string {
  return report.errors.map((e) => `${e.code}: ${e.message}`).join('\n');
}

after(removeTempDirs);

describe('DisclosureLog: append, reopen, prove', () => {
  test('appends number, chain and sign entries; a reopened log has the same entries, roots and heads', () => {
    const { path, log } = buildLog();
    assert.equal(log.size, 5);
    assert.equal(log.entry(0)?.prevHash, GENESIS_PREV_HASH);
    for (let seq = 1; seq < log.size; seq++) {
      const proof = log.inclusionProof(seq - 1);
      assert.ok(proof.ok);
      assert.equal(log.entry(seq)?.prevHash, proof.value.leafHash, `entry ${seq} chains to ${seq - 1}`);
    }
    const reopened = DisclosureLog.open(path, TRUSTED);
    assert.ok(reopened.ok);
    assert.equal(reopened.value.size, 5);
    for (let size = 0; size <= 5; size++) assert.deepEqual(reopened.value.root(size), log.root(size));
    assert.deepEqual(reopened.value.treeHead(), log.treeHead());
    assert.deepEqual(reopened.value.entry(3), log.entry(3));
    // Appending after a reopen continues the same chain and file.
    const more = reopened.value.append({ ...sample(3), timeMs: sample(4).timeMs + 1 }, signerFor(6));
    assert.ok(more.ok, more.ok ? '' : more.error.map((e) => e.message).join('; '));
    assert.equal(more.value.seq, 5);
    assert.ok(verifyLogFile(path, { publicKeys: TRUSTED }).ok);
  });

  test('every line is the canonical JSON of {entry, treeHead} and the file ends with a newline', () => {
    const { path } = buildLog();
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n');
    assert.equal(lines.length, 5);
    for (const [i, line] of lines.entries()) {
      const parsed = JSON.parse(line) as {
        entry: { seq: number };
        treeHead: { treeSize: number; keyId: string };
      };
      assert.deepEqual(Object.keys(parsed), ['entry', 'treeHead']);
      assert.equal(parsed.entry.seq, i);
      assert.equal(parsed.treeHead.treeSize, i + 1);
      assert.equal(parsed.treeHead.keyId, LOG_KEY_ID);
    }
  });

  test('the same entries and keys always give the same bytes (nothing random, no clock)', () => {
    assert.equal(readFileSync(buildLog().path, 'utf8'), readFileSync(buildLog().path, 'utf8'));
  });

  test('every inclusion and consistency proof of every size verifies; a tampered proof fails', () => {
    const { log } = buildLog();
    for (let size = 1; size <= log.size; size++) {
      for (let index = 0; index < size; index++) {
        const proof = log.inclusionProof(index, size);
        assert.ok(proof.ok);
        assert.ok(verifyInclusionProof(proof.value));
        assert.equal(proof.value.rootHash, log.treeHead(size)?.rootHash, 'the proof root is the signed root');
        const [first, ...rest] = proof.value.auditPath;
        if (first !== undefined) {
          const bad = [`${first.slice(0, 63)}${first.endsWith('0') ? '1' : '0'}`, ...rest];
          assert.equal(verifyInclusionProof({ ...proof.value, auditPath: bad }), false);
        }
        assert.equal(verifyInclusionProof({ ...proof.value, leafIndex: (index + 1) % size }), size === 1);
        assert.equal(
          verifyInclusionProof({ ...proof.value, leafHash: 'A'.repeat(64) }),
          false,
          'upper-case hex',
        );
      }
      for (let oldSize = 0; oldSize <= size; oldSize++) {
        const proof = log.consistencyProof(oldSize, size);
        assert.ok(proof.ok);
        assert.ok(verifyConsistencyProof(proof.value));
        if (proof.value.proof.length > 0) {
          const bad = proof.value.proof.map((h, i) =>
            i === 0 ? `${h.startsWith('0') ? '1' : '0'}${h.slice(1)}` : h,
          );
          assert.equal(verifyConsistencyProof({ ...proof.value, proof: bad }), false);
          assert.equal(
            verifyConsistencyProof({ ...proof.value, oldRootHash: proof.value.newRootHash }),
            false,
          );
        }
      }
    }
    assert.equal(log.inclusionProof(5, 5).ok, false);
    assert.equal(log.inclusionProof(0, 6).ok, false);
    assert.equal(log.consistencyProof(5, 4).ok, false);
  });

  test('refuses bad appends as values and leaves the log untouched', () => {
    const { path, log } = buildLog(4);
    const before = readFileSync(path);
    const entry = sample(4);
    const cases: [string, ReturnType<typeof log.append>][] = [
      ['invalid entry', log.append({ ...entry, newRate: '0,5' }, signerFor(4))],
      ['time going back', log.append({ ...entry, timeMs: 0, effectiveMs: 1 }, signerFor(4))],
      ['key id not the key', log.append(entry, { ...signerFor(4), keyId: '0'.repeat(16) })],
      ['head before entry', log.append(entry, { ...signerFor(4), timestampMs: entry.timeMs - 1 })],
      ['head before last head', log.append(entry, { ...signerFor(4), timestampMs: 0 })],
    ];
    for (const [name, result] of cases) assert.equal(result.ok, false, name);
    assert.deepEqual(readFileSync(path), before);
    assert.equal(log.size, 4);
    assert.ok(
      log.append(entry, signerFor(4, OTHER_KEY)).ok,
      'another key may sign (the verifier decides trust)',
    );
  });

  test('create never overwrites; open refuses a missing or broken log', () => {
    const { path } = buildLog(2);
    assert.equal(DisclosureLog.create(path).ok, false);
    assert.equal(DisclosureLog.open(join(tempDir(), 'missing.jsonl')).ok, false);
    appendFileSync(path, '{}\n');
    const broken = DisclosureLog.open(path);
    assert.ok(!broken.ok);
    assert.equal(broken.error[0]?.line, 3);
  });
});

describe('verifyLogFile', () => {
  test('a good log verifies with its key, every rate recomputed', () => {
    const { path } = buildLog();
    const report = verifyLogFile(path, { publicKeys: TRUSTED, recompute: recomputeMax });
    assert.ok(report.ok, problems(report));
    assert.equal(report.entries.length, 5);
    assert.equal(report.ratesRecomputed, 2, 'the rate and the correction that states a rate');
    assert.equal(report.treeHead?.treeSize, 5);
    assert.deepEqual(report.keyIds, [LOG_KEY_ID]);
    const empty = join(tempDir(), 'empty.jsonl');
    writeFileSync(empty, '');
    assert.ok(verifyLogFile(empty, { publicKeys: TRUSTED }).ok, 'an empty log is a valid log');
  });

  test('without trusted keys everything else is checked but the report is not ok', () => {
    const { path } = buildLog();
    const report = verifyLogFile(path, { publicKeys: null });
    assert.deepEqual(report.errors, []);
    assert.equal(report.signaturesChecked, false);
    assert.equal(report.ok, false);
    const untrusted = verifyLogFile(path, { publicKeys: new Map() });
    assert.equal(untrusted.errors.length, 5);
    assert.ok(untrusted.errors.every((e) => e.code === 'unknown_key'));
  });

  test('a rate its logged inputs do not give is reported on its entry', () => {
    const { path } = buildLog();
    const report = verifyLogFile(path, {
      publicKeys: TRUSTED,
      recompute: (entry) => (entry.seq === 3 ? { ok: true, rate: '0.56' } : recomputeMax(entry)),
    });
    assert.deepEqual(
      report.errors.map((e) => [e.code, e.seq, e.line]),
      [['rate_mismatch', 3, 4]],
    );
    const failing = verifyLogFile(path, {
      publicKeys: TRUSTED,
      recompute: () => ({ ok: false, message: 'boom' }),
    });
    assert.deepEqual(
      failing.errors.map((e) => e.seq),
      [3, 4],
    );
  });

  test('a head signed by another key, a dropped line and reordered lines are located', () => {
    const { path } = buildLog();
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    const other = join(tempDir(), 'other.jsonl');
    const otherLog = DisclosureLog.create(other);
    assert.ok(otherLog.ok);
    for (const [i, entry] of sampleEntries().entries()) {
      assert.ok(otherLog.value.append(entry, signerFor(i, i === 2 ? OTHER_KEY : undefined)).ok);
    }
    assert.deepEqual(
      verifyLogFile(other, { publicKeys: TRUSTED }).errors.map((e) => [e.code, e.seq]),
      [['unknown_key', 2]],
    );
    const dropped = new TextEncoder().encode([...lines.slice(0, 2), ...lines.slice(3), ''].join('\n'));
    assert.equal(verifyLogFile(dropped, { publicKeys: TRUSTED }).errors[0]?.seq, 2);
    const swapped = new TextEncoder().encode([lines[1], lines[0], ...lines.slice(2), ''].join('\n'));
    assert.equal(verifyLogFile(swapped, { publicKeys: TRUSTED }).errors[0]?.seq, 0);
  });

  test('a truncated log verifies as the shorter log (the signed head a reader kept shows the cut)', () => {
    const { path, log } = buildLog();
    const bytes = readFileSync(path);
    const cut = bytes.subarray(
      0,
      bytes.indexOf('\n'.charCodeAt(0), bytes.indexOf('\n'.charCodeAt(0)) + 1) + 1,
    );
    const report = verifyLogFile(cut, { publicKeys: TRUSTED });
    assert.ok(report.ok);
    assert.equal(report.entries.length, 2);
    const proof = log.consistencyProof(2, 5);
    assert.ok(proof.ok && verifyConsistencyProof(proof.value));
  });

  test('a line with the same JSON meaning written differently is rejected as not canonical', () => {
    const { path } = buildLog(3);
    const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
    const second = lines[1] ?? '';
    const variants = [
      second.replace('{"entry":', '{ "entry":'),
      second.replace('"reasonCode":"scheduled_review"', '"reasonCode":"sch\\u0065duled_review"'),
      second.replace(/"seq":1\b/, '"seq":1.0'),
      second.replace('"emergency":false', '"emergency":false,"emergency":false'),
      JSON.stringify(JSON.parse(second), null, 1).replace(/\n/g, ' '),
    ];
    for (const variant of variants) {
      assert.notEqual(variant, second);
      const bytes = new TextEncoder().encode([lines[0], variant, lines[2], ''].join('\n'));
      const report = verifyLogFile(bytes, { publicKeys: TRUSTED });
      assert.deepEqual(
        report.errors.map((e) => [e.code, e.line]),
        [['not_canonical', 2]],
        variant,
      );
    }
  });

  /**
   * The acceptance test of STATUTORY.md §4: any single changed byte is detected and located. Each byte of
   * the file is changed in turn (XOR 0x01, and replaced by another printable character); the first error
   * must name the line holding that byte and the entry on it. A line's terminating newline belongs to that
   * line, so a changed newline is reported on the entry before it.
   */
  test('every single changed byte is detected and the first error names the entry whose line holds it', () => {
    const { path } = buildLog();
    const original = new Uint8Array(readFileSync(path));
    const lineOf: number[] = [];
    let lineNo = 1;
    for (const byte of original) {
      lineOf.push(lineNo);
      if (byte === 0x0a) lineNo++;
    }
    assert.ok(
      original.some((b) => b >= 0x80),
      'the sample log has multi-byte UTF-8 to flip',
    );
    const printable = '0a"\\ }:,-9fZ';
    let checked = 0;
    for (const [offset, byte] of original.entries()) {
      const line = lineOf[offset] ?? 0;
      let replacement = printable.charCodeAt(offset % printable.length);
      if (replacement === byte) replacement = printable.charCodeAt((offset + 1) % printable.length);
      for (const changed of [byte ^ 0x01, replacement]) {
        const tampered = Uint8Array.from(original);
        tampered[offset] = changed;
        const report = verifyLogFile(tampered, { publicKeys: TRUSTED, recompute: recomputeMax });
        const where = `byte ${offset} (${JSON.stringify(String.fromCharCode(byte))} → ${JSON.stringify(String.fromCharCode(changed))}) on line ${line}`;
        assert.equal(report.ok, false, `undetected: ${where}`);
        const first = report.errors[0];
        assert.equal(first?.line, line, `${where}: first error ${first?.message}`);
        assert.equal(first.seq, line - 1, where);
        assert.match(first.message, new RegExp(`^line ${line} \\(entry ${line - 1}\\)`));
        checked++;
      }
    }
    assert.equal(checked, original.length * 2);
  });
});
