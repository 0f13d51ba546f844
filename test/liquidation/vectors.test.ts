import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rational } from '../../src/numbers/index.js';
import {
  DYDX_FILLABLE_DEFAULTS,
  DYDX_QUOTE_SCALE,
  dydxBankruptcyQuoteQuantums,
  dydxFillableLimitTicks,
  dydxFillablePrice,
  dydxInsuranceFundDelta,
  dydxOpenInterestImf,
  HYPERLIQUID_PARTIAL_LIQUIDATION,
  liquidationStepQty,
  type DydxFillableConfig,
  type DydxPosition,
  type DydxSubaccount,
} from '../../src/liquidation/index.js';
import { dec, decScientific } from '../helpers/model.js';
import { decimal, field, loadVectors, text, type Vector } from '../helpers/vectors.js';

/** The repo's copy of the shared vectors (vectors/README.md); never the shared folder itself. */
const vectors = loadVectors('liquidation.json');

/** Kinds this file checks: the liquidation maths and dYdX's open-interest IMF. */
const OWNED = (kind: string): boolean => kind.startsWith('liquidation.') || kind === 'margin.openInterestImf';
/** Kinds another test owns (test/liquidation/adl*.test.ts), skipped here by prefix. */
const ELSEWHERE = (kind: string): boolean => kind.startsWith('adl.');

const QUANTUMS_PER_USDC = 10n ** BigInt(DYDX_QUOTE_SCALE);

/** A USDC amount as whole quote quantums (the vectors' amounts are exact at 10^−6). */
function quantums(usdc: Rational, label: string): bigint {
  const scaled = usdc.mulInt(QUANTUMS_PER_USDC);
  assert.ok(scaled.isInteger(), `${label}: not a whole number of quantums`);
  return scaled.toUnits(0, 'trunc');
}

/** +1 for "long", −1 for "short". */
function sideSign(value: unknown, key: string, label: string): bigint {
  const side = text(value, key, label);
  assert.ok(side === 'long' || side === 'short', `${label}.${key}: not long or short`);
  return side === 'long' ? 1n : -1n;
}

/** `got` against the expected decimal text: within the vector's tolerance when it has one, exactly otherwise. */
function expectValue(got: Rational, expected: unknown, label: string, tolerance?: string): void {
  assert.equal(typeof expected, 'string', `${label}: expected value is not a string`);
  const want = dec(expected as string);
  const allowed = tolerance === undefined ? Rational.ZERO : decScientific(tolerance);
  assert.ok(
    got.sub(want).abs().lte(allowed),
    `${label}: got ${got.format('halfEven', 25)}, want ${expected as string}`,
  );
}

/** The one-BTC-position subaccount of the single-position vectors. */
function singlePositionSubaccount(inputs: unknown, id: string): DydxSubaccount {
  const size = decimal(inputs, 'sizeBtc', id).mulInt(sideSign(inputs, 'positionSide', id));
  return {
    usdc: decimal(inputs, 'usdc', id),
    positions: [
      { symbol: 'BTC', size, oracle: decimal(inputs, 'oracle', id), mmf: decimal(inputs, 'mmf', id) },
    ],
  };
}

function fillableConfig(inputs: unknown, id: string): DydxFillableConfig {
  return {
    bankruptcyAdjustment: decimal(inputs, 'bankruptcyAdjustment', id),
    spreadToMaintenanceRatio: decimal(inputs, 'spreadToMaintenanceRatio', id),
  };
}

