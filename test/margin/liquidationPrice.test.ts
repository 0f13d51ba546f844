import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { calculate } from '../../src/calc/index.js';
import { maintenanceMarginAt, type Position } from '../../src/margin/index.js';
import {
  buildTierTable,
  maintenanceMargin,
  tierForNotional,
  type Instrument,
  type TierSpec,
  type TierTable,
} from '../../src/market/index.js';
import { Rational } from '../../src/numbers/index.js';
import {
  balanceAt,
  binanceTiers,
  breakpointPrices,
  dec,
  exactText,
  healthAt,
  markOf,
  portfolioModel,
  referenceBankruptcyPrice,
  referenceLiquidationPrice,
  requiredMaintenanceAt,
  tierIndexOf,
  tierRows,
  type InstrumentJson,
  type PortfolioModel,
  type RequestJson,
  type TierJson,
} from '../helpers/model.js';
import { cumulativeTiersArb, engineAssess, fcParams, requestArb } from '../helpers/portfolio.js';

const SEED = 20_240_611;

function show(value: Rational | null): string {
  return value === null ? 'null' : `${value.format('halfEven', 25)} (${value.toString()})`;
}

function assertSameRational(got: Rational | null, want: Rational | null, label: string): void {
  assert.ok(
    got === null ? want === null : want !== null && got.eq(want),
    `${label}: got ${show(got)}, want ${show(want)}`,
  );
}

function specsOf(tiers: readonly TierJson[]): TierSpec[] {
  return tiers.map((t) => ({
    floor: dec(t.floor),
    cap: dec(t.cap),
    mmr: dec(t.mmr ?? '0'),
    maxLeverage: dec(t.maxLeverage),
    cum: t.cum === undefined ? undefined : dec(t.cum),
  }));
}

function buildCumulative(tiers: readonly TierJson[]): TierTable {
  const table = buildTierTable('cumulative', specsOf(tiers), 'tiers');
  assert.ok(table.ok, `table rejected: ${JSON.stringify(table.ok ? null : table.error)}`);
  return table.value;
}

/** A bare engine Position on a table, for the margin functions that take one. */
function positionOn(table: TierTable, kind: 'linear' | 'inverse', qty: Rational, entry: Rational): Position {
  const instrument: Instrument = {
    symbol: 'T',
    kind,
    contractSize: Rational.ONE,
    settleAsset: 'X',
    tiers: table,
    maintenanceBasis: 'mark',
    scales: { price: 0, qty: 0, money: 0, rate: 0 },
    tickSize: Rational.ONE,
    lotSize: Rational.ONE,
  };
  return {
    instrument,
    side: 'long',
    positionSide: 'BOTH',
    qty,
    entryPrice: entry,
    marginMode: 'cross',
    isolatedWallet: Rational.ZERO,
    leverage: null,
  };
}

const TINY = Rational.of(1n, 10n ** 12n);

/** Checks continuity of MM = notional × mmr − cum at every floor of a cumulative table, exactly. */
function checkContinuity(tiers: readonly TierJson[]): void {
  const table = buildCumulative(tiers);
  const rows = tierRows(tiers, 'cumulative');
  for (const [k, row] of rows.entries()) {
    const engineTier = table.tiers[k];
    assert.ok(engineTier !== undefined);
    assertSameRational(engineTier.cum, row.cum, `cum of tier ${k + 1}`);
    const below = rows[k - 1];
    if (below === undefined) continue;
    const floor = row.floor;
    const fromBelow = floor.mul(below.mmr).sub(below.cum);
    const fromAbove = floor.mul(row.mmr).sub(row.cum);
    assertSameRational(fromAbove, fromBelow, `the two tier formulas at floor ${exactText(floor)}`);
    assertSameRational(maintenanceMargin(table, floor), fromBelow, `engine MM at floor ${exactText(floor)}`);
    assert.equal(tierForNotional(table, floor).index, k + 1, 'floors are inclusive');
    assert.ok(row.cap.sub(row.floor).gt(TINY) && below.cap.sub(below.floor).gt(TINY), 'tiers wider than ε');
    const eps = TINY;
    assert.equal(tierForNotional(table, floor.sub(eps)).index, k);
    // Either side of the floor the MM moves by exactly ε × that side's rate: no step at the boundary.
    assertSameRational(
      maintenanceMargin(table, floor.add(eps)).sub(maintenanceMargin(table, floor.sub(eps))),
      eps.mul(row.mmr.add(below.mmr)),
      `MM jump across floor ${exactText(floor)}`,
    );
    // The same through positions whose notional reaches the floor exactly, linear and inverse.
    const qty = Rational.fromInt(3n);
    const linear = positionOn(table, 'linear', qty, Rational.ONE);
    assertSameRational(
      maintenanceMarginAt(linear, floor.div(qty)),
      fromBelow,
      'linear position at the floor',
    );
    const inverse = positionOn(table, 'inverse', qty, Rational.ONE);
    assertSameRational(
      maintenanceMarginAt(inverse, qty.div(floor)),
      fromBelow,
      'inverse position at the floor',
    );
  }
}

