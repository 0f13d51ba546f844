/**
 * Random but valid calculator requests for property tests, and the engine run on them in-process.
 *
 * Tier tables are either random cumulative/whole tables (contiguous from 0, non-decreasing mmr ≤ 1 unless a
 * whole table is deliberately scrambled, positive max leverage) whose floors are spread over the positions'
 * notionals so that liquidation prices cross tiers, or the real Binance BTCUSDT brackets with published `cum`.
 */
import fc from 'fast-check';
import { parseCalcRequest } from '../../src/calc/index.js';
import { assessAccount, type AccountAssessment } from '../../src/margin/index.js';
import { parseExactJson, Rational } from '../../src/numbers/index.js';
import {
  binanceTiers,
  dec,
  exactText,
  instrumentModel,
  maintenanceNotional,
  notional,
  roundedText,
  tierIndexAt,
  type InstrumentJson,
  type PositionJson,
  type PositionModel,
  type RequestJson,
  type TierJson,
} from './model.js';

/**
 * fast-check parameters: a fixed seed so a failure reproduces, and a run count; FC_SEED and FC_RUNS (a
 * multiplier) override them for longer hunts, e.g. `FC_SEED=7 FC_RUNS=20 node --import tsx --test ...`.
 */
export function fcParams(seed: number, numRuns: number): { seed: number; numRuns: number } {
  const envSeed = process.env.FC_SEED;
  const multiplier = Number(process.env.FC_RUNS ?? '1');
  return {
    seed: envSeed === undefined ? seed : Number(envSeed),
    numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(multiplier) ? multiplier : 1))),
  };
}

/** Parses and validates a request with the engine's own reader and assesses it; a rejection throws. */
export function engineAssess(request: RequestJson): AccountAssessment {
  const json = parseExactJson(JSON.stringify(request));
  if (!json.ok) throw new Error(`unparseable request: ${json.error.message}`);
  const parsed = parseCalcRequest(json.value);
  if (!parsed.ok) throw new Error(`engine rejected the request: ${JSON.stringify(parsed.error)}`);
  return assessAccount(parsed.value.account, parsed.value.marks);
}

const LEVERAGES = ['125', '100', '75', '50', '25', '20', '10', '5', '4', '3', '2', '1'];
const LINEAR_SIZES = ['1', '0.01', '0.001'];
const INVERSE_SIZES = ['100', '10', '1'];
const BINANCE_DATES = ['2022-02-12', '2022-11-25', '2024-10-24'] as const;
const RULEBOOKS = ['binance', 'bybit', 'bitmex', 'hyperliquid', 'dydx', 'okx'];

interface LegDraw {
  readonly qtyUnits: number;
  readonly qtyScale: number;
  readonly notionalExponent: number;
  readonly entryOffsetBp: number;
  readonly walletBp: number;
  readonly leverage: number | null;
}

interface SymbolDraw {
  readonly kind: 'linear' | 'inverse';
  readonly sizeIndex: number;
  readonly tierModel: 'cumulative' | 'whole';
  readonly basis: 'mark' | 'entry';
  readonly binanceDate: number | null;
  readonly weights: readonly number[];
  readonly mmrStartBp: number;
  readonly mmrStepsBp: readonly number[];
  readonly scrambled: boolean;
  readonly levShift: number;
  readonly markCents: number;
  readonly marginMode: 'cross' | 'isolated';
  readonly oneWaySide: 'long' | 'short';
  readonly hedgeLegs: 'LONG' | 'SHORT' | 'BOTH';
  /** Hedge legs of equal size (PnL cancels) or nearly equal (net slope changes sign across tiers). */
  readonly offsetting: 'no' | 'equal' | 'near';
  /** Put a tier floor exactly at the first leg's notional at the mark. */
  readonly floorAtMark: boolean;
  /** Hyperliquid: leave mmr out so the engine derives 1 / (2 × max leverage). */
  readonly omitMmr: boolean;
  readonly legs: readonly [LegDraw, LegDraw];
}

