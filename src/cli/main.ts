import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { runCalc } from './calc.js';
import { runDemo } from './demo.js';

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

try {
  program.parse();
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
