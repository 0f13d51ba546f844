import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { runBacktestMargin, type BacktestMarginCliOptions } from './backtestMargin.js';
import { runAuditProve, runAuditVerify } from './audit.js';
import { recomputeRateEntry, runAuditPublish } from './auditPublish.js';
import { runCalc } from './calc.js';
import { runCompliance, type ComplianceOptions } from './compliance.js';
import { runSimulate, type SimulateCliOptions } from './simulate.js';
import { CRASH_WINDOW_IDS } from '../simulator/crashWindows.js';
import { RULEBOOKS } from '../simulator/replay.js';
import { runDemo } from './demo.js';
import { runJournalInspect } from './journalInspect.js';
import { runReplay } from './replay.js';
import { DEFAULT_KEEP_SNAPSHOTS, DEFAULT_SNAPSHOT_EVERY, runEngine } from './run.js';
import { wholeNumberOption, wholeNumberParser } from './wholeNumber.js';

/** Prints a command's output and sets its exit code. */
function respond({ exitCode, output }: { exitCode: number; output: string }): void {
  process.stdout.write(output);
  process.exitCode = exitCode;
}

const program = new Command()
  .name('bulwark')
  .description('Bulwark: an exact, deterministic risk engine for perpetual-futures venues')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command('calc')
  .description('margin, liquidation and bankruptcy prices for one account (JSON in, JSON out; see CALC.md)')
  .argument('[file]', 'request file; standard input when absent or "-"')
  .option('--compact', 'print the response on one line')
  .action((file: string | undefined, options: { compact?: boolean }) => {
    respond(
      runCalc(
        () => readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8'),
        options.compact ?? false,
      ),
    );
  });

program
  .command('demo')
  .description(
    'a worked example: a cross portfolio under real Binance tiers, and what a crash would do to it',
  )
  .action(() => {
    process.stdout.write(runDemo());
  });

program
  .command('replay')
  .description(
    'rebuild the engine from a SQLite journal (verify, latest snapshot, replay); print the state hash and counts',
  )
  .argument('<journal>', 'the journal file')
  .option('--json', 'print JSON')
  .action(async (path: string, options: { json?: boolean }) => {
    respond(await runReplay(path, options.json ?? false));
  });

program
  .command('run')
  .description(
    'run the engine on a SQLite journal: JSON commands in on stdin, one acknowledgement line each once durable',
  )
  .argument('<journal>', 'the journal file (created when missing)')
  .option(
    '--snapshot-every <commands>',
    `save a snapshot after this many commands (0: only on {"control":"snapshot"})`,
    String(DEFAULT_SNAPSHOT_EVERY),
  )
  .option(
    '--keep-snapshots <count>',
    'keep this many of the latest snapshots, deleting older ones after each save (0: keep every one)',
    String(DEFAULT_KEEP_SNAPSHOTS),
  )
  .action(async (path: string, options: { snapshotEvery: string; keepSnapshots: string }) => {
    const snapshotEvery = wholeNumberOption('snapshot-every', options.snapshotEvery, 0);
    const keepSnapshots = wholeNumberOption('keep-snapshots', options.keepSnapshots, 0);
    const refuse = (error: string): void => {
      process.stderr.write(`bulwark run: ${error}\n`);
      process.exitCode = 2;
    };
    if (typeof snapshotEvery !== 'number') {
      refuse(snapshotEvery.error);
      return;
    }
    if (typeof keepSnapshots !== 'number') {
      refuse(keepSnapshots.error);
      return;
    }
    process.exitCode = await runEngine(
      path,
      process.stdin,
      { write: (line) => process.stdout.write(line) },
      { snapshotEvery, keepSnapshots },
    );
  });

const journalCommand = program.command('journal').description('work with a journal');
journalCommand
  .command('inspect')
  .description('verify the hash chain of a SQLite journal and list its commands')
  .argument('<journal>', 'the journal file')
  .option('--from <seq>', 'first sequence number to list', wholeNumberParser('from'))
  .option('--limit <n>', 'how many commands to list (default 20)', wholeNumberParser('limit'))
  .option('--json', 'print JSON')
  .action(async (path: string, options: { from?: number; limit?: number; json?: boolean }) => {
    respond(await runJournalInspect(path, options));
  });

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const audit = program
  .command('audit')
  .description('the public disclosure log of margin-rate and parameter changes (RFC 6962 Merkle log)');
audit
  .command('verify')
  .description(
    're-check a disclosure log: canonical form, hash chain, every signed tree head and its consistency, and recompute every rate from its logged inputs',
  )
  .argument('<log>', 'the disclosure log (JSON Lines)')
  .option('--public-key <hex>', 'a trusted Ed25519 public key, 64 hex digits (repeatable)', collect, [])
  .option('--json', 'print JSON')
  .action((path: string, options: { publicKey: string[]; json?: boolean }) => {
    respond(
      runAuditVerify(path, {
        publicKeyHex: options.publicKey,
        recompute: recomputeRateEntry,
        json: options.json ?? false,
      }),
    );
  });
