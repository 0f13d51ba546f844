import { formatUnits } from '../numbers/index.js';
import type { DisclosureEntryInput } from '../statutory/disclosure/index.js';
import { formulaHash } from '../statutory/formula/index.js';
import { classifySymbol, DEFAULT_SYMBOL_MAP } from '../statutory/profiles/index.js';
import type { EngineEvent } from './events.js';
import type { EngineState } from './state.js';

/**
 * What the public disclosure log publishes of a command's events (STATUTORY.md §4): one `rate` entry per margin
 * rate the engine set, with the formula, the parameter set, every input (the daily history inline), the clamps,
 * and the governance that put the model in force (proposer, approver and the approval's signature). Pure: the
 * caller appends the entries to the log (I/O) after the command is durable.
 */
export function disclosureEntriesOf(
  state: Readonly<EngineState>,
  events: readonly EngineEvent[],
  timeMs: number,
): DisclosureEntryInput[] {
  const entries: DisclosureEntryInput[] = [];
  for (const e of events) {
    if (e.type === 'ProposalApproved') {
      // The approved model, announced before it applies (an emergency may apply at once).
      const held = state.governance.proposals.get(e.proposalId);
      if (held === undefined) continue;
      const p = held.proposal;
      entries.push({
        ...common(state, e.proposalId, p.symbol),
        kind: 'parameterSet',
        timeMs,
        formula: formulaOf(p.formula.id, p.formula.version, p.formula.source),
        parameterSet: { version: String(p.parameters.version), values: p.parameters.values },
        oldRate: null,
        newRate: null,
        effectiveMs: Math.max(p.effectiveAtMs, p.emergency === true ? timeMs : 0),
        inputs: {},
        clamps: [],
        reasonCode: p.reasonCode,
      });
    }
    // A rate the model could not compute yet (no previous one either) changed nothing: nothing to publish.
    if (e.type !== 'MarginRateChanged' || e.newRate === null) continue;
    const rate = (value: bigint | null): string | null =>
      value === null ? null : formatUnits(value, e.rateScale);
    entries.push({
      ...common(state, e.proposalId, e.symbol),
      kind: 'rate',
      timeMs,
      formula: formulaOf(e.formulaId, e.formulaVersion, e.source),
      parameterSet: { version: String(e.parameterSetVersion), values: e.parameters },
      oldRate: rate(e.oldRate),
      newRate: rate(e.newRate),
      effectiveMs: e.effectiveMs,
      inputs: { ...e.inputs, history: e.history },
      clamps: e.clamps,
      reasonCode: e.reason === 'daily' ? 'daily_recalculation' : 'model_activated',
    });
  }
  return entries;
}

/** The fields a proposal gives every entry about its model. */
function common(
  state: Readonly<EngineState>,
  proposalId: string,
  symbol: string,
): Pick<
  DisclosureEntryInput,
  | 'profile'
  | 'instrument'
  | 'assetClass'
  | 'tier'
  | 'emergency'
  | 'supersedes'
  | 'proposer'
  | 'approver'
  | 'approvalSignature'
> {
  const held = state.governance.proposals.get(proposalId);
  return {
    profile: null,
    instrument: symbol,
    assetClass: classifySymbol(DEFAULT_SYMBOL_MAP, symbol) ?? 'unclassified',
    // The reference position's tier (the symbol-level model evaluates at the first tier).
    tier: '1',
    emergency: held?.proposal.emergency === true,
    supersedes: null,
    proposer: held?.proposal.proposerKeyId ?? '',
    approver: held?.approverKeyId ?? '',
    approvalSignature: held?.approvalSignature ?? '',
  };
}

function formulaOf(id: string, version: number, source: string): DisclosureEntryInput['formula'] {
  return { id, version: String(version), hash: formulaHash(source), source };
}
