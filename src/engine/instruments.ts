import { buildTierTable, type Instrument, type TierSpec } from '../market/index.js';
import { compileInstrument, type CompiledInstrument } from '../margin/index.js';
import { divide, MAX_DECIMAL_SCALE, parseDecimal, pow10, Rational } from '../numbers/index.js';
import type { Command, Rejection, TierInput } from './commands.js';
import type { EngineEvent } from './events.js';
import { givenOr, identifier, isRejection, reject, shown, units } from './parse.js';
import { parseLiquidationSpec, type LiquidationConfig } from './liquidationConfig.js';
import { emptyPriceState, parsePriceSpec, type PriceState } from './priceLayer.js';
import {
  MAX_SYMBOLS,
  RATE_SCALE,
  type EngineState,
  type InstrumentSpec,
  type InstrumentState,
  type OpeningLimits,
  positionKeysOf,
} from './state.js';
import { recordMark } from './marginModel.js';

type Of<T extends Command['type']> = Extract<Command, { type: T }>;

const MAX_TIERS_PER_INSTRUMENT = 64;

function scaleField(value: unknown, field: string): number | Rejection {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_DECIMAL_SCALE) {
    return reject('invalid_instrument', `${field} must be an integer from 0 to ${MAX_DECIMAL_SCALE}`);
  }
  // JSON's `-0` is zero: stored and announced as 0 (an event compared after a replay of the journal, which
  // writes it as 0, must be the same).
  return value === 0 ? 0 : value;
}

function tierSpecs(tiers: unknown): TierSpec[] | Rejection {
  if (!Array.isArray(tiers) || tiers.length === 0 || tiers.length > MAX_TIERS_PER_INSTRUMENT) {
    return reject('invalid_tiers', `tiers must be an array of 1 to ${MAX_TIERS_PER_INSTRUMENT} tiers`);
  }
  const specs: TierSpec[] = [];
  for (const [i, given] of (tiers as unknown[]).entries()) {
    if (typeof given !== 'object' || given === null)
      return reject('invalid_tiers', `tiers[${i}] must be an object`);
    const tier = given as Partial<TierInput>;
    const values: Rational[] = [];
    for (const field of ['floor', 'cap', 'mmr', 'maxLeverage'] as const) {
      const text = tier[field];
      const parsed = typeof text === 'string' ? parseDecimal(text) : null;
      if (!parsed?.ok) return reject('invalid_tiers', `tiers[${i}].${field} must be a plain decimal string`);
      values.push(Rational.fromDecimal(parsed.value));
    }
    let cum: Rational | undefined;
    if (tier.cum !== undefined) {
      const parsed = typeof tier.cum === 'string' ? parseDecimal(tier.cum) : null;
      if (!parsed?.ok) return reject('invalid_tiers', `tiers[${i}].cum must be a plain decimal string`);
      cum = Rational.fromDecimal(parsed.value);
    }
    const [floor, cap, mmr, maxLeverage] = values as [Rational, Rational, Rational, Rational];
    specs.push({ floor, cap, mmr, maxLeverage, cum });
  }
  return specs;
}

/** Validates a listing and compiles it at the asset's scale (also used to rebuild instruments from snapshots). */
/**
 * The opening checks in whole units, computed once per tier table: notional × den ≥ num × 10^valueScale
 * exactly when notional ≥ ⌈num × 10^valueScale / den⌉ (notional is an integer), and a whole leverage L
 * exceeds num/den exactly when L > ⌊num/den⌋.
 */
export function openingLimits(compiled: CompiledInstrument): OpeningLimits {
  const tiers = compiled.instrument.tiers.tiers;
  const lastCap = tiers[tiers.length - 1]?.cap;
  return {
    capValue:
      lastCap === undefined
        ? null
        : divide(lastCap.num * pow10(compiled.scales.valueScale), lastCap.den, 'ceil'),
    maxLeverage: tiers.map((t) => divide(t.maxLeverage.num, t.maxLeverage.den, 'floor')),
  };
}

