import { calculate } from '../calc/index.js';

/**
 * `bulwark calc`: reads the request, answers on standard output. Unreadable input is an input error (exit 2);
 * an unexpected exception is a bug and exits 1 with an `internal_error` body rather than a stack trace.
 */
export function runCalc(read: () => string, compact: boolean): { exitCode: number; output: string } {
  const render = (body: unknown): string => `${JSON.stringify(body, null, compact ? undefined : 2)}\n`;
  let text: string;
  try {
    // A UTF-8 byte-order mark (as some editors save) is not part of the JSON text.
    text = read().replace(/^\uFEFF/, '');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: 2, output: render({ error: { code: 'unreadable_input', message, path: '' } }) };
  }
  try {
    const outcome = calculate(text);
    return { exitCode: outcome.exitCode, output: render(outcome.body) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: 1, output: render({ error: { code: 'internal_error', message, path: '' } }) };
  }
}
