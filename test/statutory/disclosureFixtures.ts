import { createHash, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDecimal } from '../../src/numbers/index.js';
import {
  DisclosureLog,
  keyIdOf,
  privateKeyFromSeedHex,
  publicKeyHex,
  type DisclosureEntryInput,
  type Recompute,
  type Signer,
} from '../../src/statutory/disclosure/index.js';

/** Fixed Ed25519 seeds, so every run writes the same bytes (Ed25519 signing is deterministic). */
function key(seedByte: string): KeyObject {
  const made = privateKeyFromSeedHex(seedByte.repeat(32));
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}
export const LOG_KEY = key('a1');
export const OTHER_KEY = key('b2');
export const LOG_KEY_ID = keyIdOf(LOG_KEY);
export const LOG_PUBLIC_HEX = publicKeyHex(LOG_KEY);
export const TRUSTED = new Map([[LOG_KEY_ID, LOG_KEY]]);
const PROPOSER = keyIdOf(key('c3'));
const APPROVER = keyIdOf(key('d4'));

/** 2026-01-01T00:00:00Z in ms. */
export const T0_MS = 1_767_225_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const FORMULA_SOURCE = 'max(floor, tierRate)';

function base(i: number): Omit<DisclosureEntryInput, 'kind'> {
  return {
    timeMs: T0_MS + i * HOUR_MS,
    profile: { id: 'eu-esma-retail-cfd', version: '2026.1' },
    formula: null,
    parameterSet: null,
    instrument: null,
    assetClass: null,
    tier: null,
    oldRate: null,
    newRate: null,
    effectiveMs: T0_MS + i * HOUR_MS + DAY_MS,
    inputs: {},
    clamps: [],
    reasonCode: 'scheduled_review',
    emergency: false,
    supersedes: null,
    proposer: PROPOSER,
    approver: APPROVER,
    approvalSignature: 'ab'.repeat(64),
  };
}

/**
 * Five entries, one of each kind; the rate logs its history inline, the correction by reference with a
 * non-ASCII source id, so that byte flips also hit multi-byte UTF-8 sequences.
 */
export function sampleEntries(): DisclosureEntryInput[] {
  const formula = {
    id: 'floor-or-tier',
    version: '1',
    hash: createHash('sha256').update(FORMULA_SOURCE).digest('hex'),
    source: FORMULA_SOURCE,
  };
  return [
    { ...base(0), kind: 'profile', reasonCode: 'profile_published' },
    {
      ...base(1),
      kind: 'parameterSet',
      parameterSet: { version: 'p-2026-01', values: { alpha: '2.33', beta: '0.01' } },
    },
    { ...base(2), kind: 'formula', formula },
    {
      ...base(3),
      kind: 'rate',
      formula,
      parameterSet: { version: 'p-2026-01', values: { alpha: '2.33', beta: '0.01' } },
      instrument: 'BTC-PERP',
      assetClass: 'crypto',
      tier: '1',
      newRate: '0.5',
      inputs: {
        floor: '0.5',
        tierRate: '0.1',
        history: [
          ['100.5', '101', '99.25'],
          ['101.5', '102', '100'],
        ],
      },
      clamps: ['statutory_floor'],
    },
    {
      ...base(4),
      kind: 'correction',
      formula,
      instrument: 'BTC-PERP',
      assetClass: 'crypto',
      oldRate: '0.5',
      newRate: '0.5',
      inputs: { floor: '0.5', tierRate: '0.2', history: { hash: 'cd'.repeat(32), source: 'Börse feed €' } },
      reasonCode: 'typo_in_tier',
      supersedes: 3,
    },
  ];
}

/** Sample entry i (throws past the end: a test bug). */
export function sample(i: number): DisclosureEntryInput {
  const entry = sampleEntries()[i];
  if (entry === undefined) throw new Error(`no sample entry ${i}`);
  return entry;
}

/** The signer for entry i: the log key, one second after the entry's time. */
export function signerFor(i: number, privateKey: KeyObject = LOG_KEY): Signer {
  return { privateKey, keyId: keyIdOf(privateKey), timestampMs: T0_MS + i * HOUR_MS + 1000 };
}

const tempDirs: string[] = [];

/** A fresh temporary directory for one test's files (removed by `removeTempDirs`). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-disclosure-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made; test files call it from `after`. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Creates a log of the sample entries in a new temp directory. */
export function buildLog(count = sampleEntries().length): { path: string; log: DisclosureLog } {
  const path = join(tempDir(), 'disclosure.jsonl');
  const created = DisclosureLog.create(path);
  if (!created.ok) throw new Error(created.error.message);
  const entries = sampleEntries().slice(0, count);
  for (const [i, entry] of entries.entries()) {
    const appended = created.value.append(entry, signerFor(i));
    if (!appended.ok) throw new Error(appended.error.map((e) => e.message).join('; '));
  }
  return { path, log: created.value };
}

/** The test evaluator: the rate is max(floor, tierRate), the sample formula. */
export const recomputeMax: Recompute = (entry) => {
  const floor = entry.inputs.floor;
  const tier = entry.inputs.tierRate;
  if (typeof floor !== 'string' || typeof tier !== 'string')
    return { ok: false, message: 'needs floor and tierRate' };
  const a = parseDecimal(floor);
  const b = parseDecimal(tier);
  if (!a.ok || !b.ok) return { ok: false, message: 'not decimals' };
  const left = a.value.units * 10n ** BigInt(b.value.scale);
  const right = b.value.units * 10n ** BigInt(a.value.scale);
  return { ok: true, rate: left >= right ? floor : tier };
};
