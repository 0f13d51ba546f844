/**
 * The crash replay (issue 7): the 100,000-account population through the real 2020-03-12 window (1,197 one-minute
 * candles, six ticks each, a book snapshot a minute, the real funding) under Binance's rules, end to end through
 * the compiled engine: building the inputs (window, population, books) and the replay itself, timed apart.
 */
import { loadavg } from 'node:os';
import { built } from './built.js';

export const SIMULATOR_TARGET_SECONDS = 60;

export interface SimulatorBenchResult {
  readonly accounts: number;
  readonly minutes: number;
  readonly inputsSeconds: number;
  readonly replaySeconds: number;
  readonly commands: number;
  readonly liquidations: number;
  readonly violations: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export function benchSimulator(accounts = 100_000): SimulatorBenchResult {
  const loadBefore = loadavg()[0] ?? 0;
  const options = {
    scenario: '2020-03-12',
    rulebooks: ['binance'] as const,
    accounts,
    seed: 1,
    policy: false,
  };
  const t0 = process.hrtime.bigint();
  const { inputs } = built.replayInputs(options);
  const t1 = process.hrtime.bigint();
  const { run } = built.replayWindow(inputs, { rulebook: 'binance' });
  const t2 = process.hrtime.bigint();
  return {
    accounts,
    minutes: inputs.minutes.length,
    inputsSeconds: Number(t1 - t0) / 1e9,
    replaySeconds: Number(t2 - t1) / 1e9,
    commands: run.invariants.commandsChecked,
    liquidations: run.totals.liquidations,
    violations: run.invariants.violations,
    loadBefore,
    loadAfter: loadavg()[0] ?? 0,
  };
}

export function formatSimulatorSection(r: SimulatorBenchResult): string[] {
  const total = r.inputsSeconds + r.replaySeconds;
  return [
    '',
    `7. Simulator: the ${r.accounts.toLocaleString('en-US')}-account 2020-03-12 window (${r.minutes.toLocaleString('en-US')} minutes, 6 ticks a minute, a book a minute) under Binance rules, compiled dist/ build`,
    `   inputs (window, population, books): ${r.inputsSeconds.toFixed(1)} s; replay: ${r.replaySeconds.toFixed(1)} s ` +
      `(${r.commands.toLocaleString('en-US')} commands, ${Math.round(r.commands / r.replaySeconds).toLocaleString('en-US')}/s; ` +
      `${r.liquidations.toLocaleString('en-US')} liquidations; ${r.violations} invariant violations)`,
    `Target (issue 7): the window replays in < ${SIMULATOR_TARGET_SECONDS} s: ${total.toFixed(1)} s → ${total < SIMULATOR_TARGET_SECONDS ? 'PASS' : 'FAIL'}` +
      ` (1-minute load average ${r.loadBefore.toFixed(2)} before, ${r.loadAfter.toFixed(2)} after, on 2 CPUs)`,
  ];
}
