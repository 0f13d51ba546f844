export {
  parseOhlcCsv,
  MAX_OHLC_BARS,
  MAX_OHLC_CSV_CHARS,
  type OhlcHistory,
  type OhlcCsvError,
} from './parseOhlcCsv.js';
export { chiSquareSurvival, gammaQ, lnGamma } from './chiSquare.js';
export { kupiecPof, type KupiecResult } from './kupiec.js';
export { procyclicality, type Procyclicality, type RatePoint, type AtBar } from './procyclicality.js';
export {
  backtestMargin,
  MAX_BACKTEST_HORIZONS,
  MAX_HORIZON_DAYS,
  type BacktestMarginOptions,
  type BacktestPoint,
  type ExceedanceSample,
  type HorizonBacktest,
  type MarginBacktest,
  type MoveBasis,
  type SkippedDays,
} from './backtestMargin.js';
export { renderBacktestText, KUPIEC_REPORT_LEVEL, type BacktestReportContext } from './report.js';
export { renderBacktestSvg } from './renderSvg.js';
export { backtestToJson } from './json.js';
export { formatPercentFixed } from './format.js';
