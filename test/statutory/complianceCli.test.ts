import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCompliance } from '../../src/cli/compliance.js';

/** `bulwark compliance`: the shipped profiles and the default formula pass; the founding formula is flagged. */

interface Body {
  errors: number;
  findings: { check: number; code: string; severity: string; subject: string }[];
}

function run(options: Parameters<typeof runCompliance>[0]): { exitCode: number; body: Body } {
  const { exitCode, output } = runCompliance({ ...options, json: true });
  return { exitCode, body: JSON.parse(output) as Body };
}

test('every shipped profile and the default formula pass every check', () => {
  const { exitCode, body } = run({});
  assert.deepEqual(body.findings, []);
  assert.equal(exitCode, 0);
});

test('the founding formula is flagged by check 7: its rate falls as leverage rises', () => {
  const { exitCode, body } = run({ formula: 'founding' });
  assert.equal(exitCode, 1);
  assert.deepEqual(
    body.findings.map((f) => [f.check, f.code, f.severity, f.subject]),
    [[7, 'decreasing_in_leverage', 'error', 'founding formula']],
  );
});

test('a formula given as text is checked with its parameters; bad options are exit 2', () => {
  assert.deepEqual(
    run({ formula: 'base - sigma', param: ['base=0.5'] }).body.findings.map((f) => f.code),
    ['decreasing_in_sigma'],
  );
  assert.equal(run({ formula: 'base + 2 * sigma', param: ['base=0.01'] }).exitCode, 0);
  assert.equal(runCompliance({ formula: 'constructor' }).exitCode, 2);
  assert.equal(runCompliance({ formula: 'founding', param: ['alpha'] }).exitCode, 2);
});
