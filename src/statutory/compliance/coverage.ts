import { pow10, Rational } from '../../numbers/index.js';
import { parseProfileDecimal, type JurisdictionProfile } from '../profiles/index.js';
import { finding, type Finding } from './finding.js';

/** Kupiec's test rejects the claimed coverage when its p-value is below this significance level (5 %). */
export const KUPIEC_SIGNIFICANCE = Rational.of(5n, 100n);
/** Longest p-value text read (bounds the parse). */
const MAX_P_VALUE_TEXT_LENGTH = 64;
/** Largest |exponent| read in a p-value (1e-300 is 0 for this test). */
const MAX_P_VALUE_EXPONENT = 400;

/** One backtest of the formula rate at a confidence and margin period of risk. */
export interface CoverageBacktest {
  /** Decimal string, e.g. "0.99". */
  readonly confidence: string;
  readonly mporDays: number;
  readonly observations: number;
  readonly exceedances: number;
  /** Kupiec POF p-value as decimal text (plain or with an exponent, e.g. "3.2e-5"). */
  readonly kupiecPValue: string;
}

const P_VALUE_PATTERN = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A non-negative decimal (with optional exponent) as an exact rational, or null. */
function parsePValue(text: string): Rational | null {
  if (text.length > MAX_P_VALUE_TEXT_LENGTH) return null;
  const match = P_VALUE_PATTERN.exec(text);
  if (match === null) return null;
  const [, whole = '', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  if (Math.abs(exponent) > MAX_P_VALUE_EXPONENT) return exponent < 0 ? Rational.ZERO : null;
  const mantissa = BigInt(whole + fraction);
  return exponent >= 0
    ? Rational.fromInt(mantissa * pow10(exponent))
    : Rational.of(mantissa, pow10(-exponent));
}

/**
 * Check 8 for a profile that claims coverage: a backtest exists at its confidence and margin period of risk
 * over at least its lookback; the exceedance rate is at most 1 − confidence (a warning above it) and Kupiec's
 * test does not reject at KUPIEC_SIGNIFICANCE (an error: the model's coverage is not what it claims, in
 * either direction); an anti-procyclicality option is configured. No findings when no coverage is claimed.
 */
export function checkCoverage(
  profile: JurisdictionProfile,
  backtests: readonly CoverageBacktest[],
): readonly Finding[] {
  const target = profile.coverage;
  if (target === null) return [];
  const name = `${profile.id} v${profile.version}`;
  const findings: Finding[] = [];
  const push = (code: string, severity: 'error' | 'warning', message: string): void => {
    findings.push(finding(8, code, severity, name, message));
  };
  if (profile.antiProcyclicality === null) {
    push(
      'no_anti_procyclicality',
      'error',
      'coverage is claimed but no anti-procyclicality option is configured',
    );
  }
  const confidence = parseProfileDecimal(target.confidence);
  if (confidence === null) {
    push('invalid_confidence', 'error', `coverage confidence "${target.confidence}" is not a decimal`);
    return findings;
  }
  const expectedRate = Rational.ONE.sub(confidence);
  const matching = backtests.filter((b) => {
    const c = parseProfileDecimal(b.confidence);
    return c !== null && c.eq(confidence) && b.mporDays === target.mporDays;
  });
  if (matching.length === 0) {
    push(
      'coverage_not_backtested',
      'error',
      `no backtest at confidence ${target.confidence} and ${target.mporDays}-day MPOR`,
    );
  }
  for (const b of matching) {
    const where = `${b.observations} observations at ${b.confidence} / ${b.mporDays}d`;
    const pValue = parsePValue(b.kupiecPValue);
    const countsValid =
      Number.isSafeInteger(b.observations) &&
      Number.isSafeInteger(b.exceedances) &&
      b.exceedances >= 0 &&
      b.exceedances <= b.observations;
    if (!countsValid || pValue === null || pValue.gt(Rational.ONE) || b.observations === 0) {
      push('invalid_backtest', 'error', `${where}: counts or p-value "${b.kupiecPValue}" are not valid`);
      continue;
    }
    if (b.observations < target.lookbackDays) {
      push(
        'backtest_shorter_than_lookback',
        'warning',
        `${where}: fewer than the ${target.lookbackDays}-day lookback`,
      );
    }
    // Exact: x / n > 1 − c.
    const above = Rational.of(BigInt(b.exceedances), BigInt(b.observations)).gt(expectedRate);
    if (above) {
      push(
        'exceedance_rate_above_target',
        'warning',
        `${where}: ${b.exceedances} exceedances, above ${expectedRate.format('ceil', 6, 0)} of observations`,
      );
    }
    if (pValue.lt(KUPIEC_SIGNIFICANCE)) {
      // Too many exceedances: the rate does not cover what it claims (an error). Too few: it covers more than
      // it claims, which is compliant but costs margin and is worth knowing (a warning).
      const p = `Kupiec p-value ${b.kupiecPValue} < ${KUPIEC_SIGNIFICANCE.format('ceil', 2, 0)}`;
      if (above) push('kupiec_rejected', 'error', `${where}: ${p}: more exceedances than claimed`);
      else push('kupiec_rejected_conservative', 'warning', `${where}: ${p}: fewer exceedances than claimed`);
    }
  }
  return findings;
}
