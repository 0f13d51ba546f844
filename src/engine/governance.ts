import { createHash, verify } from 'node:crypto';
import { assert } from '../numbers/index.js';
import { canonicalJson, keyIdOf, publicKeyFromHex } from '../statutory/disclosure/index.js';
import { compileFormula } from '../statutory/formula/index.js';
import type { Command, MarginModelProposal, Rejection } from './commands.js';
import type { EngineEvent } from './events.js';
import { recomputeMarginRate } from './marginModel.js';
import { identifier, isRejection, reject, shown } from './parse.js';
import type { EngineState, ProposalState } from './state.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

/** Bounds: registered keys, proposals held (every proposal stays in the state: it is the audit trail). */
export const MAX_GOVERNANCE_KEYS = 256;
export const MAX_PROPOSALS = 100_000;
/** Parameters one parameter set may publish. */
const MAX_PARAMETERS = 64;

/** The proposal as signed: its fields in a fixed shape (absent options spelled out), canonical JSON. */
function canonicalProposal(p: MarginModelProposal): MarginModelProposal {
  const values: Record<string, string> = {};
  for (const name of Object.keys(p.parameters.values).sort()) values[name] = p.parameters.values[name] ?? '';
  return {
    proposalId: p.proposalId,
    symbol: p.symbol,
    formula: { id: p.formula.id, version: p.formula.version, source: p.formula.source },
    parameters: { version: p.parameters.version, values },
    effectiveAtMs: p.effectiveAtMs,
    emergency: p.emergency === true,
    emergencyReason: p.emergencyReason ?? '',
    reasonCode: p.reasonCode,
    proposerKeyId: p.proposerKeyId,
  };
}

/** The bytes a proposer signs (domain-separated from approvals). */
export function proposalBytes(p: MarginModelProposal): Buffer {
  const json = canonicalJson(canonicalProposal(p));
  if (!json.ok) assert(false, `a validated proposal is canonical JSON: ${json.error.message}`);
  return Buffer.from(`bulwark/margin-proposal/v1\n${json.value}`, 'utf8');
}

/** The bytes an approver signs: the SHA-256 of the proposal's bytes, domain-separated. */
export function approvalBytes(p: MarginModelProposal): Buffer {
  const digest = createHash('sha256').update(proposalBytes(p)).digest('hex');
  return Buffer.from(`bulwark/margin-approval/v1\n${digest}`, 'utf8');
}

const HEX = /^[0-9a-f]*$/;

function signatureValid(publicKeyHex: string, bytes: Buffer, signatureHex: unknown): boolean {
  if (typeof signatureHex !== 'string') return false;
  if (signatureHex.length !== 128 || !HEX.test(signatureHex)) return false;
  const key = publicKeyFromHex(publicKeyHex);
  return key.ok && verify(null, bytes, key.value, Buffer.from(signatureHex, 'hex'));
}

export function registerGovernanceKey(
  state: EngineState,
  c: Of<'registerGovernanceKey'>,
): EngineEvent[] | Rejection {
  if (typeof c.publicKey !== 'string' || c.publicKey.length !== 64 || !HEX.test(c.publicKey))
    return reject('invalid_command', 'publicKey must be a raw Ed25519 public key: 64 lowercase hex digits');
  const key = publicKeyFromHex(c.publicKey);
  if (!key.ok) return reject('invalid_command', `publicKey: ${key.error.message}`);
  const keyId = keyIdOf(key.value);
  if (c.keyId !== keyId) return reject('invalid_command', `keyId must be ${keyId} for this publicKey`);
  if (state.governance.keys.has(keyId)) return reject('duplicate_key', `key ${keyId} is registered`);
  if (state.governance.keys.size >= MAX_GOVERNANCE_KEYS)
    return reject('too_many_items', `at most ${MAX_GOVERNANCE_KEYS} governance keys`);
  state.governance.keys.set(keyId, c.publicKey);
  return [{ type: 'GovernanceKeyRegistered', keyId }];
}