audit
  .command('prove')
  .description('print an inclusion proof of an entry and/or a consistency proof between two tree sizes')
  .argument('<log>', 'the disclosure log')
  .option('--entry <seq>', 'the entry to prove included', wholeNumberParser('entry'))
  .option(
    '--old-size <n>',
    'prove the tree of this many entries is a prefix of the current one',
    wholeNumberParser('old-size'),
  )
  .option('--size <n>', 'the tree size to prove against (default: the whole log)', wholeNumberParser('size'))
  .option('--json', 'print JSON')
  .action((path: string, options: { entry?: number; oldSize?: number; size?: number; json?: boolean }) => {
    respond(runAuditProve(path, { ...options, json: options.json ?? false }));
  });
audit
  .command('publish')
  .description(
    'replay a journal and append every margin-rate change and approved model the log does not hold yet, signed',
  )
  .argument('<journal>', 'the SQLite journal')
  .argument('<log>', 'the disclosure log (created when missing)')
  .requiredOption(
    '--key-seed-file <file>',
    'the log’s Ed25519 signing key: a file holding its 32-byte seed in hex',
  )
  .action(async (journal: string, log: string, options: { keySeedFile: string }) => {
    respond(await runAuditPublish(journal, log, options.keySeedFile));
  });

program
  .command('backtest-margin')
  .description(
    'backtest a margin-rate formula on real daily prices: exceedances, coverage, Kupiec test, procyclicality, chart',
  )
  .option('--data <csv>', 'daily OHLC CSV (default: the bundled Binance BTCUSDT history)')
  .option('--formula <formula>', 'default, founding, profile (the profile’s own formula) or formula text')
  .option('--param <name=value>', 'a parameter of the formula (repeatable)', collect, [])
  .option('--input <name=value>', 'a constant input such as leverage=10 (repeatable)', collect, [])
  .option('--profile <id>', 'jurisdiction profile: its statutory floor, cap and coverage claim apply')
  .option('--confidence <q>', 'claimed coverage (default 0.99, or the profile’s)')
  .option('--horizons <days>', 'comma-separated margin periods of risk in days (default 1,2)')
  .option('--from <date>', 'first tested day, YYYY-MM-DD')
  .option('--to <date>', 'last tested day, YYYY-MM-DD')
  .option('--warmup <bars>', 'bars used only as history before the first tested day')
  .option('--move <basis>', 'close (close-to-close, default) or extreme (worst intraday excursion)')
  .option('--chart <file.svg>', 'write the chart (rate against the realised moves) as SVG')
  .option('--json', 'print JSON')
  .option('--series', 'with --json: every tested day')
  .action((options: BacktestMarginCliOptions) => {
    respond(runBacktestMargin(options));
  });

program
  .command('compliance')
  .description(
    'run the compliance checks: every profile (check 1), a formula and every profile formula for monotonicity (7), coverage claims by backtest (8)',
  )
  .option('--formula <formula>', 'default (the default), founding, or formula text')
  .option('--param <name=value>', 'a parameter of a formula given as text (repeatable)', collect, [])
  .option('--json', 'print JSON')
  .action((options: ComplianceOptions) => {
    respond(runCompliance(options));
  });

program
  .command('simulate')
  .description(
    'replay a real crash window through the engine on a seeded population, under one rulebook or all (--compare); writes HTML and JSON reports',
  )
  .option('--scenario <day>', `one of ${CRASH_WINDOW_IDS.join(', ')} (default 2020-03-12)`)
  .option('--rulebook <id>', `one of ${RULEBOOKS.join(', ')} (default binance)`)
  .option('--compare', 'run every rulebook on the same population and day')
  .option('--accounts <n>', 'accounts in the population (default 100000)')
  .option('--seed <n>', 'population seed (default 1)')
  .option('--ticks <n>', 'ticks per 1-minute candle (default 6)')
  .option(
    '--depth-scale <x>',
    'book depth a side within 10 % of mid, in median minute volumes (default 11; thinner books bring the fund and ADL in)',
  )
  .option('--impact', 'price-impact feedback: liquidation orders move the following ticks (cascades)')
  .option('--out <dir>', 'where the reports go (default reports/)')
  .option('--no-policy', 'leave out the investor-policy cohorts')
  .option('--json', 'print the JSON report instead of the summary')
  .action((options: SimulateCliOptions) => {
    respond(
      runSimulate(options, { stderr: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY }),
    );
  });

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : 2;
  // `calc` promises a JSON answer on standard output for every bad input, command-line mistakes included.
  if (process.exitCode === 2 && process.argv[2] === 'calc') {
    const body = {
      error: { code: 'invalid_arguments', message: error.message.replace(/^error: /, ''), path: '' },
    };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
}
