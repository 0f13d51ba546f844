import { Rational } from '../../numbers/index.js';
import {
  ASSET_CLASSES,
  leverageCapOf,
  parseProfileDecimal,
  type JurisdictionProfile,
} from '../profiles/index.js';
import { compileFormula } from '../formula/index.js';
import { finding, type Finding } from './finding.js';

/** Margin periods of risk a clearing-house-grade coverage claim may use (EMIR RTS 153/2013, CFTC 39.13). */
const MPOR_DAYS: readonly number[] = [1, 2, 5];
/** Lookback below this many days falls short of the "at least 12 months" of EMIR RTS art. 25. */
const MIN_LOOKBACK_DAYS = 365;
/** Most citations, versions or formula parameters a profile may hold (bounds the work). */
const MAX_LIST_LENGTH = 64;

const STATUSES: readonly string[] = ['permitted', 'prohibited', 'professionalOnly'];

type Push = (code: string, field: string, message: string, severity?: 'error' | 'warning') => void;

/** A rate in (0, 1], or null after recording why not. */
function checkRate(text: string, field: string, push: Push): Rational | null {
  const value = parseProfileDecimal(text);
  if (value === null) {
    push('rate_not_decimal', field, `"${text}" is not a plain decimal`);
    return null;
  }
  if (value.sign() <= 0 || value.gt(Rational.ONE)) {
    push('rate_out_of_range', field, `${text} is not in (0, 1]`);
    return null;
  }
  return value;
}

function overlaps(a: JurisdictionProfile, b: JurisdictionProfile): boolean {
  const aEndsAfterBStarts = a.effectiveToMs === null || a.effectiveToMs > b.effectiveFromMs;
  const bEndsAfterAStarts = b.effectiveToMs === null || b.effectiveToMs > a.effectiveFromMs;
  return aEndsAfterBStarts && bEndsAfterAStarts;
}

/**
 * Check 1, profile integrity: rates in (0, 1]; max leverage = ⌊1/rate⌋; close-out fraction in (0, 1); floor ≤
 * cap and cap ≥ every statutory rate; coverage target well formed; volatility formula compiles with its
 * parameters; effective window non-empty and not overlapping any other version in `allVersions` (versions of
 * the same id); at least one complete citation.
 */
export function validateProfile(
  profile: JurisdictionProfile,
  allVersions: readonly JurisdictionProfile[],
): readonly Finding[] {
  const findings: Finding[] = [];
  const name = `${profile.id} v${profile.version}`;
  const push: Push = (code, field, message, severity = 'error') =>
    findings.push(finding(1, code, severity, field === '' ? name : `${name} ${field}`, message));

  if (profile.id.length === 0) push('missing_id', 'id', 'the profile has no id');
  if (!Number.isSafeInteger(profile.version) || profile.version < 1) {
    push('invalid_version', 'version', `version ${profile.version} is not a positive integer`);
  }
  checkCitations(profile, push);
  checkWindow(profile, allVersions, push);
  const statutoryRates = checkAssetClasses(profile, push);
  checkBounds(profile, statutoryRates, push);
  checkCoverageTarget(profile, push);
  checkVolatilityFormula(profile, push);
  return findings;
}

function checkCitations(profile: JurisdictionProfile, push: Push): void {
  if (profile.citations.length === 0)
    push('no_citation', 'citations', 'a profile needs at least one legal citation');
  if (profile.citations.length > MAX_LIST_LENGTH)
    push('too_many_citations', 'citations', 'too many citations');
  profile.citations.slice(0, MAX_LIST_LENGTH).forEach((citation, i) => {
    const blank = (['title', 'reference', 'url', 'states'] as const).filter(
      (key) => citation[key].trim() === '',
    );
    if (blank.length > 0) push('citation_incomplete', `citations[${i}]`, `missing ${blank.join(', ')}`);
    if (!citation.url.startsWith('https://'))
      push('citation_url_not_https', `citations[${i}].url`, citation.url);
  });
}

function checkWindow(
  profile: JurisdictionProfile,
  allVersions: readonly JurisdictionProfile[],
  push: Push,
): void {
  const { effectiveFromMs: from, effectiveToMs: to } = profile;
  if (!Number.isSafeInteger(from) || from < 0) push('invalid_effective_from', 'effectiveFromMs', `${from}`);
  if (to !== null && (!Number.isSafeInteger(to) || to <= from)) {
    push('empty_effective_window', 'effectiveToMs', `effective-to ${to} is not after effective-from ${from}`);
  }
  for (const other of allVersions.slice(0, MAX_LIST_LENGTH)) {
    if (other === profile || other.id !== profile.id) continue;
    if (other.version === profile.version) {
      push('duplicate_version', 'version', `version ${profile.version} is published twice`);
    } else if (overlaps(profile, other)) {
      push('overlapping_effective_window', 'effectiveFromMs', `window overlaps version ${other.version}`);
    }
  }
}

