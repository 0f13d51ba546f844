import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rational } from '../../src/numbers/index.js';
import { assertWellFormed, ensureBuilt, loadVectors, runCli } from '../helpers/cli.js';
import { dec, decScientific } from '../helpers/model.js';

/** The acceptance tolerance: |got − want| ≤ 1e-9 × |want| + 1e-6 (a vector may only be stricter). */
const RELATIVE = decScientific('1e-9');
const ABSOLUTE = decScientific('1e-6');
const PUBLISHED = dec('0.01');

const { vectors, errors } = loadVectors();
let dir = '';

before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'bulwark-calc-'));
});

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** `positions[0].liquidationPrice` or `account.marginBalance` inside a response. */
function at(body: unknown, path: string): unknown {
  let value: unknown = body;
  for (const part of path.split('.')) {
    const match = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(part);
    assert.ok(match !== null, `bad expectation path ${path}`);
    assert.ok(typeof value === 'object' && value !== null, `${path}: ${part} of a non-object`);
    value = (value as Record<string, unknown>)[match[1] ?? ''];
    if (match[2] !== undefined) {
      assert.ok(Array.isArray(value), `${path}: ${match[1] ?? ''} is not an array`);
      value = (value as unknown[])[Number(match[2])];
    }
  }
  return value;
}

function exact(value: unknown, label: string): Rational {
  assert.equal(typeof value, 'string', `${label}: expected a decimal string, got ${JSON.stringify(value)}`);
  return dec(value as string);
}

function parseAnswer(stdout: string): unknown {
  assert.ok(stdout.endsWith('\n'), 'the answer ends with a newline');
  return JSON.parse(stdout) as unknown;
}

function writeRequest(name: string, request: unknown): { path: string; text: string } {
  const text = JSON.stringify(request, null, 1);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, text);
  return { path, text };
}

describe('vectors/calc.json through the built CLI', () => {
  test('the file has vectors and error cases', () => {
    assert.ok(vectors.length >= 8, `only ${vectors.length} vectors`);
    assert.ok(errors.length >= 2, `only ${errors.length} error cases`);
  });

  for (const vector of vectors) {
    test(`${vector.id}: every expected figure within tolerance`, () => {
      const relative = decScientific(vector.tolerance?.relative ?? '1e-9');
      const absolute = decScientific(vector.tolerance?.absolute ?? '1e-6');
      assert.ok(relative.lte(RELATIVE) && absolute.lte(ABSOLUTE), 'a vector may not loosen the tolerance');
      const { path, text } = writeRequest(vector.id, vector.request);
      const run = runCli(['calc', path]);
      assert.equal(run.status, 0, `exit ${String(run.status)}: ${run.stdout}${run.stderr}`);
      const body = parseAnswer(run.stdout);
      assertWellFormed(run.status, body, text);
      assert.ok(Object.keys(vector.expect).length > 0);
      for (const [field, want] of Object.entries(vector.expect)) {
        const got = at(body, field);
        if (want === null) {
          assert.equal(got, null, `${field}: expected null`);
          continue;
        }
        const wantValue = dec(want);
        const gotValue = exact(got, field);
        const error = gotValue.sub(wantValue).abs();
        const allowed = wantValue.abs().mul(relative).add(absolute);
        assert.ok(
          error.lte(allowed),
          `${field}: got ${String(got)}, want ${want} (off by ${error.format('halfEven', 6)})`,
        );
      }
      for (const [field, published] of Object.entries(vector.published ?? {})) {
        const gotValue = exact(at(body, field), field);
        const error = gotValue.sub(dec(published)).abs();
        assert.ok(
          error.lte(PUBLISHED),
          `${field}: got ${gotValue.format('halfEven', 12)}, the source publishes ${published}`,
        );
      }
    });

    test(`${vector.id}: standard input, "-" and --compact give the same answer`, () => {
      const { path, text } = writeRequest(`${vector.id}-io`, vector.request);
      const fromFile = runCli(['calc', path]);
      const fromStdin = runCli(['calc'], text);
      const fromDash = runCli(['calc', '-'], text);
      const compact = runCli(['calc', '--compact', path]);
      for (const run of [fromFile, fromStdin, fromDash, compact]) assert.equal(run.status, 0, run.stdout);
      assert.equal(fromStdin.stdout, fromFile.stdout);
      assert.equal(fromDash.stdout, fromFile.stdout);
      assert.equal(compact.stdout.split('\n').length, 2, 'one line and a final newline');
      assert.ok(compact.stdout.endsWith('\n'));
      assert.deepEqual(parseAnswer(compact.stdout), parseAnswer(fromFile.stdout));
      assert.ok(fromFile.stdout.split('\n').length > 3, 'the default output is indented');
    });
  }

  for (const errorCase of errors) {
    test(`${errorCase.id}: exit 2 with a JSON error at the offending path`, () => {
      const { path, text } = writeRequest(errorCase.id, errorCase.request);
      for (const run of [
        runCli(['calc', path]),
        runCli(['calc'], text),
        runCli(['calc', '--compact', '-'], text),
      ]) {
        assert.equal(run.status, errorCase.expectError.exitCode);
        assert.equal(run.status, 2);
        const body = parseAnswer(run.stdout);
        assertWellFormed(run.status, body, text);
        const error = (body as { error: { code: string; path: string } }).error;
        if (errorCase.expectError.pathContains !== undefined) {
          assert.ok(
            error.path.includes(errorCase.expectError.pathContains),
            `path "${error.path}" does not contain "${errorCase.expectError.pathContains}"`,
          );
        }
        if (errorCase.expectError.code !== undefined) assert.equal(error.code, errorCase.expectError.code);
      }
    });
  }
});