const HANDLERS: Readonly<Record<string, (v: Vector) => void>> = {
  'liquidation.fillablePrice': ({ id, inputs, expected, tolerance }) => {
    let subaccount: DydxSubaccount;
    let symbol = 'BTC';
    if (typeof inputs === 'object' && inputs !== null && 'positions' in inputs) {
      const rows = field(inputs, 'positions', id);
      assert.ok(Array.isArray(rows) && rows.length > 0, `${id}: positions must be a non-empty array`);
      const positions: DydxPosition[] = (rows as unknown[]).map((row, i) => {
        const label = `${id}.positions[${i}]`;
        return {
          symbol: text(row, 'symbol', label),
          size: decimal(row, 'size', label).mulInt(sideSign(row, 'side', label)),
          oracle: decimal(row, 'oracle', label),
          mmf: decimal(row, 'mmf', label),
        };
      });
      subaccount = { usdc: decimal(inputs, 'usdc', id), positions };
      symbol = text(inputs, 'liquidate', id);
    } else {
      subaccount = singlePositionSubaccount(inputs, id);
    }
    const price = dydxFillablePrice(subaccount, symbol, fillableConfig(inputs, id));
    expectValue(price, expected, id, tolerance);
    // The vectors give whole prices: at a tick of 1 the limit price is the exact price, for either side.
    const position = subaccount.positions.find((p) => p.symbol === symbol);
    assert.ok(position !== undefined);
    const ticks = dydxFillableLimitTicks(price, Rational.ONE, position.size.sign() > 0 ? 'long' : 'short');
    expectValue(Rational.fromInt(ticks), expected, `${id} (limit ticks)`, tolerance);
  },
  'liquidation.bankruptcyQuote': ({ id, inputs, expectedQuantums }) => {
    const subaccount = singlePositionSubaccount(inputs, id);
    // Closing reduces the position: the delta has the opposite sign.
    const delta = decimal(inputs, 'closeBtc', id).mulInt(-sideSign(inputs, 'positionSide', id));
    assert.equal(typeof expectedQuantums, 'string', `${id}: expectedQuantums is not a string`);
    assert.equal(dydxBankruptcyQuoteQuantums(subaccount, 'BTC', delta), BigInt(expectedQuantums as string));
  },
  'liquidation.insuranceFundDelta': ({ id, inputs, expected }) => {
    const delta = dydxInsuranceFundDelta(
      quantums(decimal(inputs, 'bankruptcyQuote', id), `${id}.bankruptcyQuote`),
      quantums(decimal(inputs, 'fillQuote', id), `${id}.fillQuote`),
      decimal(inputs, 'maxFee', id),
    );
    expectValue(Rational.fromUnits(delta, DYDX_QUOTE_SCALE), expected, id);
  },
  'liquidation.partialSize': ({ id, inputs, expected }) => {
    const threshold = decimal(inputs, 'threshold', id);
    const fraction = decimal(inputs, 'fraction', id);
    const rule = HYPERLIQUID_PARTIAL_LIQUIDATION;
    assert.ok(rule.kind === 'slices');
    assert.ok(
      rule.thresholdValue.eq(threshold) && rule.fraction.eq(fraction),
      `${id}: preset differs from vector`,
    );
    // The vector gives only the notional; any split into qty × unit value gives the same answer. Here BTC at
    // 50,000 USDC with qty units of 0.00001 BTC: one unit is worth 0.5 USDC.
    const unitValue = Rational.of(1n, 2n);
    const qty = decimal(inputs, 'positionNotional', id).div(unitValue);
    assert.ok(qty.isInteger(), `${id}: notional is not a whole number of units`);
    const position = { qty: qty.toUnits(0, 'trunc'), unitValue, lotQty: 1n };
    const first = liquidationStepQty(rule, position, {
      nowMs: 1_000_000,
      lastPartialMs: null,
      blockLiquidatedValue: Rational.ZERO,
    });
    assert.equal(first.reason, 'slice');
    expectValue(unitValue.mulInt(first.qty), expected, id);
    // "then": the cooldown follows the partial liquidation, and during it the whole position goes.
    const rest = { ...position, qty: position.qty - first.qty };
    const next = liquidationStepQty(rule, rest, {
      nowMs: 1_000_000 + rule.cooldownMs - 1,
      lastPartialMs: 1_000_000,
      blockLiquidatedValue: Rational.ZERO,
    });
    assert.deepEqual(next, { qty: rest.qty, reason: 'in_cooldown' });
  },
  'margin.openInterestImf': ({ id, inputs, expected, tolerance }) => {
    const imf = dydxOpenInterestImf(
      decimal(inputs, 'imfBase', id),
      decimal(inputs, 'lowerCap', id),
      decimal(inputs, 'upperCap', id),
      decimal(inputs, 'openNotional', id),
    );
    expectValue(imf, expected, id, tolerance);
  },
};

