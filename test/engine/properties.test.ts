import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Engine, checkInvariants, type Command } from '../../src/engine/index.js';
import { CommandStream } from '../../src/simulator/randomCommands.js';

/** Runs a seeded stream, checking everything the engine promises after every command. */
function runStream(
  seed: number,
  count: number,
  accounts: number,
  symbols: number,
): { commands: Command[]; hash: string; snapshotAt: string; snapshotSeq: number } {
  const engine = Engine.create();
  const stream = new CommandStream({ seed, accounts, symbols, invalidShare: 0.05 });
  const commands: Command[] = [];
  let snapshotAt = '';
  let snapshotSeq = 0;
  for (let i = 0; i < count; i++) {
    const command = stream.next(engine.view);
    commands.push(command);
    const before = engine.stateHash();
    const result = engine.apply(command);
    if (!result.ok)
      assert.equal(
        engine.stateHash(),
        before,
        `rejected ${command.type} (${result.code}) changed the state, seed ${seed}`,
      );
    const violations = checkInvariants(engine.view);
    assert.deepEqual(violations, [], `seed ${seed}, command ${JSON.stringify(command)}`);
    if (i === Math.floor(count / 2)) {
      snapshotAt = engine.snapshot();
      snapshotSeq = command.seq;
    }
  }
  return { commands, hash: engine.stateHash(), snapshotAt, snapshotSeq };
}

test('random command streams: invariants after every command, rejections change nothing, replay and resume agree', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.integer({ min: 2, max: 12 }),
      fc.integer({ min: 1, max: 3 }),
      (seed, accounts, symbols) => {
        const run = runStream(seed, 1000, accounts, symbols);
        const replay = Engine.create();
        for (const command of run.commands) replay.apply(command);
        assert.equal(replay.stateHash(), run.hash, 'a replay of the same commands ends on the same hash');
        const resumed = Engine.restore(run.snapshotAt);
        for (const command of run.commands.filter((c) => c.seq > run.snapshotSeq)) resumed.apply(command);
        assert.equal(resumed.stateHash(), run.hash, 'snapshot + the commands after it ends on the same hash');
      },
    ),
    { numRuns: 40 },
  );
});

test('the same seed gives the same stream and the same hash; another seed another hash', () => {
  const a = runStream(7, 400, 6, 2);
  const b = runStream(7, 400, 6, 2);
  const c = runStream(8, 400, 6, 2);
  assert.equal(a.hash, b.hash);
  assert.deepEqual(a.commands, b.commands);
  assert.notEqual(a.hash, c.hash);
});
