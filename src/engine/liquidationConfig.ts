import { BINANCE_2020_CLEARANCE_FEE, clearanceFeeRate } from '../liquidation/clearanceFee.js';
import { isRulebookId, type RulebookId } from '../market/index.js';
import { divide, pow10, type Rational } from '../numbers/index.js';
import type { LiquidationSpecInput, Rejection } from './commands.js';
import { givenOr, identifier, isRejection, reject, shown, units } from './parse.js';
import { RATE_SCALE } from './state.js';

/** ADL rankings the engine offers (RULEBOOK.md §4.5). */
export const ADL_POLICY_IDS = [
  'binance',
  'bitmex',
  'bybitClassic',
  'hyperliquid',
  'dydx',
  'proRata',
] as const;
export type AdlPolicyId = (typeof ADL_POLICY_IDS)[number];

/** How much of a position one waterfall step sends to the book. */
export type StepRule =
  /** The whole position in one order (Binance's IOC; the book may fill it only partly). */
  | { readonly kind: 'whole' }
  /** Down to the floor of the next lower tier, one tier a step (OKX, BitMEX). */
  | { readonly kind: 'tierStep' }
  /** A fraction of a position above a notional threshold, then a cooldown before the rest (Hyperliquid). */
  | {
      readonly kind: 'slices';
      /** Money units of the settlement asset. */
      readonly thresholdValue: bigint;
      /** Rate units (10^−RATE_SCALE). */
      readonly fraction: bigint;
      readonly cooldownMs: number;
    }
  /** At most this much notional (money units, at the mark) per account per command, a dYdX block (dYdX). */
  | { readonly kind: 'blockLimit'; readonly blockLimitValue: bigint };

/** An instrument's liquidation rules, parsed from its listing (derived; the listing is what is hashed). */
export interface LiquidationConfig {
  readonly rules: RulebookId;
  readonly insuranceFund: string;
  readonly liquidityAccount: string;
  readonly adlPolicy: AdlPolicyId;
  /** Rate units of the closed notional, capped by the surplus over the bankruptcy price. */
  readonly clearanceFeeRate: bigint;
  readonly step: StepRule;
  /** The backstop vault's account id, or null: no backstop (the fund takes over, then ADL). */
  readonly backstopAccount: string | null;
}

/** Hyperliquid: 20 % of a position above 100,000 USDC, then 30 s before the next liquidation of it. */
const HYPERLIQUID_SLICE_THRESHOLD = 100_000n;
const HYPERLIQUID_SLICE_FRACTION = 20_000_000n; // 0.2 at RATE_SCALE 8
const HYPERLIQUID_COOLDOWN_MS = 30_000;
/** dYdX: `SubaccountBlockLimits.MaxNotionalLiquidated`, 10^14 quote quantums (x/clob LiquidationsConfig_Default). */
const DYDX_BLOCK_NOTIONAL_LIMIT = '100000000';

/** Each rulebook's waterfall defaults (RULEBOOK.md §4): step rule, clearance fee, ADL ranking. */
const PRESETS: Readonly<
  Record<
    RulebookId,
    {
      step: 'whole' | 'tierStep' | 'slices' | 'blockLimit';
      /** A rate (decimal text), or Binance 2020's table by the contract's maximum leverage. */
      clearanceFee: { readonly rate: string } | 'binance2020';
      adl: AdlPolicyId;
    }
  >
> = {
  // Binance 2020: a rate set per contract by its maximum leverage (0.75 % up to 50×, 0.5 % up to 75×, 0.3 % up
  // to 125×: BINANCE_2020_CLEARANCE_FEE), capped by the surplus.
  binance: { step: 'whole', clearanceFee: 'binance2020', adl: 'binance' },
  bybit: { step: 'whole', clearanceFee: { rate: '0' }, adl: 'bybitClassic' },
  bitmex: { step: 'tierStep', clearanceFee: { rate: '0' }, adl: 'bitmex' },
  okx: { step: 'tierStep', clearanceFee: { rate: '0' }, adl: 'bitmex' },
  hyperliquid: { step: 'slices', clearanceFee: { rate: '0' }, adl: 'hyperliquid' },
  // dYdX: min(0.5 % × |quote|, surplus).
  dydx: { step: 'blockLimit', clearanceFee: { rate: '0.005' }, adl: 'dydx' },
};