interface PortfolioDraw {
  readonly hedge: boolean;
  readonly family: 'linear' | 'inverse';
  readonly rulebook: string;
  readonly walletBp: number;
  readonly symbols: readonly SymbolDraw[];
}

const legArb: fc.Arbitrary<LegDraw> = fc.record({
  qtyUnits: fc.integer({ min: 1, max: 2_000_000 }),
  qtyScale: fc.integer({ min: 0, max: 3 }),
  notionalExponent: fc.integer({ min: 300, max: 840 }),
  entryOffsetBp: fc.oneof(fc.integer({ min: -3000, max: 3000 }), fc.constant(0)),
  walletBp: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 20000 }), fc.constant(0)),
  leverage: fc.option(fc.integer({ min: 1, max: 125 }), { nil: null }),
});

const symbolArb: fc.Arbitrary<SymbolDraw> = fc.record({
  kind: fc.constantFrom('linear', 'inverse'),
  sizeIndex: fc.integer({ min: 0, max: 2 }),
  tierModel: fc.oneof(
    { arbitrary: fc.constant('cumulative' as const), weight: 3 },
    { arbitrary: fc.constant('whole' as const), weight: 1 },
  ),
  basis: fc.oneof(
    { arbitrary: fc.constant('mark' as const), weight: 3 },
    { arbitrary: fc.constant('entry' as const), weight: 1 },
  ),
  binanceDate: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 3 }),
  weights: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 6 }),
  mmrStartBp: fc.integer({ min: 0, max: 300 }),
  mmrStepsBp: fc.array(
    fc.oneof({ arbitrary: fc.integer({ min: 0, max: 400 }), weight: 9 }, fc.constant(10000)),
    {
      minLength: 6,
      maxLength: 6,
    },
  ),
  scrambled: fc.boolean(),
  levShift: fc.integer({ min: 0, max: 6 }),
  markCents: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 100_000, max: 10_000_000 })),
  marginMode: fc.constantFrom('cross', 'isolated'),
  oneWaySide: fc.constantFrom('long', 'short'),
  hedgeLegs: fc.constantFrom('LONG', 'SHORT', 'BOTH'),
  offsetting: fc.oneof(
    { arbitrary: fc.constant('no' as const), weight: 4 },
    fc.constant('equal' as const),
    fc.constant('near' as const),
  ),
  floorAtMark: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, fc.constant(true)),
  omitMmr: fc.boolean(),
  legs: fc.tuple(legArb, legArb),
});

const portfolioDrawArb: fc.Arbitrary<PortfolioDraw> = fc.record({
  hedge: fc.boolean(),
  family: fc.constantFrom('linear', 'inverse'),
  rulebook: fc.constantFrom(...RULEBOOKS),
  // A negative cross wallet (realised losses beyond deposits) is valid input too.
  walletBp: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 3000 }), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 20000 }), weight: 3 },
    fc.integer({ min: -2000, max: 0 }),
  ),
  symbols: fc.array(symbolArb, { minLength: 1, maxLength: 3 }),
});

function centsText(cents: number): string {
  return exactText(Rational.fromUnits(BigInt(Math.max(1, cents)), 2));
}

function moneyScale(kind: 'linear' | 'inverse'): number {
  return kind === 'linear' ? 2 : 8;
}

/** A fraction (in basis points) of a value, floored to the settlement asset's cents (or satoshis). */
function fractionText(value: Rational, bp: number, kind: 'linear' | 'inverse'): string {
  return roundedText(value.mul(Rational.of(BigInt(bp), 10000n)), moneyScale(kind), 'floor');
}

