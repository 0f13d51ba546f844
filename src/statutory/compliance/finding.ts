/** The compliance checks of STATUTORY.md §3, by number. */
export type CheckNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export type Severity = 'error' | 'warning';

/** One result of a compliance check: what was checked, what is wrong, and how badly. */
export interface Finding {
  readonly check: CheckNumber;
  /** snake_case result code, stable for machines. */
  readonly code: string;
  readonly severity: Severity;
  /** What the finding is about, e.g. `eu-esma-retail v1 assetClasses.crypto`. */
  readonly subject: string;
  readonly message: string;
}

/** A finding as a value (the checks collect them; they never throw for bad input). */
export function finding(
  check: CheckNumber,
  code: string,
  severity: Severity,
  subject: string,
  message: string,
): Finding {
  return { check, code, severity, subject, message };
}

/** True when no finding is an error. */
export function passes(findings: readonly Finding[]): boolean {
  return findings.every((f) => f.severity !== 'error');
}
