/** A named example formula with its parameters and illustrative default values (decimal text). */
export interface FormulaExample {
  readonly name: string;
  readonly source: string;
  readonly parameters: readonly string[];
  readonly defaults: Readonly<Record<string, string>>;
  readonly description: string;
}

/**
 * The founding brief's formula, rate = α·σ/LTV + β. With LTV = 1 − 1/leverage it *decreases* as leverage
 * rises, the opposite of what a risk manager expects: shipped as an example for the validator to flag.
 */
export const FOUNDING_FORMULA = {
  name: 'founding',
  source: 'alpha * sigma / ltv + beta',
  parameters: ['alpha', 'beta'],
  defaults: { alpha: '0.5', beta: '0.01' },
  description:
    'α·σ/LTV + β from the founding brief; decreases as leverage rises (unsound, kept as an example)',
} as const satisfies FormulaExample;

/**
 * The sound default: the normal quantile at the caller's confidence times the one-day volatility, scaled to the
 * margin period of risk by √mporDays, floored, plus an anti-procyclicality buffer. The volatility is the larger of
 * the reactive EWMA (λ = 0.94) and the one-year standard deviation: the longer lookback is a floor in calm markets
 * (EMIR RTS 153/2013 art. 28's floor option, with one year of history instead of ten). On the bundled Binance
 * BTCUSDT daily history 2018–2026 it covers 98.9 % of 1- and 2-day moves at a 99 % claim (Kupiec accepts); the
 * EWMA alone covers 97.6 %, because crypto returns are fat-tailed (`bulwark backtest-margin`).
 */
export const DEFAULT_FORMULA = {
  name: 'default',
  source:
    'max(floor, normInv(confidence) * max(ewmaVol(0.94), stdev(365)) * sqrt(mporDays)) * (1 + apcBuffer)',
  parameters: ['floor', 'apcBuffer'],
  defaults: { floor: '0.01', apcBuffer: '0.25' },
  description: 'max(floor, Φ⁻¹(confidence)·max(σ_EWMA(0.94), σ_1y)·√mporDays)·(1 + apcBuffer)',
} as const satisfies FormulaExample;

/** The shipped examples. */
export const FORMULA_EXAMPLES: readonly FormulaExample[] = [FOUNDING_FORMULA, DEFAULT_FORMULA];