/** Checks a proposal's fields: a rejection naming the field, or the proposal in canonical shape. */
function validProposal(state: EngineState, c: Of<'proposeMarginModel'>): MarginModelProposal | Rejection {
  const proposalId = identifier(c.proposalId, 'proposalId');
  if (isRejection(proposalId)) return proposalId;
  if (state.governance.proposals.has(proposalId))
    return reject('duplicate_proposal', `proposal ${proposalId} exists`);
  if (state.governance.proposals.size >= MAX_PROPOSALS)
    return reject('too_many_items', `at most ${MAX_PROPOSALS} proposals`);
  if (!state.instruments.has(c.symbol)) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  const formula = c.formula as Partial<MarginModelProposal['formula']> | undefined;
  if (typeof formula !== 'object' || formula === null || typeof formula.source !== 'string')
    return reject('invalid_proposal', 'formula must be {id, version, source}');
  const formulaId = identifier(formula.id, 'formula.id');
  if (isRejection(formulaId)) return formulaId;
  if (!Number.isSafeInteger(formula.version) || (formula.version ?? 0) < 1)
    return reject('invalid_proposal', 'formula.version must be a positive integer');
  const parameters = c.parameters as Partial<MarginModelProposal['parameters']> | undefined;
  if (
    typeof parameters !== 'object' ||
    parameters === null ||
    typeof parameters.values !== 'object' ||
    parameters.values === null
  )
    return reject('invalid_proposal', 'parameters must be {version, values}');
  if (!Number.isSafeInteger(parameters.version) || (parameters.version ?? 0) < 1)
    return reject('invalid_proposal', 'parameters.version must be a positive integer');
  const names = Object.keys(parameters.values);
  if (names.length > MAX_PARAMETERS)
    return reject('invalid_proposal', `at most ${MAX_PARAMETERS} parameters`);
  for (const name of names) {
    const value = (parameters.values as Record<string, unknown>)[name];
    if (typeof value !== 'string' || !/^-?\d{1,30}(\.\d{1,18})?$/.test(value))
      return reject('invalid_proposal', `parameters.values.${name} must be a decimal string`);
  }
  const compiled = compileFormula(formula.source, { parameters: names });
  if (!compiled.ok) {
    const first = compiled.errors[0];
    return reject(
      'invalid_formula',
      `formula.source: ${first?.message ?? 'does not compile'} at ${first?.start ?? 0}–${first?.end ?? 0}`,
    );
  }
  // -0 passes both tests but has no canonical JSON form (the signed bytes could not be made).
  if (!Number.isSafeInteger(c.effectiveAtMs) || c.effectiveAtMs < 0 || Object.is(c.effectiveAtMs, -0))
    return reject('invalid_proposal', 'effectiveAtMs must be a non-negative integer');
  const emergency = c.emergency === true;
  if (emergency && (typeof c.emergencyReason !== 'string' || c.emergencyReason.trim() === ''))
    return reject('invalid_proposal', 'an emergency change needs an emergencyReason');
  if (!emergency && c.effectiveAtMs <= c.timestampMs)
    return reject(
      'invalid_proposal',
      'effectiveAtMs must be after the proposal (or the change an emergency)',
    );
  const reasonCode = identifier(c.reasonCode, 'reasonCode');
  if (isRejection(reasonCode)) return reasonCode;
  const proposerKeyId = identifier(c.proposerKeyId, 'proposerKeyId');
  if (isRejection(proposerKeyId)) return proposerKeyId;
  return canonicalProposal({
    proposalId,
    symbol: c.symbol,
    formula: { id: formulaId, version: formula.version ?? 0, source: formula.source },
    parameters: { version: parameters.version ?? 0, values: parameters.values },
    effectiveAtMs: c.effectiveAtMs,
    emergency,
    ...(emergency ? { emergencyReason: c.emergencyReason } : {}),
    reasonCode,
    proposerKeyId,
  });
}

export function proposeMarginModel(
  state: EngineState,
  c: Of<'proposeMarginModel'>,
): EngineEvent[] | Rejection {
  const proposal = validProposal(state, c);
  if (isRejection(proposal)) return proposal;
  const key = state.governance.keys.get(proposal.proposerKeyId);
  if (key === undefined)
    return reject('unknown_key', `proposerKeyId ${shown(c.proposerKeyId)} is not registered`);
  if (!signatureValid(key, proposalBytes(proposal), c.signature))
    return reject(
      'invalid_signature',
      `signature is not the proposer ${proposal.proposerKeyId}'s over this proposal`,
    );
  state.governance.proposals.set(proposal.proposalId, {
    proposal,
    proposedAtMs: c.timestampMs,
    status: 'proposed',
    approverKeyId: null,
    approvedAtMs: null,
    approvalSignature: null,
  });
  return [
    {
      type: 'MarginModelProposed',
      proposalId: proposal.proposalId,
      symbol: proposal.symbol,
      effectiveAtMs: proposal.effectiveAtMs,
      emergency: proposal.emergency === true,
      proposerKeyId: proposal.proposerKeyId,
    },
  ];
}

