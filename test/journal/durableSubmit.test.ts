/**
 * `DurableEngine.submit` refuses a batch whose commands lack a valid header (not an object, null, the wrong seq,
 * a bad timestamp) before anything is journaled: the journal and the state stay as they were, and the next valid
 * batch carries on. Malformed bodies with a valid header are journaled and rejected by the engine with a code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Command } from '../../src/engine/index.js';
import { commandPayload, DurableEngine, openMemoryJournal } from '../../src/journal/index.js';

const header = (seq: number): { seq: number; timestampMs: number } => ({ seq, timestampMs: 1_000 + seq });

describe('DurableEngine.submit: headers are checked before journaling', () => {
  test('null, non-objects, wrong seq and bad timestamps are refused; nothing is journaled', async () => {
    const journal = openMemoryJournal();
    const engine = await DurableEngine.open(journal);
    await engine.submit([{ ...header(1), type: 'configureAsset', asset: 'USDT', scale: 8 }]);
    const hash = engine.stateHash();
    const bad: unknown[] = [
      null,
      undefined,
      7,
      'configureAsset',
      { ...header(3), type: 'createAccount', accountId: 'a' },
      { ...header(1), type: 'createAccount', accountId: 'a' },
      { seq: 2, timestampMs: -1, type: 'createAccount', accountId: 'a' },
      { seq: 2, timestampMs: 1.5, type: 'createAccount', accountId: 'a' },
    ];
    for (const command of bad) {
      await assert.rejects(
        engine.submit([command as Command]),
        /must have seq 2/,
        `${typeof command}: ${JSON.stringify(command)}`,
      );
      assert.equal(await journal.lastSeq(), 1);
      assert.equal(engine.stateHash(), hash);
    }
    // A valid header with a malformed body is journaled and rejected with a code (it consumes its seq).
    const [rejected] = await engine.submit([
      {
        ...header(2),
        type: 'fill',
        fillId: 'f',
        symbol: 'X',
        price: '1',
        qty: '1',
        buyer: null,
      } as unknown as Command,
    ]);
    assert.ok(rejected !== undefined && !rejected.ok);
    assert.equal(await journal.lastSeq(), 2);
    assert.equal(engine.stateHash(), hash);
    const [created] = await engine.submit([{ ...header(3), type: 'createAccount', accountId: 'a' }]);
    assert.ok(created?.ok);
  });

  test('payloads given with a batch are what is journaled, verbatim; a count that does not match is refused', async () => {
    const journal = openMemoryJournal();
    const engine = await DurableEngine.open(journal);
    const commands: Command[] = [
      { ...header(1), type: 'configureAsset', asset: 'USDT', scale: 8 },
      { ...header(2), type: 'createAccount', accountId: 'a' },
    ];
    await assert.rejects(engine.submit(commands, commands.slice(1).map(commandPayload)), /1 payloads/);
    assert.equal(await journal.lastSeq(), 0);
    // Indented, so that they differ from what submit would make (the same JSON values, so replay agrees).
    const payloads = commands.map((command) => JSON.stringify(command, null, 1));
    const results = await engine.submit(commands, payloads);
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual(
      (await journal.read(1)).map((r) => r.payload),
      payloads,
    );
  });
});
