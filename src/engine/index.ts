export { Engine, headerRejection, SNAPSHOT_FORMAT, SnapshotFormatError, type ApplyResult } from './engine.js';
export { approvalBytes, proposalBytes } from './governance.js';
export { DAY_MS } from './marginModel.js';
export type {
  Command,
  CommandType,
  FillParty,
  MarginModelProposal,
  RejectCode,
  Rejection,
  Side as TradeSide,
  PositionMode,
  PriceSpecInput,
  SourceQuote,
  TierInput,
} from './commands.js';
export { MAX_BOOK_LEVELS, MAX_SOURCES, type PriceConfig, type PriceState } from './priceLayer.js';
export type { EngineEvent } from './events.js';
export { checkInvariants, type InvariantViolation } from './invariants.js';
export {
  RATE_SCALE,
  positionKey,
  type EngineState,
  type AccountState,
  type InstrumentState,
  type PositionState,
} from './state.js';
