/** Running the built `bulwark` CLI, and the shape every `bulwark calc` answer must have. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/bulwark.js', import.meta.url));
const builtMain = new URL('../../dist/cli/main.js', import.meta.url);

/** Builds dist/ once when it is missing (the CLI runs the compiled code). */
export function ensureBuilt(): void {
  if (existsSync(builtMain)) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
  assert.ok(existsSync(builtMain), 'npm run build did not produce dist/cli/main.js');
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/bulwark.js ...args` with `input` on standard input. */
export function runCli(args: readonly string[], input = ''): CliRun {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    input,
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The vectors file of this repository (never the shared copy). */
export function loadVectors(): {
  vectors: {
    id: string;
    request: unknown;
    expect: Record<string, string | null>;
    tolerance?: { relative?: string; absolute?: string };
    published?: Record<string, string>;
  }[];
  errors: {
    id: string;
    request: unknown;
    expectError: { exitCode: number; pathContains?: string; code?: string };
  }[];
} {
  return JSON.parse(readFileSync(new URL('../../vectors/calc.json', import.meta.url), 'utf8')) as ReturnType<
    typeof loadVectors
  >;
}

const PLAIN_DECIMAL = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;
const ACCOUNT_FIGURES = [
  'walletBalance',
  'unrealizedPnl',
  'marginBalance',
  'maintenanceMargin',
  'initialMargin',
  'marginRatio',
  'availableBalance',
];
const POSITION_FIGURES = [
  'notional',
  'unrealizedPnl',
  'mmr',
  'maintenanceMargin',
  'initialMargin',
  'liquidationPrice',
  'bankruptcyPrice',
];
const NULLABLE = new Set(['marginRatio', 'liquidationPrice', 'bankruptcyPrice']);
const POSITION_LABELS: Record<string, readonly string[]> = {
  positionSide: ['BOTH', 'LONG', 'SHORT'],
  side: ['long', 'short'],
  marginMode: ['cross', 'isolated'],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertFigure(value: unknown, key: string, where: string): void {
  if (value === null) {
    assert.ok(
      NULLABLE.has(key) || !ACCOUNT_FIGURES.concat(POSITION_FIGURES).includes(key),
      `${where}.${key} is null`,
    );
    return;
  }
  assert.equal(
    typeof value,
    'string',
    `${where}.${key} must be a decimal string, got ${JSON.stringify(value)}`,
  );
  assert.match(
    value as string,
    PLAIN_DECIMAL,
    `${where}.${key} is not a plain decimal: ${JSON.stringify(value)}`,
  );
  assert.notEqual(value, '-0', `${where}.${key} is negative zero`);
}

/** How many positions a request text holds, read with the platform's JSON (null when it does not parse). */
function positionCount(requestText: string): number | null {
  try {
    const request = JSON.parse(requestText) as unknown;
    if (!isRecord(request) || !isRecord(request.account)) return null;
    const positions = request.account.positions;
    return Array.isArray(positions) ? positions.length : 0;
  } catch {
    return null;
  }
}

/**
 * The calculator contract's two outcomes: exit 0 with a complete answer (every figure a plain decimal string
 * or null where the contract allows null) or exit 2 with `{error: {code, message, path}}` and nothing else.
 */
export function assertWellFormed(exitCode: number | null, body: unknown, requestText: string): void {
  assert.ok(
    exitCode === 0 || exitCode === 2,
    `exit code ${String(exitCode)} (1 means a bug): ${JSON.stringify(body)}`,
  );
  assert.ok(isRecord(body), 'the answer is a JSON object');
  if (exitCode === 2) {
    assert.deepEqual(Object.keys(body), ['error'], 'an error answer carries only the error');
    const error = body.error;
    assert.ok(isRecord(error));
    assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'path']);
    assert.equal(typeof error.code, 'string');
    assert.match(error.code as string, /^[a-z][a-z_]*$/, 'error code');
    assert.ok(typeof error.message === 'string' && error.message.length > 0, 'error message');
    assert.equal(typeof error.path, 'string', 'error path');
    return;
  }
  assert.ok(!('error' in body), 'a successful answer has no error');
  const account = body.account;
  assert.ok(isRecord(account), 'account figures');
  for (const key of ACCOUNT_FIGURES) assert.ok(key in account, `account.${key} is missing`);
  for (const [key, value] of Object.entries(account)) assertFigure(value, key, 'account');
  const positions = body.positions;
  assert.ok(Array.isArray(positions), 'positions');
  const expected = positionCount(requestText);
  if (expected !== null) assert.equal(positions.length, expected, 'one answer per position');
  for (const [i, position] of positions.entries()) {
    const where = `positions[${i}]`;
    assert.ok(isRecord(position), where);
    for (const key of ['symbol', 'positionSide', 'side', 'marginMode', 'tier', ...POSITION_FIGURES]) {
      assert.ok(key in position, `${where}.${key} is missing`);
    }
    for (const [key, value] of Object.entries(position)) {
      if (key === 'symbol') assert.ok(typeof value === 'string' && value.length > 0, `${where}.symbol`);
      else if (key === 'tier')
        assert.ok(Number.isSafeInteger(value) && (value as number) >= 1, `${where}.tier`);
      else if (key in POSITION_LABELS)
        assert.ok(POSITION_LABELS[key]?.includes(value as string), `${where}.${key}`);
      else assertFigure(value, key, where);
    }
  }
}
