export { parseKlines, MAX_KLINE_ROWS, type Kline } from './klines.js';
