export { Engine, type ApplyResult } from './engine.js';
export type {
  Command,
  CommandType,
  FillParty,
  RejectCode,
  Rejection,
  Side as TradeSide,
  PositionMode,
  TierInput,
} from './commands.js';
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
