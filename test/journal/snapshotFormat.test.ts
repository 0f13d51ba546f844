/**
 * Snapshots carry their layout (`SNAPSHOT_FORMAT`). A snapshot written by a version with another layout (format 1:
 * fill ids without their times, no `format` field) is refused by `Engine.restore` with a `SnapshotFormatError`;
 * start-up passes over it and replays the whole journal (its commands are the truth), reports what it skipped, and
 * the next snapshot is written in this version's layout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sha256Hex } from '../../src/crypto/sha256.js';
import { Engine, SNAPSHOT_FORMAT, SnapshotFormatError, type Command } from '../../src/engine/index.js';
import {
  createMemoryJournalStore,
  DurableEngine,
  openMemoryJournal,
  openSqliteJournal,
  type MemoryJournalStore,
} from '../../src/journal/index.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';
import { CommandStream } from '../../src/simulator/randomCommands.js';

/** `count` seeded commands (fills among them, so fill ids are in the state). */
function commands(count: number): Command[] {
  const engine = Engine.create();
  const stream = new CommandStream({ seed: 77, accounts: 6, symbols: 2, invalidShare: 0.05 });
  const out: Command[] = [];
  for (let i = 0; i < count; i++) {
    const command = stream.next(engine.view);
    engine.apply(command);
    out.push(command);
  }
  return out;
}

/** This version's snapshot text of `engine` rewritten in format 1's layout (as an earlier version wrote it). */
function formatOneText(engine: Engine): string {
  const parsed = JSON.parse(engine.snapshot()) as {
    format?: number;
    state: { fillIds: unknown; fillIdWindowMs?: unknown };
  };
  delete parsed.format;
  delete parsed.state.fillIdWindowMs;
  parsed.state.fillIds = (parsed.state.fillIds as [string, number][]).map(([id]) => id).sort();
  return JSON.stringify(parsed);
}

async function journalWithOldSnapshot(
  list: readonly Command[],
  snapshotAfter: number,
): Promise<MemoryJournalStore> {
  const store = createMemoryJournalStore();
  const journal = openMemoryJournal(store);
  const durable = await DurableEngine.open(journal);
  await durable.submit(list.slice(0, snapshotAfter));
  const old = Engine.create();
  for (const command of list.slice(0, snapshotAfter)) old.apply(command);
  const state = formatOneText(old);
  await journal.saveSnapshot({ seq: snapshotAfter, stateHash: sha256Hex(state), state });
  await durable.submit(list.slice(snapshotAfter));
  await journal.close();
  return store;
}

describe('snapshot layouts', () => {
  const list = commands(600);
  const clean = Engine.create();
  for (const command of list) clean.apply(command);

  test('this version writes its format, and restores its own snapshots', () => {
    assert.equal((JSON.parse(clean.snapshot()) as { format: number }).format, SNAPSHOT_FORMAT);
    assert.equal(Engine.restore(clean.snapshot()).stateHash(), clean.stateHash());
  });

  test('a format-1 snapshot is refused by restore with a SnapshotFormatError naming both layouts', () => {
    assert.throws(
      () => Engine.restore(formatOneText(clean)),
      (error: unknown) =>
        error instanceof SnapshotFormatError && error.format === 1 && /layout 1 .*\(2\)/.test(error.message),
    );
  });

  test('start-up passes over it, replays the whole journal, and the next snapshot is in this layout', async () => {
    const store = await journalWithOldSnapshot(list, 400);
    const durable = await DurableEngine.open(openMemoryJournal(store));
    assert.equal(durable.stateHash(), clean.stateHash());
    assert.equal(durable.replayed, 600);
    assert.equal(durable.snapshotSeq, null);
    assert.equal(durable.skippedSnapshot?.seq, 400);
    assert.match(durable.skippedSnapshot.reason, /snapshot layout 1/);
    await durable.snapshot();
    await durable.journal.close();
    const again = await DurableEngine.open(openMemoryJournal(store));
    assert.equal(again.snapshotSeq, 600);
    assert.equal(again.replayed, 0);
    assert.equal(again.skippedSnapshot, null);
    assert.equal(again.stateHash(), clean.stateHash());
    await again.journal.close();
  });

  test('a snapshot request at the very seq of the skipped one keeps it, and start-up still replays', async () => {
    const store = await journalWithOldSnapshot(list, 600);
    const durable = await DurableEngine.open(openMemoryJournal(store));
    assert.equal(durable.skippedSnapshot?.seq, 600);
    await durable.snapshot(); // a seq holds one snapshot: nothing is written, nothing is refused
    await durable.journal.close();
    const again = await DurableEngine.open(openMemoryJournal(store));
    assert.equal(again.skippedSnapshot?.seq, 600);
    assert.equal(again.stateHash(), clean.stateHash());
    await again.journal.close();
  });

  test('a damaged snapshot in this layout still stops start-up, naming its seq', async () => {
    const store = createMemoryJournalStore();
    const journal = openMemoryJournal(store);
    const durable = await DurableEngine.open(journal);
    await durable.submit(list.slice(0, 100));
    // This layout, but the state it holds does not hash to the state hash it records.
    const engine = Engine.create();
    for (const command of list.slice(0, 100)) engine.apply(command);
    const parsed = JSON.parse(engine.snapshot()) as Record<string, unknown>;
    const state = JSON.stringify({ ...parsed, stateHash: '0'.repeat(64) });
    await journal.saveSnapshot({ seq: 100, stateHash: sha256Hex(state), state });
    await journal.close();
    await assert.rejects(
      DurableEngine.open(openMemoryJournal(store)),
      /snapshot at seq 100 cannot be restored: snapshot state does not match/,
    );
  });

  test('bulwark run and replay say which snapshot they passed over', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-snapshot-format-'));
    try {
      const path = join(dir, 'journal.db');
      const journal = openSqliteJournal(path);
      const durable = await DurableEngine.open(journal);
      await durable.submit(list.slice(0, 300));
      const old = Engine.create();
      for (const command of list.slice(0, 200)) old.apply(command);
      const state = formatOneText(old);
      await journal.saveSnapshot({ seq: 200, stateHash: sha256Hex(state), state });
      await journal.close();
      const replay = runCli(['replay', path, '--json']);
      assert.equal(replay.status, 0, replay.stderr);
      const counts = JSON.parse(replay.stdout) as {
        replayedCommands: number;
        fromSnapshotSeq: number | null;
        skippedSnapshot?: { seq: number; reason: string };
      };
      assert.equal(counts.replayedCommands, 300);
      assert.equal(counts.fromSnapshotSeq, null);
      assert.equal(counts.skippedSnapshot?.seq, 200);
      const text = runCli(['replay', path]);
      assert.match(text.stdout, /skippedSnapshot +seq 200: snapshot layout 1 /);
      const run = runCli(['run', path], '');
      assert.equal(run.status, 0, run.stderr);
      const ready = JSON.parse(run.stdout.split('\n')[0] ?? '') as {
        ready: boolean;
        skippedSnapshot?: { seq: number };
      };
      assert.equal(ready.ready, true);
      assert.equal(ready.skippedSnapshot?.seq, 200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