export function buildInstrument(spec: InstrumentSpec, assetScale: number): InstrumentState | Rejection {
  const priceScale = scaleField(spec.priceScale, 'priceScale');
  if (isRejection(priceScale)) return priceScale;
  const qtyScale = scaleField(spec.qtyScale, 'qtyScale');
  if (isRejection(qtyScale)) return qtyScale;
  if (spec.tierModel !== 'cumulative' && spec.tierModel !== 'whole')
    return reject('invalid_instrument', 'tierModel must be cumulative or whole');
  if (spec.maintenanceBasis !== 'mark' && spec.maintenanceBasis !== 'entry')
    return reject('invalid_instrument', 'maintenanceBasis must be mark or entry');
  const specs = tierSpecs(spec.tiers);
  if (isRejection(specs)) return specs;
  const table = buildTierTable(spec.tierModel, specs, 'tiers');
  if (!table.ok) {
    const code =
      table.error.code === 'cum_mismatch' || table.error.code === 'tiers_not_contiguous'
        ? table.error.code
        : 'invalid_tiers';
    return reject(code, table.error.message);
  }
  const makerFee = units(spec.makerFeeRate, RATE_SCALE, 'makerFeeRate', 'invalid_instrument', 'any');
  if (isRejection(makerFee)) return makerFee;
  const takerFee = units(spec.takerFeeRate, RATE_SCALE, 'takerFeeRate', 'invalid_instrument', 'nonNegative');
  if (isRejection(takerFee)) return takerFee;
  // A maker rebate larger than the taker fee would pay out more than the fee account takes in.
  if (makerFee + takerFee < 0n)
    return reject('invalid_instrument', 'makerFeeRate rebate must not exceed takerFeeRate');
  const instrument: Instrument = {
    symbol: spec.symbol,
    kind: 'linear',
    contractSize: Rational.ONE,
    settleAsset: spec.asset,
    tiers: table.value,
    maintenanceBasis: spec.maintenanceBasis,
    scales: { price: priceScale, qty: qtyScale, money: assetScale, rate: RATE_SCALE },
    tickSize: Rational.fromUnits(1n, priceScale),
    lotSize: Rational.fromUnits(1n, qtyScale),
  };
  let prices: PriceState | null = null;
  if (spec.prices !== undefined) {
    const config = parsePriceSpec(spec.prices, spec.symbol);
    if (isRejection(config)) return config;
    prices = emptyPriceState(config);
  }
  let liquidation: LiquidationConfig | null = null;
  if (spec.liquidation !== undefined) {
    const contractMax = table.value.tiers[0]?.maxLeverage;
    if (contractMax === undefined) return reject('invalid_tiers', 'a listing needs at least one tier');
    const config = parseLiquidationSpec(spec.liquidation, assetScale, contractMax);
    if (isRejection(config)) return config;
    liquidation = config;
  }
  const compiled = compileInstrument(instrument, assetScale, RATE_SCALE);
  if (!compiled.ok) {
    return reject(
      'invalid_instrument',
      `${spec.symbol} cannot be held exactly at the asset's scale ${assetScale} and rates at 1e-${RATE_SCALE}: ${compiled.error}`,
    );
  }
  return {
    spec,
    positionKeys: positionKeysOf(spec.symbol),
    compiled: compiled.value,
    limits: openingLimits(compiled.value),
    makerFee,
    takerFee,
    priceFactor: pow10(compiled.value.scales.priceScale - priceScale),
    priceShift: compiled.value.scales.priceScale - priceScale,
    mark: null,
    prices,
    longOpenInterest: 0n,
    shortOpenInterest: 0n,
    holders: new Set(),
    holdersSorted: null,
    house: null,
    depth: null,
    liquidation,
    marginModel: { active: null, rate: null, history: [] },
  };
}

export function configureAsset(state: EngineState, c: Of<'configureAsset'>): EngineEvent[] | Rejection {
  const asset = identifier(c.asset, 'asset');
  if (isRejection(asset)) return asset;
  if (state.assets.has(asset))
    return reject('duplicate_asset', `asset ${asset} is already configured (its scale is fixed)`);
  const scale = scaleField(c.scale, 'scale');
  if (isRejection(scale)) return reject('invalid_command', scale.message);
  state.assets.set(asset, { scale });
  return [{ type: 'AssetConfigured', asset, scale }];
}