function randomTiers(
  draw: SymbolDraw,
  maxNotional: Rational,
  omitMmr: boolean,
  pin: Rational | null,
): TierJson[] {
  const total = draw.weights.reduce((a, b) => a + b, 0);
  const scale = moneyScale(draw.kind);
  const step = Rational.fromUnits(1n, scale);
  const tiers: TierJson[] = [];
  let floor = Rational.ZERO;
  let running = 0;
  let mmrBp = draw.mmrStartBp;
  for (const [k, weight] of draw.weights.entries()) {
    running += weight;
    const target = dec(
      roundedText(maxNotional.mulInt(2n).mul(Rational.of(BigInt(running), BigInt(total))), scale, 'ceil'),
    );
    let cap = target.gt(floor) ? target : floor.add(step);
    if (pin !== null && pin.gt(floor) && pin.lt(cap) && k < draw.weights.length - 1) cap = pin;
    if (k > 0) mmrBp += draw.mmrStepsBp[k - 1] ?? 0;
    const rate = draw.tierModel === 'whole' && draw.scrambled ? (draw.mmrStepsBp[k] ?? 0) : mmrBp;
    const tier: TierJson = {
      floor: exactText(floor),
      cap: exactText(cap),
      maxLeverage: LEVERAGES[Math.min(LEVERAGES.length - 1, k + draw.levShift)] ?? '1',
    };
    if (!omitMmr) tier.mmr = exactText(Rational.of(BigInt(Math.min(10000, rate)), 10000n));
    tiers.push(tier);
    floor = cap;
  }
  return tiers;
}

/** Builds a valid request from a draw: positions first, then tier tables spread over their notionals. */
export function buildRequest(draw: PortfolioDraw): RequestJson {
  const instruments: InstrumentJson[] = [];
  const marks: Record<string, string> = {};
  const positions: PositionJson[] = [];
  const crossEntryNotionals: Rational[] = [];
  for (const [s, sym] of draw.symbols.entries()) {
    const symbol = `SYM${s}`;
    const useBinance = sym.kind === 'linear' && sym.binanceDate !== null;
    const contractSize =
      (sym.kind === 'linear' ? LINEAR_SIZES : INVERSE_SIZES)[useBinance ? 0 : sym.sizeIndex] ?? '1';
    const marginMode = sym.kind === draw.family ? sym.marginMode : 'isolated';
    const mark = dec(centsText(sym.markCents));
    marks[symbol] = centsText(sym.markCents);
    const sides: { side: 'long' | 'short'; positionSide: 'BOTH' | 'LONG' | 'SHORT' }[] = !draw.hedge
      ? [{ side: sym.oneWaySide, positionSide: 'BOTH' }]
      : sym.hedgeLegs === 'BOTH'
        ? [
            { side: 'long', positionSide: 'LONG' },
            { side: 'short', positionSide: 'SHORT' },
          ]
        : [{ side: sym.hedgeLegs === 'LONG' ? 'long' : 'short', positionSide: sym.hedgeLegs }];
    const drafted = sides.map(({ side, positionSide }, k) => {
      const drawn = sym.legs[k] ?? sym.legs[0];
      const first = sym.legs[0];
      const shrink = sym.offsetting === 'near' && k > 0 ? 0.99 : 1;
      const leg =
        sym.offsetting === 'no'
          ? drawn
          : {
              ...drawn,
              qtyUnits: Math.max(1, Math.round(first.qtyUnits * shrink)),
              qtyScale: first.qtyScale,
              notionalExponent: first.notionalExponent - (shrink < 1 ? 1 : 0),
            };
      const qty = useBinance
        ? roundedText(
            Rational.of(BigInt(Math.round(10 ** (leg.notionalExponent / 100))), 1n).div(mark),
            3,
            'ceil',
          )
        : exactText(Rational.fromUnits(BigInt(leg.qtyUnits), leg.qtyScale));
      const entryCents = Math.round((sym.markCents * (10000 + leg.entryOffsetBp)) / 10000);
      return { leg, side, positionSide, qty, entryPrice: centsText(entryCents) };
    });
    // The instrument's shape without tiers, to measure the drafted positions' notionals.
    const shape: InstrumentJson = {
      symbol,
      kind: sym.kind,
      contractSize,
      settleAsset: sym.kind === 'linear' ? 'USDT' : 'COIN',
      tierModel: useBinance ? 'cumulative' : sym.tierModel,
      maintenanceBasis: sym.basis,
      tiers: [{ floor: '0', cap: '1', mmr: '0', maxLeverage: '1' }],
    };
    const probe = (qty: string, entryPrice: string): PositionModel => ({
      instrument: instrumentModel(shape),
      side: 'long',
      positionSide: 'BOTH',
      qty: dec(qty),
      entry: dec(entryPrice),
      marginMode: 'cross',
      isolatedWallet: Rational.ZERO,
      leverage: null,
    });
    const firstDraft = drafted[0];
    const pinned =
      firstDraft === undefined ? null : notional(probe(firstDraft.qty, firstDraft.entryPrice), mark);
    const pin = sym.floorAtMark && pinned?.terminatingScale() !== null ? pinned : null;
    let maxNotional = Rational.ZERO;
    for (const d of drafted) {
      const p = probe(d.qty, d.entryPrice);
      for (const n of [notional(p, mark), notional(p, p.entry)]) if (n.gt(maxNotional)) maxNotional = n;
    }
    const tiers = useBinance
      ? binanceTiers(BINANCE_DATES[sym.binanceDate] ?? '2024-10-24', 'BTC/USDT')
      : randomTiers(sym, maxNotional, draw.rulebook === 'hyperliquid' && sym.omitMmr, pin);
    const instrument: InstrumentJson = { ...shape, tiers };
    instruments.push(instrument);
    const model = instrumentModel(instrument, draw.rulebook);
    for (const d of drafted) {
      const p = { ...probe(d.qty, d.entryPrice), instrument: model };
      const position: PositionJson = {
        symbol,
        side: d.side,
        positionSide: d.positionSide,
        qty: d.qty,
        entryPrice: d.entryPrice,
        marginMode,
      };
      const entryNotional = notional(p, p.entry);
      if (marginMode === 'isolated')
        position.isolatedWallet = fractionText(entryNotional, d.leg.walletBp, sym.kind);
      else crossEntryNotionals.push(entryNotional);
      if (d.leg.leverage !== null) {
        const tier = model.tiers[tierIndexAt(model.tiers, maintenanceNotional(p, mark))];
        const cap = tier === undefined ? 1 : Number(exactText(tier.maxLeverage));
        if (cap >= 1) position.leverage = String(Math.min(d.leg.leverage, Math.floor(cap)));
      }
      positions.push(position);
    }
  }
  const crossTotal = crossEntryNotionals.reduce((a, b) => a.add(b), Rational.ZERO);
  return {
    rulebook: draw.rulebook,
    instruments,
    marks,
    account: { walletBalance: fractionText(crossTotal, draw.walletBp, draw.family), positions },
  };
}

