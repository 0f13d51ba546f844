import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CRASH_WINDOW_IDS } from '../simulator/crashWindows.js';
import { isRulebook, RULEBOOKS, simulate, SimulationError } from '../simulator/replay.js';
import {
  createProgress,
  renderHtmlReport,
  renderTerminalSummary,
  reportJson,
} from '../simulator/report/index.js';
import { wholeNumberOption } from './wholeNumber.js';

/** The options of `bulwark simulate`, as the command line gives them. */
export interface SimulateCliOptions {
  readonly scenario?: string;
  readonly rulebook?: string;
  readonly compare?: boolean;
  readonly accounts?: string;
  readonly seed?: string;
  readonly ticks?: string;
  readonly depthScale?: string;
  readonly impact?: boolean;
  readonly out?: string;
  readonly json?: boolean;
  readonly policy?: boolean;
}

const DEFAULT_ACCOUNTS = 100_000;

function wholeNumber(text: string | undefined, fallback: number, option: string, min: number): number {
  if (text === undefined) return fallback;
  const value = wholeNumberOption(option, text, min);
  if (typeof value !== 'number') throw new SimulationError(value.error);
  return value;
}

/**
 * `bulwark simulate`: a real crash window through the engine under one rulebook (or `--compare`: all of them),
 * on a seeded population; writes the HTML and JSON reports to `--out` (default `reports/`), prints the terminal
 * summary and the report paths (`--json`: the JSON on standard output). Exit 0, or 2 for a bad option.
 */
export function runSimulate(
  options: SimulateCliOptions,
  io: { readonly stderr: (text: string) => void; readonly isTTY: boolean },
): { exitCode: number; output: string } {
  try {
    const scenario = options.scenario ?? '2020-03-12';
    if (!(CRASH_WINDOW_IDS as readonly string[]).includes(scenario))
      throw new SimulationError(`--scenario must be one of ${CRASH_WINDOW_IDS.join(', ')}`);
    const rulebook = options.rulebook ?? 'binance';
    if (!isRulebook(rulebook)) throw new SimulationError(`--rulebook must be one of ${RULEBOOKS.join(', ')}`);
    const rulebooks = options.compare === true ? RULEBOOKS : [rulebook];
    const accounts = wholeNumber(options.accounts, DEFAULT_ACCOUNTS, 'accounts', 1);
    const seed = wholeNumber(options.seed, 1, 'seed', 0);
    const ticksPerMinute = wholeNumber(options.ticks, 6, 'ticks', 4);
    let progress: ReturnType<typeof createProgress> | null = null;
    const report = simulate({
      scenario,
      rulebooks,
      accounts,
      seed,
      ticksPerMinute,
      ...(options.depthScale === undefined ? {} : { depthScale: options.depthScale }),
      impact: options.impact === true,
      policy: options.policy !== false,
      progress: (_run, runs, _done, minutes) => {
        progress ??= createProgress({
          total: runs * minutes,
          write: io.stderr,
          label: `${scenario}, ${accounts.toLocaleString('en-US')} accounts, ${runs} rulebook(s)`,
          isTTY: io.isTTY,
        });
        progress.tick(1);
      },
    });
    (progress as ReturnType<typeof createProgress> | null)?.done();
    const json = reportJson(report);
    const directory = resolve(options.out ?? 'reports');
    mkdirSync(directory, { recursive: true });
    const name = `simulation-${scenario}-${rulebooks.length > 1 ? 'compare' : rulebook}-seed${seed}`;
    const htmlPath = join(directory, `${name}.html`);
    const jsonPath = join(directory, `${name}.json`);
    writeFileSync(htmlPath, renderHtmlReport(report));
    writeFileSync(jsonPath, json);
    if (options.json === true) return { exitCode: 0, output: json };
    return {
      exitCode: 0,
      output: `${renderTerminalSummary(report)}\nreport: ${htmlPath}\njson:   ${jsonPath}\n`,
    };
  } catch (error) {
    if (error instanceof SimulationError)
      return { exitCode: 2, output: `bulwark simulate: ${error.message}\n` };
    throw error;
  }
}
