// Symbols longer than the market model accepts are classified as unknown (bounds the work).
import { MAX_SYMBOL_LENGTH } from '../../market/index.js';
import type { AffixRule, AssetClass, SymbolMap } from './types.js';

const CURRENCY_CODE_LENGTH = 3;

/**
 * The symbol map every shipped profile uses. FX majors are ESMA's (any two of USD, EUR, JPY, GBP, CAD, CHF);
 * major indices are ESMA's list (FTSE 100, CAC 40, DAX, DJIA, S&P 500, NASDAQ, Nikkei 225, ASX 200,
 * EURO STOXX 50) under common venue tickers. Order of rules: exact, FX pair, prefix, suffix — so EURUSD is
 * FX before the `USD` suffix makes BTCUSD crypto.
 */
export const DEFAULT_SYMBOL_MAP: SymbolMap = {
  exact: {
    US500: 'indexMajor',
    SPX500: 'indexMajor',
    SPX: 'indexMajor',
    US30: 'indexMajor',
    DJI: 'indexMajor',
    NAS100: 'indexMajor',
    USTEC: 'indexMajor',
    NDX: 'indexMajor',
    UK100: 'indexMajor',
    FRA40: 'indexMajor',
    GER40: 'indexMajor',
    DE40: 'indexMajor',
    GER30: 'indexMajor',
    JP225: 'indexMajor',
    JPN225: 'indexMajor',
    AUS200: 'indexMajor',
    EU50: 'indexMajor',
    STOXX50: 'indexMajor',
    HK50: 'indexMinor',
    ES35: 'indexMinor',
    IT40: 'indexMinor',
    NETH25: 'indexMinor',
    SWI20: 'indexMinor',
    CHINA50: 'indexMinor',
    USOIL: 'commodity',
    UKOIL: 'commodity',
    WTI: 'commodity',
    BRENT: 'commodity',
    NATGAS: 'commodity',
  },
  majorCurrencies: ['USD', 'EUR', 'JPY', 'GBP', 'CAD', 'CHF'],
  minorCurrencies: [
    'AUD',
    'NZD',
    'SEK',
    'NOK',
    'DKK',
    'SGD',
    'HKD',
    'ZAR',
    'MXN',
    'TRY',
    'PLN',
    'HUF',
    'CZK',
    'CNH',
    'INR',
    'KRW',
  ],
  prefixRules: [
    { affix: 'XAU', assetClass: 'gold' },
    { affix: 'XAG', assetClass: 'commodity' },
    { affix: 'XPT', assetClass: 'commodity' },
    { affix: 'XPD', assetClass: 'commodity' },
  ],
  // Longest first where one suffix ends another (USDT before USD is not needed: USDT does not end in USD).
  suffixRules: [
    { affix: 'PERP', assetClass: 'crypto' },
    { affix: 'USDT', assetClass: 'crypto' },
    { affix: 'USDC', assetClass: 'crypto' },
    { affix: 'FDUSD', assetClass: 'crypto' },
    { affix: 'USD', assetClass: 'crypto' },
  ],
};

/** Upper case, letters and digits only: `btc-usdt`, `BTC/USDT` and `BTCUSDT` are one symbol. */
export function normaliseSymbol(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function affixMatch(rules: readonly AffixRule[], test: (affix: string) => boolean): AssetClass | null {
  for (const rule of rules) if (rule.affix.length > 0 && test(rule.affix)) return rule.assetClass;
  return null;
}

function fxPairClass(map: SymbolMap, name: string): AssetClass | null {
  if (name.length !== 2 * CURRENCY_CODE_LENGTH) return null;
  const base = name.slice(0, CURRENCY_CODE_LENGTH);
  const quote = name.slice(CURRENCY_CODE_LENGTH);
  if (base === quote) return null;
  const baseMajor = map.majorCurrencies.includes(base);
  const quoteMajor = map.majorCurrencies.includes(quote);
  if (baseMajor && quoteMajor) return 'fxMajor';
  const known = (code: string, major: boolean): boolean => major || map.minorCurrencies.includes(code);
  return known(base, baseMajor) && known(quote, quoteMajor) ? 'fxMinor' : null;
}

/** The asset class a symbol map names for `symbol`, or null when no rule matches. */
export function classifySymbol(map: SymbolMap, symbol: string): AssetClass | null {
  if (symbol.length > MAX_SYMBOL_LENGTH) return null;
  const name = normaliseSymbol(symbol);
  if (name.length === 0) return null;
  if (Object.hasOwn(map.exact, name)) return map.exact[name] ?? null;
  return (
    fxPairClass(map, name) ??
    affixMatch(map.prefixRules, (affix) => name.length > affix.length && name.startsWith(affix)) ??
    affixMatch(map.suffixRules, (affix) => name.length > affix.length && name.endsWith(affix))
  );
}