/** Random valid requests: 1–3 symbols, linear and inverse, long and short, cross and isolated, one-way and hedge. */
export const requestArb: fc.Arbitrary<RequestJson> = portfolioDrawArb.map(buildRequest);

/** A random cumulative tier table: contiguous from 0, non-decreasing mmr ≤ 1, positive max leverage. */
export const cumulativeTiersArb: fc.Arbitrary<TierJson[]> = fc
  .record({
    caps: fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 12 }),
    capScale: fc.integer({ min: 0, max: 4 }),
    mmrs: fc.array(fc.integer({ min: 0, max: 10000 }), { minLength: 12, maxLength: 12 }),
    leverages: fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 12, maxLength: 12 }),
  })
  .map(({ caps, capScale, mmrs, leverages }) => {
    const rates = mmrs.slice(0, caps.length).sort((a, b) => a - b);
    let floor = 0n;
    return caps.map((width, k) => {
      const cap = floor + BigInt(width);
      const tier: TierJson = {
        floor: exactText(Rational.fromUnits(floor, capScale)),
        cap: exactText(Rational.fromUnits(cap, capScale)),
        mmr: exactText(Rational.of(BigInt(rates[k] ?? 0), 10000n)),
        maxLeverage: exactText(Rational.of(BigInt(leverages[k] ?? 1), 10n)),
      };
      floor = cap;
      return tier;
    });
  });
