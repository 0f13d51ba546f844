import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, checkInvariants, type Command } from '../src/engine/index.js';
import { DurableEngine, commandPayload, openSqliteJournal, snapshotOf } from '../src/journal/index.js';
import { CommandStream } from '../src/simulator/randomCommands.js';

const COMMANDS = Number(process.env.BULWARK_LONG_COMMANDS ?? 1_000_000);
const BATCH = 1000;
const SEED = 20261121;

test(
  `${COMMANDS} seeded commands: invariants after every one; the SQLite journal replays to the same hash`,
  { timeout: 60 * 60 * 1000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-long-'));
    const path = join(dir, 'journal.db');
    try {
      const journal = openSqliteJournal(path);
      const engine = Engine.create();
      const stream = new CommandStream({ seed: SEED, accounts: 200, symbols: 4, invalidShare: 0.02 });
      let batch: Command[] = [];
      let accepted = 0;
      let snapshotSeq = 0;
      const started = performance.now();
      for (let i = 1; i <= COMMANDS; i++) {
        const command = stream.next(engine.view);
        // The hash check is costly (whole state); sample it on rejections, the property tests check every one.
        const before = i % 101 === 0 ? engine.stateHash() : null;
        const result = engine.apply(command);
        if (result.ok) accepted++;
        else if (before !== null)
          assert.equal(engine.stateHash(), before, `rejected command ${i} changed the state`);
        const violations = checkInvariants(engine.view);
        if (violations.length > 0)
          assert.fail(
            `invariants broken after command ${i} ${JSON.stringify(command)}: ${JSON.stringify(violations)}`,
          );
        batch.push(command);
        if (batch.length === BATCH) {
          await journal.append(batch.map((c) => ({ seq: c.seq, payload: commandPayload(c) })));
          batch = [];
        }
        if (i === Math.floor(COMMANDS / 2)) {
          snapshotSeq = i;
          await journal.saveSnapshot(snapshotOf(engine));
        }
      }
      if (batch.length > 0)
        await journal.append(batch.map((c) => ({ seq: c.seq, payload: commandPayload(c) })));
      const liveHash = engine.stateHash();
      t.diagnostic(
        `applied ${COMMANDS} commands (${accepted} accepted) in ${((performance.now() - started) / 1000).toFixed(1)} s; hash ${liveHash}`,
      );
      await journal.close();

      // Start-up path: verify the chain, restore the snapshot, replay the second half.
      const reopened = openSqliteJournal(path, { readonly: true });
      const fromSnapshot = await DurableEngine.open(reopened);
      assert.equal(fromSnapshot.lastSeq, COMMANDS);
      assert.equal(fromSnapshot.replayed, COMMANDS - snapshotSeq);
      assert.equal(fromSnapshot.stateHash(), liveHash, 'snapshot + replay');

      // A full replay of every journaled command from an empty engine.
      const full = Engine.create();
      for (let from = 1; ;) {
        const page = await reopened.read(from, 50_000);
        if (page.length === 0) break;
        for (const record of page) full.apply(JSON.parse(record.payload) as Command);
        from = (page[page.length - 1]?.seq ?? from) + 1;
      }
      assert.equal(full.lastSeq, COMMANDS);
      assert.equal(full.stateHash(), liveHash, 'full replay');
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
