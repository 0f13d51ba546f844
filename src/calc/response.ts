import type { AccountAssessment, PositionAssessment } from '../margin/index.js';
import { Rational, type Rounding } from '../numbers/index.js';

/**
 * Response figures are exact where the decimal expansion ends, otherwise at least 20 significant digits,
 * each rounded against the user: margin requirements up, PnL and balances down, trigger prices toward the
 * mark (a long's liquidation price up, a short's down), so a displayed figure is never the optimistic one.
 */
function text(value: Rational, rounding: Rounding): string {
  return value.format(rounding);
}

function priceText(price: Rational | null, mark: Rational): string | null {
  if (price === null) return null;
  return text(price, price.lt(mark) ? 'ceil' : 'floor');
}

export interface CalcResponse {
  readonly account: Record<string, string | null>;
  readonly positions: readonly Record<string, string | number | null>[];
}

function positionFigures(p: PositionAssessment): Record<string, string | number | null> {
  return {
    symbol: p.position.instrument.symbol,
    positionSide: p.position.positionSide,
    side: p.position.side,
    marginMode: p.position.marginMode,
    markPrice: text(p.mark, 'halfEven'),
    notional: text(p.notional, 'ceil'),
    unrealizedPnl: text(p.unrealizedPnl, 'floor'),
    tier: p.tier.index,
    mmr: text(p.tier.mmr, 'ceil'),
    maxLeverage: text(p.tier.maxLeverage, 'floor'),
    maintenanceMargin: text(p.maintenanceMargin, 'ceil'),
    initialMargin: text(p.initialMargin, 'ceil'),
    marginBalance: text(p.marginBalance, 'floor'),
    liquidationPrice: priceText(p.liquidationPrice, p.mark),
    bankruptcyPrice: priceText(p.bankruptcyPrice, p.mark),
  };
}

/** The JSON body of a successful `bulwark calc` (CALC.md "Response"). */
export function formatCalcResponse(assessment: AccountAssessment): CalcResponse {
  return {
    account: {
      walletBalance: text(assessment.walletBalance, 'floor'),
      unrealizedPnl: text(assessment.unrealizedPnl, 'floor'),
      marginBalance: text(assessment.marginBalance, 'floor'),
      maintenanceMargin: text(assessment.maintenanceMargin, 'ceil'),
      initialMargin: text(assessment.initialMargin, 'ceil'),
      marginRatio: assessment.marginRatio === null ? null : text(assessment.marginRatio, 'ceil'),
      availableBalance: text(assessment.availableBalance, 'floor'),
    },
    positions: assessment.positions.map(positionFigures),
  };
}
