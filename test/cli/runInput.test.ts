/**
 * `bulwark run`'s replies to input that is not a command it can take: a line that is not JSON, an unknown control,
 * a command out of sequence and one without a header each get a reply naming what was wrong (the input line where
 * there is no seq), with the engine's own codes, as does a command too large for the journal,
 * nothing of theirs is journaled, and the commands around them are acknowledged and journaled as usual.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { serveJournal } from '../../src/cli/run.js';
import { createMemoryJournalStore, openMemoryJournal, type Journal } from '../../src/journal/index.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';

let dir = '';
before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'bulwark-run-input-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const command = (seq: number, body: Record<string, unknown>): string =>
  JSON.stringify({ seq, timestampMs: 1_700_000_000_000 + seq, ...body });

/** `bulwark run` on a new journal `name` with `lines` on standard input: its path and every output line, parsed. */
function run(name: string, lines: readonly string[]): { path: string; replies: Record<string, unknown>[] } {
  const path = join(dir, `${name}.db`);
  const result = runCli(['run', path], `${lines.join('\n')}\n`);
  assert.equal(result.status, 0, result.stderr);
  const replies = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { path, replies };
}

describe('bulwark run: replies to bad input lines', () => {
  test('each bad line is named and skipped; the commands around it are journaled', () => {
    const { path, replies } = run('bad-lines', [
      command(1, { type: 'configureAsset', asset: 'USDT', scale: 8 }),
      '',
      '{"seq": 2, "timestampMs": ',
      JSON.stringify({ control: 'rewind' }),
      command(3, { type: 'createAccount', accountId: 'a' }),
      command(2, { type: 'createAccount', accountId: 'a' }),
    ]);
    // The ready line, then one reply per non-blank input line, in order.
    assert.equal(replies[0]?.ready, true);
    assert.deepEqual(replies[1], { seq: 1, ok: true, events: 1 });
    const invalid = replies[2];
    assert.equal(invalid?.line, 3, 'the blank line 2 is counted');
    assert.equal(invalid.error, 'invalid_json');
    assert.match(String(invalid.message), /JSON/);
    assert.equal(replies[3]?.line, 4);
    assert.equal(replies[3].error, 'unknown_control');
    assert.match(String(replies[3].message), /"rewind"/);
    assert.equal(replies[4]?.code, 'sequence_gap');
    assert.equal(replies[4].seq, 3);
    assert.match(String(replies[4].message), /seq 3 skips after 1/);
    assert.deepEqual(replies[5], { seq: 2, ok: true, events: 1 });
    assert.equal(replies.length, 6);

    const replay = runCli(['replay', path, '--json']);
    assert.equal(replay.status, 0, replay.stderr);
    const counts = JSON.parse(replay.stdout) as { lastSeq: number; accounts: number };
    assert.equal(counts.lastSeq, 2);
    assert.equal(counts.accounts, 1);
  });

  test('replies come in input order when a refused line follows commands of the same batch', () => {
    const { replies } = run('order', [
      command(1, { type: 'configureAsset', asset: 'USDT', scale: 8 }),
      command(2, { type: 'createAccount', accountId: 'a' }),
      command(2, { type: 'createAccount', accountId: 'b' }),
      command(3, { type: 'createAccount', accountId: 'a' }),
      command(4, { type: 'createAccount', accountId: 'b' }),
      JSON.stringify({ seq: 5, type: 'createAccount', accountId: 'c' }),
      '[]',
      command(5, { type: 'createAccount', accountId: 'c' }),
    ]);
    assert.deepEqual(
      replies.slice(1).map((r) => [r.seq, r.ok, r.code ?? null]),
      [
        [1, true, null],
        [2, true, null],
        [2, false, 'sequence_reorder'],
        [3, false, 'duplicate_account'],
        [4, true, null],
        [5, false, 'invalid_command'],
        [null, false, 'invalid_command'],
        [5, true, null],
      ],
      JSON.stringify(replies),
    );
  });
});

