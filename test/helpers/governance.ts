import assert from 'node:assert/strict';
import { sign, type KeyObject } from 'node:crypto';
import { approvalBytes, proposalBytes, type MarginModelProposal } from '../../src/engine/index.js';
import { keyIdOf, privateKeyFromSeedHex, publicKeyHex } from '../../src/statutory/disclosure/index.js';
import { btcListing } from '../engine/helpers.js';

/** Governance fixtures: two Ed25519 keys from fixed seeds, signed proposals and approvals, a marked history. */

export const DAY_MS = 86_400_000;
export const T0 = Date.UTC(2024, 0, 1);
export const HISTORY_DAYS = 400;

export function key(seedByte: string): { privateKey: KeyObject; publicKey: string; keyId: string } {
  const made = privateKeyFromSeedHex(seedByte.repeat(32));
  assert.ok(made.ok);
  return { privateKey: made.value, publicKey: publicKeyHex(made.value), keyId: keyIdOf(made.value) };
}

export const RISK = key('01');
export const COMPLIANCE = key('02');

export function signed(bytes: Buffer, privateKey: KeyObject): string {
  return sign(null, bytes, privateKey).toString('hex');
}

/** A proposal of the founding formula for BTCUSDT, effective at `effectiveAtMs`. */
export function proposal(
  proposalId: string,
  effectiveAtMs: number,
  extra: Partial<MarginModelProposal> = {},
): MarginModelProposal {
  return {
    proposalId,
    symbol: 'BTCUSDT',
    formula: { id: 'founding', version: 1, source: 'alpha * sigma / ltv + beta' },
    parameters: { version: 1, values: { alpha: '0.5', beta: '0.01' } },
    effectiveAtMs,
    reasonCode: 'volatility-review',
    proposerKeyId: RISK.keyId,
    ...extra,
  };
}

export function propose(p: MarginModelProposal, by = RISK): Record<string, unknown> {
  return { type: 'proposeMarginModel', ...p, signature: signed(proposalBytes(p), by.privateKey) };
}

export function approve(p: MarginModelProposal, by = COMPLIANCE): Record<string, unknown> {
  return {
    type: 'approveProposal',
    proposalId: p.proposalId,
    approverKeyId: by.keyId,
    signature: signed(approvalBytes(p), by.privateKey),
  };
}

/** The commands of a venue with BTCUSDT marked once a day for HISTORY_DAYS days (a ±3 % zig-zag) from T0. */
export function markedHistory(): { body: Record<string, unknown>; atMs: number }[] {
  const out: { body: Record<string, unknown>; atMs: number }[] = [
    { body: { type: 'configureAsset', asset: 'USDT', scale: 8 }, atMs: T0 },
    { body: btcListing(), atMs: T0 },
  ];
  for (let day = 0; day < HISTORY_DAYS; day++) {
    const price = 40000 + (day % 2 === 0 ? 1200 : -1200) + day * 10;
    out.push({
      body: { type: 'markPrice', symbol: 'BTCUSDT', price: String(price) },
      atMs: T0 + day * DAY_MS + 3_600_000,
    });
  }
  for (const k of [RISK, COMPLIANCE])
    out.push({
      body: { type: 'registerGovernanceKey', keyId: k.keyId, publicKey: k.publicKey },
      atMs: T0 + (HISTORY_DAYS - 1) * DAY_MS + 7_200_000,
    });
  return out;
}
