import type { InstrumentScales, Rational } from '../numbers/index.js';
import type { MaintenanceBasis } from './rulebook.js';
import type { TierTable } from './tierTable.js';

/** `linear`: quote-margined, qty in base units. `inverse`: coin-margined, qty in contracts of `contractSize` quote. */
export type InstrumentKind = 'linear' | 'inverse';

/**
 * A perpetual contract. Tier bounds, `cum` and maintenance margin are in the settlement asset: the quote
 * asset for linear contracts, the base coin for inverse ones.
 */
export interface Instrument {
  readonly symbol: string;
  readonly kind: InstrumentKind;
  /** Linear: base units per contract (1 when qty is in base units). Inverse: quote value of one contract. */
  readonly contractSize: Rational;
  /** The asset margin and PnL are paid in; cross positions share a wallet only when this matches. */
  readonly settleAsset: string;
  readonly tiers: TierTable;
  readonly maintenanceBasis: MaintenanceBasis;
  /** Fraction digits of prices, quantities, money and rates of this instrument. */
  readonly scales: InstrumentScales;
  /** Smallest price step and quantity step, as exact values. */
  readonly tickSize: Rational;
  readonly lotSize: Rational;
}
