/**
 * `bulwark replay` and `bulwark journal inspect` on things that are not journals, and inspect's numeric options: each
 * is refused with exit status 2 and a message that names the file or the option and the text given.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureBuilt, runCli } from '../helpers/cli.js';

let dir = '';
let journal = '';
before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'bulwark-journal-cli-'));
  journal = join(dir, 'journal.db');
  const command = { seq: 1, timestampMs: 1, type: 'configureAsset', asset: 'USDT', scale: 8 };
  assert.equal(runCli(['run', journal], `${JSON.stringify(command)}\n`).status, 0);
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('journal commands: what is not a journal, and bad numbers', () => {
  test('a directory is named as one, by replay, inspect and run', () => {
    for (const args of [
      ['replay', dir],
      ['journal', 'inspect', dir],
    ]) {
      const run = runCli(args);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stdout + run.stderr, /cannot open journal .*: it is a directory/);
    }
    const run = runCli(['run', dir]);
    assert.equal(run.status, 2);
    assert.match(run.stdout, /"ready":false,"error":"cannot open journal .*: it is a directory"/);
  });

  test('a file that is not SQLite: said once, naming the file', () => {
    const text = join(dir, 'commands.jsonl');
    writeFileSync(text, '{"seq":1}\n'.repeat(200));
    const run = runCli(['replay', text]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, `bulwark replay: ${text} is not a Bulwark journal: not an SQLite database\n`);
  });

  test('inspect --from and --limit take whole numbers only', () => {
    for (const [option, value] of [
      ['--limit', 'abc'],
      ['--from', '12abc'],
      ['--from', '-1'],
      ['--limit', '1e3'],
    ] as const) {
      const run = runCli(['journal', 'inspect', journal, option, value]);
      assert.equal(run.status, 2, `${option} ${value}: ${run.stdout}`);
      assert.ok(run.stderr.includes(`${option}: "${value}" is not a whole number`), run.stderr);
    }
    const ok = runCli(['journal', 'inspect', journal, '--from', '1', '--limit', '5', '--json']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { summary: { count: number } }).summary.count, 1);
  });
});
