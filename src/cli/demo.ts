/** Filled in below in this session; the CLI imports it. */
export function runDemo(): string {
  return '';
}
