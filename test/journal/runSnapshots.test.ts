/**
 * `bulwark run --snapshot-every N`: snapshots are saved as commands accumulate, so start-up replays only what came
 * after the latest one; 0 turns them off; a bad value is refused before the journal is touched. `--keep-snapshots K`
 * deletes all but the latest K after each save (default 2; 0 keeps every one), never a command.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureBuilt, runCli } from '../helpers/cli.js';

let dir = '';
before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'bulwark-run-snapshots-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `count` accepted commands as JSON lines: USDT, then accounts and deposits. */
function commandLines(count: number): string {
  const lines: string[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const timestampMs = 1_700_000_000_000 + seq;
    const command =
      seq === 1
        ? { type: 'configureAsset', asset: 'USDT', scale: 8 }
        : seq % 2 === 0
          ? { type: 'createAccount', accountId: `a${seq}` }
          : { type: 'deposit', accountId: `a${seq - 1}`, asset: 'USDT', amount: '100' };
    lines.push(JSON.stringify({ seq, timestampMs, ...command }));
  }
  return `${lines.join('\n')}\n`;
}

interface ReplayCounts {
  readonly replayedCommands: number;
  readonly fromSnapshotSeq: number | null;
  readonly lastSeq: number;
}

interface Inspected {
  readonly summary: { readonly count: number };
  readonly snapshots: readonly { readonly seq: number; readonly stateHash: string }[];
}

/** `journal inspect --json` of the run `name`'s journal (its chain verified: exit status 0). */
function inspect(name: string): Inspected {
  const run = runCli(['journal', 'inspect', join(dir, `${name}.db`), '--json']);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Inspected;
}

function runAndReplay(name: string, count: number, args: readonly string[]): ReplayCounts {
  const path = join(dir, `${name}.db`);
  const run = runCli(['run', path, ...args], commandLines(count));
  assert.equal(run.status, 0, run.stderr);
  const acks = run.stdout.split('\n').filter((line) => line.includes('"ok":true'));
  assert.equal(acks.length, count, run.stdout);
  const replay = runCli(['replay', path, '--json']);
  assert.equal(replay.status, 0, replay.stderr);
  return JSON.parse(replay.stdout) as ReplayCounts;
}

describe('bulwark run: automatic snapshots', () => {
  test('every N commands: start-up restores the latest and replays fewer than N', () => {
    const counts = runAndReplay('every5', 12, ['--snapshot-every', '5']);
    assert.equal(counts.lastSeq, 12);
    // However the lines were batched, a snapshot followed the batch that brought 5 or more since the last one.
    assert.ok(counts.fromSnapshotSeq !== null && counts.fromSnapshotSeq >= 5, JSON.stringify(counts));
    assert.ok(counts.replayedCommands < 5, JSON.stringify(counts));
    assert.equal(counts.fromSnapshotSeq + counts.replayedCommands, 12);
  });

  test('0: no snapshot unless asked, so start-up replays everything', () => {
    const counts = runAndReplay('never', 12, ['--snapshot-every', '0']);
    assert.equal(counts.fromSnapshotSeq, null);
    assert.equal(counts.replayedCommands, 12);
  });

  test('the default (100,000) takes none in a short run', () => {
    const counts = runAndReplay('default', 12, []);
    assert.equal(counts.fromSnapshotSeq, null);
    assert.equal(counts.replayedCommands, 12);
  });

  /** Runs `count` commands with `{"control":"snapshot"}` after every `every`-th (a snapshot at each such seq). */
  function runWithSnapshots(name: string, count: number, every: number, args: readonly string[]): void {
    const lines = commandLines(count)
      .trim()
      .split('\n')
      .flatMap((line, i) => ((i + 1) % every === 0 ? [line, '{"control":"snapshot"}'] : [line]));
    const run = runCli(
      ['run', join(dir, `${name}.db`), '--snapshot-every', '0', ...args],
      `${lines.join('\n')}\n`,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.split('\n').filter((line) => line.includes('"ok":true')).length, count);
  }

  test('after each snapshot the latest two are kept by default, older ones deleted; every command stays', () => {
    runWithSnapshots('keep-default', 9, 2, []);
    const { summary, snapshots } = inspect('keep-default');
    assert.equal(summary.count, 9);
    assert.deepEqual(
      snapshots.map((s) => s.seq),
      [6, 8],
    );
    const text = runCli(['journal', 'inspect', join(dir, 'keep-default.db')]);
    assert.match(text.stdout, /^snapshot {2}seq 8 \(older: seq 6\)$/m);
    const replay = runCli(['replay', join(dir, 'keep-default.db'), '--json']);
    assert.equal(replay.status, 0, replay.stderr);
    const counts = JSON.parse(replay.stdout) as ReplayCounts;
    assert.equal(counts.fromSnapshotSeq, 8);
    assert.equal(counts.replayedCommands, 1);
  });

  test('--keep-snapshots 1 keeps only the latest; 0 keeps every one', () => {
    runWithSnapshots('keep-one', 9, 2, ['--keep-snapshots', '1']);
    assert.deepEqual(
      inspect('keep-one').snapshots.map((s) => s.seq),
      [8],
    );
    runWithSnapshots('keep-all', 9, 2, ['--keep-snapshots', '0']);
    assert.deepEqual(
      inspect('keep-all').snapshots.map((s) => s.seq),
      [2, 4, 6, 8],
    );
  });

  for (const bad of ['x', '-1', '2.5', '']) {
    test(`--keep-snapshots ${JSON.stringify(bad)} is refused, naming the option, and no journal is made`, () => {
      const path = join(dir, `bad-keep-${bad.length}-${bad.replace(/\W/g, '_')}.db`);
      const run = runCli(['run', path, '--keep-snapshots', bad], commandLines(3));
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--keep-snapshots: .* is not a whole number/);
      assert.ok(!existsSync(path), 'the journal file was created');
    });
  }

  for (const bad of ['x', '-1', '1e3', '2.5', '']) {
    test(`--snapshot-every ${JSON.stringify(bad)} is refused, naming the option, and no journal is made`, () => {
      const path = join(dir, `bad-${bad.length}-${bad.replace(/\W/g, '_')}.db`);
      const run = runCli(['run', path, '--snapshot-every', bad], commandLines(3));
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--snapshot-every: .* is not a whole number/);
      assert.ok(!existsSync(path), 'the journal file was created');
    });
  }
});
