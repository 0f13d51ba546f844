/**
 * Bulwark per-tick benchmark (npm run bench): a seeded population of BTCUSDT positions on Binance's real
 * 2024-10-24 tiers, timed on three paths — the fixed-point kernel, the general exact Rational path and a
 * decimal.js baseline — for (1) the margin check and (2) maintenance margin + liquidation price. Every result
 * is checked across the paths (untimed) and the timed passes' counts are checked too; any disagreement
 * exits non-zero. Then (3) the engine: fills per second in memory, durable commands per second with the SQLite
 * journal and the same fills on a naive decimal.js object engine (bench/engine.ts; its temporary journals are
 * deleted), then (4) mark-price updates per second for each venue's price rules and (5) one funding settlement
 * over 1,000,000 positions (bench/prices.ts), then (6) liquidation screening over 1,000,000 positions: the
 * trigger-price index per mark tick beside a float64 and a naive decimal.js full scan (bench/liquidation.ts).
 * Prints tables only.
 */
import { cpus } from 'node:os';
import {
  assessAccount,
  compileInstruments,
  formatUnits,
  kernelHealthy,
  kernelLiquidationPrice,
  kernelMaintenance,
  kernelPosition,
  kernelPrice,
  liquidationPrice,
  maintenanceMarginAt,
  parseCalcRequest,
  parseDecimal,
  parseExactJson,
  pow10,
  quotientToPrice,
  Rational,
  unrealizedPnlAt,
  type CompiledInstrument,
  type KernelPosition,
  type Position,
} from '../src/index.js';
import { Decimal } from 'decimal.js';
import * as dec from './decimalEngine.js';
import { benchEngine, formatEngineSection } from './engine.js';
import { benchLiquidation, formatLiquidationSection } from './liquidation.js';
import { benchPrices, formatPriceSection } from './prices.js';
import {
  buildPopulation,
  calcRequestText,
  MONEY_SCALE,
  PRICE_SCALE,
  SYMBOL,
  type BenchAccount,
  type Population,
} from './population.js';
import { measure, type Measurement, type Pass, type TimingOptions } from './timing.js';
import { benchSimulator, formatSimulatorSection } from './simulator.js';

const SEED = 0x0b17_2024;
const POPULATION = 20_000;
const TICKS = 8;
const OPEN_MARK = 672_345n; // 67,234.5 USDT, BTC around 2024-10-24
const TIMING: TimingOptions = { warmupMs: 300, repMs: 250, reps: 7 };
/** The decimal.js liquidation price is compared with the exact one evaluated at 100 digits. */
const Check = Decimal.clone({ precision: 100 });
const DECIMAL_TOLERANCE = new Check('1e-12');

/** Reference figures quoted in the brief (not measured here). */
const REFERENCE = {
  gmxNs: 1_900,
  decimalCodeNs: '8,000–10,000',
  float64Ns: 20,
  targetSpeedup: 5,
};

// ---------------------------------------------------------------------------------------------------------
// Inputs per path, built once (untimed).

interface KernelRecord {
  readonly kp: KernelPosition;
  readonly legs: readonly KernelPosition[];
  /** Isolated or cross wallet in value units. */
  readonly balance: bigint;
  /** The same in value × rate units (the liquidation constant of a single position). */
  readonly constantRate: bigint;
  readonly positionLegs: readonly Position[];
  readonly wallet: Rational;
}

interface GeneralRecord {
  readonly position: Position;
  readonly legs: readonly Position[];
  readonly wallet: Rational;
}

interface FloatTier {
  readonly floor: number;
  readonly mmr: number;
  readonly cum: number;
}

interface FloatRecord {
  readonly side: number;
  readonly qty: number;
  readonly entry: number;
  readonly wallet: number;
}

function exactValueUnits(value: Rational, scale: number): bigint {
  const scaled = value.mulInt(pow10(scale));
  if (!scaled.isInteger()) throw new Error(`${value.format('trunc')} is not a multiple of 10^-${scale}`);
  return scaled.num / scaled.den;
}

function parseMark(text: string): Rational {
  const parsed = parseDecimal(text);
  if (!parsed.ok) throw new Error(`mark ${text}: ${parsed.error}`);
  return Rational.fromDecimal(parsed.value);
}

