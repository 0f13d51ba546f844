export { parseKlines, MAX_KLINE_ROWS, type Kline } from './klines.js';
export { parseFundingHistory, MAX_FUNDING_ROWS, type FundingRecord } from './fundingHistory.js';
export { parseDailyCandles, MAX_DAILY_ROWS, type DailyCandle } from './dailyCandles.js';
export {
  loadBitmexXbtusdBook,
  loadBinanceDepthSnapshot,
  BITMEX_XBTUSD_CONTRACT,
  BINANCE_USDM_CONTRACT,
  MAX_BITMEX_DELTA_MESSAGES,
} from './orderBookSnapshots.js';
