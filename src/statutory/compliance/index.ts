export { finding, passes, type Finding, type CheckNumber, type Severity } from './finding.js';
export { validateProfile } from './profileIntegrity.js';
export { checkOpening, type OpeningRefusal, type OpeningRefusalCode } from './opening.js';
export { isCloseOut } from './closeOut.js';
export {
  negativeBalanceProtected,
  applyNegativeBalanceProtection,
  checkNegativeBalance,
  type ProtectedBalance,
} from './negativeBalance.js';
export {
  checkFormulaOutput,
  formulaOutcome,
  type FormulaOutcome,
  type CheckedRate,
} from './formulaOutput.js';
export { checkCoverage, KUPIEC_SIGNIFICANCE, type CoverageBacktest } from './coverage.js';
export { checkGovernance, type GovernanceProposal } from './governance.js';
export {
  checkMonotonicity,
  SIGMA_SCALES,
  LEVERAGE_GRID,
  DEFAULT_BASE_SIGMA,
  type MonotonicityOptions,
  type MonotonicityResult,
} from './monotonicity.js';
