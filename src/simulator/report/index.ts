export { renderHtmlReport } from './renderHtmlReport.js';
export { renderTerminalSummary } from './renderTerminalSummary.js';
export { reportJson } from './reportJson.js';
export { createProgress, type Progress, type ProgressOptions } from './progress.js';
export type {
  SimulationReport,
  ScenarioInfo,
  SeriesPoint,
  RulebookRun,
  LossAllocation,
  PolicyComparison,
  RealityCheck,
} from './types.js';
