import type { EngineState } from '../engine/index.js';
import { assert, formatUnits } from '../numbers/index.js';
import type { PolicyComparison } from './report/types.js';

/**
 * The investor-side policy of the founding brief — lower leverage as volatility rises — against fixed leverage,
 * on the same crash (issue 7 item 4). Two cohorts of identical traders (same deposit, same long entry the day
 * before the window): one holds `fixedLeverage`, the other `min(fixedLeverage, ⌊volBudget / σ⌋)` with σ the
 * daily volatility of the 30 days before (so at σ = 3 % a 0.3 budget gives 10×). After the window the report
 * counts each cohort's liquidated traders and lost margin; the policy's cost is the exposure it gave up, as the
 * profit forgone on a +1 % move.
 */
export interface PolicyOptions {
  readonly traders: number;
  /** USDT per trader (decimal text, whole units). */
  readonly deposit: string;
  readonly fixedLeverage: number;
  /** Daily volatility times leverage the adaptive trader accepts. */
  readonly volBudget: number;
  /** Daily volatility of the 30 days before the window (a statistic: float). */
  readonly sigmaDaily: number;
}

export const POLICY_DEFAULTS: Omit<PolicyOptions, 'sigmaDaily'> = {
  traders: 200,
  deposit: '1000',
  fixedLeverage: 20,
  volBudget: 0.3,
};

export const FIXED_PREFIX = 'policy-fixed-';
export const ADAPTIVE_PREFIX = 'policy-adaptive-';

/** The adaptive cohort's leverage. */
export function adaptiveLeverage(options: PolicyOptions): number {
  const byVol = Math.floor(options.volBudget / Math.max(options.sigmaDaily, 1e-6));
  return Math.max(1, Math.min(options.fixedLeverage, byVol));
}

/** Daily volatility (sample standard deviation of log returns) of the last `days` closes. */
export function dailyVolatility(closes: readonly number[], days = 30): number {
  const tail = closes.slice(-(days + 1));
  assert(tail.length >= 3, 'at least three closes for a volatility');
  const returns = tail.slice(1).map((c, i) => Math.log(c / (tail[i] ?? c)));
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  return Math.sqrt(variance);
}

/**
 * Engine command bodies opening both cohorts long at `entryPrice` (decimal text at the tick) against the
 * market makers `counterparties` (round robin): each trader deposits, sets its leverage and buys the notional
 * its leverage allows with 95 % of its deposit.
 */
export function policyCommands(
  options: PolicyOptions,
  entryPrice: string,
  counterparties: readonly string[],
  symbol: string,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const price = Number(entryPrice);
  const cohorts: [string, number][] = [
    [FIXED_PREFIX, options.fixedLeverage],
    [ADAPTIVE_PREFIX, adaptiveLeverage(options)],
  ];
  for (const [prefix, leverage] of cohorts) {
    for (let i = 0; i < options.traders; i++) {
      const accountId = `${prefix}${i}`;
      const qty = Math.floor(((Number(options.deposit) * 0.95 * leverage) / price) * 1000) / 1000;
      out.push({ type: 'createAccount', accountId });
      out.push({ type: 'deposit', accountId, asset: 'USDT', amount: options.deposit });
      out.push({ type: 'setLeverage', accountId, symbol, leverage });
      if (qty <= 0) continue;
      out.push({
        type: 'fill',
        fillId: `${accountId}-open`,
        symbol,
        price: entryPrice,
        qty: qty.toFixed(3),
        buyer: { accountId, liquidity: 'taker' },
        seller: { accountId: counterparties[i % counterparties.length], liquidity: 'maker' },
      });
    }
  }
  return out;
}

/** The cohorts' outcome from the engine's state after the window and the set of liquidated accounts. */
export function comparePolicy(
  options: PolicyOptions,
  state: Readonly<EngineState>,
  liquidated: ReadonlySet<string>,
  moneyScale: number,
): PolicyComparison {
  const instrument = [...state.instruments.values()][0];
  assert(instrument?.mark != null, 'the window ends with a mark');
  const mark = instrument.mark;
  const cohort = (prefix: string): { liquidated: number; lost: bigint } => {
    let count = 0;
    let lost = 0n;
    const deposit = BigInt(options.deposit) * 10n ** BigInt(moneyScale);
    for (let i = 0; i < options.traders; i++) {
      const id = `${prefix}${i}`;
      const account = state.accounts.get(id);
      if (account === undefined) continue;
      if (liquidated.has(id)) count++;
      let equity = state.ledger.balance(account.walletKey, 'USDT');
      for (const p of account.positions.values()) {
        const pnl = p.qty * mark - p.entryValue;
        equity += p.sign === 1n ? pnl : -pnl;
      }
      for (const [key, balance] of account.isolatedMargins)
        if (account.positions.has(key)) equity += balance.value;
      if (deposit > equity) lost += deposit - equity;
    }
    return { liquidated: count, lost };
  };
  const fixed = cohort(FIXED_PREFIX);
  const adaptive = cohort(ADAPTIVE_PREFIX);
  const text = (units: bigint): string => formatUnits(units, moneyScale);
  return {
    description:
      `${options.traders} traders each side, ${options.deposit} USDT, long from the day before: fixed ` +
      `${options.fixedLeverage}× against min(${options.fixedLeverage}, ⌊${options.volBudget} / σ⌋) = ` +
      `${adaptiveLeverage(options)}× at σ = ${(options.sigmaDaily * 100).toFixed(2)} % a day (30 days before)`,
    fixed: { liquidated: fixed.liquidated, traders: options.traders, lossOfMargin: text(fixed.lost) },
    adaptive: {
      liquidated: adaptive.liquidated,
      traders: options.traders,
      lossOfMargin: text(adaptive.lost),
      // Profit forgone on a +1 % move by holding less exposure: 1 % of the notional the lower leverage gave up.
      cost: text(forgoneExposure(options, moneyScale) / 100n),
    },
  };
}

/** The notional (money units) the adaptive cohort holds less than the fixed one at entry, all traders together. */
function forgoneExposure(options: PolicyOptions, moneyScale: number): bigint {
  const levels = BigInt(options.fixedLeverage - adaptiveLeverage(options));
  // 95 % of each deposit is margin (policyCommands).
  return (
    (BigInt(options.traders) * BigInt(options.deposit) * levels * 95n * 10n ** BigInt(moneyScale)) / 100n
  );
}
