import type { Tier } from '../market/index.js';
import { assert, Rational } from '../numbers/index.js';
import { bankruptcyPrice, liquidationPrice, type PriceProblem } from './liquidationPrice.js';
import {
  initialMarginAt,
  maintenanceMarginAt,
  notionalAt,
  tierAt,
  unrealizedPnlAt,
  type Position,
} from './position.js';

/** A margin account: one cross wallet (in the settlement asset of its cross positions) and its positions. */
export interface Account {
  readonly walletBalance: Rational;
  readonly positions: readonly Position[];
}

/** Mark price per symbol. */
export type Marks = ReadonlyMap<string, Rational>;

export interface PositionAssessment {
  readonly position: Position;
  readonly mark: Rational;
  readonly notional: Rational;
  readonly unrealizedPnl: Rational;
  readonly tier: Tier;
  readonly maintenanceMargin: Rational;
  readonly initialMargin: Rational;
  /** Isolated: wallet + own PnL. Cross: the account's margin balance. */
  readonly marginBalance: Rational;
  readonly liquidationPrice: Rational | null;
  readonly bankruptcyPrice: Rational | null;
}

/** Account figures cover cross positions only; isolated positions carry their own. */
export interface AccountAssessment {
  readonly walletBalance: Rational;
  readonly unrealizedPnl: Rational;
  readonly marginBalance: Rational;
  readonly maintenanceMargin: Rational;
  readonly initialMargin: Rational;
  /** maintenanceMargin / marginBalance; null when the margin balance is not positive. */
  readonly marginRatio: Rational | null;
  /** marginBalance − initialMargin, never below zero. */
  readonly availableBalance: Rational;
  readonly positions: readonly PositionAssessment[];
}

function markOf(marks: Marks, position: Position): Rational {
  const mark = marks.get(position.instrument.symbol);
  assert(
    mark !== undefined && mark.sign() > 0,
    `validated account has a mark for ${position.instrument.symbol}`,
  );
  return mark;
}

interface Valued {
  readonly position: Position;
  readonly mark: Rational;
  readonly unrealizedPnl: Rational;
  readonly maintenanceMargin: Rational;
}

interface Totals {
  readonly pnl: Rational;
  readonly mm: Rational;
}

/** PnL and maintenance summed over cross positions, per symbol. */
function crossTotalsBySymbol(valued: readonly Valued[]): Map<string, Totals> {
  const totals = new Map<string, Totals>();
  for (const v of valued) {
    if (v.position.marginMode !== 'cross') continue;
    const symbol = v.position.instrument.symbol;
    const t = totals.get(symbol) ?? { pnl: Rational.ZERO, mm: Rational.ZERO };
    totals.set(symbol, { pnl: t.pnl.add(v.unrealizedPnl), mm: t.mm.add(v.maintenanceMargin) });
  }
  return totals;
}

/**
 * Every margin figure of a validated account at the given marks, exact. Liquidation prices hold every other
 * symbol at its mark; cross hedge legs of one symbol share one price.
 */
export function assessAccount(account: Account, marks: Marks): AccountAssessment {
  const valued: Valued[] = account.positions.map((position) => {
    const mark = markOf(marks, position);
    return {
      position,
      mark,
      unrealizedPnl: unrealizedPnlAt(position, mark),
      maintenanceMargin: maintenanceMarginAt(position, mark),
    };
  });
  const bySymbol = crossTotalsBySymbol(valued);
  let totals: Totals = { pnl: Rational.ZERO, mm: Rational.ZERO };
  for (const t of bySymbol.values()) totals = { pnl: totals.pnl.add(t.pnl), mm: totals.mm.add(t.mm) };
  const marginBalance = account.walletBalance.add(totals.pnl);
  const crossPrices = new Map<string, { liquidation: Rational | null; bankruptcy: Rational | null }>();

  let initialMargin = Rational.ZERO;
  const positions = valued.map((v): PositionAssessment => {
    const { position, mark } = v;
    const im = initialMarginAt(position, mark);
    let balance: Rational;
    let prices: { liquidation: Rational | null; bankruptcy: Rational | null };
    if (position.marginMode === 'isolated') {
      balance = position.isolatedWallet.add(v.unrealizedPnl);
      prices = solvePrices(
        { legs: [position], constant: position.isolatedWallet, mark },
        position.isolatedWallet,
      );
    } else {
      initialMargin = initialMargin.add(im);
      balance = marginBalance;
      const symbol = position.instrument.symbol;
      let shared = crossPrices.get(symbol);
      if (shared === undefined) {
        const own = bySymbol.get(symbol) ?? { pnl: Rational.ZERO, mm: Rational.ZERO };
        const others = { pnl: totals.pnl.sub(own.pnl), mm: totals.mm.sub(own.mm) };
        const legs = account.positions.filter(
          (p) => p.marginMode === 'cross' && p.instrument.symbol === symbol,
        );
        const withoutMaintenance = account.walletBalance.add(others.pnl);
        shared = solvePrices({ legs, constant: withoutMaintenance.sub(others.mm), mark }, withoutMaintenance);
        crossPrices.set(symbol, shared);
      }
      prices = shared;
    }
    return {
      position,
      mark,
      notional: notionalAt(position, mark),
      unrealizedPnl: v.unrealizedPnl,
      tier: tierAt(position, mark),
      maintenanceMargin: v.maintenanceMargin,
      initialMargin: im,
      marginBalance: balance,
      liquidationPrice: prices.liquidation,
      bankruptcyPrice: prices.bankruptcy,
    };
  });

  const available = marginBalance.sub(initialMargin);
  return {
    walletBalance: account.walletBalance,
    unrealizedPnl: totals.pnl,
    marginBalance,
    maintenanceMargin: totals.mm,
    initialMargin,
    marginRatio: marginBalance.sign() > 0 ? totals.mm.div(marginBalance) : null,
    availableBalance: available.sign() > 0 ? available : Rational.ZERO,
    positions,
  };
}

function solvePrices(
  problem: PriceProblem,
  balanceWithoutMaintenance: Rational,
): { liquidation: Rational | null; bankruptcy: Rational | null } {
  return {
    liquidation: liquidationPrice(problem),
    bankruptcy: bankruptcyPrice({ ...problem, constant: balanceWithoutMaintenance }),
  };
}
