import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bankruptcyPrice,
  buildTierTable,
  compileInstruments,
  kernelBankruptcyPrice,
  kernelHealthy,
  kernelLiquidationPrice,
  kernelMaintenance,
  kernelPosition,
  kernelPrice,
  liquidationPrice,
  maintenanceMarginAt,
  quotientToPrice,
  Rational,
  unrealizedPnlAt,
  type Instrument,
  type MaintenanceBasis,
  type Position,
  type TierModel,
} from '../../src/index.js';

const SCALES = { price: 1, qty: 3, money: 2, rate: 4 };
const unit = (units: bigint, scale: number): Rational => Rational.fromUnits(units, scale);

/** Random contiguous tier tables: floors grow, mmr non-decreasing and below 1 (rates in 1e-4). */
const tierTableArb = fc
  .array(
    fc.record({ width: fc.bigInt({ min: 1n, max: 5_000_000n }), mmrStep: fc.bigInt({ min: 0n, max: 400n }) }),
    {
      minLength: 1,
      maxLength: 8,
    },
  )
  .chain((rows) =>
    fc.record({
      rows: fc.constant(rows),
      firstMmr: fc.bigInt({ min: 1n, max: 500n }),
    }),
  );

function makeInstrument(
  rows: { width: bigint; mmrStep: bigint }[],
  firstMmr: bigint,
  model: TierModel,
  basis: MaintenanceBasis,
): Instrument {
  let floor = 0n;
  let mmr = firstMmr;
  const specs = rows.map((row, i) => {
    if (i > 0) mmr += row.mmrStep;
    const spec = {
      floor: Rational.fromInt(floor),
      cap: Rational.fromInt(floor + row.width * 10n),
      mmr: unit(mmr > 9999n ? 9999n : mmr, 4),
      maxLeverage: Rational.fromInt(BigInt(Math.max(1, 125 - i * 15))),
    };
    floor += row.width * 10n;
    return spec;
  });
  const table = buildTierTable(model, specs, 'tiers');
  assert.ok(table.ok);
  return {
    symbol: 'BTCUSDT',
    kind: 'linear',
    contractSize: Rational.ONE,
    settleAsset: 'USDT',
    tiers: table.value,
    maintenanceBasis: basis,
    scales: SCALES,
    tickSize: unit(1n, 1),
    lotSize: unit(1n, 3),
  };
}

const positionArb = fc.record({
  long: fc.boolean(),
  qtyUnits: fc.bigInt({ min: 1n, max: 5_000_000n }),
  entryUnits: fc.bigInt({ min: 10n, max: 2_000_000n }),
  markUnits: fc.bigInt({ min: 10n, max: 2_000_000n }),
  walletUnits: fc.bigInt({ min: 0n, max: 10_000_000_000n }),
});