function kernelRecords(compiled: CompiledInstrument, accounts: readonly BenchAccount[]): KernelRecord[] {
  return accounts.map((a) => {
    const kp = kernelPosition(compiled, a.position);
    const balance = exactValueUnits(a.wallet, compiled.scales.valueScale);
    return {
      kp,
      legs: [kp],
      balance,
      constantRate: balance * compiled.rateOne,
      positionLegs: [a.position],
      wallet: a.wallet,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// The operations, one position each.

function floatTierFor(tiers: readonly FloatTier[], notional: number): FloatTier {
  let tier = tiers[0];
  if (tier === undefined) throw new Error('no tiers');
  for (let i = 1; i < tiers.length; i++) {
    const next = tiers[i];
    if (next === undefined || notional < next.floor) break;
    tier = next;
  }
  return tier;
}

function floatHealthy(tiers: readonly FloatTier[], p: FloatRecord, mark: number): boolean {
  const notional = p.qty * mark;
  const tier = floatTierFor(tiers, notional);
  return p.wallet + p.side * p.qty * (mark - p.entry) > notional * tier.mmr - tier.cum;
}

function generalHealthy(r: GeneralRecord, mark: Rational): boolean {
  return r.wallet.add(unrealizedPnlAt(r.position, mark)).gt(maintenanceMarginAt(r.position, mark));
}

// ---------------------------------------------------------------------------------------------------------
// Agreement checks (untimed).

interface CheckResult {
  readonly failures: string[];
  /** Healthy positions per tick (the reference for the timed margin-check passes). */
  readonly healthy: number[];
  /** Positions with a liquidation price per tick (the reference for the timed MM + LP passes). */
  readonly withLiquidationPrice: number[];
  readonly kernelFallbacks: number;
  readonly floatDisagreements: number;
  readonly comparisons: { flags: number; maintenance: number; liquidation: number; assessed: number };
  readonly maxRelativeError: Decimal;
}

function check(
  population: Population,
  compiled: CompiledInstrument,
  kernel: readonly KernelRecord[],
  general: readonly GeneralRecord[],
  decimals: readonly dec.DecPosition[],
  decTiers: readonly dec.DecTier[],
  floats: readonly FloatRecord[],
  floatTiers: readonly FloatTier[],
  markTexts: readonly string[],
): CheckResult {
  const failures: string[] = [];
  const fail = (message: string): void => {
    if (failures.length < 50) failures.push(message);
    else if (failures.length === 50) failures.push('… (more disagreements not listed)');
  };
  const healthy: number[] = [];
  const withLiquidationPrice: number[] = [];
  const comparisons = { flags: 0, maintenance: 0, liquidation: 0, assessed: 0 };
  let kernelFallbacks = 0;
  let floatDisagreements = 0;
  let maxRelativeError = new Check(0);
  const { valueScale, rateScale, priceScale } = compiled.scales;
  const n = population.accounts.length;

  for (const [t, markText] of markTexts.entries()) {
    const mark = parseMark(markText);
    const markUnits = kernelPrice(compiled, mark);
    const priceUnits = [markUnits];
    const markDec = new dec.Dec(markText);
    const markFloat = Number(markText);
    let healthyCount = 0;
    let liquidatable = 0;
    for (let i = 0; i < n; i++) {
      const k = kernel[i];
      const g = general[i];
      const d = decimals[i];
      const f = floats[i];
      if (k === undefined || g === undefined || d === undefined || f === undefined) throw new Error('index');
      const where = `position ${i} at mark ${markText}`;

      // 1. margin check
      const kernelFlag = kernelHealthy(k.balance, k.legs, priceUnits);
      const generalFlag = generalHealthy(g, mark);
      const decimalFlag = dec.isHealthy(decTiers, d, markDec);
      comparisons.flags++;
      if (kernelFlag !== generalFlag || kernelFlag !== decimalFlag) {
        fail(`${where}: healthy kernel=${kernelFlag} general=${generalFlag} decimal.js=${decimalFlag}`);
      }
      if (floatHealthy(floatTiers, f, markFloat) !== kernelFlag) floatDisagreements++;
      if (kernelFlag) healthyCount++;

      // 2. maintenance margin, exact on all three paths
      const kernelMm = kernelMaintenance(k.kp, markUnits);
      const generalMm = maintenanceMarginAt(g.position, mark);
      const decimalMm = dec.maintenanceMargin(decTiers, d, markDec);
      comparisons.maintenance++;
      const kernelMmText = formatUnits(kernelMm, valueScale + rateScale);
      if (!Rational.fromUnits(kernelMm, valueScale + rateScale).eq(generalMm)) {
        fail(`${where}: MM kernel=${kernelMmText} general=${generalMm.format('trunc')}`);
      }
      if (!decimalMm.eq(new dec.Dec(kernelMmText))) {
        fail(`${where}: MM kernel=${kernelMmText} decimal.js=${decimalMm.toFixed()}`);
      }

      // liquidation price: kernel exactly equal to the general solver, decimal.js within 1e-12 relative
      const quotient = kernelLiquidationPrice(k.kp, k.constantRate, markUnits);
      const generalLp = liquidationPrice({ legs: g.legs, constant: g.wallet, mark });
      let kernelLp: Rational | null;
      if (quotient === undefined) {
        kernelFallbacks++;
        kernelLp = generalLp;
      } else {
        kernelLp = quotient === null ? null : quotientToPrice(compiled, quotient);
      }
      const decimalLp = dec.liquidationPrice(decTiers, d, markDec);
      comparisons.liquidation++;
      if (kernelLp === null || generalLp === null) {
        if (kernelLp !== generalLp) {
          fail(
            `${where}: LP kernel=${kernelLp?.format('trunc') ?? 'none'} general=${generalLp?.format('trunc') ?? 'none'}`,
          );
        }
      } else if (!kernelLp.eq(generalLp)) {
        fail(`${where}: LP kernel=${kernelLp.format('trunc')} general=${generalLp.format('trunc')}`);
      }
      if (kernelLp === null || decimalLp === null) {
        if ((kernelLp === null) !== (decimalLp === null)) {
          fail(
            `${where}: LP kernel=${kernelLp?.format('trunc') ?? 'none'} decimal.js=${decimalLp?.toFixed() ?? 'none'}`,
          );
        }
      } else {
        const exact = new Check(kernelLp.num.toString()).div(new Check(kernelLp.den.toString()));
        const relative = new Check(decimalLp).sub(exact).abs().div(exact);
        if (relative.gt(maxRelativeError)) maxRelativeError = relative;
        if (relative.gt(DECIMAL_TOLERANCE)) {
          fail(
            `${where}: LP kernel=${kernelLp.format('trunc')} decimal.js=${decimalLp.toFixed()} (rel ${relative.toExponential(3)})`,
          );
        }
      }
      if (quotient !== undefined && quotient !== null && kernelLp !== null) {
        // the quotient is in price units: num / (den · 10^priceScale)
        if (!Rational.of(quotient.num, quotient.den * pow10(priceScale)).eq(kernelLp))
          fail(`${where}: quotient`);
      }
      if (kernelLp !== null) liquidatable++;
    }
    healthy[t] = healthyCount;
    withLiquidationPrice[t] = liquidatable;
  }

  // The whole account API (assessAccount) agrees with the kernel at the opening mark.
  const openText = markTexts[0] ?? '';
  const openMark = parseMark(openText);
  const openUnits = [kernelPrice(compiled, openMark)];
  const marks = new Map([[SYMBOL, openMark]]);
  for (const [i, a] of population.accounts.entries()) {
    const k = kernel[i];
    if (k === undefined) throw new Error('index');
    const assessment = assessAccount(a.account, marks);
    const pa = assessment.positions[0];
    if (pa === undefined) throw new Error('assessment without position');
    const balance = a.marginMode === 'isolated' ? pa.marginBalance : assessment.marginBalance;
    const maintenance = a.marginMode === 'isolated' ? pa.maintenanceMargin : assessment.maintenanceMargin;
    const flag = balance.gt(maintenance);
    const kernelFlag = kernelHealthy(k.balance, k.legs, openUnits);
    const quotient = kernelLiquidationPrice(k.kp, k.constantRate, openUnits[0] ?? 0n);
    const kernelLp =
      quotient === undefined
        ? pa.liquidationPrice
        : quotient === null
          ? null
          : quotientToPrice(compiled, quotient);
    comparisons.assessed++;
    const same =
      kernelLp === null || pa.liquidationPrice === null
        ? kernelLp === pa.liquidationPrice
        : kernelLp.eq(pa.liquidationPrice);
    if (flag !== kernelFlag || !same) {
      fail(
        `position ${i} at mark ${openText}: assessAccount healthy=${flag} LP=${pa.liquidationPrice?.format('trunc') ?? 'none'}, kernel healthy=${kernelFlag} LP=${kernelLp?.format('trunc') ?? 'none'}`,
      );
    }
  }
  return {
    failures,
    healthy,
    withLiquidationPrice,
    kernelFallbacks,
    floatDisagreements,
    comparisons,
    maxRelativeError,
  };
}

/** Each account, written as a calc request and parsed, gives the same position as the bench built. */
function checkParsedRequests(population: Population, fail: (message: string) => void): number {
  const markText = formatUnits(population.openMark, PRICE_SCALE);
  let parsedCount = 0;
  for (const a of population.accounts) {
    const position: Record<string, string> = {
      symbol: SYMBOL,
      side: a.side,
      qty: a.qtyText,
      entryPrice: a.entryText,
      marginMode: a.marginMode,
      leverage: String(a.leverage),
    };
    if (a.marginMode === 'isolated') position.isolatedWallet = a.walletText;
    const text = calcRequestText(population.brackets, markText, {
      walletBalance: a.marginMode === 'cross' ? a.walletText : '0',
      positions: [position],
    });
    const json = parseExactJson(text);
    const request = json.ok ? parseCalcRequest(json.value) : null;
    const parsed = request?.ok === true ? request.value.account : null;
    const p = parsed?.positions[0];
    const mine = a.position;
    const wallet = a.marginMode === 'cross' ? parsed?.walletBalance : p?.isolatedWallet;
    if (
      p === undefined ||
      wallet === undefined ||
      p.side !== mine.side ||
      p.marginMode !== mine.marginMode ||
      !p.qty.eq(mine.qty) ||
      !p.entryPrice.eq(mine.entryPrice) ||
      !wallet.eq(a.wallet) ||
      p.leverage === null ||
      mine.leverage === null ||
      !p.leverage.eq(mine.leverage)
    ) {
      fail(`account ${a.id}: the parsed calc request differs from the bench's position`);
    }
    parsedCount++;
  }
  return parsedCount;
}

// ---------------------------------------------------------------------------------------------------------
// Output.

function formatNs(ns: number): string {
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(ns >= 100 ? 0 : 1)} ns`;
}

function formatOps(ns: number): string {
  const ops = 1e9 / ns;
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M/s`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k/s`;
  return `${ops.toFixed(0)} /s`;
}

function table(title: string, rows: readonly Measurement[], baselineNs: number): void {
  const header = ['path', 'ns/op (median)', 'min–max', 'ops/s', 'vs decimal.js'];
  const lines = rows.map((m) => [
    m.name,
    formatNs(m.medianNs),
    `${formatNs(m.minNs)} – ${formatNs(m.maxNs)}`,
    formatOps(m.medianNs),
    `${(baselineNs / m.medianNs).toFixed(2)}×`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => (l[c] ?? '').length)));
  const row = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  console.log(`\n${title}`);
  console.log(row(header));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

// ---------------------------------------------------------------------------------------------------------

const started = process.hrtime.bigint();

function main(): number {
  const population = buildPopulation({
    seed: SEED,
    size: POPULATION,
    ticks: TICKS,
    openMark: OPEN_MARK,
    minNotional: 100,
    maxNotional: 20_000_000,
  });
  const { accounts, instrument } = population;
  const compiledMap = compileInstruments([instrument], MONEY_SCALE);
  const compiled = compiledMap?.get(SYMBOL);
  if (compiled === undefined) throw new Error('BTCUSDT did not compile to the kernel');
  const markTexts = population.ticks.map((t) => formatUnits(t, PRICE_SCALE));

  const kernel = kernelRecords(compiled, accounts);
  const general: GeneralRecord[] = accounts.map((a) => ({
    position: a.position,
    legs: [a.position],
    wallet: a.wallet,
  }));
  const decTiers = dec.decTiers(population.brackets);
  const decimals = accounts.map((a) => dec.decPosition(a.side, a.qtyText, a.entryText, a.walletText));
  const floatTiers: FloatTier[] = population.brackets.map((b) => ({
    floor: Number(b.floor),
    mmr: Number(b.mmr),
    cum: Number(b.cum),
  }));
  const floats: FloatRecord[] = accounts.map((a) => ({
    side: a.side === 'long' ? 1 : -1,
    qty: Number(a.qtyText),
    entry: Number(a.entryText),
    wallet: Number(a.walletText),
  }));

  // Population summary.
  const n = accounts.length;
  const count = (predicate: (a: BenchAccount) => boolean): number => accounts.filter(predicate).length;
  const tiers = new Map<number, number>();
  for (const a of accounts) tiers.set(a.entryTier, (tiers.get(a.entryTier) ?? 0) + 1);
  const notionals = accounts
    .map((a) => a.position.qty.mul(a.position.entryPrice).toNumber())
    .sort((x, y) => x - y);
  console.log('Bulwark per-tick benchmark');
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, seed 0x${SEED.toString(16)}`);
  console.log(
    `population: ${n} BTCUSDT linear positions on Binance 2024-10-24 tiers (${population.brackets.length} brackets), ` +
      `tick 0.1, lot 0.001, wallets in cents`,
  );
  console.log(
    `  ${count((a) => a.side === 'long')} long / ${count((a) => a.side === 'short')} short, ` +
      `${count((a) => a.marginMode === 'isolated')} isolated / ${count((a) => a.marginMode === 'cross')} cross (one position per account)`,
  );
  console.log(
    `  entry notional ${(notionals[0] ?? 0).toFixed(1)} … ${(notionals[n - 1] ?? 0).toFixed(0)} USDT (median ${(notionals[n >> 1] ?? 0).toFixed(0)}); ` +
      `by tier: ${[...tiers.entries()]
        .sort((x, y) => x[0] - y[0])
        .map(([t, c]) => `T${t} ${c}`)
        .join(', ')}`,
  );
  console.log(
    `  leverage ${Math.min(...accounts.map((a) => a.leverage))}–${Math.max(...accounts.map((a) => a.leverage))}×; ` +
      `kernel scales: price 10^-${compiled.scales.priceScale}, exposure 10^-${compiled.scales.exposureScale}, ` +
      `value 10^-${compiled.scales.valueScale}, rate 10^-${compiled.scales.rateScale}`,
  );
  console.log(`  ${TICKS} ticks, marks ${markTexts.join(', ')}`);

  // Agreement (untimed).
  const checkStart = process.hrtime.bigint();
  const result = check(
    population,
    compiled,
    kernel,
    general,
    decimals,
    decTiers,
    floats,
    floatTiers,
    markTexts,
  );
  const failures = result.failures;
  const parsedCount = checkParsedRequests(population, (m) => failures.push(m));
  const checkMs = Number(process.hrtime.bigint() - checkStart) / 1e6;
  const c = result.comparisons;
  console.log(
    `\nagreement (untimed, ${(checkMs / 1e3).toFixed(1)} s): ${c.flags} margin checks (kernel = general = decimal.js), ` +
      `${c.maintenance} MM (exact, 3 paths), ${c.liquidation} liquidation prices (kernel = general exactly; ` +
      `decimal.js max rel. error ${result.maxRelativeError.toExponential(2)}), ${c.assessed} assessAccount, ` +
      `${parsedCount} calc requests re-parsed`,
  );
  console.log(
    `  healthy per tick: ${result.healthy.join(', ')} of ${n}; with a liquidation price: ${result.withLiquidationPrice.join(', ')}; ` +
      `kernel fallbacks to the general solver: ${result.kernelFallbacks}; float64 flag disagreements: ${result.floatDisagreements}`,
  );
  if (failures.length > 0) {
    console.error(`\nDISAGREEMENT (${failures.length > 50 ? 'first 50 shown' : String(failures.length)}):`);
    for (const f of failures) console.error(`  ${f}`);
    return 1;
  }

  // Timed passes; each pass's count is checked against the reference per tick.
  const passFailures: string[] = [];
  const expect =
    (name: string, reference: readonly number[]) =>
    (tick: number, value: number): void => {
      if (value !== reference[tick] && passFailures.length < 20) {
        passFailures.push(
          `${name}, tick ${tick}: pass counted ${value}, reference ${reference[tick] ?? '?'}`,
        );
      }
    };
  const run = (name: string, pass: Pass, reference: readonly number[]): Measurement =>
    measure(name, pass, n, TICKS, TIMING, expect(name, reference));

  const marginKernel: Pass = (tick) => {
    const priceUnits = [kernelPrice(compiled, parseMark(markTexts[tick] ?? ''))];
    let healthy = 0;
    for (const r of kernel) if (kernelHealthy(r.balance, r.legs, priceUnits)) healthy++;
    return healthy;
  };
  const marginGeneral: Pass = (tick) => {
    const mark = parseMark(markTexts[tick] ?? '');
    let healthy = 0;
    for (const r of general) if (generalHealthy(r, mark)) healthy++;
    return healthy;
  };
  const marginDecimal: Pass = (tick) => {
    const mark = new dec.Dec(markTexts[tick] ?? '');
    let healthy = 0;
    for (const p of decimals) if (dec.isHealthy(decTiers, p, mark)) healthy++;
    return healthy;
  };
  const marginFloat: Pass = (tick) => {
    const mark = Number(markTexts[tick]);
    let healthy = 0;
    for (const p of floats) if (floatHealthy(floatTiers, p, mark)) healthy++;
    return healthy;
  };

  let fallbacks = 0;
  const liqKernel =
    (toPrice: boolean): Pass =>
    (tick) => {
      const mark = parseMark(markTexts[tick] ?? '');
      const markUnits = kernelPrice(compiled, mark);
      let count = 0;
      for (const r of kernel) {
        const mm = kernelMaintenance(r.kp, markUnits);
        if (mm < 0n) count--;
        const quotient = kernelLiquidationPrice(r.kp, r.constantRate, markUnits);
        if (quotient === undefined) {
          fallbacks++;
          if (liquidationPrice({ legs: r.positionLegs, constant: r.wallet, mark }) !== null) count++;
        } else if (quotient !== null) {
          if (!toPrice || quotientToPrice(compiled, quotient).sign() > 0) count++;
        }
      }
      return count;
    };
  const liqGeneral: Pass = (tick) => {
    const mark = parseMark(markTexts[tick] ?? '');
    let count = 0;
    for (const r of general) {
      if (maintenanceMarginAt(r.position, mark).sign() < 0) count--;
      if (liquidationPrice({ legs: r.legs, constant: r.wallet, mark }) !== null) count++;
    }
    return count;
  };
  const liqDecimal: Pass = (tick) => {
    const mark = new dec.Dec(markTexts[tick] ?? '');
    let count = 0;
    for (const p of decimals) {
      if (dec.maintenanceMargin(decTiers, p, mark).isNeg()) count--;
      if (dec.liquidationPrice(decTiers, p, mark) !== null) count++;
    }
    return count;
  };

  const marginRows = [
    run('Bulwark kernel (kernelHealthy, fixed-point)', marginKernel, result.healthy),
    run('Bulwark general (Rational: PnL vs MM)', marginGeneral, result.healthy),
    run('decimal.js baseline (40 digits)', marginDecimal, result.healthy),
  ];
  const marginFloatRow = measure(
    'float64 (inexact; reference only)',
    marginFloat,
    n,
    TICKS,
    TIMING,
    () => undefined,
  );
  const liqRows = [
    run(
      'Bulwark kernel (kernelMaintenance + kernelLiquidationPrice)',
      liqKernel(false),
      result.withLiquidationPrice,
    ),
    run(
      'Bulwark kernel + quotientToPrice (Rational price out)',
      liqKernel(true),
      result.withLiquidationPrice,
    ),
    run('Bulwark general (maintenanceMarginAt + liquidationPrice)', liqGeneral, result.withLiquidationPrice),
    run('decimal.js baseline (Binance formula, tier re-selection)', liqDecimal, result.withLiquidationPrice),
  ];
  if (passFailures.length > 0) {
    console.error('\nDISAGREEMENT in timed passes:');
    for (const f of passFailures) console.error(`  ${f}`);
    return 1;
  }

  const marginDecimalNs = marginRows[2]?.medianNs ?? Number.NaN;
  const liqDecimalNs = liqRows[3]?.medianNs ?? Number.NaN;
  console.log(
    `\ntiming: warm-up ≥ ${TIMING.warmupMs} ms, ${TIMING.reps} repetitions of ≈ ${TIMING.repMs} ms (whole passes over ` +
      `${n} positions, marks cycling through the ${TICKS} ticks); ns/op is the median repetition`,
  );
  table(
    '1. Margin check: margin balance > maintenance margin at a new mark (one op = one position)',
    [...marginRows, marginFloatRow],
    marginDecimalNs,
  );
  table('2. Maintenance margin + liquidation price per position (the GMX comparison)', liqRows, liqDecimalNs);
  console.log(
    `   kernel liquidation walk fell back to the general solver ${fallbacks} times in the timed passes (and ${result.kernelFallbacks} times in the checks)`,
  );

  const kernelMargin = marginRows[0]?.medianNs ?? Number.NaN;
  const kernelLiq = liqRows[0]?.medianNs ?? Number.NaN;
  const speedup = marginDecimalNs / kernelMargin;
  console.log('\nReference numbers from the brief (not measured here):');
  console.log(
    `  GMX bigint maths, MM + liquidation price per position   ~${formatNs(REFERENCE.gmxNs)}   (kernel here: ${formatNs(kernelLiq)}, ${(REFERENCE.gmxNs / kernelLiq).toFixed(1)}× that)`,
  );
  console.log(
    `  decimal.js-based code                                    ${REFERENCE.decimalCodeNs} ns   (decimal.js baseline here: ${formatNs(liqDecimalNs)} MM + LP, ${formatNs(marginDecimalNs)} margin check)`,
  );
  console.log(
    `  float64                                                  ~${REFERENCE.float64Ns} ns   (float64 margin check here: ${formatNs(marginFloatRow.medianNs)}, ${result.floatDisagreements} flags differ from exact)`,
  );
  console.log(
    `\nTarget (issue): exact margin-check path ≥ ${REFERENCE.targetSpeedup}× the decimal.js baseline: kernel ${speedup.toFixed(2)}× → ${speedup >= REFERENCE.targetSpeedup ? 'PASS' : 'FAIL'}`,
  );
  return 0;
}

/** Section 3; non-zero when a correctness check failed (targets missed are reported, not an error). */
async function engineSection(): Promise<number> {
  const result = await benchEngine();
  for (const line of formatEngineSection(result)) console.log(line);
  return result.failures.length > 0 ? 1 : 0;
}

/** Sections 4 and 5; non-zero when a correctness check failed. */
function priceSection(): number {
  const result = benchPrices();
  for (const line of formatPriceSection(result)) console.log(line);
  return result.failures.length > 0 ? 1 : 0;
}

/** Section 6; non-zero when a correctness check failed. */
async function liquidationSection(): Promise<number> {
  const result = await benchLiquidation();
  for (const line of formatLiquidationSection(result)) console.log(line);
  return result.failures.length > 0 ? 1 : 0;
}

/** Section 7; non-zero when the run broke an invariant. */
function simulatorSection(): number {
  const result = benchSimulator();
  for (const line of formatSimulatorSection(result)) console.log(line);
  return result.violations > 0 ? 1 : 0;
}

/**
 * `npm run bench -- engine prices`: only the named sections (margin = 1–2, engine = 3, prices = 4–5,
 * liquidation = 6, simulator = 7); all by default.
 */
const SECTIONS = ['margin', 'engine', 'prices', 'liquidation', 'simulator'] as const;
const asked = process.argv.slice(2);
for (const name of asked) {
  if (!(SECTIONS as readonly string[]).includes(name))
    throw new Error(`unknown bench section ${name} (sections: ${SECTIONS.join(', ')})`);
}
console.log(
  `node ${process.version} ${process.execArgv.filter((a) => a.startsWith('--') && a !== '--import').join(' ')}` +
    ' (npm run bench: 64 MiB semi-spaces, as the engine process is run (docs/engine.md, "Running the engine"). ' +
    "V8's default young generation is at most 16 MiB and shrinks to 1 MiB after a full collection; a scavenge " +
    'costs about the live state it copies, not the garbage, so a larger one scavenges as long, 4x less often)',
);
const runs = (name: (typeof SECTIONS)[number]): boolean => asked.length === 0 || asked.includes(name);
const marginCode = runs('margin') ? main() : 0;
const engineCode = runs('engine') ? await engineSection() : 0;
const priceCode = runs('prices') ? priceSection() : 0;
const liquidationCode = runs('liquidation') ? await liquidationSection() : 0;
const simulatorCode = runs('simulator') ? simulatorSection() : 0;
console.log(`total ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
process.exitCode =
  [marginCode, engineCode, priceCode, liquidationCode, simulatorCode].find((code) => code !== 0) ?? 0;
