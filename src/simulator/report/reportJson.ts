import { assert } from '../../numbers/index.js';
import type { SimulationReport } from './types.js';

/** Deepest nesting a report has (report → runs → run → series → point); guards the walk below. */
const MAX_REPORT_DEPTH = 8;

/** JSON.stringify writes NaN and ±Infinity as `null` without a word: a report holding one is a bug. */
function assertFinite(value: unknown, path: string, depth: number): void {
  assert(depth <= MAX_REPORT_DEPTH, `report nested deeper than ${MAX_REPORT_DEPTH} at ${path}`);
  if (typeof value === 'number') {
    assert(Number.isFinite(value), `report holds a non-finite number at ${path}`);
  } else if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => {
      assertFinite(item, `${path}[${i}]`, depth + 1);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) assertFinite(item, `${path}.${key}`, depth + 1);
  }
}

/**
 * The report as canonical JSON: 2-space indent, keys in the order the simulator built them, a final newline.
 * The same seed gives the same bytes (money is already decimal text; nothing here reads a clock).
 */
export function reportJson(report: SimulationReport): string {
  assertFinite(report, 'report', 0);
  return JSON.stringify(report, null, 2) + '\n';
}
