import type { TierModel } from './tierTable.js';

/** Which notional selects the tier and prices the maintenance margin. */
export type MaintenanceBasis = 'mark' | 'entry';

export const RULEBOOK_IDS = ['binance', 'bybit', 'bitmex', 'hyperliquid', 'dydx', 'okx'] as const;
export type RulebookId = (typeof RULEBOOK_IDS)[number];

/**
 * A venue's margin conventions as data (RULEBOOK.md §1–2). Every venue's liquidation price is "the mark at
 * which margin balance equals maintenance margin"; what differs is how the maintenance margin is priced.
 */
export interface Rulebook {
  readonly id: RulebookId;
  readonly venue: string;
  readonly tierModel: TierModel;
  readonly maintenanceBasis: MaintenanceBasis;
  /** Hyperliquid: a tier's mmr is 1 / (2 × its max leverage) when the table gives none. */
  readonly mmrFromMaxLeverage: boolean;
  readonly source: string;
}

export const RULEBOOKS: Readonly<Record<RulebookId, Rulebook>> = {
  binance: {
    id: 'binance',
    venue: 'Binance USDⓈ-M / COIN-M futures',
    tierModel: 'cumulative',
    maintenanceBasis: 'mark',
    mmrFromMaxLeverage: false,
    source: 'GET /fapi/v1/leverageBracket; Binance help centre "How to calculate liquidation price"',
  },
  bybit: {
    id: 'bybit',
    venue: 'Bybit derivatives',
    tierModel: 'cumulative',
    maintenanceBasis: 'entry',
    mmrFromMaxLeverage: false,
    source: 'Bybit help centre "Liquidation price (USDT contract)", risk limit tables',
  },
  bitmex: {
    id: 'bitmex',
    venue: 'BitMEX',
    tierModel: 'whole',
    maintenanceBasis: 'entry',
    mmrFromMaxLeverage: false,
    source: 'BitMEX risk limits: mm% = baseMM × (1 + steps), im% = baseIM + steps × baseMM',
  },
  hyperliquid: {
    id: 'hyperliquid',
    venue: 'Hyperliquid',
    tierModel: 'cumulative',
    maintenanceBasis: 'mark',
    mmrFromMaxLeverage: true,
    source: 'Hyperliquid docs "Margin tiers" and "Liquidations"',
  },
  dydx: {
    id: 'dydx',
    venue: 'dYdX v4',
    tierModel: 'cumulative',
    maintenanceBasis: 'mark',
    mmrFromMaxLeverage: false,
    source: 'dYdX v4 docs "Margining" and "Liquidations"',
  },
  okx: {
    id: 'okx',
    venue: 'OKX perpetual swaps',
    tierModel: 'whole',
    maintenanceBasis: 'mark',
    mmrFromMaxLeverage: false,
    source: 'OKX position tiers: one maintenance rate for the whole position by its size',
  },
};

export function isRulebookId(value: string): value is RulebookId {
  return (RULEBOOK_IDS as readonly string[]).includes(value);
}