function isAdlPolicyId(value: unknown): value is AdlPolicyId {
  return typeof value === 'string' && (ADL_POLICY_IDS as readonly string[]).includes(value);
}

/**
 * Parses and checks a listing's liquidation spec; `assetScale` prices Hyperliquid's slice threshold and
 * `maxLeverage` (the first tier's, the contract's maximum) picks Binance 2020's clearance fee.
 */
export function parseLiquidationSpec(
  spec: LiquidationSpecInput,
  assetScale: number,
  maxLeverage: Rational,
): LiquidationConfig | Rejection {
  if (typeof spec !== 'object' || spec === null)
    return reject('invalid_instrument', 'liquidation must be an object');
  if (typeof spec.rules !== 'string' || !isRulebookId(spec.rules))
    return reject('invalid_instrument', `liquidation.rules ${shown(spec.rules)} is not a rulebook`);
  const fund = identifier(spec.insuranceFund, 'liquidation.insuranceFund');
  if (isRejection(fund)) return fund;
  const liquidityAccount = identifier(spec.liquidityAccount, 'liquidation.liquidityAccount');
  if (isRejection(liquidityAccount)) return liquidityAccount;
  let backstopAccount: string | null = null;
  if (spec.backstopAccount !== undefined) {
    const id = identifier(spec.backstopAccount, 'liquidation.backstopAccount');
    if (isRejection(id)) return id;
    if (id === liquidityAccount)
      return reject('invalid_instrument', 'liquidation.backstopAccount must not be the liquidity account');
    backstopAccount = id;
  }
  const preset = PRESETS[spec.rules];
  const adlPolicy = givenOr(spec.adlPolicy, preset.adl);
  if (!isAdlPolicyId(adlPolicy)) {
    return reject(
      'invalid_instrument',
      `liquidation.adlPolicy ${shown(adlPolicy)} is not one of ${ADL_POLICY_IDS.join(', ')}`,
    );
  }
  let fee: bigint | Rejection;
  const presetFee = preset.clearanceFee;
  if (spec.clearanceFeeRate === undefined && presetFee === 'binance2020') {
    const rate = clearanceFeeRate(BINANCE_2020_CLEARANCE_FEE, maxLeverage);
    if (!rate.ok) {
      return reject(
        'invalid_instrument',
        `the contract's ${maxLeverage.format('trunc')}x is above Binance 2020's clearance fee table (125x): give liquidation.clearanceFeeRate`,
      );
    }
    // The table's rates are exact at 1e-8 (were one not, a fee rounds up: against the user).
    fee = divide(rate.value.num * pow10(RATE_SCALE), rate.value.den, 'ceil');
  } else {
    fee = units(
      givenOr(spec.clearanceFeeRate, presetFee === 'binance2020' ? undefined : presetFee.rate),
      RATE_SCALE,
      'liquidation.clearanceFeeRate',
      'invalid_instrument',
      'nonNegative',
    );
  }
  if (isRejection(fee)) return fee;
  if (spec.blockNotionalLimit !== undefined && preset.step !== 'blockLimit')
    return reject('invalid_instrument', 'liquidation.blockNotionalLimit applies to dYdX rules only');
  let step: StepRule;
  if (preset.step === 'slices') {
    step = {
      kind: 'slices',
      thresholdValue: HYPERLIQUID_SLICE_THRESHOLD * 10n ** BigInt(assetScale),
      fraction: HYPERLIQUID_SLICE_FRACTION,
      cooldownMs: HYPERLIQUID_COOLDOWN_MS,
    };
  } else if (preset.step === 'blockLimit') {
    const limit = units(
      givenOr(spec.blockNotionalLimit, DYDX_BLOCK_NOTIONAL_LIMIT),
      assetScale,
      'liquidation.blockNotionalLimit',
      'invalid_instrument',
      'positive',
    );
    if (isRejection(limit)) return limit;
    step = { kind: 'blockLimit', blockLimitValue: limit };
  } else step = { kind: preset.step };
  return {
    rules: spec.rules,
    insuranceFund: fund,
    liquidityAccount,
    adlPolicy,
    clearanceFeeRate: fee,
    step,
    backstopAccount,
  };
}