describe('vectors/liquidation.json (liquidation.* and margin.openInterestImf)', () => {
  const owned = vectors.filter((v) => OWNED(v.kind));

  test('every vector is either handled here or owned by the ADL tests, and every handled kind is present', () => {
    assert.equal(new Set(vectors.map((v) => v.id)).size, vectors.length, 'vector ids are unique');
    const strays = vectors
      .filter((v) => !OWNED(v.kind) && !ELSEWHERE(v.kind))
      .map((v) => `${v.id} (${v.kind})`);
    assert.deepEqual(strays, [], `vectors nobody checks: ${strays.join(', ')}`);
    const unhandled = owned.filter((v) => !(v.kind in HANDLERS)).map((v) => `${v.id} (${v.kind})`);
    assert.deepEqual(unhandled, [], `vectors without a handler: ${unhandled.join(', ')}`);
    assert.deepEqual(
      Object.keys(HANDLERS).filter((kind) => !owned.some((v) => v.kind === kind)),
      [],
      'a handler whose kind has no vector',
    );
    // The file held 11 such vectors when this test was written; fewer means some went missing.
    assert.ok(owned.length >= 11, `only ${owned.length} liquidation vectors`);
  });

  for (const vector of owned) {
    test(`${vector.id} (${vector.kind})`, () => {
      const handler = HANDLERS[vector.kind];
      assert.ok(handler !== undefined, `unknown vector kind ${vector.kind}`);
      handler(vector);
    });
  }
});

/** Integer ranges that keep the subaccounts realistic: sizes in 0.001 base, prices and USDC in cents. */
const positionArb = fc.record({
  sizeMilli: fc.bigInt({ min: -1_000_000n, max: 1_000_000n }).filter((n) => n !== 0n),
  oracleCents: fc.bigInt({ min: 1n, max: 10_000_000n }),
  mmfPpm: fc.bigInt({ min: 1n, max: 500_000n }),
});

const subaccountArb = fc.record({
  usdcCents: fc.bigInt({ min: -10_000_000_000n, max: 10_000_000_000n }),
  positions: fc.array(positionArb, { minLength: 1, maxLength: 4 }),
  baPpm: fc.bigInt({ min: 0n, max: 3_000_000n }),
  smmrPpm: fc.bigInt({ min: 0n, max: 1_000_000n }),
});

interface Generated {
  readonly subaccount: DydxSubaccount;
  readonly config: DydxFillableConfig;
}

function build(sample: typeof subaccountArb extends fc.Arbitrary<infer T> ? T : never): Generated {
  const positions = sample.positions.map((p, i) => ({
    symbol: `M${i}`,
    size: Rational.of(p.sizeMilli, 1000n),
    oracle: Rational.of(p.oracleCents, 100n),
    mmf: Rational.of(p.mmfPpm, 1_000_000n),
  }));
  return {
    subaccount: { usdc: Rational.of(sample.usdcCents, 100n), positions },
    config: {
      bankruptcyAdjustment: Rational.of(sample.baPpm, 1_000_000n),
      spreadToMaintenanceRatio: Rational.of(sample.smmrPpm, 1_000_000n),
    },
  };
}

/** TNC and TMMR recomputed here, for the reference formulas below. */
function totals(subaccount: DydxSubaccount): { tnc: Rational; tmmr: Rational } {
  let tnc = subaccount.usdc;
  let tmmr = Rational.ZERO;
  for (const p of subaccount.positions) {
    tnc = tnc.add(p.size.mul(p.oracle));
    tmmr = tmmr.add(p.size.abs().mul(p.oracle).mul(p.mmf));
  }
  return { tnc, tmmr };
}

