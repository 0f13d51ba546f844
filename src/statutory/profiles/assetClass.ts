import { profileDecimal } from './rate.js';
import { classifySymbol } from './symbols.js';
import { ASSET_CLASSES, type AssetClass, type JurisdictionProfile, type ProductStatus } from './types.js';

const STRICTNESS: Readonly<Record<ProductStatus, number>> = {
  permitted: 0,
  professionalOnly: 1,
  prohibited: 2,
};

const CONSERVATIVE = new WeakMap<JurisdictionProfile, AssetClass>();

/**
 * The class an unknown symbol falls into: the strictest status first (an unknown symbol may be the banned
 * product), then the highest initial-margin rate; on a tie the later class in ASSET_CLASSES (`other` last).
 */
export function mostConservativeClass(profile: JurisdictionProfile): AssetClass {
  const cached = CONSERVATIVE.get(profile);
  if (cached !== undefined) return cached;
  let best: AssetClass = 'other';
  for (const assetClass of ASSET_CLASSES) {
    if (isAtLeastAsConservative(profile, assetClass, best)) best = assetClass;
  }
  CONSERVATIVE.set(profile, best);
  return best;
}

function isAtLeastAsConservative(profile: JurisdictionProfile, a: AssetClass, b: AssetClass): boolean {
  const ruleA = profile.assetClasses[a];
  const ruleB = profile.assetClasses[b];
  const strictA = STRICTNESS[ruleA.status];
  const strictB = STRICTNESS[ruleB.status];
  if (strictA !== strictB) return strictA > strictB;
  if (ruleA.initialMarginRate === null) return ruleB.initialMarginRate === null;
  if (ruleB.initialMarginRate === null) return true;
  return profileDecimal(ruleA.initialMarginRate).gte(profileDecimal(ruleB.initialMarginRate));
}

/** The asset class of `symbol` under the profile's symbol map; unknown symbols get the most conservative class. */
export function assetClassOf(profile: JurisdictionProfile, symbol: string): AssetClass {
  return classifySymbol(profile.symbolMap, symbol) ?? mostConservativeClass(profile);
}
