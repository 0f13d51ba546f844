import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { recomputeRateEntry } from '../../src/cli/auditPublish.js';
import type { Command } from '../../src/engine/index.js';
import { commandPayload, openSqliteJournal } from '../../src/journal/index.js';
import {
  DisclosureLog,
  keyIdOf,
  privateKeyFromSeedHex,
  publicKeyHex,
  verifyInclusionProof,
  verifyLogFile,
  type InclusionProof,
} from '../../src/statutory/disclosure/index.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';
import {
  approve,
  DAY_MS,
  HISTORY_DAYS,
  markedHistory,
  propose,
  proposal,
  T0,
} from '../helpers/governance.js';

/**
 * The disclosure log end to end (issue 6): a journal in which a margin model is proposed, approved and activated
 * and then recomputed daily is published (`bulwark audit publish`), verified with every rate recomputed from its
 * logged inputs (`bulwark audit verify`), and proved (`bulwark audit prove`); a signed entry whose rate does not
 * follow from its inputs is caught.
 */

const dir = mkdtempSync(join(tmpdir(), 'bulwark-publish-'));
const LOG_SEED = '07'.repeat(32);
const logKey = privateKeyFromSeedHex(LOG_SEED);
assert.ok(logKey.ok);
const LOG_PUBLIC = publicKeyHex(logKey.value);
const seedFile = join(dir, 'log.seed');
const journalPath = join(dir, 'journal.db');
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The journal: the marked history, a model approved for day 401 and five more days of marks. */
async function writeJournal(): Promise<void> {
  const bodies = markedHistory();
  const now = T0 + HISTORY_DAYS * DAY_MS;
  const p = proposal('p-default', now + DAY_MS, {
    formula: {
      id: 'default',
      version: 1,
      source:
        'max(floor, normInv(confidence) * max(ewmaVol(0.94), stdev(365)) * sqrt(mporDays)) * (1 + apcBuffer)',
    },
    parameters: { version: 1, values: { floor: '0.01', apcBuffer: '0.25' } },
  });
  bodies.push({ body: propose(p), atMs: now });
  bodies.push({ body: approve(p), atMs: now + 1000 });
  bodies.push({ body: { type: 'activateMarginModel', proposalId: p.proposalId }, atMs: p.effectiveAtMs });
  for (let day = 1; day <= 5; day++) {
    const price = 40000 * (1 + (day % 2 === 0 ? 0.08 : -0.08));
    bodies.push({
      body: { type: 'markPrice', symbol: 'BTCUSDT', price: String(price) },
      atMs: p.effectiveAtMs + day * DAY_MS,
    });
  }
  const commands = bodies.map(
    ({ body, atMs }, i) => ({ seq: i + 1, timestampMs: atMs, ...body }) as unknown as Command,
  );
  const journal = openSqliteJournal(journalPath);
  await journal.append(commands.map((c) => ({ seq: c.seq, payload: commandPayload(c) })));
  await journal.close();
}

describe('bulwark audit publish / verify / prove', () => {
  before(async () => {
    ensureBuilt();
    writeFileSync(seedFile, `${LOG_SEED}\n`);
    await writeJournal();
  });

  test('publishing writes the approved model and every rate, reproducibly; verify recomputes every rate', () => {
    const log = join(dir, 'a.jsonl');
    const published = runCli(['audit', 'publish', journalPath, log, '--key-seed-file', seedFile]);
    assert.equal(published.status, 0, published.stdout + published.stderr);
    const report = verifyLogFile(log, {
      publicKeys: new Map([[keyIdOf(logKey.value), logKey.value]]),
      recompute: recomputeRateEntry,
    });
    assert.ok(report.ok, JSON.stringify(report.errors));
    const kinds = report.entries.map((e) => e.kind);
    assert.equal(kinds[0], 'parameterSet');
    // Activation, then each day whose first mark changed the rate (the ±8 % days move sigma every day).
    assert.ok(kinds.slice(1).every((k) => k === 'rate') && kinds.length >= 5, kinds.join(','));
    assert.equal(report.ratesRecomputed, kinds.length - 1);
    const first = report.entries[1];
    assert.ok(first !== undefined && first.newRate !== null && first.oldRate === null);
    assert.ok(Array.isArray(first.inputs.history) && first.inputs.history.length === HISTORY_DAYS);

    // Publishing again appends nothing; publishing afresh writes the very same bytes.
    const again = runCli(['audit', 'publish', journalPath, log, '--key-seed-file', seedFile]);
    assert.equal(again.status, 0);
    assert.match(again.stdout, /entries appended\s+0/);
    const fresh = join(dir, 'b.jsonl');
    assert.equal(runCli(['audit', 'publish', journalPath, fresh, '--key-seed-file', seedFile]).status, 0);
    assert.equal(readFileSync(fresh, 'utf8'), readFileSync(log, 'utf8'));

    const verified = runCli(['audit', 'verify', log, '--public-key', LOG_PUBLIC]);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    const untrusted = runCli(['audit', 'verify', log, '--public-key', '11'.repeat(32)]);
    assert.equal(untrusted.status, 1);

    const proved = runCli(['audit', 'prove', log, '--entry', '2', '--old-size', '2', '--json']);
    assert.equal(proved.status, 0, proved.stdout + proved.stderr);
    const proofs = JSON.parse(proved.stdout) as { inclusion: InclusionProof };
    assert.ok(verifyInclusionProof(proofs.inclusion));
    assert.equal(proofs.inclusion.treeSize, kinds.length);
  });

  test('a properly signed rate that does not follow from its logged inputs is caught and located', () => {
    const source = join(dir, 'c.jsonl');
    assert.equal(runCli(['audit', 'publish', journalPath, source, '--key-seed-file', seedFile]).status, 0);
    const opened = DisclosureLog.open(source);
    assert.ok(opened.ok);
    const forged = join(dir, 'forged.jsonl');
    const created = DisclosureLog.create(forged);
    assert.ok(created.ok);
    const signer = { privateKey: logKey.value, keyId: keyIdOf(logKey.value) };
    for (let seq = 0; seq < opened.value.size; seq++) {
      const entry = opened.value.entry(seq);
      assert.ok(entry !== undefined);
      const { seq: _seq, prevHash: _prev, ...input } = entry;
      // The venue lowers the third entry's rate by a hundredth and signs it as its own.
      const newRate =
        seq === 2 && entry.newRate !== null ? String(Number(entry.newRate) - 0.01) : entry.newRate;
      const appended = created.value.append({ ...input, newRate }, { ...signer, timestampMs: entry.timeMs });
      assert.ok(appended.ok, JSON.stringify(!appended.ok && appended.error));
    }
    const verified = runCli(['audit', 'verify', forged, '--public-key', LOG_PUBLIC, '--json']);
    assert.equal(verified.status, 1);
    const body = JSON.parse(verified.stdout) as { errors: { seq: number | null; message: string }[] };
    assert.equal(body.errors.length, 1, verified.stdout);
    assert.equal(body.errors[0]?.seq, 2);
  });
});