describe('bulwark run: a command the journal cannot take', () => {
  test('too long, or nested too deeply to serialise: refused, not journaled, and the engine goes on', () => {
    const depth = 100_000;
    const { path, replies } = run('unjournalable', [
      command(1, { type: 'configureAsset', asset: 'USDT', scale: 8 }),
      command(2, { type: 'createAccount', accountId: 'a', note: 'x'.repeat(1_100_000) }),
      // JSON.parse takes any depth; JSON.stringify, which makes the journal's payload, recurses.
      `{"seq":2,"timestampMs":1700000000002,"type":"createAccount","accountId":"a","note":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      // A header or control nested as deep is refused without being echoed back (the reply is made with
      // JSON.stringify too).
      `{"seq":${'['.repeat(depth)}${']'.repeat(depth)},"timestampMs":1,"type":"createAccount","accountId":"a"}`,
      `{"control":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      command(2, { type: 'createAccount', accountId: 'a' }),
    ]);
    assert.deepEqual(
      replies.slice(1).map((r) => [r.seq, r.ok, r.code ?? r.error ?? null]),
      [
        [1, true, null],
        [2, false, 'invalid_command'],
        [2, false, 'invalid_command'],
        [null, false, 'invalid_command'],
        [undefined, undefined, 'unknown_control'],
        [2, true, null],
      ],
      JSON.stringify(replies).slice(0, 2000),
    );
    assert.match(String(replies[2]?.message), /characters as JSON; the journal holds at most 1048576/);
    assert.match(String(replies[3]?.message), /nested too deeply/);
    const replay = runCli(['replay', path, '--json']);
    assert.equal(replay.status, 0, replay.stderr);
    assert.equal((JSON.parse(replay.stdout) as { lastSeq: number }).lastSeq, 2);
  });
});

/** A memory journal whose `failAppend`-th append (1-based; 0: none) or every snapshot save fails as a full disk would. */
function failingJournal(
  store: ReturnType<typeof createMemoryJournalStore>,
  failAppend: number,
  failSnapshots: boolean,
): Journal {
  const inner = openMemoryJournal(store);
  let appends = 0;
  return {
    append: async (entries) => {
      appends += 1;
      if (appends === failAppend) throw new Error('disk full');
      return inner.append(entries);
    },
    lastSeq: () => inner.lastSeq(),
    read: (fromSeq, limit) => inner.read(fromSeq, limit),
    verify: () => inner.verify(),
    saveSnapshot: async (snapshot) => {
      if (failSnapshots) throw new Error('disk full');
      return inner.saveSnapshot(snapshot);
    },
    latestSnapshot: () => inner.latestSnapshot(),
    listSnapshots: () => inner.listSnapshots(),
    pruneSnapshots: (keep) => inner.pruneSnapshots(keep),
    close: () => inner.close(),
  };
}

/** Serves `journal` with an input stream the test writes to and never ends; the lines written so far. */
function serve(journal: Journal): {
  input: PassThrough;
  written: string[];
  served: Promise<number>;
  until: (count: number) => Promise<void>;
} {
  const input = new PassThrough();
  const written: string[] = [];
  const served = serveJournal(
    journal,
    input,
    { write: (text) => written.push(...text.trim().split('\n')) },
    { snapshotEvery: 0, keepSnapshots: 0 },
  );
  const until = async (count: number): Promise<void> => {
    while (written.length < count) await new Promise((resolve) => setImmediate(resolve));
  };
  return { input, written, served, until };
}

const parsedLines = (lines: readonly string[]): Record<string, unknown>[] =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('bulwark run: group commit', () => {
  test('lines read together are journaled together, up to 1,000 a transaction; reading pauses and resumes', async () => {
    const store = createMemoryJournalStore();
    const inner = openMemoryJournal(store);
    const batches: number[] = [];
    const journal: Journal = {
      ...failingJournal(store, 0, false),
      append: async (entries) => {
        batches.push(entries.length);
        return inner.append(entries);
      },
    };
    const { input, written, served } = serve(journal);
    const count = 20_000;
    const lines = [command(1, { type: 'configureAsset', asset: 'USDT', scale: 8 })];
    for (let seq = 2; seq <= count; seq++)
      lines.push(command(seq, { type: 'createAccount', accountId: `a${seq}` }));
    // Four writes of 5,000 lines: more than the 16,000 pending lines at which reading pauses, in all.
    for (let i = 0; i < count; i += 5_000) input.write(`${lines.slice(i, i + 5_000).join('\n')}\n`);
    input.end();
    assert.equal(await served, 0);
    const replies = parsedLines(written.slice(1));
    assert.equal(replies.length, count);
    assert.ok(
      replies.every((r, i) => r.seq === i + 1 && r.ok === true),
      'every command acknowledged, in order',
    );
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      count,
    );
    const shown = `${batches.length} appends, the first ${batches.slice(0, 20).join(', ')}`;
    assert.ok(Math.max(...batches) <= 1_000, shown);
    // One command a transaction would be 20,000 appends; lines read together share one.
    assert.ok(batches.length <= 40, shown);
  });
});

