import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Engine, checkInvariants, type Command, type EngineEvent } from '../../src/engine/index.js';
import {
  BINANCE_BTCUSDT_TIERS_2022_02_12,
  DEFAULT_POPULATION_PARAMS,
  generatePopulation,
  populationCommands,
  type Population,
  type PopulationOptions,
} from '../../src/simulator/population.js';
import { btcListing } from '../engine/helpers.js';

const START_2020 = Date.UTC(2020, 2, 12, 8, 22);
const START_2025 = Date.UTC(2025, 9, 10, 20, 11);
const DAY_MS = 86_400_000;

/** `xs[i]`, which the test knows is there. */
function at<T>(xs: readonly T[], i: number): T {
  const value = xs[i];
  assert.ok(value !== undefined, `index ${i} of ${xs.length}`);
  return value;
}

function generate(options: Partial<PopulationOptions> = {}): Population {
  const result = generatePopulation({
    seed: 1,
    accounts: 2000,
    symbol: 'BTCUSDT',
    referencePrice: '7401.99',
    windowStartMs: START_2020,
    ...options,
  });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

/** Units of a decimal text at `scale` (exact; the text must not be finer). */
function units(text: string, scale: number): bigint {
  const [whole = '', fraction = ''] = text.split('.');
  assert.ok(fraction.length <= scale, `${text} finer than ${scale} digits`);
  return BigInt(whole + fraction.padEnd(scale, '0'));
}

const TIERS = BINANCE_BTCUSDT_TIERS_2022_02_12.map((t) => ({
  cap: units(t.cap, 0) * 10_000n, // qty-lot × price-tick units (10^-4 USDT)
  maxLeverage: BigInt(t.maxLeverage),
}));

/** The engine's opening checks, recomputed independently for one account at a mark equal to its entry. */
function assertOpenable(population: Population): void {
  const fee = 5n; // 0.0005 = 5 / 10^4
  for (const a of population.accounts) {
    const lots = units(a.qty, 3);
    const ticks = units(a.entryPrice, 1);
    const deposit = units(a.deposit, 2) * 100n;
    assert.ok(lots >= 1n, `${a.id} holds a lot`);
    const notional = lots * ticks;
    const margin = (notional + BigInt(a.leverage) - 1n) / BigInt(a.leverage);
    const openingFee = (notional * fee + 9_999n) / 10_000n;
    assert.ok(margin + openingFee <= deposit, `${a.id}: margin ${margin} + fee ${openingFee} > ${deposit}`);
    const tier = TIERS.find((t) => notional < t.cap);
    assert.ok(
      tier !== undefined && BigInt(a.leverage) <= tier.maxLeverage,
      `${a.id} leverage within its tier`,
    );
    assert.ok(a.openedAtMs < population.windowStartMs);
  }
}

describe('population: a seeded set of traders opened before the window', () => {
  test('the same seed gives byte-identical accounts and commands; another seed does not', () => {
    const a = generate({ seed: 7 });
    const b = generate({ seed: 7 });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    const options = { symbol: 'BTCUSDT', marketMakerId: ['mm-0', 'mm-1'] };
    assert.equal(
      JSON.stringify(populationCommands(a, options)),
      JSON.stringify(populationCommands(b, options)),
    );
    assert.notEqual(JSON.stringify(generate({ seed: 8 }).accounts), JSON.stringify(a.accounts));
  });

  test('100,000 accounts: the documented distributions, each account openable', () => {
    const population = generate({ accounts: 100_000 });
    const accounts = population.accounts;
    assert.equal(accounts.length, 100_000);
    const share = (f: (a: (typeof accounts)[number]) => boolean): number =>
      accounts.filter(f).length / accounts.length;
    const sorted = <T>(values: readonly T[], by: (v: T) => number): number[] =>
      values.map(by).sort((x, y) => x - y);
    const leverage = sorted(accounts, (a) => a.leverage);
    const deposits = sorted(accounts, (a) => Number(a.deposit));
    // Leverage: median 10×; 2–20× for 88 % (weights), above 20× 12 % less what the tiers lowered.
    assert.equal(leverage[50_000], 10);
    assert.ok(share((a) => a.leverage > 20) > 0.105 && share((a) => a.leverage > 20) < 0.125);
    assert.ok(share((a) => a.leverage >= 2 && a.leverage <= 20) > 0.875);
    assert.ok(share((a) => a.leverage === 125) > 0.003);
    // Sides and modes.
    assert.ok(Math.abs(share((a) => a.side === 'long') - 0.55) < 0.01);
    assert.ok(Math.abs(share((a) => a.marginMode === 'isolated') - 0.3) < 0.01);
    // Wallets: log-normal, median 300 USDT, σ 1.6: the 99th percentile about 41 × the median.
    const median = at(deposits, 50_000);
    assert.ok(median > 285 && median < 315, `median deposit ${median}`);
    const p99 = at(deposits, 99_000) / median;
    assert.ok(p99 > 30 && p99 < 55, `p99 / median ${p99}`);
    assert.ok(at(deposits, 0) >= 20);
    // Entries within the band over the 7 days before the window, accounts in opening order.
    for (const [i, a] of accounts.entries()) {
      assert.equal(a.id, `t${String(i).padStart(6, '0')}`);
      if (i > 0) assert.ok(a.openedAtMs >= at(accounts, i - 1).openedAtMs);
      assert.ok(a.openedAtMs >= START_2020 - 7 * DAY_MS - 3_600_000);
      const entry = Number(a.entryPrice);
      assert.ok(entry >= 7401.99 * 0.85 * 0.998 - 0.1 && entry <= 7401.99 * 1.15 * 1.002 + 0.1);
    }
    // Ages: exponential, mean 2 days truncated at 7 (mean ≈ 1.8 days); survivorship makes a few younger.
    const meanAgeDays =
      accounts.reduce((s, a) => s + (START_2020 - a.openedAtMs), 0) / accounts.length / DAY_MS;
    assert.ok(meanAgeDays > 1.3 && meanAgeDays < 1.9, `mean age ${meanAgeDays}`);
    assert.ok(population.stats.fallbacks < 1000);
    assertOpenable(population);
  });

  test('the default tiers are the bundled Binance 2022-02-12 BTCUSDT brackets', () => {
    const file = new URL(
      '../../data/binance-leverage-brackets/btc_eth_usdt_perp_brackets_by_date.json',
      import.meta.url,
    );
    const root = JSON.parse(readFileSync(file, 'utf8')) as Record<
      string,
      Record<string, { info: Record<string, string> }[]>
    >;
    const entries = root['2022-02-12']?.['BTC/USDT'] ?? [];
    assert.deepEqual(
      entries.map(({ info }) => ({
        floor: info.notionalFloor,
        cap: info.notionalCap,
        mmr: info.maintMarginRatio,
        maxLeverage: info.initialLeverage,
      })),
      BINANCE_BTCUSDT_TIERS_2022_02_12,
    );
    assert.equal(DEFAULT_POPULATION_PARAMS.tiers, BINANCE_BTCUSDT_TIERS_2022_02_12);
  });

  test('parameters are overridable, and a bad one is an error naming it', () => {
    const custom = generate({
      accounts: 500,
      params: { longShare: 1, isolatedShare: 0, leverageWeights: [[3, 1]], wallet: { medianUsdt: 1000 } },
    });
    assert.ok(
      custom.accounts.every((a) => a.side === 'long' && a.marginMode === 'cross' && a.leverage === 3),
    );
    assert.equal(custom.params.wallet.sigma, DEFAULT_POPULATION_PARAMS.wallet.sigma);
    assert.equal(custom.params.wallet.medianUsdt, 1000);
    const cases: [Partial<PopulationOptions>, string][] = [
      [{ params: { longShare: 1.5 } }, 'params.longShare'],
      [{ params: { utilisation: { max: 0.99 } } }, 'params.utilisation'],
      [{ params: { leverageWeights: [[0, 1]] } }, 'params.leverageWeights'],
      [{ params: { tiers: [{ floor: '1', cap: '2', mmr: '0.1', maxLeverage: '5' }] } }, 'params.tiers[0]'],
      [{ accounts: -1 }, 'accounts'],
      [{ referencePrice: '0' }, 'referencePrice'],
    ];
    for (const [options, path] of cases) {
      const result = generatePopulation({
        seed: 1,
        accounts: 10,
        symbol: 'BTCUSDT',
        referencePrice: '7401.99',
        windowStartMs: START_2020,
        ...options,
      });
      assert.ok(!result.ok);
      assert.equal(result.error.path, path);
      assert.equal(result.error.code, 'invalid_parameter');
    }
  });

  for (const [name, referencePrice, windowStartMs, accounts] of [
    ['2020-03-12', '7401.99', START_2020, 2000],
    ['2025-10-10 (a lot is ~117 USDT: small wallets raised)', '116582.7', START_2025, 600],
  ] as const) {
    test(`the commands open every position in a real engine, ${name}: all accepted, no liquidation, invariants hold`, () => {
      const population = generate({ accounts, referencePrice, windowStartMs });
      const engine = Engine.create();
      let seq = 0;
      let liquidations = 0;
      const apply = (timeMs: number, body: Record<string, unknown>): void => {
        const result = engine.apply({ seq: ++seq, timestampMs: timeMs, ...body } as unknown as Command);
        assert.ok(result.ok, result.ok ? '' : `${JSON.stringify(body)}: ${result.code} ${result.message}`);
        liquidations += result.events.filter((e: EngineEvent) => e.type === 'LiquidationTriggered').length;
        if (seq % 500 === 0) assert.deepEqual(checkInvariants(engine.view), []);
      };
      const t0 = at(population.accounts, 0).openedAtMs;
      apply(t0, { type: 'configureAsset', asset: 'USDT', scale: 8 });
      apply(t0, { type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' });
      for (const accountId of ['book', 'mm-0', 'mm-1']) {
        apply(t0, { type: 'createAccount', accountId });
        apply(t0, { type: 'deposit', accountId, asset: 'USDT', amount: '1000000000' });
      }
      apply(
        t0,
        btcListing({
          tiers: population.params.tiers,
          makerFeeRate: '0.0002',
          takerFeeRate: '0.0005',
          liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' },
        }),
      );
      for (const accountId of ['mm-0', 'mm-1'])
        apply(t0, { type: 'setLeverage', accountId, symbol: 'BTCUSDT', leverage: 1 });
      const commands = populationCommands(population, {
        symbol: 'BTCUSDT',
        marketMakerId: ['mm-0', 'mm-1'],
      });
      assert.ok(commands.length <= 5 * accounts);
      let previousTime = 0;
      for (const [timeMs, body] of commands) {
        assert.ok(timeMs >= previousTime);
        previousTime = timeMs;
        // Without a price layer the mark is set to the fill's price first, as the replay quotes it.
        if (body.type === 'fill') apply(timeMs, { type: 'markPrice', symbol: 'BTCUSDT', price: body.price });
        apply(timeMs, body);
      }
      // At the window's start the mark is the reference price: every position is still open.
      apply(windowStartMs, { type: 'markPrice', symbol: 'BTCUSDT', price: population.referencePrice });
      assert.equal(liquidations, 0);
      assert.deepEqual(checkInvariants(engine.view), []);
      for (const a of population.accounts) {
        const position = engine.view.accounts.get(a.id)?.positions.get('BTCUSDT/BOTH');
        assert.ok(position !== undefined, `${a.id} holds its position`);
        assert.equal(position.qty, units(a.qty, 3));
        assert.equal(position.sign, a.side === 'long' ? 1n : -1n);
        assert.equal(position.settings.marginMode, a.marginMode);
      }
      const instrument = engine.view.instruments.get('BTCUSDT');
      assert.equal(instrument?.longOpenInterest, instrument?.shortOpenInterest);
    });
  }
});