describe('maintenance margin is continuous at cumulative tier boundaries (a)', () => {
  test('random cumulative tables', () => {
    fc.assert(
      fc.property(cumulativeTiersArb, (tiers) => {
        checkContinuity(tiers);
      }),
      fcParams(SEED, 300),
    );
  });

  test('a published cum equal to the formula is accepted, one unit off is cum_mismatch', () => {
    fc.assert(
      fc.property(cumulativeTiersArb, fc.nat(), (tiers, pick) => {
        const rows = tierRows(tiers, 'cumulative');
        const published = tiers.map((t, k) => ({ ...t, cum: exactText(rows[k]?.cum ?? Rational.ZERO) }));
        buildCumulative(published);
        const k = pick % published.length;
        const wrong = published.map((t, j) =>
          j === k ? { ...t, cum: exactText(dec(t.cum).add(Rational.of(1n, 10n ** 8n))) } : t,
        );
        const table = buildTierTable('cumulative', specsOf(wrong), 'tiers');
        assert.equal(table.ok, false);
        assert.equal(table.error.code, 'cum_mismatch');
        assert.equal(table.error.path, `tiers[${k}].cum`);
      }),
      fcParams(SEED, 100),
    );
  });

  for (const date of ['2022-02-12', '2022-11-25', '2024-10-24'] as const) {
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      test(`real Binance ${symbol} brackets of ${date} (published cum)`, () => {
        checkContinuity(binanceTiers(date, symbol));
      });
    }
  }
});

/** Prices strictly between `from` and `to` (exclusive), plus the mirror images on the other side of `from`. */
function samplesAround(from: Rational, to: Rational): Rational[] {
  const fractions = [
    Rational.of(1n, 10n ** 9n),
    ...[1n, 2n, 3n, 4n, 5n, 6n, 7n].map((k) => Rational.of(k, 8n)),
    Rational.of(10n ** 9n - 1n, 10n ** 9n),
  ];
  const delta = to.sub(from);
  const points: Rational[] = [];
  for (const t of fractions) {
    points.push(from.add(delta.mul(t)));
    const mirror = from.sub(delta.mul(t));
    if (mirror.sign() > 0) points.push(mirror);
  }
  return points;
}

function strictlyBetween(x: Rational, a: Rational, b: Rational): boolean {
  return a.lt(b) ? x.gt(a) && x.lt(b) : x.gt(b) && x.lt(a);
}