/** Checks every class rule; returns the valid statutory rates for the bound checks. */
function checkAssetClasses(profile: JurisdictionProfile, push: Push): Rational[] {
  const rates: Rational[] = [];
  for (const assetClass of ASSET_CLASSES) {
    const rule = profile.assetClasses[assetClass];
    const field = `assetClasses.${assetClass}`;
    if (!STATUSES.includes(rule.status)) push('invalid_status', field, `unknown status ${rule.status}`);
    if (rule.initialMarginRate === null) {
      if (rule.maxLeverage !== null) {
        push(
          'leverage_inconsistent',
          field,
          `max leverage ${rule.maxLeverage} without an initial-margin rate`,
        );
      }
      continue;
    }
    const rate = checkRate(rule.initialMarginRate, `${field}.initialMarginRate`, push);
    if (rate === null) continue;
    rates.push(rate);
    const cap = leverageCapOf(rate);
    if (rule.maxLeverage !== cap) {
      push(
        'leverage_inconsistent',
        field,
        `max leverage ${rule.maxLeverage} but ⌊1/${rule.initialMarginRate}⌋ = ${cap}`,
      );
    }
  }
  return rates;
}

function checkBounds(profile: JurisdictionProfile, statutoryRates: readonly Rational[], push: Push): void {
  if (profile.closeOut !== null) {
    const fraction = parseProfileDecimal(profile.closeOut.fraction);
    if (fraction === null || fraction.sign() <= 0 || fraction.gte(Rational.ONE)) {
      push(
        'close_out_fraction_out_of_range',
        'closeOut.fraction',
        `${profile.closeOut.fraction} is not in (0, 1)`,
      );
    }
  }
  const floor = profile.floor === null ? null : checkRate(profile.floor, 'floor', push);
  const cap = profile.cap === null ? null : checkRate(profile.cap, 'cap', push);
  if (floor !== null && cap !== null && floor.gt(cap))
    push('floor_above_cap', 'floor', 'the floor exceeds the cap');
  if (cap !== null && statutoryRates.some((rate) => rate.gt(cap))) {
    push('cap_below_statutory_floor', 'cap', 'the cap is below a statutory initial-margin rate');
  }
  if (profile.maxStepChange !== null)
    checkRate(profile.maxStepChange.maxChange, 'maxStepChange.maxChange', push);
}

function checkCoverageTarget(profile: JurisdictionProfile, push: Push): void {
  const coverage = profile.coverage;
  if (coverage === null) return;
  const confidence = parseProfileDecimal(coverage.confidence);
  if (confidence === null || confidence.sign() <= 0 || confidence.gte(Rational.ONE)) {
    push('invalid_confidence', 'coverage.confidence', `${coverage.confidence} is not in (0, 1)`);
  }
  if (!MPOR_DAYS.includes(coverage.mporDays)) {
    push(
      'invalid_mpor',
      'coverage.mporDays',
      `${coverage.mporDays} is not one of ${MPOR_DAYS.join(', ')} days`,
    );
  }
  if (!Number.isSafeInteger(coverage.lookbackDays) || coverage.lookbackDays < 1) {
    push(
      'invalid_lookback',
      'coverage.lookbackDays',
      `${coverage.lookbackDays} is not a positive whole number`,
    );
  } else if (coverage.lookbackDays < MIN_LOOKBACK_DAYS) {
    push('lookback_below_twelve_months', 'coverage.lookbackDays', `${coverage.lookbackDays} days`, 'warning');
  }
}

function checkVolatilityFormula(profile: JurisdictionProfile, push: Push): void {
  const spec = profile.volatilityFormula;
  if (spec === null) return;
  if (spec.source.trim() === '') push('formula_empty', 'volatilityFormula.source', 'no formula text');
  if (!Number.isSafeInteger(spec.minWindowBars) || spec.minWindowBars < 1) {
    push('invalid_min_window', 'volatilityFormula.minWindowBars', `${spec.minWindowBars}`);
  }
  const names = Object.keys(spec.parameters);
  if (names.length > MAX_LIST_LENGTH) {
    push('too_many_parameters', 'volatilityFormula.parameters', `${names.length}`);
    return;
  }
  for (const key of names) {
    const text = spec.parameters[key] ?? '';
    if (parseProfileDecimal(text) === null) {
      push(
        'parameter_not_decimal',
        `volatilityFormula.parameters.${key}`,
        `"${text}" is not a plain decimal`,
      );
    }
  }
  const compiled = compileFormula(spec.source, { parameters: names });
  if (!compiled.ok) {
    const [first] = compiled.errors;
    const why =
      first === undefined
        ? 'does not compile'
        : `${first.code} at ${first.start}–${first.end}: ${first.message}`;
    push('formula_does_not_compile', 'volatilityFormula.source', why);
  }
}
