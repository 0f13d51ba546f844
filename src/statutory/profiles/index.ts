export {
  ASSET_CLASSES,
  type AssetClass,
  type ProductStatus,
  type ProfileClientCategory,
  type ClientCategory,
  type LegalCitation,
  type AssetClassRule,
  type CloseOutRule,
  type RecalculationPeriod,
  type VolatilityFormulaSpec,
  type StepLimit,
  type AntiProcyclicality,
  type CoverageTarget,
  type AffixRule,
  type SymbolMap,
  type JurisdictionProfile,
} from './types.js';
export { PROFILES } from './catalogue.js';
export { profileById, profileVersions, isEffectiveAt } from './lookup.js';
export { DEFAULT_SYMBOL_MAP, classifySymbol, normaliseSymbol } from './symbols.js';
export { assetClassOf, mostConservativeClass } from './assetClass.js';
export {
  statutoryInitialRate,
  maxLeverage,
  effectiveMarginRate,
  closeOutThreshold,
  type EffectiveRate,
  type RateClamp,
} from './statutoryRate.js';
export { productPermission, type ProductPermission, type PermissionRefusal } from './permission.js';
export { parseProfileDecimal, leverageCapOf, MAX_PROFILE_RATE_SCALE } from './rate.js';
export { deepFreeze } from './freeze.js';
