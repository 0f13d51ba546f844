export {
  exposure,
  priceCoordinate,
  notionalAt,
  unrealizedPnlAt,
  maintenanceNotionalAt,
  maintenanceMarginAt,
  initialMarginAt,
  isolatedMarginBalanceAt,
  tierAt,
  sideSign,
  type Position,
  type Side,
  type PositionSide,
  type MarginMode,
} from './position.js';
export { liquidationPrice, bankruptcyPrice, type PriceProblem } from './liquidationPrice.js';
export {
  assessAccount,
  type Account,
  type AccountAssessment,
  type PositionAssessment,
  type Marks,
} from './account.js';
export { validateAccount, MAX_POSITIONS_PER_ACCOUNT } from './validate.js';
export {
  compileInstrument,
  compileInstruments,
  kernelPosition,
  kernelPrice,
  kernelPnl,
  kernelMaintenance,
  maintenanceOf,
  tierIndexOf,
  kernelHealthy,
  kernelLiquidationPrice,
  kernelBankruptcyPrice,
  quotientToPrice,
  type CompiledInstrument,
  type CompileError,
  type KernelPosition,
  type KernelQuotient,
  type KernelScales,
} from './kernel.js';
