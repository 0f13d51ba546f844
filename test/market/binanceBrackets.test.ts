import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  loadBinanceBrackets,
  loadBinanceBracketsByDate,
  maintenanceMargin,
  type BinanceBracketSet,
  type BracketInputError,
} from '../../src/market/index.js';
import { parseDecimal, parseExactJson, Rational, type ExactJson } from '../../src/numbers/index.js';

const DUMP_2024 = readFileSync(
  new URL('../../data/binance-leverage-brackets/binance_leverage_tiers_2024-10-24.json', import.meta.url),
  'utf8',
);
const BY_DATE = readFileSync(
  new URL('../../data/binance-leverage-brackets/btc_eth_usdt_perp_brackets_by_date.json', import.meta.url),
  'utf8',
);

/** Symbols of the 2024-10-24 dump whose published cum disagrees with the formula (none: verified below). */
const KNOWN_CUM_DISAGREEMENTS_2024: readonly string[] = [];

function r(text: string): Rational {
  const parsed = parseDecimal(text);
  assert.ok(parsed.ok, text);
  return Rational.fromDecimal(parsed.value);
}

function loaded(result: ReturnType<typeof loadBinanceBrackets>): BinanceBracketSet {
  if (!result.ok) assert.fail(`expected a load, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function rejected(result: { ok: true } | { ok: false; error: BracketInputError }): BracketInputError {
  if (result.ok) assert.fail('expected an error');
  return result.error;
}

/** Independent check: walk the parsed dump by hand and recompute every cum with Rational. */
function recomputeDisagreements(text: string): string[] {
  const parsed = parseExactJson(text);
  assert.ok(parsed.ok);
  const root = parsed.value as Record<string, ExactJson>;
  const bad: string[] = [];
  for (const [symbol, tiers] of Object.entries(root)) {
    let previousMmr = Rational.ZERO;
    let cum = Rational.ZERO;
    for (const [i, tier] of (tiers as ExactJson[]).entries()) {
      const info = (tier as Record<string, ExactJson>).info as Record<string, string>;
      const mmr = r(info.maintMarginRatio ?? '');
      if (i > 0)
        cum = r(info.notionalFloor ?? '')
          .mul(mmr.sub(previousMmr))
          .add(cum);
      previousMmr = mmr;
      if (!r(info.cum ?? '').eq(cum)) bad.push(`${symbol} bracket ${info.bracket ?? '?'}`);
    }
  }
  return bad;
}

describe('2024-10-24 full dump (ccxt shape)', () => {
  test('loads all 349 symbols with every bracket', () => {
    const set = loaded(loadBinanceBrackets(DUMP_2024));
    assert.equal(set.format, 'ccxt');
    assert.equal(set.symbols.size, 349);
    const parsed = parseExactJson(DUMP_2024);
    assert.ok(parsed.ok);
    for (const [symbol, tiers] of Object.entries(parsed.value as Record<string, ExactJson[]>)) {
      const entry = set.symbols.get(symbol);
      assert.ok(entry, symbol);
      assert.equal(entry.table.model, 'cumulative');
      assert.equal(entry.table.tiers.length, tiers.length, symbol);
      assert.ok(entry.settlementCurrency !== undefined, symbol);
    }
  });

  test('every published cum against the formula (report mode)', (t) => {
    const set = loaded(loadBinanceBrackets(DUMP_2024, { cumPolicy: 'report' }));
    const reported = [...new Set(set.cumDisagreements.map((d) => d.symbol))];
    t.diagnostic(
      reported.length === 0
        ? 'no symbol publishes a cum that disagrees with the cumulative formula'
        : `cum disagreements: ${set.cumDisagreements
            .map(
              (d) =>
                `${d.symbol}#${d.bracket} published ${d.published.format('trunc')} computed ${d.computed.format('trunc')}`,
            )
            .join('; ')}`,
    );
    assert.deepEqual(reported, KNOWN_CUM_DISAGREEMENTS_2024);
    assert.deepEqual(
      set.cumDisagreements.map((d) => `${d.symbol} bracket ${d.bracket}`),
      recomputeDisagreements(DUMP_2024),
    );
    // With nothing to report, the strict policy loads the same dump.
    assert.ok(loadBinanceBrackets(DUMP_2024, { cumPolicy: 'reject' }).ok);
  });

  test('BTCUSDT: 12 brackets, 125x / 0.4 % to 50k, bracket 4 cum 11450, continuous MM', () => {
    const set = loaded(loadBinanceBrackets(DUMP_2024));
    const btc = set.symbols.get('BTC/USDT:USDT');
    assert.ok(btc);
    assert.equal(btc.settlementCurrency, 'USDT');
    const tiers = btc.table.tiers;
    assert.equal(tiers.length, 12);
    const first = tiers[0];
    assert.ok(first);
    assert.ok(first.mmr.eq(r('0.004')) && first.maxLeverage.eq(r('125')) && first.cap.eq(r('50000')));
    const fourth = tiers[3];
    assert.ok(fourth);
    assert.equal(fourth.index, 4);
    assert.ok(fourth.cum.eq(r('11450')), fourth.cum.format('trunc'));
    assert.ok(fourth.floor.eq(r('3000000')) && fourth.mmr.eq(r('0.01')));
    const last = tiers[11];
    assert.ok(last);
    assert.ok(last.cap.eq(r('1800000000')) && last.mmr.eq(r('0.5')) && last.maxLeverage.eq(Rational.ONE));
    // Continuity at every boundary: the MM just below and at a floor agree in the limit.
    for (const tier of tiers.slice(1)) {
      const below = tiers[tier.index - 2];
      assert.ok(below);
      assert.ok(tier.floor.mul(below.mmr).sub(below.cum).eq(tier.floor.mul(tier.mmr).sub(tier.cum)));
    }
    assert.ok(maintenanceMargin(btc.table, r('3000000')).eq(r('18550')));
  });

  test('settlement currency comes from the dump (USDC and BTC margined symbols too)', () => {
    const set = loaded(loadBinanceBrackets(DUMP_2024));
    assert.equal(set.symbols.get('1000BONK/USDC:USDC')?.settlementCurrency, 'USDC');
    assert.equal(set.symbols.get('ETH/BTC:BTC')?.settlementCurrency, 'BTC');
    assert.equal(set.symbols.get('BTC/USDT:USDT-241227')?.settlementCurrency, 'USDT');
  });

  test('a wrong published cum: rejected with a path to the field, or reported', () => {
    const text = DUMP_2024.replace('"cum": "11450.0"', '"cum": "11451.0"');
    assert.notEqual(text, DUMP_2024);
    const error = rejected(loadBinanceBrackets(text));
    assert.equal(error.code, 'cum_mismatch');
    assert.equal(error.path, 'BTC/USDT:USDT[3].info.cum');
    assert.equal(error.symbol, 'BTC/USDT:USDT');
    assert.equal(error.bracket, 4);
    assert.match(error.message, /BTC\/USDT:USDT bracket 4.*11451.*11450/);
    const reported = loaded(loadBinanceBrackets(text, { cumPolicy: 'report' }));
    assert.equal(reported.cumDisagreements.length, 1);
    const [d] = reported.cumDisagreements;
    assert.ok(d);
    assert.equal(d.symbol, 'BTC/USDT:USDT');
    assert.equal(d.bracket, 4);
    assert.equal(d.path, 'BTC/USDT:USDT[3].info.cum');
    assert.ok(d.published.eq(r('11451')) && d.computed.eq(r('11450')));
    // Report mode loads with the computed cum, so later brackets are unaffected.
    assert.ok(reported.symbols.get('BTC/USDT:USDT')?.table.tiers[3]?.cum.eq(r('11450')));
  });
});

describe('by-date file', () => {
  test('loads all three dates with their brackets', () => {
    const result = loadBinanceBracketsByDate(BY_DATE);
    if (!result.ok) assert.fail(JSON.stringify(result.error));
    const dates = result.value;
    assert.deepEqual([...dates.keys()], ['2022-02-12', '2022-11-25', '2024-10-24']);
    const feb = dates.get('2022-02-12');
    const btcFeb = feb?.symbols.get('BTC/USDT');
    assert.ok(btcFeb);
    assert.equal(btcFeb.table.tiers.length, 10);
    const btcFirst = btcFeb.table.tiers[0];
    assert.ok(btcFirst);
    assert.ok(
      btcFirst.mmr.eq(r('0.004')) && btcFirst.cap.eq(r('50000')) && btcFirst.maxLeverage.eq(r('125')),
    );
    // The 2022-02 dump gives neither a currency field nor a :SETTLE symbol.
    assert.equal(btcFeb.settlementCurrency, undefined);
    // Java prints big doubles with an exponent ("4.2500365E7"); they must still read exactly.
    assert.ok(feb?.symbols.get('ETH/USDT')?.table.tiers[9]?.cum.eq(r('42500365')));
    const ethNov = dates.get('2022-11-25')?.symbols.get('ETH/USDT');
    assert.ok(ethNov);
    assert.equal(ethNov.settlementCurrency, 'USDT');
    const ethFirst = ethNov.table.tiers[0];
    assert.ok(ethFirst);
    assert.ok(
      ethFirst.mmr.eq(r('0.005')) && ethFirst.cap.eq(r('100000')) && ethFirst.maxLeverage.eq(r('100')),
    );
    assert.equal(dates.get('2024-10-24')?.symbols.get('BTC/USDT:USDT')?.table.tiers.length, 12);
    for (const set of dates.values()) assert.equal(set.cumDisagreements.length, 0);
  });

  test('a by-date file through the single-dump loader points at the right loader', () => {
    const error = rejected(loadBinanceBrackets(BY_DATE));
    assert.equal(error.path, '2022-02-12');
    assert.match(error.message, /loadBinanceBracketsByDate/);
  });

  test('a key that is not a date is refused', () => {
    const error = rejected(loadBinanceBracketsByDate('{"2022-02-30": {}}'));
    assert.equal(error.code, 'invalid_field');
    assert.equal(error.path, '2022-02-30');
  });
});

/** A raw `GET /fapi/v1/leverageBracket` answer: JSON numbers, extra keys, 0.0 and Long.MAX as a cap. */
const RAW_API = `[
  {
    "symbol": "ETHUSDT",
    "notionalCoef": 1.50,
    "brackets": [
      {"bracket": 1, "initialLeverage": 125, "notionalCap": 50000, "notionalFloor": 0, "maintMarginRatio": 0.004, "cum": 0.0},
      {"bracket": 2, "initialLeverage": 100, "notionalCap": 600000, "notionalFloor": 50000, "maintMarginRatio": 0.005, "cum": 50.0, "notionalCoef": 1},
      {"bracket": 3, "initialLeverage": 75, "notionalCap": 3000000, "notionalFloor": 600000, "maintMarginRatio": 0.0065, "cum": 950.0},
      {"bracket": 4, "initialLeverage": 1, "notionalCap": 9223372036854775807, "notionalFloor": 3000000, "maintMarginRatio": 0.5, "cum": 1.48145E6}
    ]
  },
  {
    "symbol": "DOGEUSDT",
    "brackets": [
      {"bracket": 1, "initialLeverage": 50, "notionalCap": 5000, "notionalFloor": 0, "maintMarginRatio": 0.01, "cum": 0},
      {"bracket": 2, "initialLeverage": 25, "notionalCap": 50000, "notionalFloor": 5000, "maintMarginRatio": 0.02, "cum": 50}
    ]
  }
]`;

describe('raw API shape', () => {
  test('a leverageBracket array with JSON numbers loads exactly', () => {
    const set = loaded(loadBinanceBrackets(RAW_API));
    assert.equal(set.format, 'binance-api');
    assert.deepEqual([...set.symbols.keys()], ['ETHUSDT', 'DOGEUSDT']);
    const eth = set.symbols.get('ETHUSDT');
    assert.ok(eth);
    assert.equal(eth.settlementCurrency, undefined);
    assert.equal(eth.table.tiers.length, 4);
    assert.ok(eth.table.tiers[0]?.mmr.eq(r('0.004')));
    assert.ok(eth.table.tiers[2]?.mmr.eq(r('0.0065')));
    assert.ok(eth.table.tiers[3]?.cum.eq(r('1481450')));
    assert.ok(eth.table.tiers[3]?.cap.eq(Rational.fromInt(9223372036854775807n)));
  });

  test('a single {symbol, brackets} object loads', () => {
    const single = `{"symbol":"DOGEUSDT","brackets":[{"bracket":1,"initialLeverage":50,"notionalCap":5000,"notionalFloor":0,"maintMarginRatio":0.01,"cum":0.0}]}`;
    const set = loaded(loadBinanceBrackets(single));
    assert.equal(set.symbols.get('DOGEUSDT')?.table.tiers.length, 1);
  });

  test('a wrong cum is rejected with code cum_mismatch and a path naming the symbol and bracket', () => {
    const error = rejected(loadBinanceBrackets(RAW_API.replace('"cum": 950.0', '"cum": 951.0')));
    assert.equal(error.code, 'cum_mismatch');
    assert.equal(error.path, '[0].brackets[2].cum');
    assert.equal(error.symbol, 'ETHUSDT');
    assert.equal(error.bracket, 3);
    assert.match(error.message, /^ETHUSDT bracket 3: \[0\]\.brackets\[2\]\.cum is 951 but .* gives 950$/);
  });
});

describe('malformed input gives errors, never exceptions', () => {
  const cases: readonly (readonly [name: string, text: string, code: string, path: string])[] = [
    ['not JSON', '[{"symbol":', 'invalid_json', ''],
    ['a bare number', '42', 'invalid_field', ''],
    ['an empty array', '[]', 'invalid_field', ''],
    ['an empty map', '{}', 'invalid_field', ''],
    ['missing brackets', '[{"symbol":"BTCUSDT"}]', 'missing_field', '[0].brackets'],
    ['no brackets', '[{"symbol":"BTCUSDT","brackets":[]}]', 'invalid_tiers', '[0].brackets'],
    ['missing symbol', '[{"brackets":[]}]', 'missing_field', '[0].symbol'],
    [
      'non-contiguous floors',
      RAW_API.replace('"notionalFloor": 50000', '"notionalFloor": 50001'),
      'tiers_not_contiguous',
      '[0].brackets[1].notionalFloor',
    ],
    [
      'a NaN string',
      '{"X/USDT:USDT":[{"info":{"bracket":"1","initialLeverage":"20","notionalCap":"5000","notionalFloor":"0","maintMarginRatio":"NaN","cum":"0"}}]}',
      'invalid_number',
      'X/USDT:USDT[0].info.maintMarginRatio',
    ],
    [
      'JSON number 1e400',
      RAW_API.replace('"notionalCap": 600000', '"notionalCap": 1e400'),
      'invalid_number',
      '[0].brackets[1].notionalCap',
    ],
    [
      'a float64-inexact JSON number',
      RAW_API.replace('"maintMarginRatio": 0.005', '"maintMarginRatio": 0.00500000000000000001'),
      'invalid_number',
      '[0].brackets[1].maintMarginRatio',
    ],
    [
      'a bracket out of order',
      RAW_API.replace('"bracket": 2', '"bracket": 3'),
      'brackets_out_of_order',
      '[0].brackets[1].bracket',
    ],
    ['a duplicate symbol', RAW_API.replace('"DOGEUSDT"', '"ETHUSDT"'), 'duplicate_symbol', '[1]'],
    [
      'falling mmr',
      RAW_API.replace('"maintMarginRatio": 0.0065', '"maintMarginRatio": 0.0045'),
      'invalid_tiers',
      '[0].brackets[2].maintMarginRatio',
    ],
    [
      'a cap below its floor',
      RAW_API.replace('"notionalCap": 5000,', '"notionalCap": 0,'),
      'invalid_tiers',
      '[1].brackets[0].notionalCap',
    ],
    [
      'currencies that disagree within a symbol',
      '{"X/USDT:USDT":[{"currency":"USDC","info":{"bracket":"1","initialLeverage":"20","notionalCap":"5000","notionalFloor":"0","maintMarginRatio":"0.01","cum":"0"}}]}',
      'invalid_field',
      'X/USDT:USDT[0].currency',
    ],
    ['tiers that are not objects', '{"X/USDT:USDT":[1]}', 'invalid_field', 'X/USDT:USDT[0]'],
  ];
  for (const [name, text, code, path] of cases) {
    test(name, () => {
      let result: ReturnType<typeof loadBinanceBrackets> | undefined;
      assert.doesNotThrow(() => {
        result = loadBinanceBrackets(text);
      });
      assert.ok(result);
      const error = rejected(result);
      assert.equal(error.code, code, error.message);
      assert.equal(error.path, path, error.message);
    });
  }

  test('more symbols than allowed', () => {
    const error = rejected(loadBinanceBrackets(RAW_API, { maxSymbols: 1 }));
    assert.equal(error.code, 'too_many_items');
    const ccxt = rejected(loadBinanceBrackets(DUMP_2024, { maxSymbols: 348 }));
    assert.equal(ccxt.code, 'too_many_items');
  });

  test('an unknown cum policy from an untyped caller', () => {
    const options = JSON.parse('{"cumPolicy":"ignore"}') as { cumPolicy: 'report' };
    const error = rejected(loadBinanceBrackets(RAW_API, options));
    assert.equal(error.code, 'invalid_option');
    assert.equal(error.path, 'cumPolicy');
  });

  test('more brackets than a tier table holds', () => {
    const bracket =
      '{"bracket":1,"initialLeverage":1,"notionalCap":1,"notionalFloor":0,"maintMarginRatio":0.5}';
    const text = `[{"symbol":"X","brackets":[${Array.from({ length: 65 }, () => bracket).join(',')}]}]`;
    assert.equal(rejected(loadBinanceBrackets(text)).code, 'too_many_items');
  });
});

/** Writes a raw API dump for generated brackets, with the formula's cum. */
function rawDump(
  floors: readonly bigint[],
  mmrBasisPoints: readonly number[],
  cumFor: (i: number, cum: Rational) => Rational,
): string {
  let cum = Rational.ZERO;
  const brackets = floors.map((floor, i) => {
    const mmr = Rational.of(BigInt(mmrBasisPoints[i] ?? 0), 10000n);
    if (i > 0) {
      const previous = Rational.of(BigInt(mmrBasisPoints[i - 1] ?? 0), 10000n);
      cum = Rational.fromInt(floor).mul(mmr.sub(previous)).add(cum);
    }
    const cap = floors[i + 1] ?? floor + 1000n;
    return {
      bracket: i + 1,
      initialLeverage: '10',
      notionalFloor: floor.toString(),
      notionalCap: cap.toString(),
      maintMarginRatio: mmr.format('trunc'),
      cum: cumFor(i, cum).format('trunc'),
    };
  });
  return JSON.stringify([{ symbol: 'GENUSDT', brackets }]);
}

test('generated tables: the formula cum loads under reject; any other cum is caught at its bracket', () => {
  const table = fc
    .integer({ min: 1, max: 12 })
    .chain((n) =>
      fc.tuple(
        fc.uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: n - 1, maxLength: n - 1 }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: n, maxLength: n }),
        fc.nat({ max: n - 1 }),
      ),
    );
  fc.assert(
    fc.property(table, ([innerFloors, rates, wrong]) => {
      const floors = [0n, ...innerFloors.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
      const mmrs = [...rates].sort((a, b) => a - b);
      const good = loaded(loadBinanceBrackets(rawDump(floors, mmrs, (_i, cum) => cum)));
      assert.equal(good.symbols.get('GENUSDT')?.table.tiers.length, floors.length);
      const bad = rawDump(floors, mmrs, (i, cum) => (i === wrong ? cum.add(Rational.of(1n, 100n)) : cum));
      const error = rejected(loadBinanceBrackets(bad));
      assert.equal(error.code, 'cum_mismatch');
      assert.equal(error.bracket, wrong + 1);
      assert.equal(error.path, `[0].brackets[${wrong}].cum`);
      const report = loaded(loadBinanceBrackets(bad, { cumPolicy: 'report' }));
      assert.deepEqual(
        report.cumDisagreements.map((d) => d.bracket),
        [wrong + 1],
      );
    }),
    { numRuns: 200 },
  );
});
