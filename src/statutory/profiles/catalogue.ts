import { deepFreeze } from './freeze.js';
import { DEFAULT_SYMBOL_MAP } from './symbols.js';
import {
  ASSET_CLASSES,
  type AssetClass,
  type AssetClassRule,
  type JurisdictionProfile,
  type LegalCitation,
  type ProductStatus,
} from './types.js';

/**
 * The shipped jurisdiction profiles: facts from STATUTORY.md §1, each with its citations. Verify the source
 * before publishing a new version. Where a fact is not in the design table the profile takes the conservative
 * choice and the citation's `states` says so. Citation URLs marked "(address not verified)" point at the
 * publisher's index, not the document itself.
 */

function rule(
  status: ProductStatus,
  initialMarginRate: string | null,
  maxLeverage: number | null,
): AssetClassRule {
  return { status, initialMarginRate, maxLeverage };
}

const NO_FLOOR_PERMITTED = rule('permitted', null, null);
const PROFESSIONAL_ONLY = rule('professionalOnly', null, null);
const PROHIBITED = rule('prohibited', null, null);

/** ESMA's table (Decision (EU) 2018/796 art. 1 and Annex I), which the FCA and ASIC adopted unchanged. */
function esmaTable(crypto: ProductStatus): Readonly<Record<AssetClass, AssetClassRule>> {
  return {
    fxMajor: rule('permitted', '0.0333', 30),
    fxMinor: rule('permitted', '0.05', 20),
    gold: rule('permitted', '0.05', 20),
    indexMajor: rule('permitted', '0.05', 20),
    indexMinor: rule('permitted', '0.1', 10),
    commodity: rule('permitted', '0.1', 10),
    equity: rule('permitted', '0.2', 5),
    // A banned class keeps the last rate it had, so it stays the most conservative class by rate as well.
    crypto: rule(crypto, '0.5', 2),
    other: rule('permitted', '0.2', 5),
  };
}

/** No formula rate, floor, step limit or coverage claim: the fixed-rate retail regimes. */
const FIXED_RATE_RULES = {
  volatilityFormula: null,
  floor: null,
  maxStepChange: null,
  antiProcyclicality: null,
  coverage: null,
} as const;

const RETAIL_CLOSE_OUT = { fraction: '0.5', basis: 'requiredInitialMargin' } as const;

const ESMA_DECISION: LegalCitation = {
  title: 'ESMA Decision (EU) 2018/796 on CFDs offered to retail clients',
  reference: 'Decision (EU) 2018/796, art. 1–2 and Annexes I–II (OJ L 136, 1.6.2018)',
  url: 'https://eur-lex.europa.eu/eli/dec/2018/796/oj',
  states:
    'Initial margin protection for retail CFDs: 3.33 % major FX pairs; 5 % minor FX, gold, major indices; 10 % ' +
    'commodities other than gold and minor indices; 50 % cryptocurrencies; 20 % single equities and other ' +
    'underlyings. Close-out when net equity falls below 50 % of the initial margin required; negative balance ' +
    'protection per account. Applied from 1 Aug 2018; since carried into national law by the EU regulators.',
};

const ESMA_PERPETUALS_STATEMENT: LegalCitation = {
  title: 'ESMA public statement on crypto perpetual futures sold to retail clients (24 Feb 2026)',
  reference: 'ESMA statement of 24 February 2026 (as recorded in STATUTORY.md §1)',
  url: 'https://www.esma.europa.eu/press-news/esma-news',
  states:
    'Crypto "perpetual futures" offered to retail clients are CFDs within the scope of the product intervention ' +
    'measures, so the 50 % crypto margin applies. (Address not verified: ESMA news index.)',
};

const FCA_PS19_18: LegalCitation = {
  title: 'FCA PS19/18: Restricting contract for difference products sold to retail clients',
  reference: 'FCA Policy Statement PS19/18 (COBS 22.5), in force 1 Aug 2019',
  url: 'https://www.fca.org.uk/publication/policy/ps19-18.pdf',
  states:
    "Makes ESMA's CFD measures permanent in the UK: the same initial margins by asset class (crypto 50 %), " +
    'close-out at 50 % of initial margin, negative balance protection.',
};

