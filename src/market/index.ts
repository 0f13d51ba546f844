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