describe('dYdX liquidation maths beyond the vectors', () => {
  test('dydx-fillable-long by hand: TNC 499, TMMR 500, ABR 1/500, spread 0.1 USDC over 0.1 BTC', () => {
    // PNNV = 0.1 × 50,000 = 5,000; PMMR = 500; TNC = −4,501 + 5,000 = 499; ABR = 1 × (1 − 499/500) = 1/500;
    // SMMR × PMMR = 50, times ABR = 0.1; (5,000 − 0.1) / 0.1 = 49,999.
    const subaccount = {
      usdc: dec('-4501'),
      positions: [{ symbol: 'BTC', size: dec('0.1'), oracle: dec('50000'), mmf: dec('0.1') }],
    };
    assert.ok(dydxFillablePrice(subaccount, 'BTC').eq(dec('49999')));
  });

  test('a limit price rounds up for a long (sell) and down for a short (buy), never below one tick', () => {
    assert.equal(dydxFillableLimitTicks(dec('49998.01'), Rational.ONE, 'long'), 49999n);
    assert.equal(dydxFillableLimitTicks(dec('50001.99'), Rational.ONE, 'short'), 50001n);
    assert.equal(dydxFillableLimitTicks(dec('0.4'), Rational.ONE, 'short'), 1n);
  });

  test('open-interest IMF: base below the lower cap, 1 at the upper cap, off when the upper cap is 0', () => {
    const base = dec('0.05');
    const lower = dec('500000000');
    const upper = dec('1000000000');
    assert.ok(dydxOpenInterestImf(base, lower, upper, dec('400000000')).eq(base));
    assert.ok(dydxOpenInterestImf(base, lower, upper, upper).eq(Rational.ONE));
    assert.ok(dydxOpenInterestImf(base, lower, upper, dec('2000000000')).eq(Rational.ONE));
    assert.ok(dydxOpenInterestImf(base, Rational.ZERO, Rational.ZERO, dec('2000000000')).eq(base));
  });

  test('property: the fillable price sits ABR × SMMR × mmf × oracle below the oracle for a long, above it for a short', () => {
    fc.assert(
      fc.property(subaccountArb, fc.nat(3), (sample, pick) => {
        const { subaccount, config } = build(sample);
        const position = subaccount.positions[pick % subaccount.positions.length];
        assert.ok(position !== undefined);
        const { tnc, tmmr } = totals(subaccount);
        const raw = config.bankruptcyAdjustment.mul(Rational.ONE.sub(tnc.div(tmmr)));
        const abr = raw.lt(Rational.ZERO) ? Rational.ZERO : raw.gt(Rational.ONE) ? Rational.ONE : raw;
        const gap = abr.mul(config.spreadToMaintenanceRatio).mul(position.mmf).mul(position.oracle);
        const price = dydxFillablePrice(subaccount, position.symbol, config);
        const expected = position.size.sign() > 0 ? position.oracle.sub(gap) : position.oracle.add(gap);
        assert.ok(price.eq(expected));
      }),
    );
  });

  test('property: the fillable price lies between the bankruptcy price and the oracle exactly when ABR × SMMR ≤ TNC/TMMR', () => {
    fc.assert(
      fc.property(subaccountArb, (sample) => {
        const { subaccount, config } = build(sample);
        const position = subaccount.positions[0];
        assert.ok(position !== undefined);
        const { tnc, tmmr } = totals(subaccount);
        const ratio = tnc.div(tmmr);
        const raw = config.bankruptcyAdjustment.mul(Rational.ONE.sub(ratio));
        const abr = raw.lt(Rational.ZERO) ? Rational.ZERO : raw.gt(Rational.ONE) ? Rational.ONE : raw;
        // The full close's bankruptcy price: the quote BQ = PNNV − TNC × PMMR / TMMR, per unit of size.
        const pmmr = position.size.abs().mul(position.oracle).mul(position.mmf);
        const bankruptcy = position.size.mul(position.oracle).sub(tnc.mul(pmmr).div(tmmr)).div(position.size);
        const price = dydxFillablePrice(subaccount, position.symbol, config);
        const long = position.size.sign() > 0;
        const towardOracle = long ? price.lte(position.oracle) : price.gte(position.oracle);
        const noWorseThanBankruptcy = long ? price.gte(bankruptcy) : price.lte(bankruptcy);
        assert.ok(towardOracle);
        assert.equal(noWorseThanBankruptcy, abr.mul(config.spreadToMaintenanceRatio).lte(ratio));
        // And the bankruptcy quote of the full close is that price × |size|, rounded toward +∞ in quantums.
        const quote = dydxBankruptcyQuoteQuantums(subaccount, position.symbol, position.size.neg());
        assert.equal(quote, bankruptcy.mul(position.size).toUnits(DYDX_QUOTE_SCALE, 'ceil'));
      }),
    );
  });

  test('property: a one-position subaccount closed whole at its bankruptcy quote ends within one quantum above zero', () => {
    fc.assert(
      fc.property(subaccountArb, (sample) => {
        const { subaccount } = build({ ...sample, positions: sample.positions.slice(0, 1) });
        const position = subaccount.positions[0];
        assert.ok(position !== undefined);
        const quote = dydxBankruptcyQuoteQuantums(subaccount, position.symbol, position.size.neg());
        const left = subaccount.usdc.add(Rational.fromUnits(quote, DYDX_QUOTE_SCALE));
        assert.ok(left.sign() >= 0 && left.lt(Rational.fromUnits(1n, DYDX_QUOTE_SCALE)));
      }),
    );
  });

  test("property: a partial close's quote is the rulebook formula rounded toward +∞ (linear MMR)", () => {
    fc.assert(
      fc.property(subaccountArb, fc.bigInt({ min: 1n, max: 1000n }), (sample, perMille) => {
        const { subaccount } = build(sample);
        const position = subaccount.positions[0];
        assert.ok(position !== undefined);
        const delta = position.size.neg().mul(Rational.of(perMille, 1000n));
        const { tnc, tmmr } = totals(subaccount);
        const exact = delta
          .neg()
          .mul(position.oracle)
          .sub(tnc.mul(delta.abs().mul(position.oracle).mul(position.mmf)).div(tmmr));
        const quote = dydxBankruptcyQuoteQuantums(subaccount, position.symbol, delta);
        assert.equal(quote, exact.toUnits(DYDX_QUOTE_SCALE, 'ceil'));
      }),
    );
  });

  test('property: the open-interest IMF rises with open notional from imfBase to 1', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 3_000_000n }),
        fc.bigInt({ min: 0n, max: 3_000_000n }),
        (basePpm, lower, width, a, b) => {
          const base = Rational.of(basePpm, 1_000_000n);
          const caps = [Rational.fromInt(lower), Rational.fromInt(lower + width)] as const;
          const low = a < b ? a : b;
          const high = a < b ? b : a;
          const imfLow = dydxOpenInterestImf(base, caps[0], caps[1], Rational.fromInt(low));
          const imfHigh = dydxOpenInterestImf(base, caps[0], caps[1], Rational.fromInt(high));
          assert.ok(imfLow.gte(base) && imfHigh.lte(Rational.ONE) && imfLow.lte(imfHigh));
        },
      ),
    );
  });

  test('the defaults are those of the rulebook (BA 1, SMMR 0.1)', () => {
    assert.ok(DYDX_FILLABLE_DEFAULTS.bankruptcyAdjustment.eq(Rational.ONE));
    assert.ok(DYDX_FILLABLE_DEFAULTS.spreadToMaintenanceRatio.eq(dec('0.1')));
  });
});