const FCA_PS20_10: LegalCitation = {
  title:
    'FCA PS20/10: Prohibiting the sale to retail clients of investment products that reference cryptoassets',
  reference: 'FCA Policy Statement PS20/10 (COBS 22.6), in force 6 Jan 2021',
  url: 'https://www.fca.org.uk/publication/policy/ps20-10.pdf',
  states:
    'Prohibits the sale, marketing and distribution of crypto derivatives (CFDs, futures, options) to retail clients.',
};

const ASIC_INSTRUMENT: LegalCitation = {
  title: 'ASIC Corporations (Product Intervention Order—Contracts for Difference) Instrument 2020/986',
  reference: 'ASIC Instrument 2020/986, s. 7 (conditions), in effect from 29 Mar 2021',
  url: 'https://www.legislation.gov.au/F2020L01338',
  states:
    'Retail CFD leverage at most 30:1 major FX, 20:1 minor FX / gold / major indices, 10:1 other commodities and ' +
    'minor indices, 2:1 crypto-assets, 5:1 shares and other; close-out when net equity < 50 % of the initial ' +
    'margin required; negative balance protection.',
};

const JP_ORDINANCE: LegalCitation = {
  title: 'Cabinet Office Ordinance on Financial Instruments Business, etc.',
  reference:
    'Cabinet Office Ordinance No. 52 of 2007, art. 117 (margin for OTC derivatives with individuals)',
  url: 'https://elaws.e-gov.go.jp/document?lawid=419M60000002052',
  states:
    'Individuals: currency derivatives at least 4 % of notional (25x, since Aug 2011); crypto-asset derivatives ' +
    'at least 50 % (2x, since 1 May 2020). Index 10 %, single equity 20 % and commodity (including gold) 5 % are ' +
    'the rates Japanese brokers publish for individuals; they are not in STATUTORY.md and `other` takes the ' +
    'conservative 50 %. No statutory close-out fraction (brokers set their own loss-cut level).',
};

const JP_CORPORATE_FX: LegalCitation = {
  title: 'FFAJ currency risk ratio for corporate FX (為替リスク想定比率)',
  reference:
    'Cabinet Office Ordinance No. 52 of 2007, art. 117(27)(i) quantitative model; FFAJ weekly publication',
  url: 'https://www.ffaj.or.jp/',
  states:
    'Corporate FX margin is notional × the weekly-published ratio max(2.33·σ26w, 2.33·σ130w). JVCEA publishes the ' +
    'analogous ratio for corporate crypto. (Address not verified: FFAJ home page.)',
};

const MAS_PS_G03: LegalCitation = {
  title: 'MAS Guidelines on Consumer Protection Measures by DPT Service Providers (PS-G03)',
  reference: 'MAS Guideline PS-G03, chapter 4 (consumer access: no credit or leverage for retail customers)',
  url: 'https://www.mas.gov.sg/regulation/guidelines',
  states:
    'DPT service providers must not offer leverage or margin to retail customers. STATUTORY.md dates this from 2024 ' +
    '(revised guidelines in force 4 Oct 2024); law-firm summaries date the consumer-access chapter 19 Jun 2025 — the ' +
    'profile takes the earlier, conservative date. Retail leveraged FX is capped at 20:1. Other classes are not ' +
    'in STATUTORY.md: professional-only as the conservative choice. (Address not verified: MAS guidelines index.)',
};

const SFC_CIRCULAR: LegalCitation = {
  title: "SFC/HKMA joint circular on intermediaries' virtual asset-related activities (22 Dec 2023)",
  reference: 'SFC circular 23EC66',
  url: 'https://apps.sfc.hk/edistributionWeb/api/circular/list-content/circular/suitability/doc?lang=EN&refNo=23EC66',
  states:
    'Complex virtual-asset products (including VA derivatives not traded on a specified exchange) are for ' +
    'professional investors only. Other classes are not in STATUTORY.md: professional-only as the conservative ' +
    'choice, with no statutory floor recorded.',
};

const US_RETAIL_FX: LegalCitation = {
  title: 'CFTC retail forex security deposits',
  reference: '17 CFR 5.9 (with NFA Financial Requirements §12)',
  url: 'https://www.ecfr.gov/current/title-17/chapter-I/part-5/section-5.9',
  states: 'Retail forex: security deposit at least 2 % of notional for major currencies, 5 % for others.',
};

