import { finding, type Finding } from './finding.js';

/** Reason codes: lower snake_case, bounded (they are logged and displayed). */
const REASON_CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Longest emergency reason accepted (bytes of a log entry are bounded). */
const MAX_EMERGENCY_REASON_LENGTH = 1000;

/** A proposed new rate or parameter set, as governance sees it (times in ms since the epoch). */
export interface GovernanceProposal {
  readonly subject: string;
  readonly proposerKeyId: string;
  readonly approverKeyId: string | null;
  readonly effectiveAtMs: number;
  readonly nowMs: number;
  readonly emergency: boolean;
  readonly emergencyReason: string | null;
  readonly reasonCode: string;
}

/**
 * Check 9: a change takes effect in the future (or is an emergency with a stated reason), carries a reason
 * code, and is approved by a key other than the proposer's.
 */
export function checkGovernance(proposal: GovernanceProposal): readonly Finding[] {
  const findings: Finding[] = [];
  const push = (code: string, message: string): void => {
    findings.push(finding(9, code, 'error', proposal.subject, message));
  };
  const reason = proposal.emergencyReason?.trim() ?? '';
  if (proposal.emergency) {
    if (reason.length === 0) push('emergency_without_reason', 'an emergency change must state its reason');
    if (reason.length > MAX_EMERGENCY_REASON_LENGTH)
      push('emergency_reason_too_long', `over ${MAX_EMERGENCY_REASON_LENGTH} characters`);
  } else if (!(proposal.effectiveAtMs > proposal.nowMs)) {
    push(
      'effective_time_not_future',
      `effective at ${proposal.effectiveAtMs} ms, not after now (${proposal.nowMs} ms)`,
    );
  }
  if (!REASON_CODE_PATTERN.test(proposal.reasonCode)) {
    push('invalid_reason_code', `reason code "${proposal.reasonCode}" is missing or not lower snake_case`);
  }
  if (proposal.approverKeyId === null || proposal.approverKeyId.length === 0) {
    push('missing_approver', 'a change needs a second key to approve it');
  } else if (proposal.approverKeyId === proposal.proposerKeyId) {
    push('approver_is_proposer', `key ${proposal.proposerKeyId} cannot approve its own proposal`);
  }
  return findings;
}