export function listInstrument(state: EngineState, c: Of<'listInstrument'>): EngineEvent[] | Rejection {
  const symbol = identifier(c.symbol, 'symbol');
  if (isRejection(symbol)) return symbol;
  if (state.instruments.has(symbol)) return reject('duplicate_symbol', `${symbol} is already listed`);
  if (state.instruments.size >= MAX_SYMBOLS)
    return reject('too_many_items', `at most ${MAX_SYMBOLS} instruments`);
  const asset = state.assets.get(c.asset);
  if (asset === undefined) return reject('unknown_asset', `asset ${shown(c.asset)} is not configured`);
  const { seq: _seq, timestampMs: _time, type: _type, ...spec } = c;
  const built = buildInstrument({ ...spec, symbol }, asset.scale);
  if (isRejection(built)) return built;
  const liquidation = built.liquidation;
  if (liquidation !== null) {
    const fund = state.insuranceFunds.get(liquidation.insuranceFund);
    if (fund?.asset !== built.spec.asset) {
      return reject(
        'unknown_fund',
        `liquidation.insuranceFund ${liquidation.insuranceFund} is not an insurance fund in ${built.spec.asset}`,
      );
    }
    if (!state.accounts.has(liquidation.liquidityAccount))
      return reject(
        'unknown_account',
        `liquidation.liquidityAccount ${liquidation.liquidityAccount} does not exist`,
      );
    if (liquidation.backstopAccount !== null && !state.accounts.has(liquidation.backstopAccount))
      return reject(
        'unknown_account',
        `liquidation.backstopAccount ${liquidation.backstopAccount} does not exist`,
      );
  }
  state.instruments.set(symbol, built);
  return [{ type: 'InstrumentListed', symbol }];
}

/** Changes fee rates and/or the tier table; open positions keep their units (scales are fixed per asset). */
export function setParameter(state: EngineState, c: Of<'setParameter'>): EngineEvent[] | Rejection {
  const current = state.instruments.get(c.symbol);
  if (current === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  const asset = state.assets.get(current.spec.asset);
  if (asset === undefined) return reject('unknown_asset', 'instrument asset missing');
  const fields = (['makerFeeRate', 'takerFeeRate', 'tiers'] as const).filter((f) => c[f] !== undefined);
  if (fields.length === 0) return reject('invalid_command', 'setParameter changes nothing');
  const spec: InstrumentSpec = {
    ...current.spec,
    makerFeeRate: givenOr(c.makerFeeRate, current.spec.makerFeeRate),
    takerFeeRate: givenOr(c.takerFeeRate, current.spec.takerFeeRate),
    tiers: givenOr(c.tiers, current.spec.tiers),
  };
  const built = buildInstrument(spec, asset.scale);
  if (isRejection(built)) return built;
  current.spec = built.spec;
  current.compiled = built.compiled;
  current.limits = built.limits;
  current.makerFee = built.makerFee;
  current.takerFee = built.takerFee;
  return [{ type: 'ParameterChanged', symbol: c.symbol, fields }];
}

/** Price text at the instrument's price scale, in kernel price units. */
export function priceUnits(instrument: InstrumentState, text: unknown, field: string): bigint | Rejection {
  // Parsed at the tick (finer is rejected) and shifted to kernel units in one step: no bigint multiply.
  return units(text, instrument.spec.priceScale, field, 'invalid_price', 'positive', instrument.priceShift);
}

export function markPrice(state: EngineState, c: Of<'markPrice'>): EngineEvent[] | Rejection {
  const instrument = state.instruments.get(c.symbol);
  if (instrument === undefined) return reject('unknown_symbol', `${shown(c.symbol)} is not listed`);
  if (instrument.prices !== null)
    return reject('invalid_command', `${c.symbol}'s mark is computed by its price layer (send sourcePrices)`);
  const price = priceUnits(instrument, c.price, 'price');
  if (isRejection(price)) return price;
  instrument.mark = price;
  const events: EngineEvent[] = [{ type: 'MarkPriceUpdated', symbol: instrument.spec.symbol, price }];
  recordMark(instrument, price, c.timestampMs, events);
  return events;
}