test('kernel agrees exactly with the general solver (isolated linear legs, cumulative and entry basis)', () => {
  fc.assert(
    fc.property(
      tierTableArb,
      positionArb,
      fc.constantFrom<[TierModel, MaintenanceBasis]>(
        ['cumulative', 'mark'],
        ['cumulative', 'entry'],
        ['whole', 'entry'],
        ['whole', 'mark'],
      ),
      ({ rows, firstMmr }, p, [model, basis]) => {
        const instrument = makeInstrument(rows, firstMmr, model, basis);
        const position: Position = {
          instrument,
          side: p.long ? 'long' : 'short',
          positionSide: 'BOTH',
          qty: unit(p.qtyUnits, 3),
          entryPrice: unit(p.entryUnits, 1),
          marginMode: 'isolated',
          isolatedWallet: unit(p.walletUnits, 2),
          leverage: null,
        };
        const mark = unit(p.markUnits, 1);
        const compiled = compileInstruments([instrument], SCALES.money)?.get('BTCUSDT');
        assert.ok(compiled !== undefined);
        const kp = kernelPosition(compiled, position);
        const markUnits = kernelPrice(compiled, mark);
        const valueScale = compiled.scales.valueScale;
        const wallet = position.isolatedWallet.toUnits(valueScale, 'trunc');

        const mm = Rational.fromUnits(
          kernelMaintenance(kp, markUnits),
          valueScale + compiled.scales.rateScale,
        );
        assert.ok(mm.eq(maintenanceMarginAt(position, mark)), 'maintenance margin');

        const equity = position.isolatedWallet.add(unrealizedPnlAt(position, mark));
        assert.equal(
          kernelHealthy(wallet, [kp], [markUnits]),
          equity.gt(maintenanceMarginAt(position, mark)),
          'healthy flag',
        );

        const problem = { legs: [position], constant: position.isolatedWallet, mark };
        const general = liquidationPrice(problem);
        const fast = kernelLiquidationPrice(kp, wallet * compiled.rateOne, markUnits);
        if (model === 'whole' && basis === 'mark')
          assert.equal(fast, undefined, 'whole tiers at mark basis go to the general solver');
        else if (fast !== undefined) {
          if (general === null) assert.equal(fast, null);
          else {
            assert.ok(fast !== null, `kernel found no price, general ${general.format('trunc')}`);
            assert.ok(quotientToPrice(compiled, fast).eq(general), 'liquidation price');
          }
        }
        const bankrupt = kernelBankruptcyPrice(kp, wallet);
        const generalBankrupt = bankruptcyPrice(problem);
        if (generalBankrupt === null) assert.equal(bankrupt, null);
        else
          assert.ok(
            bankrupt !== null && quotientToPrice(compiled, bankrupt).eq(generalBankrupt),
            'bankruptcy price',
          );
      },
    ),
    { numRuns: 400 },
  );
});

test('compileInstruments refuses inverse contracts and non-terminating rates (general path instead)', () => {
  const base = makeInstrument([{ width: 100n, mmrStep: 0n }], 40n, 'cumulative', 'mark');
  assert.equal(compileInstruments([{ ...base, kind: 'inverse' }], 2), null);
  const thirds = buildTierTable(
    'cumulative',
    [
      {
        floor: Rational.ZERO,
        cap: Rational.fromInt(1000n),
        mmr: Rational.of(1n, 3n),
        maxLeverage: Rational.ONE,
      },
    ],
    'tiers',
  );
  assert.ok(thirds.ok);
  assert.equal(compileInstruments([{ ...base, tiers: thirds.value }], 2), null);
});

test('kernel walks down to a lower tier when the root of the mark tier is not positive (regression)', () => {
  // A long barely above entry with no wallet: in tier 2 the line's root is negative, the real root is in tier 1.
  const instrument = makeInstrument(
    [
      { width: 46305n, mmrStep: 0n },
      { width: 1n, mmrStep: 43n },
    ],
    1n,
    'cumulative',
    'mark',
  );
  const position: Position = {
    instrument,
    side: 'long',
    positionSide: 'BOTH',
    qty: unit(2678n, 3),
    entryPrice: unit(10n, 1),
    marginMode: 'isolated',
    isolatedWallet: Rational.ZERO,
    leverage: null,
  };
  const mark = unit(1729089n, 1);
  const compiled = compileInstruments([instrument], 2)?.get('BTCUSDT');
  assert.ok(compiled !== undefined);
  const fast = kernelLiquidationPrice(kernelPosition(compiled, position), 0n, kernelPrice(compiled, mark));
  assert.ok(fast !== undefined && fast !== null);
  // wallet 0: qty·(P − 1) = 0.0001·qty·P  →  P = 1 / 0.9999
  assert.ok(quotientToPrice(compiled, fast).eq(Rational.of(10000n, 9999n)));
  assert.ok(
    liquidationPrice({ legs: [position], constant: Rational.ZERO, mark })?.eq(Rational.of(10000n, 9999n)),
  );
});
