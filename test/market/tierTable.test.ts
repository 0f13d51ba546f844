import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildTierTable,
  exceedsTable,
  maintenanceMargin,
  MAX_TIERS,
  tierForNotional,
  type TierModel,
  type TierSpec,
  type TierTable,
} from '../../src/market/index.js';
import { parseDecimal, Rational, type InputError, type Result } from '../../src/numbers/index.js';

const PATH = 'instrument.tiers';

/** The exact value of decimal text, also in the exponent form Binance uses for large `cum` ("4.97038E7"). */
function q(text: string): Rational {
  const match = /^([^eE]+)(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) assert.fail(`not a number: ${text}`);
  const mantissa = parseDecimal(match[1] ?? '');
  if (!mantissa.ok) assert.fail(`not a decimal: ${text}`);
  const exponent = Number(match[2] ?? '0');
  const value = Rational.fromDecimal(mantissa.value);
  const power = Rational.fromInt(10n ** BigInt(Math.abs(exponent)));
  return exponent >= 0 ? value.mul(power) : value.div(power);
}

function spec(floor: string, cap: string, mmr: string, maxLeverage: string, cum?: string): TierSpec {
  return {
    floor: q(floor),
    cap: q(cap),
    mmr: q(mmr),
    maxLeverage: q(maxLeverage),
    cum: cum === undefined ? undefined : q(cum),
  };
}

function build(model: TierModel, specs: readonly TierSpec[]): TierTable {
  const result = buildTierTable(model, specs, PATH);
  if (!result.ok) assert.fail(`${result.error.code} at ${result.error.path}: ${result.error.message}`);
  return result.value;
}

function rejection(result: Result<TierTable, InputError>, code: string, path: string): InputError {
  if (result.ok) assert.fail(`expected ${code} at ${path}, got a table`);
  assert.equal(result.error.code, code, result.error.message);
  assert.equal(result.error.path, path);
  assert.ok(result.error.message.includes(path), result.error.message);
  return result.error;
}

function assertRational(actual: Rational, expected: Rational, label: string): void {
  assert.ok(actual.eq(expected), `${label}: got ${actual.format('trunc')}, want ${expected.format('trunc')}`);
}

// ---------------------------------------------------------------------------------------------------------
// Real Binance brackets

interface BinanceBracket {
  readonly info: {
    readonly bracket: string;
    readonly initialLeverage: string;
    readonly notionalCap: string;
    readonly notionalFloor: string;
    readonly maintMarginRatio: string;
    readonly cum: string;
  };
}
type BracketFile = Readonly<Record<string, Readonly<Record<string, readonly BinanceBracket[]>>>>;

const BRACKETS = JSON.parse(
  readFileSync(
    new URL('../../data/binance-leverage-brackets/btc_eth_usdt_perp_brackets_by_date.json', import.meta.url),
    'utf8',
  ),
) as BracketFile;

function brackets(date: string, symbol: string): readonly BinanceBracket[] {
  const list = BRACKETS[date]?.[symbol];
  if (list === undefined) assert.fail(`no brackets for ${symbol} on ${date}`);
  return list;
}

function specsOf(list: readonly BinanceBracket[], withCum: boolean): TierSpec[] {
  return list.map(({ info }) => ({
    floor: q(info.notionalFloor),
    cap: q(info.notionalCap),
    mmr: q(info.maintMarginRatio),
    maxLeverage: q(info.initialLeverage),
    cum: withCum ? q(info.cum) : undefined,
  }));
}