describe('bulwark calc input handling', () => {
  test('a missing file is exit 2 with a JSON error', () => {
    const run = runCli(['calc', join(dir, 'does-not-exist.json')]);
    assert.equal(run.status, 2);
    const body = parseAnswer(run.stdout);
    assertWellFormed(2, body, '');
    assert.equal((body as { error: { code: string } }).error.code, 'unreadable_input');
  });

  test('a directory is exit 2 with a JSON error', () => {
    const run = runCli(['calc', dir]);
    assert.equal(run.status, 2);
    const body = parseAnswer(run.stdout);
    assertWellFormed(2, body, '');
    assert.equal((body as { error: { code: string } }).error.code, 'unreadable_input');
  });

  test('usage errors (unknown option, extra argument) exit 2 with the JSON error, reason also on stderr', () => {
    for (const args of [
      ['calc', '--bogus'],
      ['calc', 'a.json', 'b.json'],
    ]) {
      const run = runCli(args);
      assert.equal(run.status, 2, args.join(' '));
      const body = parseAnswer(run.stdout);
      assertWellFormed(2, body, args.join(' '));
      assert.equal((body as { error: { code: string } }).error.code, 'invalid_arguments');
      assert.notEqual(run.stderr, '', 'the reason on standard error');
    }
  });

  test('a UTF-8 byte-order mark before the JSON is ignored', () => {
    const request = readFileSync(new URL('../../examples/portfolio.json', import.meta.url), 'utf8');
    const plain = runCli(['calc'], request);
    const withBom = runCli(['calc'], '\uFEFF' + request);
    assert.equal(plain.status, 0);
    assert.equal(withBom.status, 0);
    assert.equal(withBom.stdout, plain.stdout);
  });

  test('invalid and empty JSON on standard input are exit 2 invalid_json', () => {
    for (const input of ['', '{', '{"rulebook": "binance",}', 'null x', '\u0000']) {
      const run = runCli(['calc'], input);
      assert.equal(run.status, 2, `input ${JSON.stringify(input)}`);
      const body = parseAnswer(run.stdout);
      assertWellFormed(2, body, input);
      assert.equal((body as { error: { code: string } }).error.code, 'invalid_json');
    }
  });

  test('--compact error output is one line', () => {
    const run = runCli(['calc', '--compact'], '[]');
    assert.equal(run.status, 2);
    assert.equal(run.stdout.split('\n').length, 2);
    assertWellFormed(2, parseAnswer(run.stdout), '[]');
  });
});
