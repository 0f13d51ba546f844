import {
  checkCoverage,
  checkMonotonicity,
  compileFormula,
  DEFAULT_FORMULA,
  FORMULA_EXAMPLES,
  parseFixed,
  parseOhlcCsv,
  PROFILES,
  profileVersions,
  validateProfile,
  type CoverageBacktest,
  type Finding,
  type Fixed,
  type JurisdictionProfile,
  type PriceBar,
} from '../statutory/index.js';
import { DEFAULT_BACKTEST_DATA_PATH, runBacktestMargin } from './backtestMargin.js';
import { readFileSync } from 'node:fs';

/**
 * `bulwark compliance`: the compliance checks a venue runs before it publishes (STATUTORY.md §3) — check 1 on
 * every shipped profile version, check 7 (monotonic in volatility and leverage) on the chosen formula and on
 * every profile's own formula over the bundled real BTC history, and check 8 (coverage, Kupiec, an
 * anti-procyclicality option) for each profile that claims coverage, by backtesting its formula. Exit 0 when no
 * finding is an error, 1 otherwise, 2 for bad options.
 */
export interface ComplianceOptions {
  /** `default` (the default), `founding`, or formula text. */
  readonly formula?: string;
  /** `name=value` parameters of a formula given as text. */
  readonly param?: readonly string[];
  readonly json?: boolean;
}

/** Inputs the monotonicity grid holds fixed (sigma, leverage and ltv are its axes). */
const BASE_INPUTS: Readonly<Record<string, string>> = {
  confidence: '0.99',
  mporDays: '2',
  notional: '100000',
  tierRate: '0.004',
};

interface Outcome {
  readonly exitCode: number;
  readonly output: string;
}

function fixedValues(values: Readonly<Record<string, string>>): Record<string, Fixed> | string {
  const out: Record<string, Fixed> = {};
  for (const [name, text] of Object.entries(values)) {
    const value = parseFixed(text);
    if (value === null) return `${name}=${text} is not a decimal`;
    out[name] = value;
  }
  return out;
}

/** Check 7 on one formula over the history (with the last close as mark and index). */
function monotonicity(
  subject: string,
  source: string,
  parameters: Readonly<Record<string, string>>,
  history: readonly PriceBar[],
): Finding[] | string {
  const compiled = compileFormula(source, { parameters: Object.keys(parameters) });
  if (!compiled.ok) return `${subject}: ${compiled.errors[0]?.message ?? 'does not compile'}`;
  const values = fixedValues(parameters);
  const base = fixedValues(BASE_INPUTS);
  if (typeof values === 'string') return `${subject}: ${values}`;
  if (typeof base === 'string') return base;
  const last = history[history.length - 1];
  if (last !== undefined) base.mark = base.index = last.close;
  return [
    ...checkMonotonicity(compiled.formula, { subject, parameters: values, baseInputs: base, history })
      .findings,
  ];
}

/** Check 8 for a profile: its own formula backtested on the bundled history at its claim. */
function coverage(profile: JurisdictionProfile): Finding[] {
  const claim = profile.coverage;
  if (claim === null) return [...checkCoverage(profile, [])];
  const backtests: CoverageBacktest[] = [];
  if (profile.volatilityFormula !== null) {
    const run = runBacktestMargin({
      profile: profile.id,
      formula: 'profile',
      confidence: claim.confidence,
      horizons: String(claim.mporDays),
      json: true,
    });
    if (run.exitCode === 0) {
      const body = JSON.parse(run.output) as {
        horizons: {
          horizonDays: number;
          observations: number;
          exceedances: number;
          kupiec: { pValue: number } | null;
        }[];
      };
      for (const h of body.horizons)
        backtests.push({
          confidence: claim.confidence,
          mporDays: h.horizonDays,
          observations: h.observations,
          exceedances: h.exceedances,
          kupiecPValue: h.kupiec === null ? '1' : h.kupiec.pValue.toExponential(6).replace('e+', 'e'),
        });
    }
  }
  return [...checkCoverage(profile, backtests)];
}

export function runCompliance(options: ComplianceOptions): Outcome {
  const bad = (message: string): Outcome => ({ exitCode: 2, output: `bulwark compliance: ${message}\n` });
  const parsed = parseOhlcCsv(readFileSync(DEFAULT_BACKTEST_DATA_PATH, 'utf8'));
  if (!parsed.ok) return bad(`bundled history: ${parsed.error.message}`);
  const history = parsed.value.bars;
  const named = FORMULA_EXAMPLES.find((f) => f.name === (options.formula ?? DEFAULT_FORMULA.name));
  const parameters: Record<string, string> = { ...(named?.defaults ?? {}) };
  for (const pair of options.param ?? []) {
    const [name, value, extra] = pair.split('=');
    if (name === undefined || value === undefined || extra !== undefined)
      return bad(`--param ${pair}: use name=value`);
    parameters[name] = value;
  }
  const findings: Finding[] = [];
  const formula = monotonicity(
    named === undefined ? 'formula (given)' : `${named.name} formula`,
    named?.source ?? options.formula ?? '',
    parameters,
    history,
  );
  if (typeof formula === 'string') return bad(`--formula: ${formula}`);
  findings.push(...formula);
  for (const profile of PROFILES) {
    findings.push(...validateProfile(profile, profileVersions(profile.id)));
    const own = profile.volatilityFormula;
    if (own !== null) {
      const checked = monotonicity(
        `${profile.id} v${profile.version} formula`,
        own.source,
        own.parameters,
        history,
      );
      if (typeof checked === 'string')
        findings.push({
          check: 7,
          code: 'invalid_formula',
          severity: 'error',
          subject: profile.id,
          message: checked,
        });
      else findings.push(...checked);
    }
    findings.push(...coverage(profile));
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const exitCode = errors > 0 ? 1 : 0;
  if (options.json === true)
    return { exitCode, output: `${JSON.stringify({ errors, findings }, null, 2)}\n` };
  const lines = [
    `Compliance checks (STATUTORY.md §3): ${PROFILES.length} profile versions, the ${named?.name ?? 'given'} formula,`,
    `each profile's own formula; history: the bundled Binance BTCUSDT daily closes (${history.length} days).`,
    '',
    ...(findings.length === 0
      ? ['no findings']
      : findings.map(
          (f) => `check ${f.check}  ${f.severity.padEnd(7)} ${f.subject}: ${f.code} — ${f.message}`,
        )),
    '',
    `${errors} error(s), ${findings.length - errors} warning(s)`,
  ];
  return { exitCode, output: `${lines.join('\n')}\n` };
}
