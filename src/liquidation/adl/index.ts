import { BINANCE_ADL } from './binance.js';
import { BITMEX_ADL, BYBIT_CLASSIC_ADL } from './bitmex.js';
import { DYDX_ADL } from './dydx.js';
import { HYPERLIQUID_ADL } from './hyperliquid.js';
import type { AdlPolicy, AdlPolicyId } from './policy.js';
import { PRO_RATA_ADL } from './proRata.js';

export {
  ADL_ACCOUNT_ID_LENGTH_MAX,
  ADL_CANDIDATES_MAX,
  ADL_SEED_LIMIT,
  allocateAdl,
  closeFromTop,
  compareAccountIds,
  rankByScore,
  scoreQueuePolicy,
  sortByAccountId,
  type AdlAllocation,
  type AdlCandidate,
  type AdlClosePrice,
  type AdlContext,
  type AdlFill,
  type AdlLeg,
  type AdlPolicy,
  type AdlPolicyId,
  type AdlRequest,
  type ScoreQueueDefinition,
} from './policy.js';
export { adlLights, type AdlLight } from './lights.js';
export { binanceAdlScore, BINANCE_ADL, type BinanceAdlInputs } from './binance.js';
export { bitmexAdlScore, BITMEX_ADL, BYBIT_CLASSIC_ADL, type BitmexAdlValues } from './bitmex.js';
export { hyperliquidAdlScore, HYPERLIQUID_ADL, type HyperliquidAdlInputs } from './hyperliquid.js';
export { dydxWalkStart, splitMix64, DYDX_ADL } from './dydx.js';
export { proRataSplit, PRO_RATA_ADL } from './proRata.js';

/** Every ADL policy by id: the configuration picks one. */
export const ADL_POLICIES: Readonly<Record<AdlPolicyId, AdlPolicy>> = Object.freeze({
  binance: BINANCE_ADL,
  bitmex: BITMEX_ADL,
  bybitClassic: BYBIT_CLASSIC_ADL,
  hyperliquid: HYPERLIQUID_ADL,
  dydx: DYDX_ADL,
  proRata: PRO_RATA_ADL,
});