const US_REG_T_AND_SECURITY_FUTURES: LegalCitation = {
  title: 'Regulation T and the security futures margin rule',
  reference: '12 CFR 220.12 (Reg T, 50 % initial); 17 CFR 41.45 (security futures, 15 %)',
  url: 'https://www.ecfr.gov/current/title-17/chapter-I/part-41/subpart-E/section-41.45',
  states:
    'Security futures (single stocks and narrow-based indices) need at least 15 % margin; Reg T sets 50 % ' +
    'initial, 25 % maintenance (FINRA 4210) for securities. The profile applies 50 % to single equities (the ' +
    'higher of the two) and 15 % to minor (narrow-based) indices.',
};

const US_CEA_RETAIL_COMMODITY: LegalCitation = {
  title: 'Commodity Exchange Act: retail commodity transactions',
  reference: '7 U.S.C. 2(c)(2)(D)',
  url: 'https://www.law.cornell.edu/uscode/text/7/2',
  states:
    'Leveraged commodity transactions with non-eligible contract participants must be on a designated contract ' +
    'market. Crypto perps, gold, commodities, major indices and other classes are not in STATUTORY.md: ' +
    'professional-only (eligible contract participants) as the conservative choice, no statutory floor recorded.',
};

const SEBI_MARGIN_CIRCULAR: LegalCitation = {
  title: 'SEBI: Review of Margin Framework for Cash and Derivatives segments (except Commodity Derivatives)',
  reference: 'SEBI/HO/MRD2/DCAP/CIR/P/2020/27, 24 Feb 2020, effective 1 May 2020',
  url: 'https://taxguru.in/sebi/changes-margin-framework-cash-derivatives-segments.html',
  states:
    'EWMA volatility with λ = 0.995; VaR margin based on 6σ, subject to a minimum of 9 % (Group I stocks). The ' +
    '9 % floor is applied to every permitted class as the conservative choice; crypto derivatives are not a ' +
    'SEBI-regulated product and are prohibited here (not in STATUTORY.md). (URL: a reproduction of the circular; ' +
    "SEBI's own page not verified.)",
};

const PROFESSIONAL_SCOPE: LegalCitation = {
  title: 'Retail scope of the CFD measures; MiCA sets no leverage cap',
  reference: 'Decision (EU) 2018/796 art. 1–2 (retail clients only); Regulation (EU) 2023/1114 (MiCA)',
  url: 'https://eur-lex.europa.eu/eli/reg/2023/1114/oj',
  states:
    'The product intervention measures restrict sales to retail clients only; MiCA contains no margin or ' +
    'leverage cap (crypto derivatives are financial instruments outside MiCA). Professional clients: venue tiers apply.',
};

/** The rules ESMA's measures give a retail profile (the EU's, and the UK's and Australia's copies of them). */
function esmaRetail(crypto: ProductStatus) {
  return {
    clientCategory: 'retail',
    assetClasses: esmaTable(crypto),
    closeOut: RETAIL_CLOSE_OUT,
    negativeBalanceProtection: true,
    ...FIXED_RATE_RULES,
    cap: '1',
    symbolMap: DEFAULT_SYMBOL_MAP,
  } as const;
}

