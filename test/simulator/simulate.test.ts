import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runSimulate } from '../../src/cli/simulate.js';
import { CRASH_WINDOW_IDS } from '../../src/simulator/crashWindows.js';
import { legShare } from '../../src/simulator/reality.js';
import { RULEBOOKS, simulate } from '../../src/simulator/replay.js';
import { reportJson } from '../../src/simulator/report/index.js';

/**
 * The crash replay (issue 7): every bundled window under every rulebook, invariants checked in the run, the same
 * seed giving byte-identical JSON, and the 2020-03-12 liquidations falling where the real market fell hardest.
 */

const SMALL = { accounts: 150, seed: 7, ticksPerMinute: 4, policy: false } as const;

describe('every window under every rulebook', () => {
  for (const scenario of CRASH_WINDOW_IDS) {
    test(`${scenario}: six rulebooks on one population, invariants held, the series agree with the totals`, () => {
      // The full invariant check (money conserved, open interest, flags) after every simulated minute here.
      const report = simulate({ ...SMALL, scenario, rulebooks: RULEBOOKS, invariantEveryMinutes: 1 });
      assert.equal(report.runs.length, RULEBOOKS.length);
      for (const run of report.runs) {
        assert.equal(run.invariants.violations, 0, `${run.rulebook}: invariant violations`);
        assert.ok(
          run.invariants.commandsChecked > report.scenario.minutes,
          `${run.rulebook}: commands checked`,
        );
        assert.equal(run.series.length, report.scenario.minutes);
        const last = run.series[run.series.length - 1];
        assert.ok(last !== undefined);
        assert.equal(last.liquidatedNotional, run.totals.liquidatedNotional);
        assert.equal(last.insuranceFund, run.totals.insuranceFundEnd);
        // Money: the fund's change is its fees in less what it paid out; nothing negative.
        assert.ok(Number(run.totals.badDebt) >= 0 && Number(run.totals.insuranceFundEnd) >= 0);
      }
      // Every window is a crash: something is liquidated under every rulebook.
      for (const run of report.runs) assert.ok(run.totals.liquidations > 0, `${scenario} ${run.rulebook}`);
    });
  }
});

test('the same seed gives byte-identical JSON; another seed another population', () => {
  const options = { ...SMALL, scenario: '2022-11-09', rulebooks: ['binance', 'dydx'] as const, policy: true };
  const a = reportJson(simulate(options));
  const b = reportJson(simulate(options));
  assert.equal(a, b);
  assert.notEqual(reportJson(simulate({ ...options, seed: 8 })), a);
});

test('2020-03-12: the liquidations fall in the two legs where the real market fell hardest', () => {
  const report = simulate({
    ...SMALL,
    accounts: 1000,
    scenario: '2020-03-12',
    rulebooks: ['binance'],
    policy: true,
  });
  const run = report.runs[0];
  assert.ok(run !== undefined);
  const share = legShare('2020-03-12', run);
  // The legs (10:00–11:00 and 23:00–02:15 UTC) are a fifth of the window's minutes.
  assert.ok(share !== null && share > 70, `share in the legs: ${String(share)}`);
  assert.ok(report.reality !== null && report.reality.citations.length >= 2);
  assert.ok(report.policy !== null);
});

test('price-impact feedback: liquidation orders push the following ticks down, deterministically', () => {
  const options = {
    ...SMALL,
    accounts: 600,
    scenario: '2020-03-12',
    rulebooks: ['binance'] as const,
    depthScale: '0.05',
  };
  const plain = simulate(options);
  const impacted = simulate({ ...options, impact: true });
  assert.equal(reportJson(simulate({ ...options, impact: true })), reportJson(impacted));
  const marks = (r: typeof plain): number[] => (r.runs[0]?.series ?? []).map((p) => Number(p.mark));
  const lowest = (r: typeof plain): number => Math.min(...marks(r));
  // The cascade deepens the low; the invariants still hold after every command.
  assert.ok(lowest(impacted) < lowest(plain), `${lowest(impacted)} vs ${lowest(plain)}`);
  assert.equal(impacted.runs[0]?.invariants.violations, 0);
  assert.equal(impacted.population.priceImpact, 'on (half-life one minute)');
});

test('bulwark simulate: bad options are exit 2 and name the option', () => {
  const io = { stderr: (): void => undefined, isTTY: false };
  for (const [options, option] of [
    [{ scenario: '2019-01-01' }, '--scenario'],
    [{ rulebook: 'ftx' }, '--rulebook'],
    [{ accounts: '0' }, '--accounts'],
    [{ accounts: '1e3' }, '--accounts'],
    [{ seed: '-1' }, '--seed'],
    [{ ticks: '2' }, '--ticks'],
  ] as const) {
    const { exitCode, output } = runSimulate(options, io);
    assert.equal(exitCode, 2, JSON.stringify(options));
    assert.match(output, new RegExp(option));
  }
});
