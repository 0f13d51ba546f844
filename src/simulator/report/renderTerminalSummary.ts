import { formatAmount, formatCount } from './format.js';
import { runStyles } from './runStyles.js';
import { totalsRows, whatHappened } from './summary.js';
import type { SimulationReport } from './types.js';

/** Widest a sentence prints before wrapping (terminal columns). */
const WRAP_COLUMNS = 100;
/** Widest a run's column may print; longer rulebook names are cut with `…`. */
const MAX_COLUMN_WIDTH = 24;

/** Control characters (ANSI escapes, carriage returns) from the data would rewrite the terminal: shown as `?`. */
function printable(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '?' : c;
  }
  return out;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function wrap(sentence: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of sentence.split(' ')) {
    if (line.length > 0 && line.length + 1 + word.length > WRAP_COLUMNS - indent.length) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line.length === 0 ? word : `${line} ${word}`;
    }
  }
  if (line.length > 0) lines.push(indent + line);
  return lines;
}

/**
 * The report for the CLI: the headline sentences, then one aligned table with a column per run (money in the
 * settlement asset), then the investor policy and the reality check's sources. Plain text, no colour codes.
 */
export function renderTerminalSummary(report: SimulationReport): string {
  const styles = runStyles(report.runs);
  const out = whatHappened(report, styles).flatMap((sentence) => wrap(printable(sentence), ''));
  const rows = totalsRows(report);
  if (report.runs.length > 0) {
    const header = [
      '',
      ...report.runs.map((run, r) => clip(printable(styles[r]?.key ?? run.rulebook), MAX_COLUMN_WIDTH)),
    ];
    const body = rows.map((row) => [
      printable(row.label),
      ...row.cells.map(
        (cell, c) => clip(printable(cell), MAX_COLUMN_WIDTH) + (row.alert[c] === true ? ' !' : ''),
      ),
    ]);
    const widths = header.map((_, c) =>
      Math.max(...[header, ...body].map((cells) => (cells[c] ?? '').length)),
    );
    const format = (cells: readonly string[]): string =>
      cells
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  ')
        .trimEnd();
    out.push('', format(header), ...body.map(format));
  }
  const { policy } = report;
  if (policy !== null) {
    out.push(
      '',
      ...wrap(`policy: ${printable(policy.description)}`, ''),
      `  fixed leverage:    ${formatCount(policy.fixed.liquidated)} of ${formatCount(policy.fixed.traders)} liquidated, margin lost ${formatAmount(policy.fixed.lossOfMargin)}`,
      `  adaptive leverage: ${formatCount(policy.adaptive.liquidated)} of ${formatCount(policy.adaptive.traders)} liquidated, margin lost ${formatAmount(policy.adaptive.lossOfMargin)}, cost ${formatAmount(policy.adaptive.cost)}`,
    );
  }
  const { reality } = report;
  if (reality !== null) {
    out.push('', 'reality check:');
    for (const statement of reality.statements)
      out.push(...wrap(`- ${printable(statement)}`, '  ').map((l) => l.slice(2)));
    reality.citations.forEach((citation, i) => {
      out.push(`  [${i + 1}] ${printable(citation.title)} <${printable(citation.url)}>`);
    });
  }
  return out.join('\n') + '\n';
}
