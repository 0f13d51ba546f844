/**
 * Statutory margin (STATUTORY.md): jurisdiction profiles, the margin-rate formula language, the compliance checks,
 * the disclosure log and the margin-model backtest. The engine applies profiles and governed formulas
 * (src/engine/statutory.ts, governance.ts, marginModel.ts); everything here is pure except the log's file I/O.
 */
export * from './formula/index.js';
export * from './profiles/index.js';
export * from './compliance/index.js';
export * from './disclosure/index.js';
export * from './backtest/index.js';
export * from './marginRate.js';
