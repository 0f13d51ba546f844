import { Rational } from '../../numbers/index.js';
import { parseProfileDecimal, type JurisdictionProfile } from '../profiles/index.js';
import { FIXED_DIGITS, type EvaluateResult } from '../formula/index.js';
import { finding, type Finding } from './finding.js';

/** A formula evaluation as check 6 sees it: a rate (fraction of notional) or why there is none. */
export type FormulaOutcome =
  | { readonly ok: true; readonly value: Rational }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** A formula evaluation (Fixed, 18 digits) as a check 6 outcome, exactly. */
export function formulaOutcome(result: EvaluateResult): FormulaOutcome {
  return result.ok
    ? { ok: true, value: Rational.fromUnits(result.value, FIXED_DIGITS) }
    : { ok: false, code: result.error.code, message: result.error.message };
}

export interface CheckedRate {
  /** The rate to use: the formula's, clamped and step-limited, or the fallback. */
  readonly rate: Rational;
  /** True when the formula's value was not used (error, short window, non-positive). */
  readonly fellBack: boolean;
  readonly findings: readonly Finding[];
}

/**
 * Check 6 on one formula output, once per recalculation period: a failed evaluation, a volatility window
 * shorter than the minimum (`minWindowBars`, default the profile formula's) or a non-positive rate with no
 * floor to lift it fall back to `previous` (the last good rate) with an error-level alert — or to the
 * profile's cap (else 1) when there is none, the conservative choice. Otherwise the rate is clamped to
 * [floor, cap] and its change from `previous` limited to the profile's step; each clamp is a warning finding.
 */
export function checkFormulaOutput(args: {
  readonly outcome: FormulaOutcome;
  readonly previous: Rational | null;
  readonly profile: JurisdictionProfile;
  readonly subject: string;
  readonly windowBars: number;
  readonly minWindowBars?: number;
}): CheckedRate {
  const { profile, subject, previous } = args;
  const findings: Finding[] = [];
  const floor = profile.floor === null ? null : parseProfileDecimal(profile.floor);
  const cap = profile.cap === null ? null : parseProfileDecimal(profile.cap);

  const fallBack = (code: string, why: string): CheckedRate => {
    const rate = previous ?? cap ?? Rational.ONE;
    const to =
      previous === null
        ? `the conservative ${rate.format('ceil', 8, 0)} (no previous rate)`
        : 'the last good rate';
    findings.push(finding(6, code, 'error', subject, `${why}; falling back to ${to}`));
    return { rate, fellBack: true, findings };
  };

  if (!args.outcome.ok)
    return fallBack('formula_error', `formula failed: ${args.outcome.code}: ${args.outcome.message}`);
  const minWindow = args.minWindowBars ?? profile.volatilityFormula?.minWindowBars ?? 0;
  if (args.windowBars < minWindow) {
    return fallBack(
      'volatility_window_too_short',
      `volatility window ${args.windowBars} bars < minimum ${minWindow}`,
    );
  }
  let rate = args.outcome.value;
  if (rate.sign() <= 0 && floor === null)
    return fallBack('non_positive_rate', `rate ${rate.format('floor')} is not positive`);

  const clamp = (): void => {
    if (floor !== null && rate.lt(floor)) {
      findings.push(
        finding(
          6,
          'below_floor',
          'warning',
          subject,
          `rate ${rate.format('floor')} raised to the floor ${profile.floor}`,
        ),
      );
      rate = floor;
    }
    if (cap !== null && rate.gt(cap)) {
      findings.push(
        finding(
          6,
          'above_cap',
          'warning',
          subject,
          `rate ${rate.format('ceil')} lowered to the cap ${profile.cap}`,
        ),
      );
      rate = cap;
    }
  };
  clamp();
  const step = profile.maxStepChange === null ? null : parseProfileDecimal(profile.maxStepChange.maxChange);
  if (step !== null && previous !== null) {
    const limited = rate.gt(previous.add(step))
      ? previous.add(step)
      : rate.lt(previous.sub(step))
        ? previous.sub(step)
        : rate;
    if (!limited.eq(rate)) {
      findings.push(
        finding(
          6,
          'step_limited',
          'warning',
          subject,
          `change from ${previous.format('ceil')} to ${rate.format('ceil')} exceeds the step ${profile.maxStepChange?.maxChange ?? ''} per ${profile.maxStepChange?.period ?? ''}`,
        ),
      );
      rate = limited;
      // The floor and cap are statutory; the step limit only smooths, so they win.
      clamp();
    }
  }
  return { rate, fellBack: false, findings };
}
