/**
 * The shape of a jurisdiction profile (STATUTORY.md §1): published, versioned, immutable data. Rates and
 * fractions are decimal strings so the data reads like the rule it cites and parses exactly.
 */

/** Asset classes of the statutory margin tables (ESMA's classes, which ASIC, the FCA and others reuse). */
export const ASSET_CLASSES = [
  'fxMajor',
  'fxMinor',
  'gold',
  'indexMajor',
  'indexMinor',
  'commodity',
  'equity',
  'crypto',
  'other',
] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

/** Whether a product may be sold to the profile's clients. */
export type ProductStatus = 'permitted' | 'prohibited' | 'professionalOnly';

/** The clients a profile is written for (the rule's own wording: Japan says individual, SEBI covers all). */
export type ProfileClientCategory = 'retail' | 'individual' | 'all' | 'professional';

/** The category of the client opening a position. */
export type ClientCategory = 'retail' | 'professional';

/** One legal source a profile rests on. */
export interface LegalCitation {
  readonly title: string;
  /** The instrument's own reference (decision number, rule, article). */
  readonly reference: string;
  readonly url: string;
  /** What the source states that this profile relies on, and any caveat about the citation itself. */
  readonly states: string;
}

/** The rule for one asset class. */
export interface AssetClassRule {
  readonly status: ProductStatus;
  /** Minimum initial margin as a fraction of notional (decimal string), null when no statutory floor. */
  readonly initialMarginRate: string | null;
  /** Whole leverage cap ⌊1 / initialMarginRate⌋, null when no floor (check 1 verifies the two agree). */
  readonly maxLeverage: number | null;
}

/** Margin close-out: positions are closed when equity < fraction × basis. */
export interface CloseOutRule {
  /** Fraction in (0, 1), decimal string. */
  readonly fraction: string;
  /** What the fraction applies to: the total initial margin required for the open positions. */
  readonly basis: 'requiredInitialMargin';
}

/** How often a formula-driven rate is recomputed. */
export type RecalculationPeriod = 'day' | 'week';

/** A volatility-based rate the rule publishes, in the formula language (src/statutory/formula). */
export interface VolatilityFormulaSpec {
  /** Formula source text. */
  readonly source: string;
  /** Published parameters: name → decimal string. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly recalculation: RecalculationPeriod;
  /** Fewest daily bars of history the formula needs to be evaluated as the rule intends. */
  readonly minWindowBars: number;
  /** Asset classes the formula sets the rate for. */
  readonly assetClasses: readonly AssetClass[];
  /** Which clients it applies to and how the expression approximates the published method. */
  readonly note: string;
}

/** Largest change of a formula rate per recalculation period. */
export interface StepLimit {
  /** Absolute change of the rate (a fraction), decimal string. */
  readonly maxChange: string;
  readonly period: RecalculationPeriod;
}

/** Anti-procyclicality tools of EMIR RTS 153/2013 art. 28. */
export type AntiProcyclicality = 'buffer25' | 'stressWeight25' | 'tenYearFloor';

/** Coverage a profile claims for its formula rate. */
export interface CoverageTarget {
  /** Confidence level, decimal string in (0, 1), e.g. "0.99". */
  readonly confidence: string;
  /** Margin period of risk in days. */
  readonly mporDays: 1 | 2 | 5;
  /** Lookback of the volatility estimate in days. */
  readonly lookbackDays: number;
}

/** A symbol-prefix or -suffix rule (applied to the normalised symbol: upper case, letters and digits). */
export interface AffixRule {
  readonly affix: string;
  readonly assetClass: AssetClass;
}

/** Symbol → asset class: exact names, then FX pairs, then prefixes, then suffixes; else the most conservative class. */
export interface SymbolMap {
  readonly exact: Readonly<Record<string, AssetClass>>;
  /** Major currencies: a pair of two majors is fxMajor. */
  readonly majorCurrencies: readonly string[];
  /** Other currencies: a pair of two known currencies with at least one of these is fxMinor. */
  readonly minorCurrencies: readonly string[];
  readonly prefixRules: readonly AffixRule[];
  readonly suffixRules: readonly AffixRule[];
}

/** One published version of a jurisdiction's statutory margin rules. */
export interface JurisdictionProfile {
  readonly id: string;
  /** 1, 2, …; a change is a new version, never an edit. */
  readonly version: number;
  readonly title: string;
  /** Start of validity, ms since the Unix epoch (UTC), inclusive. */
  readonly effectiveFromMs: number;
  /** End of validity, exclusive; null while open. */
  readonly effectiveToMs: number | null;
  readonly citations: readonly LegalCitation[];
  readonly clientCategory: ProfileClientCategory;
  readonly assetClasses: Readonly<Record<AssetClass, AssetClassRule>>;
  readonly closeOut: CloseOutRule | null;
  readonly negativeBalanceProtection: boolean;
  readonly volatilityFormula: VolatilityFormulaSpec | null;
  /** Lowest rate a formula may produce (decimal string), null for none. */
  readonly floor: string | null;
  /** Highest effective rate (decimal string), null for none. */
  readonly cap: string | null;
  readonly maxStepChange: StepLimit | null;
  readonly antiProcyclicality: AntiProcyclicality | null;
  /** Coverage the profile claims for its formula rate; null when it claims none. */
  readonly coverage: CoverageTarget | null;
  readonly symbolMap: SymbolMap;
}