/** (b), (c), (d) and the reference model for every position of a portfolio. */
function checkPortfolio(request: RequestJson): void {
  const model: PortfolioModel = portfolioModel(request);
  const assessment = engineAssess(request);
  for (const [i, p] of model.positions.entries()) {
    const label = `position ${i} (${p.instrument.kind} ${p.instrument.tierModel}/${p.instrument.basis} ${p.side} ${p.marginMode})`;
    const got = assessment.positions[i];
    assert.ok(got !== undefined);
    const mark = markOf(model, p);
    const lp = got.liquidationPrice;
    const bp = got.bankruptcyPrice;

    // Exactly the reference model's nearest root.
    assertSameRational(lp, referenceLiquidationPrice(model, i), `${label} liquidation price`);
    assertSameRational(bp, referenceBankruptcyPrice(model, i), `${label} bankruptcy price`);

    // Cross hedge legs of one symbol share one price.
    if (p.marginMode === 'cross') {
      for (const [j, q] of model.positions.entries()) {
        if (q.marginMode !== 'cross' || q.instrument.symbol !== p.instrument.symbol) continue;
        assertSameRational(
          assessment.positions[j]?.liquidationPrice ?? null,
          lp,
          `${label} shares with leg ${j}`,
        );
        assertSameRational(
          assessment.positions[j]?.bankruptcyPrice ?? null,
          bp,
          `${label} bankruptcy shared with ${j}`,
        );
      }
    }

    const atMark = healthAt(model, i, mark);
    if (lp !== null) {
      assert.ok(lp.sign() > 0, `${label} liquidation price must be positive`);
      const residual = healthAt(model, i, lp);
      const continuous = p.instrument.tierModel === 'cumulative' || p.instrument.basis === 'entry';
      if (continuous) {
        // (b) margin balance equals maintenance margin exactly, with the tiers of the notionals at lp.
        assert.ok(
          balanceAt(model, i, lp, false).eq(requiredMaintenanceAt(model, i, lp)),
          `${label}: at ${show(lp)} balance ${show(balanceAt(model, i, lp, false))} ≠ MM ${show(requiredMaintenanceAt(model, i, lp))} (tier ${tierIndexOf(p, lp) + 1})`,
        );
      } else if (!residual.isZero()) {
        // Whole model: a root is either exact or a step of balance − MM across zero at a tier floor.
        assert.ok(
          breakpointPrices(model, i).some((b) => b.eq(lp)),
          `${label}: ${show(lp)} is neither a root nor a tier step (residual ${show(residual)})`,
        );
        const eps = lp.mul(Rational.of(1n, 10n ** 15n));
        const left = healthAt(model, i, lp.sub(eps)).sign();
        const right = healthAt(model, i, lp.add(eps)).sign();
        assert.ok(left * right <= 0, `${label}: no sign change across the step at ${show(lp)}`);
      }
      // (d) nothing between the mark and lp (or as close on the other side) is a root.
      if (atMark.isZero())
        assert.ok(lp.eq(mark), `${label}: at the liquidation point already, lp must be the mark`);
      else {
        const points = samplesAround(mark, lp);
        for (const b of breakpointPrices(model, i)) {
          for (const near of [
            b,
            b.mul(Rational.of(10n ** 12n - 1n, 10n ** 12n)),
            b.mul(Rational.of(10n ** 12n + 1n, 10n ** 12n)),
          ]) {
            const distance = near.sub(mark).abs();
            if (distance.lt(lp.sub(mark).abs()) && near.sign() > 0 && !near.eq(mark)) points.push(near);
          }
        }
        for (const x of points) {
          assert.equal(
            healthAt(model, i, x).sign(),
            atMark.sign(),
            `${label}: at ${show(x)} (between mark ${show(mark)} and lp ${show(lp)}) health changes sign`,
          );
        }
        if (atMark.sign() > 0) {
          for (const x of points.filter((y) => strictlyBetween(y, mark, lp))) {
            assert.ok(
              balanceAt(model, i, x, false).gt(requiredMaintenanceAt(model, i, x)),
              `${label} healthy at ${show(x)}`,
            );
          }
        }
      }
    } else {
      assert.ok(!atMark.isZero(), `${label}: balance equals MM at the mark but no liquidation price`);
      const factors = [
        1n,
        1000n,
        100_000n,
        500_000n,
        900_000n,
        990_000n,
        1_010_000n,
        1_100_000n,
        2_000_000n,
        10_000_000n,
        10n ** 9n,
        10n ** 12n,
      ];
      const points = factors.map((f) => mark.mul(Rational.of(f, 1_000_000n)));
      points.push(...breakpointPrices(model, i));
      for (const x of points) {
        assert.equal(
          healthAt(model, i, x).sign(),
          atMark.sign(),
          `${label}: no liquidation price, yet health changes sign at ${show(x)}`,
        );
      }
    }

    // (c) the margin balance is exactly zero at the bankruptcy price.
    if (bp !== null) {
      assert.ok(bp.sign() > 0);
      assert.ok(
        balanceAt(model, i, bp, false).isZero(),
        `${label}: balance at bankruptcy ${show(bp)} is ${show(balanceAt(model, i, bp, false))}`,
      );
    }
  }
}

