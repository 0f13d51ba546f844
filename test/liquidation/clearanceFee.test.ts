import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError, Rational, type Result } from '../../src/numbers/index.js';
import {
  BINANCE_2020_CLEARANCE_FEE,
  capToSurplus,
  clearanceFeeMoney,
  clearanceFeeRate,
  DYDX_CLEARANCE_FEE,
  DYDX_QUOTE_SCALE,
  dydxBankruptcyQuoteQuantums,
  dydxFillablePrice,
  dydxInsuranceFundDelta,
  HYPERLIQUID_CLEARANCE_FEE,
  linearFillSurplus,
  type ClearanceFeeRule,
} from '../../src/liquidation/index.js';
import { dec } from '../helpers/model.js';

/** USDT money units: 8 fraction digits. */
const USDT_SCALE = 8;

function unwrap<T, E>(result: Result<T, E>): T {
  if (!result.ok) assert.fail(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function rateAt(rule: ClearanceFeeRule, leverage: bigint): Rational {
  return unwrap(clearanceFeeRate(rule, Rational.fromInt(leverage)));
}

describe('clearance fee: worked examples', () => {
  test('Binance 2020 picks the rate by the contract maximum leverage: 0.75 % to 50x, 0.5 % to 75x, 0.3 % to 125x', () => {
    assert.ok(rateAt(BINANCE_2020_CLEARANCE_FEE, 20n).eq(dec('0.0075')));
    assert.ok(rateAt(BINANCE_2020_CLEARANCE_FEE, 50n).eq(dec('0.0075')));
    assert.ok(rateAt(BINANCE_2020_CLEARANCE_FEE, 51n).eq(dec('0.005')));
    assert.ok(rateAt(BINANCE_2020_CLEARANCE_FEE, 75n).eq(dec('0.005')));
    assert.ok(rateAt(BINANCE_2020_CLEARANCE_FEE, 125n).eq(dec('0.003')));
    assert.deepEqual(clearanceFeeRate(BINANCE_2020_CLEARANCE_FEE, Rational.fromInt(126n)), {
      ok: false,
      error: 'leverage_above_fee_table',
    });
  });

  test('Binance 2020 BTCUSDT: 2 BTC long, bankrupt at 9,800, filled at 9,900 pays 0.3 % of 19,800 = 59.4 USDT', () => {
    // Surplus 2 × (9,900 − 9,800) = 200 is more than the 59.4 fee, so the fee stands.
    const rate = rateAt(BINANCE_2020_CLEARANCE_FEE, 125n);
    const qty = dec('2');
    const surplus = linearFillSurplus('long', qty, dec('9900'), dec('9800'));
    assert.ok(surplus.eq(dec('200')));
    assert.equal(clearanceFeeMoney(rate, qty.mul(dec('9900')), surplus, USDT_SCALE), 5_940_000_000n);
  });

  test('the fee stops at the surplus: filled at 9,810 the surplus is 20 USDT, less than the 58.86 rate fee', () => {
    const rate = rateAt(BINANCE_2020_CLEARANCE_FEE, 125n);
    const qty = dec('2');
    const surplus = linearFillSurplus('long', qty, dec('9810'), dec('9800'));
    assert.equal(clearanceFeeMoney(rate, qty.mul(dec('9810')), surplus, USDT_SCALE), 2_000_000_000n);
  });

  test('no fee on a fill worse than bankruptcy: 9,790 leaves −20 USDT, the fund pays instead', () => {
    const rate = rateAt(BINANCE_2020_CLEARANCE_FEE, 125n);
    const surplus = linearFillSurplus('long', dec('2'), dec('9790'), dec('9800'));
    assert.ok(surplus.eq(dec('-20')));
    assert.equal(clearanceFeeMoney(rate, dec('19580'), surplus, USDT_SCALE), 0n);
  });

  test('a short bought back below its bankruptcy price has a surplus: 1 ETH, bankrupt 210, filled 200, 75x', () => {
    // Surplus 1 × (210 − 200) = 10; fee 0.5 % × 200 = 1 USDT.
    const surplus = linearFillSurplus('short', dec('1'), dec('200'), dec('210'));
    assert.ok(surplus.eq(dec('10')));
    const rate = rateAt(BINANCE_2020_CLEARANCE_FEE, 75n);
    assert.equal(clearanceFeeMoney(rate, dec('200'), surplus, USDT_SCALE), 100_000_000n);
  });

  test('Hyperliquid charges nothing', () => {
    const rate = rateAt(HYPERLIQUID_CLEARANCE_FEE, 40n);
    assert.ok(rate.isZero());
    assert.equal(clearanceFeeMoney(rate, dec('500000'), dec('1000'), 6), 0n);
  });

  test('rounding: the rate part rounds up for the fund, the surplus down, and the surplus wins', () => {
    // 0.3 % × 0.00000011 = 0.00000000033 → 1 unit (0.00000001) up; a surplus of 0.000000015 → 1 unit down.
    const rate = dec('0.003');
    assert.equal(clearanceFeeMoney(rate, dec('0.00000011'), dec('0.000000015'), USDT_SCALE), 1n);
    // A surplus under one unit allows no fee at all: rounding up must not take more than the exact surplus.
    assert.equal(clearanceFeeMoney(rate, dec('0.00000011'), dec('0.000000009'), USDT_SCALE), 0n);
  });

  test('capToSurplus: never negative, never above the surplus', () => {
    assert.equal(capToSurplus(5n, 3n), 3n);
    assert.equal(capToSurplus(2n, 3n), 2n);
    assert.equal(capToSurplus(5n, 0n), 0n);
    assert.equal(capToSurplus(5n, -4n), 0n);
    assert.equal(capToSurplus(-1n, 4n), 0n);
  });

  test('a rule out of range is a bug: an unordered table, a rate of 100 %', () => {
    const unordered: ClearanceFeeRule = {
      kind: 'byLeverage',
      table: [
        { maxLeverage: dec('75'), rate: dec('0.005') },
        { maxLeverage: dec('50'), rate: dec('0.0075') },
      ],
    };
    assert.throws(() => clearanceFeeRate(unordered, dec('10')), AssertionError);
    assert.throws(() => clearanceFeeRate({ kind: 'rate', rate: Rational.ONE }, dec('10')), AssertionError);
  });
});

describe('dYdX insurance-fund delta: worked examples', () => {
  // Short 0.1 BTC at oracle 50,000 with 5,499 USDC (the dydx-fillable-short vector): PNNV = −5,000, PMMR = 500,
  // TNC = 5,499 − 5,000 = 499, TMMR = 500.
  const short = {
    usdc: dec('5499'),
    positions: [{ symbol: 'BTC', size: dec('-0.1'), oracle: dec('50000'), mmf: dec('0.1') }],
  };

  test('a short closed whole: BQ = −ΔNNV − TNC × |ΔMMR| / TMMR = −5,000 − 499 = −5,499 USDC (the account pays)', () => {
    assert.equal(dydxBankruptcyQuoteQuantums(short, 'BTC', dec('0.1')), -5_499_000_000n);
  });

  test('bought back at the fillable price 50,001 the short pays 5,000.1 and the fund takes 0.5 % of it', () => {
    assert.ok(dydxFillablePrice(short, 'BTC').eq(dec('50001')));
    // Fill quote −5,000.1 USDC; surplus −5,000.1 − (−5,499) = 498.9; fee floor(0.005 × 5,000.1) = 25.0005 USDC.
    const rate = unwrap(clearanceFeeRate(DYDX_CLEARANCE_FEE, Rational.ONE));
    const delta = dydxInsuranceFundDelta(-5_499_000_000n, -5_000_100_000n, rate);
    assert.equal(delta, 25_000_500n);
  });

  test('bought back at 55,000, worse than the 54,990 bankruptcy price: the fund pays 1 USDC', () => {
    assert.equal(dydxInsuranceFundDelta(-5_499_000_000n, -5_500_000_000n, dec('0.005')), -1_000_000n);
  });

  test('the chain floors its fee where clearanceFeeMoney rounds up for the fund: at most one quantum apart', () => {
    // A 1.000001 USDC sell with a 1 USDC surplus: 0.5 % is 5,000.005 quantums.
    assert.equal(dydxInsuranceFundDelta(1n, 1_000_001n, dec('0.005')), 5_000n);
    assert.equal(clearanceFeeMoney(dec('0.005'), dec('1.000001'), dec('1'), DYDX_QUOTE_SCALE), 5_001n);
  });
});

describe('clearance fee: properties', () => {
  const feeCaseArb = fc.record({
    ratePpm: fc.bigInt({ min: 0n, max: 999_999n }),
    notionalCents: fc.bigInt({ min: 0n, max: 100_000_000_000n }),
    surplusMicro: fc.bigInt({ min: -10_000_000_000n, max: 10_000_000_000n }),
    scale: fc.integer({ min: 0, max: 12 }),
  });

  test('the fee is never negative, never above the surplus, never above the rate fee rounded up, and maximal', () => {
    fc.assert(
      fc.property(feeCaseArb, ({ ratePpm, notionalCents, surplusMicro, scale }) => {
        const rate = Rational.of(ratePpm, 1_000_000n);
        const notional = Rational.of(notionalCents, 100n);
        const surplus = Rational.of(surplusMicro, 1_000_000n);
        const fee = clearanceFeeMoney(rate, notional, surplus, scale);
        const rateFee = rate.mul(notional).toUnits(scale, 'ceil');
        assert.ok(fee >= 0n);
        assert.ok(fee <= rateFee);
        assert.ok(Rational.fromUnits(fee, scale).lte(surplus.sign() > 0 ? surplus : Rational.ZERO));
        // Either the whole rate fee, or everything the surplus allows in whole units.
        if (fee < rateFee) assert.ok(Rational.fromUnits(fee + 1n, scale).gt(surplus));
      }),
    );
  });

  test('a linear position closed whole at any fill keeps a non-negative equity after the fee', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('long' as const, 'short' as const),
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.bigInt({ min: 1n, max: 10_000_000n }),
        fc.bigInt({ min: 1n, max: 10_000_000n }),
        fc.bigInt({ min: 1n, max: 200n }),
        (side, qtyMilli, fillCents, bankruptcyCents, leverage) => {
          const qty = Rational.of(qtyMilli, 1000n);
          const fill = Rational.of(fillCents, 100n);
          // At the bankruptcy price equity is zero, so after the fill it is the surplus.
          const equity = linearFillSurplus(side, qty, fill, Rational.of(bankruptcyCents, 100n));
          const rate = clearanceFeeRate(BINANCE_2020_CLEARANCE_FEE, Rational.fromInt(leverage));
          if (!rate.ok) {
            assert.ok(leverage > 125n);
            return;
          }
          const fee = clearanceFeeMoney(rate.value, qty.mul(fill), equity, USDT_SCALE);
          const after = equity.sub(Rational.fromUnits(fee, USDT_SCALE));
          assert.ok(after.sign() >= 0 || (fee === 0n && equity.sign() < 0));
        },
      ),
    );
  });

  test('a leverage table picks the first row at or above the leverage; rates fall as leverage rises in the Binance preset', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 124n }), (leverage) => {
        assert.ok(
          rateAt(BINANCE_2020_CLEARANCE_FEE, leverage + 1n).lte(rateAt(BINANCE_2020_CLEARANCE_FEE, leverage)),
        );
      }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: 1n, max: 500n }), { minLength: 1, maxLength: 10 }),
        fc.bigInt({ min: 1n, max: 600n }),
        (maxima, leverage) => {
          const sorted = [...maxima].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const table = sorted.map((max, i) => ({
            maxLeverage: Rational.fromInt(max),
            rate: Rational.of(BigInt(i), 1000n),
          }));
          const result = clearanceFeeRate({ kind: 'byLeverage', table }, Rational.fromInt(leverage));
          const index = sorted.findIndex((max) => leverage <= max);
          if (index === -1) assert.deepEqual(result, { ok: false, error: 'leverage_above_fee_table' });
          else assert.ok(unwrap(result).eq(Rational.of(BigInt(index), 1000n)));
        },
      ),
    );
  });

  test('dYdX: the fund takes at most the rounded-down max fee and the surplus, and pays exactly the shortfall', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -10_000_000_000_000n, max: 10_000_000_000_000n }),
        fc.bigInt({ min: -10_000_000_000_000n, max: 10_000_000_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        (bankruptcy, fill, maxFeePpm) => {
          const maxFee = Rational.of(maxFeePpm, 1_000_000n);
          const delta = dydxInsuranceFundDelta(bankruptcy, fill, maxFee);
          const surplus = fill - bankruptcy;
          if (surplus <= 0n) {
            assert.equal(delta, surplus);
            return;
          }
          const magnitude = fill < 0n ? -fill : fill;
          const maxFeeQuantums = (magnitude * maxFeePpm) / 1_000_000n;
          assert.ok(delta >= 0n && delta <= surplus && delta <= maxFeeQuantums);
          assert.ok(delta === surplus || delta === maxFeeQuantums);
        },
      ),
    );
  });
});