describe('bulwark run: a batch that cannot be journaled stops the engine', () => {
  test('the acknowledged commands stay, nothing of the failed batch is acknowledged, and the loop ends', async () => {
    const store = createMemoryJournalStore();
    const { input, written, served, until } = serve(failingJournal(store, 2, false));
    input.write(`${command(1, { type: 'configureAsset', asset: 'USDT', scale: 8 })}\n`);
    await until(2);
    input.write(
      `${command(2, { type: 'createAccount', accountId: 'a' })}\n${command(3, { type: 'createAccount', accountId: 'b' })}\n`,
    );
    // The input is never ended: the failure alone ends the loop.
    assert.equal(await served, 4);
    const replies = parsedLines(written);
    assert.equal(replies[0]?.ready, true);
    assert.deepEqual(replies[1], { seq: 1, ok: true, events: 1 });
    assert.deepEqual(replies.slice(2), [{ error: 'engine_stopped', message: 'disk full', lastSeq: 1 }]);
    // Lines after the failure are not read.
    input.write(`${command(4, { type: 'createAccount', accountId: 'c' })}\n`);
    assert.equal(await openMemoryJournal(store).lastSeq(), 1);
  });

  test('a snapshot that cannot be saved: the commands before it are acknowledged, then the engine stops', async () => {
    const store = createMemoryJournalStore();
    const { input, written, served } = serve(failingJournal(store, 0, true));
    input.write(
      [
        command(1, { type: 'configureAsset', asset: 'USDT', scale: 8 }),
        command(2, { type: 'createAccount', accountId: 'a' }),
        JSON.stringify({ control: 'snapshot' }),
        command(3, { type: 'createAccount', accountId: 'b' }),
      ].join('\n') + '\n',
    );
    assert.equal(await served, 4);
    assert.deepEqual(parsedLines(written).slice(1), [
      { seq: 1, ok: true, events: 1 },
      { seq: 2, ok: true, events: 1 },
      { error: 'engine_stopped', message: 'disk full', lastSeq: 2 },
    ]);
    assert.equal(await openMemoryJournal(store).lastSeq(), 2);
  });

  test('a read error of the input stops the engine after the acknowledgements due', async () => {
    const store = createMemoryJournalStore();
    const { input, written, served, until } = serve(failingJournal(store, 0, false));
    input.write(`${command(1, { type: 'configureAsset', asset: 'USDT', scale: 8 })}\n`);
    await until(2);
    input.destroy(new Error('read failed'));
    assert.equal(await served, 4);
    assert.deepEqual(parsedLines(written).slice(1), [
      { seq: 1, ok: true, events: 1 },
      { error: 'engine_stopped', message: 'read failed', lastSeq: 1 },
    ]);
  });
});