describe('liquidation and bankruptcy prices on random portfolios (b, c, d)', () => {
  test('exact roots, tiers re-selected at the price, nearest to the mark', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        checkPortfolio(request);
      }),
      fcParams(SEED, 400),
    );
  });
});

// ----------------------------------------------------------------------------------------------------------
// Hand-written cases.

const BINANCE_2022 = binanceTiers('2022-02-12', 'BTC/USDT');

function single(
  instrument: InstrumentJson,
  mark: string,
  positions: RequestJson['account']['positions'],
  walletBalance = '0',
  rulebook = 'binance',
): RequestJson {
  return {
    rulebook,
    instruments: [instrument],
    marks: { [instrument.symbol]: mark },
    account: { walletBalance, positions },
  };
}

function answer(request: RequestJson): { lp: Rational | null; bp: Rational | null; model: PortfolioModel } {
  checkPortfolio(request);
  const position = engineAssess(request).positions[0];
  assert.ok(position !== undefined);
  return { lp: position.liquidationPrice, bp: position.bankruptcyPrice, model: portfolioModel(request) };
}

describe('hand-written liquidation cases', () => {
  test('Bybit entry basis: MM stays priced at entry value as the price falls through a tier floor', () => {
    const tiers: TierJson[] = [
      { floor: '0', cap: '2000000', mmr: '0.005', maxLeverage: '100' },
      { floor: '2000000', cap: '10000000', mmr: '0.01', maxLeverage: '50' },
    ];
    const instrument = (basis: 'mark' | 'entry'): InstrumentJson => ({
      symbol: 'BTCUSDT',
      kind: 'linear',
      maintenanceBasis: basis,
      tiers,
    });
    const position = {
      symbol: 'BTCUSDT',
      side: 'long' as const,
      qty: '100',
      entryPrice: '25000',
      marginMode: 'isolated' as const,
      isolatedWallet: '600000',
    };
    // Entry value 2.5M: tier 2, MM = 2.5M × 1 % − 10,000 = 15,000 wherever the mark goes.
    // 600,000 + 100 (P − 25,000) = 15,000  ⇒  P = 19,150 (mark notional 1.915M, tier 1 on a mark basis).
    const entry = answer(single(instrument('entry'), '25000', [position], '0', 'bybit'));
    assertSameRational(entry.lp, dec('19150'), 'entry-basis liquidation price');
    assertSameRational(entry.bp, dec('19000'), 'entry-basis bankruptcy price');
    // Bybit's own formula: LP = EP − (IM + extra − MM) / qty.
    assertSameRational(
      entry.lp,
      dec('25000').sub(dec('600000').sub(dec('15000')).div(dec('100'))),
      'Bybit formula',
    );
    // The mark basis re-selects tier 1 at the price: 100 P × 0.5 % = 600,000 + 100 (P − 25,000).
    const markBasis = answer(single(instrument('mark'), '25000', [position], '0', 'bybit'));
    assertSameRational(
      markBasis.lp,
      Rational.of(1_900_000n, 1n).div(dec('99.5')),
      'mark-basis liquidation price',
    );
    const response = calculate(
      JSON.stringify(single(instrument('entry'), '25000', [position], '0', 'bybit')),
    );
    assert.equal(response.exitCode, 0);
    const first = response.body.positions[0];
    assert.ok(first !== undefined);
    assert.equal(first.maintenanceMargin, '15000');
    assert.equal(first.tier, 2);
    assert.equal(first.liquidationPrice, '19150');
  });

  test('Bybit published example (vector bybit-isolated-long) and entry basis in the whole model', () => {
    const tiers: TierJson[] = [{ floor: '0', cap: '2000000', mmr: '0.005', maxLeverage: '100' }];
    const { lp, bp } = answer(
      single(
        { symbol: 'BTCUSDT', tiers },
        '20000',
        [
          {
            symbol: 'BTCUSDT',
            side: 'long',
            qty: '1',
            entryPrice: '20000',
            marginMode: 'isolated',
            isolatedWallet: '400',
          },
        ],
        '0',
        'bybit',
      ),
    );
    assertSameRational(lp, dec('19700'), 'liquidation');
    assertSameRational(bp, dec('19600'), 'bankruptcy: EP × (1 − 1/lev)');
    // BitMEX (whole model, entry basis), cross: bankrupt = EP − WB/qty, liq = bankrupt + MM/qty.
    const bitmex = answer(
      single(
        { symbol: 'XBTUSDT', tiers: [{ floor: '0', cap: '10000000', mmr: '0.005', maxLeverage: '100' }] },
        '30000',
        [{ symbol: 'XBTUSDT', side: 'short', qty: '2', entryPrice: '30000' }],
        '3000',
        'bitmex',
      ),
    );
    assertSameRational(bitmex.bp, dec('31500'), 'BitMEX bankruptcy');
    assertSameRational(bitmex.lp, dec('31500').sub(dec('300').div(dec('2'))), 'BitMEX liquidation');
  });

  test('whole tier model (OKX): the liquidation happens at a tier step, not at a root', () => {
    const tiers: TierJson[] = [
      { floor: '0', cap: '100000', mmr: '0.01', maxLeverage: '50' },
      { floor: '100000', cap: '1000000', mmr: '0.05', maxLeverage: '10' },
    ];
    // Short 10 @ 9,000 with 13,000: below 10,000 the balance − MM is 103,000 − 10.1 P (2,000 just below the
    // floor); from 10,000 on it is 103,000 − 10.5 P (−2,000 at the floor). Neither line has a root in its tier.
    const request = single(
      { symbol: 'BTC-USDT-SWAP', tiers },
      '9000',
      [
        {
          symbol: 'BTC-USDT-SWAP',
          side: 'short',
          qty: '10',
          entryPrice: '9000',
          marginMode: 'isolated',
          isolatedWallet: '13000',
        },
      ],
      '0',
      'okx',
    );
    const { lp, model } = answer(request);
    assertSameRational(lp, dec('10000'), 'liquidation at the tier step');
    assert.ok(healthAt(model, 0, dec('10000')).sign() < 0);
    assert.ok(healthAt(model, 0, dec('9999.99')).sign() > 0);
    // The same position in the cumulative model is continuous and has an exact root in tier 2.
    const cumulative = answer({ ...request, rulebook: 'binance' });
    assert.ok(cumulative.lp !== null);
    assert.ok(healthAt(cumulative.model, 0, cumulative.lp).isZero());
    // Whole model with the root inside a tier: wallet 30,000 ⇒ 120,000 − 10.5 P = 0 at 11,428.57…
    const inside = answer(
      single(
        { symbol: 'BTC-USDT-SWAP', tiers },
        '9000',
        [
          {
            symbol: 'BTC-USDT-SWAP',
            side: 'short',
            qty: '10',
            entryPrice: '9000',
            marginMode: 'isolated',
            isolatedWallet: '30000',
          },
        ],
        '0',
        'okx',
      ),
    );
    assertSameRational(inside.lp, Rational.of(120_000n, 1n).div(dec('10.5')), 'root inside tier 2');
  });

  test('re-selection (vector bn-reselect): 26 BTC at tier 3 liquidates in tier 2', () => {
    const request = single({ symbol: 'BTCUSDT', tiers: BINANCE_2022 }, '10000', [
      {
        symbol: 'BTCUSDT',
        side: 'long',
        qty: '26',
        entryPrice: '10000',
        marginMode: 'isolated',
        isolatedWallet: '26000',
      },
    ]);
    const { lp, model } = answer(request);
    assert.ok(lp !== null);
    const p = model.positions[0];
    assert.ok(p !== undefined);
    assert.equal(tierIndexOf(p, dec('10000')) + 1, 3);
    assert.equal(tierIndexOf(p, lp) + 1, 2);
    // 26,000 + 26 (P − 10,000) = 26 P × 0.5 % − 50
    assertSameRational(lp, Rational.of(233_950n, 1n).div(dec('25.87')), 'closed form in tier 2');
  });

  test('cross hedge legs share one price that matches the Binance hedge formula', () => {
    const eth: InstrumentJson = {
      symbol: 'ETHUSDT',
      tiers: [
        { floor: '0', cap: '10000', mmr: '0.005', maxLeverage: '100' },
        { floor: '10000', cap: '100000', mmr: '0.0065', maxLeverage: '75' },
      ],
    };
    const request: RequestJson = {
      rulebook: 'binance',
      instruments: [{ symbol: 'BTCUSDT', tiers: BINANCE_2022 }, eth],
      marks: { BTCUSDT: '10000', ETHUSDT: '1000' },
      account: {
        walletBalance: '3000',
        positions: [
          { symbol: 'BTCUSDT', side: 'long', positionSide: 'LONG', qty: '2', entryPrice: '10000' },
          { symbol: 'BTCUSDT', side: 'short', positionSide: 'SHORT', qty: '1', entryPrice: '10500' },
          { symbol: 'ETHUSDT', side: 'long', positionSide: 'LONG', qty: '5', entryPrice: '1100' },
        ],
      },
    };
    checkPortfolio(request);
    const positions = engineAssess(request).positions;
    const long = positions[0]?.liquidationPrice ?? null;
    assert.ok(long !== null);
    assertSameRational(positions[1]?.liquidationPrice ?? null, long, 'both legs');
    // RULEBOOK §2: LP = [WB − TMM1 + UPNL1 + cumL + cumS − qtyL·EPL + qtyS·EPS] / [qtyL·mmrL + qtyS·mmrS − qtyL + qtyS]
    // with ETH (the other cross position) at its mark: UPNL1 = 5 × (1000 − 1100) = −500, TMM1 = 5000 × 0.5 % = 25.
    const numerator = dec('3000').sub(dec('25')).add(dec('-500')).sub(dec('20000')).add(dec('10500'));
    const denominator = dec('2').mul(dec('0.004')).add(dec('0.004')).sub(dec('2')).add(dec('1'));
    assertSameRational(long, numerator.div(denominator), 'Binance hedge formula');
  });

  test('inverse contracts are convex: a 20 % fall costs a long 25 % of its coin notional', () => {
    const instrument: InstrumentJson = {
      symbol: 'BTCUSD',
      kind: 'inverse',
      contractSize: '100',
      tiers: [{ floor: '0', cap: '1000', mmr: '0.004', maxLeverage: '125' }],
    };
    const long = { symbol: 'BTCUSD', side: 'long' as const, qty: '100', entryPrice: '10000' };
    const response = calculate(JSON.stringify(single(instrument, '8000', [long], '10')));
    assert.equal(response.exitCode, 0);
    const first = response.body.positions[0];
    assert.ok(first !== undefined);
    // Coin notional at entry: 100 × 100 / 10,000 = 1 BTC; at 8,000 the loss is 10,000 × (1/10,000 − 1/8,000).
    assert.equal(first.unrealizedPnl, '-0.25');
    assert.equal(first.notional, '1.25');
    // Isolated at 10x: bankruptcy long EP × lev/(lev+1), short EP × lev/(lev−1) (RULEBOOK §2), not EP × (1 ∓ 1/lev).
    const isolated = (side: 'long' | 'short'): RequestJson =>
      single(instrument, '10000', [{ ...long, side, marginMode: 'isolated', isolatedWallet: '0.1' }]);
    const l = answer(isolated('long'));
    const s = answer(isolated('short'));
    assertSameRational(l.bp, dec('10000').mul(dec('10')).div(dec('11')), 'long bankruptcy');
    assertSameRational(s.bp, dec('10000').mul(dec('10')).div(dec('9')), 'short bankruptcy');
    assert.ok(l.lp !== null && s.lp !== null);
    assert.ok(
      dec('10000')
        .sub(l.lp)
        .lt(s.lp.sub(dec('10000'))),
      'the long is closer to its liquidation than the short',
    );
    // Vector inverse-isolated-long: 0.05 BTC on 1 BTC: 0.05 + 10,000 (1/10,000 − 1/P) = 10,000 × 0.4 % / P.
    const vector = answer(
      single(instrument, '10000', [{ ...long, marginMode: 'isolated', isolatedWallet: '0.05' }]),
    );
    assertSameRational(vector.lp, dec('10040').div(dec('1.05')), 'inverse vector');
  });

  test('no liquidation price: fully collateralised long, 1x inverse short', () => {
    const linear = answer(
      single({ symbol: 'BTCUSDT', tiers: BINANCE_2022 }, '10000', [
        {
          symbol: 'BTCUSDT',
          side: 'long',
          qty: '1',
          entryPrice: '10000',
          marginMode: 'isolated',
          isolatedWallet: '10000.01',
        },
      ]),
    );
    assert.equal(linear.lp, null);
    assert.equal(linear.bp, null);
    const inverse = answer(
      single(
        {
          symbol: 'BTCUSD',
          kind: 'inverse',
          contractSize: '100',
          tiers: [{ floor: '0', cap: '1000', mmr: '0.004', maxLeverage: '125' }],
        },
        '10000',
        [
          {
            symbol: 'BTCUSD',
            side: 'short',
            qty: '100',
            entryPrice: '10000',
            marginMode: 'isolated',
            isolatedWallet: '1',
          },
        ],
      ),
    );
    assert.equal(inverse.lp, null);
    assert.equal(inverse.bp, null);
    const response = calculate(
      JSON.stringify(
        single({ symbol: 'BTCUSDT', tiers: BINANCE_2022 }, '10000', [
          {
            symbol: 'BTCUSDT',
            side: 'long',
            qty: '1',
            entryPrice: '10000',
            marginMode: 'isolated',
            isolatedWallet: '20000',
          },
        ]),
      ),
    );
    assert.equal(response.exitCode, 0);
    const first = response.body.positions[0];
    assert.ok(first !== undefined);
    assert.equal(first.liquidationPrice, null);
    assert.equal(first.bankruptcyPrice, null);
  });

  test('balance equal to maintenance on a whole stretch (mmr 1): the liquidation price is the mark', () => {
    // Tier 2 (notional ≥ 50) at 100 %: 75 + (P − 100) − (P − 25) = 0 for every P ≥ 50.
    const { lp, bp } = answer(
      single(
        {
          symbol: 'A',
          tiers: [
            { floor: '0', cap: '50', mmr: '0.5', maxLeverage: '2' },
            { floor: '50', cap: '1000', mmr: '1', maxLeverage: '1' },
          ],
        },
        '120',
        [
          {
            symbol: 'A',
            side: 'long',
            qty: '1',
            entryPrice: '100',
            marginMode: 'isolated',
            isolatedWallet: '75',
          },
        ],
      ),
    );
    assertSameRational(lp, dec('120'), 'liquidation at the mark');
    assertSameRational(bp, dec('25'), 'bankruptcy');
  });

  test('a hedge whose legs fully offset: PnL is frozen, only the growing MM can liquidate it (above the mark)', () => {
    const request = single(
      { symbol: 'BTCUSDT', tiers: BINANCE_2022 },
      '10000',
      [
        { symbol: 'BTCUSDT', side: 'long', positionSide: 'LONG', qty: '3', entryPrice: '9000' },
        { symbol: 'BTCUSDT', side: 'short', positionSide: 'SHORT', qty: '3', entryPrice: '9500' },
      ],
      '100',
    );
    const { lp, bp, model } = answer(request);
    // Balance 100 + 3 × 500 = 1,600 at every price; in tier 1 MM = 6 P × 0.4 % would need P = 66,666 (notional
    // 200k: tier 2), so the root is in tier 2: 2 × (3 P × 0.5 % − 50) = 1,600.
    assert.equal(bp, null);
    assert.ok(lp !== null);
    assert.ok(lp.gt(dec('10000')));
    assertSameRational(balanceAt(model, 0, dec('1'), false), dec('1600'), 'frozen balance');
    assert.ok(requiredMaintenanceAt(model, 0, lp).eq(dec('1600')));
    assertSameRational(lp, dec('1700').div(dec('0.03')), 'closed form');
    const positions = engineAssess(request).positions;
    assertSameRational(positions[1]?.liquidationPrice ?? null, lp, 'shared by both legs');
    // Entry basis: the MM is frozen too, so a healthy offset hedge is never liquidated.
    const frozen = answer({ ...request, rulebook: 'bybit' });
    assert.equal(frozen.lp, null);
    assert.equal(frozen.bp, null);
  });
});