export function approveProposal(state: EngineState, c: Of<'approveProposal'>): EngineEvent[] | Rejection {
  const held = state.governance.proposals.get(c.proposalId);
  if (held === undefined) return reject('unknown_proposal', `proposal ${shown(c.proposalId)} does not exist`);
  if (held.status !== 'proposed')
    return reject('invalid_proposal', `proposal ${c.proposalId} is already ${held.status}`);
  const key = state.governance.keys.get(c.approverKeyId);
  if (key === undefined)
    return reject('unknown_key', `approverKeyId ${shown(c.approverKeyId)} is not registered`);
  if (c.approverKeyId === held.proposal.proposerKeyId)
    return reject('self_approval', `proposal ${c.proposalId} needs an approver other than its proposer`);
  if (held.proposal.emergency !== true && c.timestampMs >= held.proposal.effectiveAtMs)
    return reject(
      'effective_time_passed',
      `proposal ${c.proposalId}'s effective time has passed: propose again`,
    );
  if (!signatureValid(key, approvalBytes(held.proposal), c.signature))
    return reject(
      'invalid_signature',
      `signature is not the approver ${c.approverKeyId}'s over this proposal`,
    );
  held.status = 'approved';
  held.approverKeyId = c.approverKeyId;
  held.approvedAtMs = c.timestampMs;
  held.approvalSignature = c.signature;
  state.governance.approved.add(held);
  return [{ type: 'ProposalApproved', proposalId: c.proposalId, approverKeyId: c.approverKeyId }];
}

/** When an approved proposal is due: its effective time (an emergency: no earlier than its approval). */
function dueAtMs(p: ProposalState): number {
  return p.proposal.emergency === true
    ? Math.max(p.proposal.effectiveAtMs, p.approvedAtMs ?? 0)
    : p.proposal.effectiveAtMs;
}

/**
 * An approved proposal that is due at `timestampMs` and not yet active, if any (the earliest, then by id):
 * no other command may run at or after that time until it is activated, so a change applies exactly then.
 */
export function dueProposal(state: EngineState, timestampMs: number): ProposalState | null {
  let due: ProposalState | null = null;
  for (const p of state.governance.approved) {
    if (dueAtMs(p) > timestampMs) continue;
    if (
      due === null ||
      dueAtMs(p) < dueAtMs(due) ||
      (dueAtMs(p) === dueAtMs(due) && p.proposal.proposalId < due.proposal.proposalId)
    )
      due = p;
  }
  return due;
}

export function activateMarginModel(
  state: EngineState,
  c: Of<'activateMarginModel'>,
): EngineEvent[] | Rejection {
  const held = state.governance.proposals.get(c.proposalId);
  if (held === undefined) return reject('unknown_proposal', `proposal ${shown(c.proposalId)} does not exist`);
  if (held.status !== 'approved')
    return reject('proposal_not_approved', `proposal ${c.proposalId} is ${held.status}, not approved`);
  if (c.timestampMs < dueAtMs(held))
    return reject('not_yet_effective', `proposal ${c.proposalId} takes effect at ${dueAtMs(held)}`);
  const first = dueProposal(state, c.timestampMs);
  if (first !== null && first !== held)
    return reject('activation_due', `proposal ${first.proposal.proposalId} is due first`);
  const instrument = state.instruments.get(held.proposal.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${held.proposal.symbol} is not listed`);
  const p = held.proposal;
  // A model replaced by this one is simply no longer active; its proposal stays as the record.
  held.status = 'active';
  state.governance.approved.delete(held);
  instrument.marginModel.active = {
    proposalId: p.proposalId,
    formulaId: p.formula.id,
    formulaVersion: p.formula.version,
    source: p.formula.source,
    parameterSetVersion: p.parameters.version,
    parameters: p.parameters.values,
  };
  const events: EngineEvent[] = [
    {
      type: 'MarginModelActivated',
      proposalId: p.proposalId,
      symbol: p.symbol,
      formulaId: p.formula.id,
      formulaVersion: p.formula.version,
      parameterSetVersion: p.parameters.version,
      reasonCode: p.reasonCode,
      emergency: p.emergency === true,
      proposerKeyId: p.proposerKeyId,
      approverKeyId: held.approverKeyId ?? '',
    },
  ];
  recomputeMarginRate(instrument, c.timestampMs, 'model-activated', events);
  return events;
}