const profiles: JurisdictionProfile[] = [
  {
    id: 'eu-esma-retail',
    version: 1,
    title: 'EU retail CFDs and crypto perpetuals (ESMA product intervention measures)',
    effectiveFromMs: Date.UTC(2018, 7, 1),
    effectiveToMs: null,
    citations: [ESMA_DECISION, ESMA_PERPETUALS_STATEMENT],
    ...esmaRetail('permitted'),
  },
  {
    id: 'uk-fca-retail',
    version: 1,
    title: 'UK retail CFDs (FCA PS19/18), before the crypto ban',
    effectiveFromMs: Date.UTC(2019, 7, 1),
    effectiveToMs: Date.UTC(2021, 0, 6),
    citations: [FCA_PS19_18],
    ...esmaRetail('permitted'),
  },
  {
    id: 'uk-fca-retail',
    version: 2,
    title: 'UK retail CFDs (FCA PS19/18), crypto derivatives prohibited (PS20/10)',
    effectiveFromMs: Date.UTC(2021, 0, 6),
    effectiveToMs: null,
    citations: [FCA_PS19_18, FCA_PS20_10],
    ...esmaRetail('prohibited'),
  },
  {
    id: 'au-asic-retail',
    version: 1,
    title: 'Australia retail CFDs (ASIC product intervention order)',
    effectiveFromMs: Date.UTC(2021, 2, 29),
    effectiveToMs: null,
    citations: [ASIC_INSTRUMENT],
    ...esmaRetail('permitted'),
  },
  {
    id: 'jp-individual',
    version: 1,
    title: 'Japan individual clients (FSA ordinance; JVCEA for crypto)',
    effectiveFromMs: Date.UTC(2020, 4, 1),
    effectiveToMs: null,
    citations: [JP_ORDINANCE, JP_CORPORATE_FX],
    clientCategory: 'individual',
    assetClasses: {
      fxMajor: rule('permitted', '0.04', 25),
      fxMinor: rule('permitted', '0.04', 25),
      gold: rule('permitted', '0.05', 20),
      indexMajor: rule('permitted', '0.1', 10),
      indexMinor: rule('permitted', '0.1', 10),
      commodity: rule('permitted', '0.05', 20),
      equity: rule('permitted', '0.2', 5),
      crypto: rule('permitted', '0.5', 2),
      other: rule('permitted', '0.5', 2),
    },
    closeOut: null,
    negativeBalanceProtection: false,
    volatilityFormula: {
      // 26 and 130 weeks of daily bars at 5 trading days a week. The FFAJ's own return definition and holiday
      // calendar differ, so this reproduces the published ratio approximately, not to the digit.
      source: 'max(multiplier * stdev(130), multiplier * stdev(650))',
      parameters: { multiplier: '2.33' },
      recalculation: 'week',
      minWindowBars: 650,
      assetClasses: ['fxMajor', 'fxMinor'],
      note:
        'Applies to corporate accounts only (individuals keep the fixed 4 %): the FFAJ ratio max(2.33·σ26w, ' +
        '2.33·σ130w), recomputed weekly. σ here is the standard deviation of daily log returns over 130 and 650 ' +
        'bars, an approximation of the published weekly computation.',
    },
    floor: null,
    cap: '1',
    maxStepChange: null,
    antiProcyclicality: null,
    coverage: null,
    symbolMap: DEFAULT_SYMBOL_MAP,
  },
  {
    id: 'sg-mas-retail',
    version: 1,
    title: 'Singapore retail (MAS): no leverage on digital payment tokens',
    effectiveFromMs: Date.UTC(2024, 9, 4),
    effectiveToMs: null,
    citations: [MAS_PS_G03],
    clientCategory: 'retail',
    assetClasses: {
      fxMajor: rule('permitted', '0.05', 20),
      fxMinor: rule('permitted', '0.05', 20),
      gold: PROFESSIONAL_ONLY,
      indexMajor: PROFESSIONAL_ONLY,
      indexMinor: PROFESSIONAL_ONLY,
      commodity: PROFESSIONAL_ONLY,
      equity: PROFESSIONAL_ONLY,
      crypto: PROHIBITED,
      other: PROFESSIONAL_ONLY,
    },
    closeOut: null,
    negativeBalanceProtection: false,
    ...FIXED_RATE_RULES,
    cap: '1',
    symbolMap: DEFAULT_SYMBOL_MAP,
  },
  {
    id: 'hk-sfc-retail',
    version: 1,
    title: 'Hong Kong retail (SFC): virtual-asset derivatives for professional investors only',
    effectiveFromMs: Date.UTC(2023, 11, 22),
    effectiveToMs: null,
    citations: [SFC_CIRCULAR],
    clientCategory: 'retail',
    assetClasses: {
      fxMajor: PROFESSIONAL_ONLY,
      fxMinor: PROFESSIONAL_ONLY,
      gold: PROFESSIONAL_ONLY,
      indexMajor: PROFESSIONAL_ONLY,
      indexMinor: PROFESSIONAL_ONLY,
      commodity: PROFESSIONAL_ONLY,
      equity: PROFESSIONAL_ONLY,
      crypto: PROFESSIONAL_ONLY,
      other: PROFESSIONAL_ONLY,
    },
    closeOut: null,
    negativeBalanceProtection: false,
    ...FIXED_RATE_RULES,
    cap: '1',
    symbolMap: DEFAULT_SYMBOL_MAP,
  },
  {
    id: 'us-retail',
    version: 1,
    title: 'United States retail (CFTC retail forex, security futures, Reg T)',
    // A date by which every cited rule (including the 2020 15 % security futures level) was in force.
    effectiveFromMs: Date.UTC(2021, 0, 1),
    effectiveToMs: null,
    citations: [US_RETAIL_FX, US_REG_T_AND_SECURITY_FUTURES, US_CEA_RETAIL_COMMODITY],
    clientCategory: 'retail',
    assetClasses: {
      fxMajor: rule('permitted', '0.02', 50),
      fxMinor: rule('permitted', '0.05', 20),
      gold: PROFESSIONAL_ONLY,
      indexMajor: PROFESSIONAL_ONLY,
      indexMinor: rule('permitted', '0.15', 6),
      commodity: PROFESSIONAL_ONLY,
      equity: rule('permitted', '0.5', 2),
      crypto: PROFESSIONAL_ONLY,
      other: PROFESSIONAL_ONLY,
    },
    closeOut: null,
    negativeBalanceProtection: false,
    ...FIXED_RATE_RULES,
    cap: '1',
    symbolMap: DEFAULT_SYMBOL_MAP,
  },
  {
    id: 'in-sebi',
    version: 1,
    title: 'India (SEBI margin framework): 6σ EWMA VaR with floors',
    effectiveFromMs: Date.UTC(2020, 4, 1),
    effectiveToMs: null,
    citations: [SEBI_MARGIN_CIRCULAR],
    clientCategory: 'all',
    assetClasses: {
      fxMajor: rule('permitted', '0.09', 11),
      fxMinor: rule('permitted', '0.09', 11),
      gold: rule('permitted', '0.09', 11),
      indexMajor: rule('permitted', '0.09', 11),
      indexMinor: rule('permitted', '0.09', 11),
      commodity: rule('permitted', '0.09', 11),
      equity: rule('permitted', '0.09', 11),
      crypto: PROHIBITED,
      other: rule('permitted', '0.09', 11),
    },
    closeOut: null,
    negativeBalanceProtection: false,
    volatilityFormula: {
      // ewmaVol is the formula language's EWMA of daily log returns; SEBI's seeding of the recursion and its
      // exchange-specific return conventions are not reproduced, so early values differ until the seed decays.
      source: 'max(floor, 6 * ewmaVol(0.995))',
      parameters: { floor: '0.09' },
      recalculation: 'day',
      minWindowBars: 250,
      assetClasses: ASSET_CLASSES.filter((c) => c !== 'crypto'),
      note: 'VaR margin = 6σ of EWMA volatility (λ = 0.995), at least the 9 % floor.',
    },
    floor: '0.09',
    cap: '1',
    maxStepChange: null,
    // SEBI's circular names no anti-procyclicality tool and the profile claims no backtested coverage (a claim
    // would need one: check 8); 6σ is far beyond a 99 % one-day quantile, as `bulwark backtest-margin` shows.
    antiProcyclicality: null,
    coverage: null,
    symbolMap: DEFAULT_SYMBOL_MAP,
  },
  {
    id: 'professional',
    version: 1,
    title: 'Professional clients: no statutory floor, venue tiers apply',
    effectiveFromMs: 0,
    effectiveToMs: null,
    citations: [PROFESSIONAL_SCOPE],
    clientCategory: 'professional',
    assetClasses: {
      fxMajor: NO_FLOOR_PERMITTED,
      fxMinor: NO_FLOOR_PERMITTED,
      gold: NO_FLOOR_PERMITTED,
      indexMajor: NO_FLOOR_PERMITTED,
      indexMinor: NO_FLOOR_PERMITTED,
      commodity: NO_FLOOR_PERMITTED,
      equity: NO_FLOOR_PERMITTED,
      crypto: NO_FLOOR_PERMITTED,
      other: NO_FLOOR_PERMITTED,
    },
    closeOut: null,
    negativeBalanceProtection: false,
    ...FIXED_RATE_RULES,
    cap: null,
    symbolMap: DEFAULT_SYMBOL_MAP,
  },
];

/** Every published version of every shipped profile, frozen. */
export const PROFILES: readonly JurisdictionProfile[] = deepFreeze(profiles);
