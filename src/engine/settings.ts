import type { AccountState, EngineState, SymbolSettings } from './state.js';
import { statutoryMaxLeverage } from './statutory.js';

/** Leverage a symbol starts with, capped by the first tier (Binance's default is 20×). */
const DEFAULT_LEVERAGE = 20n;

/** The account's settings for a symbol, or the defaults (not stored: reading must not change the state). */
export function settingsOf(state: EngineState, account: AccountState, symbol: string): SymbolSettings {
  const stored = account.settings.get(symbol);
  if (stored !== undefined) return stored;
  const firstTierMax = state.instruments.get(symbol)?.compiled.instrument.tiers.tiers[0]?.maxLeverage;
  let cap = firstTierMax === undefined ? DEFAULT_LEVERAGE : firstTierMax.num / firstTierMax.den;
  // Under a jurisdiction profile the default is within its statutory cap (EU retail crypto: 2×).
  const statutory = account.profile === null ? null : statutoryMaxLeverage(account, symbol);
  if (statutory !== null && statutory < cap) cap = statutory;
  return { leverage: cap < DEFAULT_LEVERAGE ? (cap > 0n ? cap : 1n) : DEFAULT_LEVERAGE, marginMode: 'cross' };
}

/** The account's stored settings for a symbol, storing the defaults first; only for commands that change state. */
export function ensureSettings(state: EngineState, account: AccountState, symbol: string): SymbolSettings {
  const settings = settingsOf(state, account, symbol);
  account.settings.set(symbol, settings);
  return settings;
}
