export {
  buildTierTable,
  tierForNotional,
  exceedsTable,
  maintenanceMargin,
  MAX_TIERS,
  type Tier,
  type TierModel,
  type TierSpec,
  type TierTable,
} from './tierTable.js';
export {
  RULEBOOKS,
  RULEBOOK_IDS,
  isRulebookId,
  type Rulebook,
  type RulebookId,
  type MaintenanceBasis,
} from './rulebook.js';
export type { Instrument, InstrumentKind } from './instrument.js';
export {
  loadBinanceBrackets,
  loadBinanceBracketsByDate,
  readBinanceBrackets,
  MAX_BRACKET_SYMBOLS,
  MAX_BRACKET_DATES,
  MAX_SYMBOL_LENGTH,
  type BinanceBracketFormat,
  type BinanceBracketOptions,
  type BinanceBracketSet,
  type BinanceSymbolBrackets,
  type BracketInputError,
  type CumDisagreement,
  type CumPolicy,
} from './binanceBrackets.js';
export {
  bitmexRiskLimitTiers,
  hyperliquidTierTable,
  type BitmexRiskLimitParams,
  type HyperliquidMarginTier,
} from './tierGenerators.js';