describe('buildTierTable on real Binance brackets', () => {
  const btc = brackets('2024-10-24', 'BTC/USDT:USDT');

  test('BTCUSDT 2024-10-24: the file holds the expected brackets', () => {
    assert.equal(btc.length, 12);
    const first = btc.slice(0, 4).map(({ info }) => [info.notionalFloor, info.maintMarginRatio, info.cum]);
    assert.deepEqual(first, [
      ['0', '0.004', '0.0'],
      ['50000', '0.005', '50.0'],
      ['600000', '0.0065', '950.0'],
      ['3000000', '0.01', '11450.0'],
    ]);
  });

  test('BTCUSDT 2024-10-24: computes cum from the formula, equal to every published cum', () => {
    const table = build('cumulative', specsOf(btc, false));
    assert.equal(table.model, 'cumulative');
    assert.equal(table.tiers.length, 12);
    const expectedCum = ['0', '50', '950', '11450'];
    for (const [i, cum] of expectedCum.entries()) {
      const tier = table.tiers[i];
      assert.ok(tier !== undefined);
      assertRational(tier.cum, q(cum), `tier ${i + 1} cum`);
    }
    for (const [i, { info }] of btc.entries()) {
      const tier = table.tiers[i];
      assert.ok(tier !== undefined);
      assert.equal(tier.index, i + 1);
      assert.equal(String(tier.index), info.bracket);
      assertRational(tier.floor, q(info.notionalFloor), `tier ${i + 1} floor`);
      assertRational(tier.cap, q(info.notionalCap), `tier ${i + 1} cap`);
      assertRational(tier.mmr, q(info.maintMarginRatio), `tier ${i + 1} mmr`);
      assertRational(tier.maxLeverage, q(info.initialLeverage), `tier ${i + 1} maxLeverage`);
      assertRational(tier.cum, q(info.cum), `tier ${i + 1} cum`);
    }
  });

  test('every symbol and date in the data file validates with its published cum', () => {
    let tables = 0;
    for (const [date, symbols] of Object.entries(BRACKETS)) {
      for (const [symbol, list] of Object.entries(symbols)) {
        const result = buildTierTable('cumulative', specsOf(list, true), `${date}.${symbol}`);
        assert.ok(result.ok, `${date} ${symbol}: ${result.ok ? '' : result.error.message}`);
        tables++;
      }
    }
    assert.ok(tables >= 6, `only ${tables} tables in the file`);
  });

  test('BTCUSDT 2024-10-24: maintenance margin at sample notionals', () => {
    const table = build('cumulative', specsOf(btc, true));
    const cases: [string, string][] = [
      ['0', '0'],
      ['10000', '40'], // 10,000 × 0.004
      ['50000', '200'], // 50,000 × 0.005 − 50
      ['1000000', '5550'], // 1,000,000 × 0.0065 − 950
      ['3000000', '18550'], // 3,000,000 × 0.01 − 11,450
      ['1800000000', '478518550'], // at the last cap: 1.8e9 × 0.5 − 421,481,450
    ];
    for (const [notional, mm] of cases) {
      assertRational(maintenanceMargin(table, q(notional)), q(mm), `MM(${notional})`);
    }
  });

  test('a wrong published cum is cum_mismatch at [i].cum', () => {
    const specs = specsOf(btc, true);
    const third = specs[2];
    assert.ok(third !== undefined);
    specs[2] = { ...third, cum: q('951') };
    const error = rejection(buildTierTable('cumulative', specs, PATH), 'cum_mismatch', `${PATH}[2].cum`);
    assert.match(error.message, /951/);
    assert.match(error.message, /950/);
    // Off by the smallest amount still differs: cum is checked exactly.
    specs[2] = { ...third, cum: q('950.000000000000000001') };
    rejection(buildTierTable('cumulative', specs, PATH), 'cum_mismatch', `${PATH}[2].cum`);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Validation

const VALID: readonly TierSpec[] = [
  spec('0', '50000', '0.004', '125'),
  spec('50000', '250000', '0.005', '100'),
  spec('250000', '1000000', '0.01', '50'),
];

function withTier(index: number, change: Partial<TierSpec>): TierSpec[] {
  return VALID.map((tier, i) => (i === index ? { ...tier, ...change } : tier));
}

describe('buildTierTable validation', () => {
  test('accepts a valid table in both models and numbers tiers from 1', () => {
    for (const model of ['cumulative', 'whole'] as const) {
      const table = build(model, VALID);
      assert.equal(table.model, model);
      assert.deepEqual(
        table.tiers.map((tier) => tier.index),
        [1, 2, 3],
      );
    }
    assert.ok(build('whole', VALID).tiers.every((tier) => tier.cum.isZero()));
  });

  test('rejects an empty table', () => {
    for (const model of ['cumulative', 'whole'] as const) {
      rejection(buildTierTable(model, [], PATH), 'invalid_tiers', PATH);
    }
  });

  test('accepts MAX_TIERS tiers and rejects more', () => {
    const many = (count: number) =>
      Array.from({ length: count }, (_, i) => spec(String(i * 10), String(i * 10 + 10), '0.01', '10'));
    build('cumulative', many(MAX_TIERS));
    rejection(buildTierTable('cumulative', many(MAX_TIERS + 1), PATH), 'too_many_items', PATH);
  });

  test('the first floor must be 0', () => {
    rejection(
      buildTierTable('cumulative', withTier(0, { floor: q('1') }), PATH),
      'tiers_not_contiguous',
      `${PATH}[0].floor`,
    );
    rejection(
      buildTierTable('whole', withTier(0, { floor: q('-1') }), PATH),
      'tiers_not_contiguous',
      `${PATH}[0].floor`,
    );
  });

  test('each floor must equal the previous cap: gaps and overlaps are refused', () => {
    for (const model of ['cumulative', 'whole'] as const) {
      rejection(
        buildTierTable(model, withTier(1, { floor: q('50001') }), PATH),
        'tiers_not_contiguous',
        `${PATH}[1].floor`,
      );
      rejection(
        buildTierTable(model, withTier(1, { floor: q('49999.99') }), PATH),
        'tiers_not_contiguous',
        `${PATH}[1].floor`,
      );
      rejection(
        buildTierTable(model, withTier(2, { floor: q('200000') }), PATH),
        'tiers_not_contiguous',
        `${PATH}[2].floor`,
      );
    }
    // Tiers out of order are a gap too.
    rejection(
      buildTierTable(
        'cumulative',
        [VALID[0], VALID[2], VALID[1]].filter((t) => t !== undefined),
        PATH,
      ),
      'tiers_not_contiguous',
      `${PATH}[1].floor`,
    );
  });

  test('each cap must be above its floor', () => {
    rejection(
      buildTierTable('cumulative', withTier(0, { cap: q('0') }), PATH),
      'invalid_tiers',
      `${PATH}[0].cap`,
    );
    rejection(
      buildTierTable('cumulative', [...withTier(2, { cap: q('250000') })], PATH),
      'invalid_tiers',
      `${PATH}[2].cap`,
    );
    rejection(
      buildTierTable('whole', withTier(2, { cap: q('100000') }), PATH),
      'invalid_tiers',
      `${PATH}[2].cap`,
    );
  });

  test('mmr must lie in [0, 1]', () => {
    for (const model of ['cumulative', 'whole'] as const) {
      rejection(
        buildTierTable(model, withTier(0, { mmr: q('-0.001') }), PATH),
        'invalid_tiers',
        `${PATH}[0].mmr`,
      );
      rejection(
        buildTierTable(model, withTier(2, { mmr: q('1.0001') }), PATH),
        'invalid_tiers',
        `${PATH}[2].mmr`,
      );
      rejection(
        buildTierTable(model, withTier(2, { mmr: Rational.of(1000000000000000001n, 10n ** 18n) }), PATH),
        'invalid_tiers',
        `${PATH}[2].mmr`,
      );
    }
    build('cumulative', withTier(0, { mmr: q('0') }));
    build('cumulative', withTier(2, { mmr: q('1') }));
    build('whole', withTier(2, { mmr: q('1') }));
  });

  test('max leverage must be positive', () => {
    for (const model of ['cumulative', 'whole'] as const) {
      rejection(
        buildTierTable(model, withTier(1, { maxLeverage: q('0') }), PATH),
        'invalid_tiers',
        `${PATH}[1].maxLeverage`,
      );
      rejection(
        buildTierTable(model, withTier(1, { maxLeverage: q('-5') }), PATH),
        'invalid_tiers',
        `${PATH}[1].maxLeverage`,
      );
    }
    build('cumulative', withTier(1, { maxLeverage: q('0.5') }));
  });

  test('the cumulative model refuses a falling mmr', () => {
    rejection(
      buildTierTable('cumulative', withTier(2, { mmr: q('0.0049') }), PATH),
      'invalid_tiers',
      `${PATH}[2].mmr`,
    );
    build('cumulative', withTier(2, { mmr: q('0.005') })); // equal is fine
  });

  test('the cumulative model checks a published cum on every tier, the first included', () => {
    build('cumulative', withTier(0, { cum: q('0') }));
    rejection(
      buildTierTable('cumulative', withTier(0, { cum: q('1') }), PATH),
      'cum_mismatch',
      `${PATH}[0].cum`,
    );
    build('cumulative', withTier(1, { cum: q('50') }));
    rejection(
      buildTierTable('cumulative', withTier(1, { cum: q('-50') }), PATH),
      'cum_mismatch',
      `${PATH}[1].cum`,
    );
    build('cumulative', withTier(2, { cum: q('1300') })); // 250,000 × (0.01 − 0.005) + 50
    rejection(
      buildTierTable('cumulative', withTier(2, { cum: q('1250') }), PATH),
      'cum_mismatch',
      `${PATH}[2].cum`,
    );
  });

  test('the whole model refuses a nonzero cum and accepts zero or none', () => {
    build('whole', withTier(1, { cum: q('0') }));
    rejection(buildTierTable('whole', withTier(1, { cum: q('50') }), PATH), 'cum_mismatch', `${PATH}[1].cum`);
    rejection(
      buildTierTable('whole', withTier(0, { cum: q('0.0001') }), PATH),
      'cum_mismatch',
      `${PATH}[0].cum`,
    );
  });

  test('error paths use the caller’s path', () => {
    rejection(
      buildTierTable('cumulative', withTier(1, { floor: q('1') }), 'request.tiers'),
      'tiers_not_contiguous',
      'request.tiers[1].floor',
    );
    rejection(buildTierTable('cumulative', [], 'request.tiers'), 'invalid_tiers', 'request.tiers');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Lookup and maintenance margin

describe('tierForNotional and exceedsTable', () => {
  const table = build('cumulative', VALID);

  test('floors are inclusive, caps exclusive; beyond the last cap stays in the last tier', () => {
    const cases: [string, number][] = [
      ['0', 1],
      ['0.000001', 1],
      ['49999.999999', 1],
      ['50000', 2],
      ['50000.000001', 2],
      ['249999', 2],
      ['250000', 3],
      ['999999.99', 3],
      ['1000000', 3],
      ['1000000000', 3],
    ];
    for (const [notional, index] of cases) {
      assert.equal(tierForNotional(table, q(notional)).index, index, `notional ${notional}`);
    }
  });

  test('exceedsTable is true from the last cap on', () => {
    assert.equal(exceedsTable(table, q('0')), false);
    assert.equal(exceedsTable(table, q('999999.999999')), false);
    assert.equal(exceedsTable(table, q('1000000')), true);
    assert.equal(exceedsTable(table, q('5000000')), true);
  });

  test('a one-tier table serves every notional', () => {
    const single = build('whole', [spec('0', '100', '0.02', '20')]);
    for (const notional of ['0', '50', '100', '1000'])
      assert.equal(tierForNotional(single, q(notional)).index, 1);
  });
});

describe('maintenanceMargin in the whole model', () => {
  const table = build('whole', VALID);

  test('one rate on the whole position, stepping at each floor', () => {
    const cases: [string, string][] = [
      ['0', '0'],
      ['10000', '40'],
      ['49999.99', '199.99996'],
      ['50000', '250'],
      ['249999.99', '1249.99995'],
      ['250000', '2500'],
      ['2000000', '20000'], // beyond the last cap: the last rate
    ];
    for (const [notional, mm] of cases)
      assertRational(maintenanceMargin(table, q(notional)), q(mm), `MM(${notional})`);
  });

  test('the left limit at a floor is floor × previous rate, below the value at the floor', () => {
    for (let i = 1; i < table.tiers.length; i++) {
      const tier = table.tiers[i];
      const previous = table.tiers[i - 1];
      assert.ok(tier !== undefined && previous !== undefined);
      const atFloor = maintenanceMargin(table, tier.floor);
      const leftLimit = tier.floor.mul(previous.mmr);
      assertRational(
        atFloor.sub(leftLimit),
        tier.floor.mul(tier.mmr.sub(previous.mmr)),
        `jump at tier ${tier.index}`,
      );
      assert.ok(atFloor.gt(leftLimit));
      const justBelow = tier.floor.sub(Rational.of(1n, 10n ** 12n));
      assertRational(
        maintenanceMargin(table, justBelow),
        justBelow.mul(previous.mmr),
        `just below tier ${tier.index}`,
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over random tables

interface RandomTable {
  readonly widths: readonly Rational[];
  readonly mmrs: readonly Rational[];
  readonly leverages: readonly Rational[];
}

const randomTables = fc
  .array(
    fc.record({
      width: fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.integer({ min: 0, max: 3 })),
      mmrStep: fc.integer({ min: 0, max: 800 }), // in 1e-4
      leverage: fc.integer({ min: 1, max: 125 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((rows): RandomTable => {
    let mmrUnits = 0;
    const mmrs: Rational[] = [];
    for (const row of rows) {
      mmrUnits = Math.min(10_000, mmrUnits + row.mmrStep);
      mmrs.push(Rational.fromUnits(BigInt(mmrUnits), 4));
    }
    return {
      widths: rows.map((row) => Rational.fromUnits(row.width[0], row.width[1])),
      mmrs,
      leverages: rows.map((row) => Rational.fromInt(BigInt(row.leverage))),
    };
  });

function specsOfRandom(t: RandomTable): TierSpec[] {
  let floor = Rational.ZERO;
  return t.widths.map((width, i) => {
    const cap = floor.add(width);
    const tier: TierSpec = {
      floor,
      cap,
      mmr: t.mmrs[i] ?? assert.fail('mmr'),
      maxLeverage: t.leverages[i] ?? assert.fail('leverage'),
    };
    floor = cap;
    return tier;
  });
}

/** Tax-bracket reference: each slice of notional pays its own tier's rate; the last tier has no cap. */
function taxBracketMargin(specs: readonly TierSpec[], notional: Rational): Rational {
  let total = Rational.ZERO;
  for (const [i, tier] of specs.entries()) {
    if (notional.lte(tier.floor)) break;
    const top = i === specs.length - 1 || notional.lt(tier.cap) ? notional : tier.cap;
    total = total.add(top.sub(tier.floor).mul(tier.mmr));
  }
  return total;
}

/** Random notionals across the table: floors, caps, just around them, between, and beyond. */
function notionalsFor(specs: readonly TierSpec[], fractions: readonly number[]): Rational[] {
  const last = specs[specs.length - 1];
  assert.ok(last !== undefined);
  const epsilon = Rational.of(1n, 10n ** 9n);
  const points: Rational[] = [Rational.ZERO];
  for (const tier of specs)
    points.push(tier.floor, tier.cap, tier.floor.sub(epsilon).abs(), tier.floor.add(epsilon));
  for (const f of fractions) points.push(last.cap.mul(Rational.of(BigInt(Math.round(f * 1e6)), 1_000_000n)));
  return points;
}

describe('cumulative tables: properties', () => {
  const fractions = fc.array(fc.double({ min: 0, max: 1.5, noNaN: true }), { maxLength: 8 });

  test('cum follows the recursive formula and the tax-bracket identity', () => {
    fc.assert(
      fc.property(randomTables, (t) => {
        const specs = specsOfRandom(t);
        const table = build('cumulative', specs);
        let paidBelow = Rational.ZERO; // Σ over earlier tiers of width × mmr
        for (const [i, tier] of table.tiers.entries()) {
          const previous = table.tiers[i - 1];
          const recursive =
            previous === undefined
              ? Rational.ZERO
              : tier.floor.mul(tier.mmr.sub(previous.mmr)).add(previous.cum);
          assertRational(tier.cum, recursive, `cum of tier ${tier.index}`);
          assertRational(
            tier.cum,
            tier.floor.mul(tier.mmr).sub(paidBelow),
            `tax-bracket cum of tier ${tier.index}`,
          );
          paidBelow = paidBelow.add(tier.cap.sub(tier.floor).mul(tier.mmr));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('MM = notional × mmr − cum equals the tax-bracket sum everywhere', () => {
    fc.assert(
      fc.property(randomTables, fractions, (t, f) => {
        const specs = specsOfRandom(t);
        const table = build('cumulative', specs);
        for (const notional of notionalsFor(specs, f)) {
          assertRational(
            maintenanceMargin(table, notional),
            taxBracketMargin(specs, notional),
            `MM(${notional.format('trunc')})`,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  test('MM is continuous at every boundary: the left limit equals the value at the floor', () => {
    fc.assert(
      fc.property(randomTables, (t) => {
        const table = build('cumulative', specsOfRandom(t));
        for (let i = 1; i < table.tiers.length; i++) {
          const tier = table.tiers[i];
          const previous = table.tiers[i - 1];
          assert.ok(tier !== undefined && previous !== undefined);
          const leftLimit = tier.floor.mul(previous.mmr).sub(previous.cum);
          assertRational(
            maintenanceMargin(table, tier.floor),
            leftLimit,
            `at the floor of tier ${tier.index}`,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  test('MM is non-decreasing in notional, never negative, and between the first and last rates', () => {
    fc.assert(
      fc.property(randomTables, fractions, (t, f) => {
        const specs = specsOfRandom(t);
        const table = build('cumulative', specs);
        const points = notionalsFor(specs, f).sort((a, b) => a.cmp(b));
        let previousMargin: Rational | undefined;
        const first = table.tiers[0];
        const last = table.tiers[table.tiers.length - 1];
        assert.ok(first !== undefined && last !== undefined);
        for (const notional of points) {
          const margin = maintenanceMargin(table, notional);
          if (previousMargin !== undefined)
            assert.ok(margin.gte(previousMargin), `MM falls at ${notional.format('trunc')}`);
          assert.ok(margin.gte(notional.mul(first.mmr)));
          assert.ok(margin.lte(notional.mul(last.mmr)));
          previousMargin = margin;
        }
      }),
      { numRuns: 200 },
    );
  });

  test('publishing the computed cums validates; changing any one is cum_mismatch at that tier', () => {
    fc.assert(
      fc.property(
        randomTables,
        fc.nat(),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.boolean(),
        (t, pick, delta, up) => {
          const specs = specsOfRandom(t);
          const table = build('cumulative', specs);
          const published = specs.map((s, i): TierSpec => ({ ...s, cum: table.tiers[i]?.cum }));
          build('cumulative', published);
          const k = pick % published.length;
          const wrong = table.tiers[k]?.cum.add(Rational.of(up ? delta : -delta, 10n ** 6n));
          const tampered = published.map((s, i): TierSpec => (i === k ? { ...s, cum: wrong } : s));
          rejection(buildTierTable('cumulative', tampered, PATH), 'cum_mismatch', `${PATH}[${k}].cum`);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('tierForNotional is the last tier whose floor is at or below the notional', () => {
    fc.assert(
      fc.property(randomTables, fractions, (t, f) => {
        const specs = specsOfRandom(t);
        const table = build('cumulative', specs);
        for (const notional of notionalsFor(specs, f)) {
          let expected = 1;
          for (const [i, s] of specs.entries()) if (notional.gte(s.floor)) expected = i + 1;
          assert.equal(
            tierForNotional(table, notional).index,
            expected,
            `notional ${notional.format('trunc')}`,
          );
          const lastCap = specs[specs.length - 1]?.cap ?? assert.fail('no tiers');
          assert.equal(exceedsTable(table, notional), notional.gte(lastCap));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('whole tables: properties', () => {
  test('MM = notional × mmr of the tier holding it, jumping by floor × Δmmr at each floor', () => {
    fc.assert(
      fc.property(randomTables, (t) => {
        const specs = specsOfRandom(t);
        const table = build('whole', specs);
        for (let i = 0; i < table.tiers.length; i++) {
          const tier = table.tiers[i];
          assert.ok(tier !== undefined);
          assert.ok(tier.cum.isZero());
          const middle = tier.floor.add(tier.cap).mul(Rational.of(1n, 2n));
          assertRational(
            maintenanceMargin(table, middle),
            middle.mul(tier.mmr),
            `middle of tier ${tier.index}`,
          );
          assertRational(
            maintenanceMargin(table, tier.floor),
            tier.floor.mul(tier.mmr),
            `floor of tier ${tier.index}`,
          );
          const previous = table.tiers[i - 1];
          if (previous !== undefined) {
            const leftLimit = tier.floor.mul(previous.mmr);
            assertRational(
              maintenanceMargin(table, tier.floor).sub(leftLimit),
              tier.floor.mul(tier.mmr.sub(previous.mmr)),
              `jump at tier ${tier.index}`,
            );
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
