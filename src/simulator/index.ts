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
export {
  CRASH_WINDOW_IDS,
  CRASH_WINDOWS,
  crashWindowSpec,
  loadCrashWindow,
  type CrashWindow,
  type CrashWindowId,
  type CrashWindowSpec,
} from './crashWindows.js';
export { ticksOfMinute, tickPricesOfMinute, pathOrder, type Tick } from './tickPath.js';
export {
  depthBook,
  impactAfterFill,
  loadBtcDepthProfile,
  type DepthBook,
  type DepthProfile,
} from './depthModel.js';
export {
  generatePopulation,
  populationCommands,
  DEFAULT_POPULATION_PARAMS,
  type Population,
  type PopulationAccount,
  type PopulationParams,
} from './population.js';
export { simulate, replayWindow, replayInputs, SimulationError, type SimulateOptions } from './replay.js';
export { adaptiveLeverage, comparePolicy, policyCommands, POLICY_DEFAULTS } from './investorPolicy.js';
export { realityOf, legShare } from './reality.js';
export * from './report/index.js';
