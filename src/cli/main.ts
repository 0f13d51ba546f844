import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { runCalc } from './calc.js';
import { runDemo } from './demo.js';
import { runJournalInspect } from './journalInspect.js';
import { runReplay } from './replay.js';
import { runEngine } from './run.js';

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
    const { exitCode, output } = runCalc(
      () => readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8'),
      options.compact ?? false,
    );
    process.stdout.write(output);
    process.exitCode = exitCode;
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
    const { exitCode, output } = await runReplay(path, options.json ?? false);
    process.stdout.write(output);
    process.exitCode = exitCode;
  });

program
  .command('run')
  .description(
    'run the engine on a SQLite journal: JSON commands in on stdin, one acknowledgement line each once durable',
  )
  .argument('<journal>', 'the journal file (created when missing)')
  .action(async (path: string) => {
    process.exitCode = await runEngine(path, process.stdin, { write: (line) => process.stdout.write(line) });
  });

const journalCommand = program.command('journal').description('work with a journal');
journalCommand
  .command('inspect')
  .description('verify the hash chain of a SQLite journal and list its commands')
  .argument('<journal>', 'the journal file')
  .option('--from <seq>', 'first sequence number to list', (v) => Number.parseInt(v, 10))
  .option('--limit <n>', 'how many commands to list (default 20)', (v) => Number.parseInt(v, 10))
  .option('--json', 'print JSON')
  .action(async (path: string, options: { from?: number; limit?: number; json?: boolean }) => {
    const { exitCode, output } = await runJournalInspect(path, options);
    process.stdout.write(output);
    process.exitCode = exitCode;
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
