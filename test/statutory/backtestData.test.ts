import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseOhlcCsv } from '../../src/statutory/backtest/index.js';
import { DEFAULT_BACKTEST_DATA_PATH } from '../../src/cli/backtestMargin.js';
import { parseFixed } from '../../src/statutory/formula/index.js';

const HEADER = 'timestamp,open,high,low,close,volume';

function rejected(text: string): { code: string; line: number; message: string } {
  const result = parseOhlcCsv(text);
  assert.ok(!result.ok, 'expected a rejection');
  return result.error;
}

test('a daily OHLC CSV becomes Fixed bars and dates; extra columns, CRLF and a trailing newline are fine', () => {
  const result = parseOhlcCsv(
    `${HEADER},source\r\n2020-03-11,7935.87,7966.17,7590,7894.56,1,x\r\n2020-03-12,7894.57,7980,4410,4800,2,y\r\n`,
  );
  assert.ok(result.ok);
  assert.deepEqual(result.value.dates, ['2020-03-11', '2020-03-12']);
  assert.deepEqual(result.value.bars[1], {
    close: parseFixed('4800'),
    high: parseFixed('7980'),
    low: parseFixed('4410'),
  });
  assert.equal(result.value.irregularSteps, 0);
});

test('intraday timestamps parse and a missing bar counts as an irregular step', () => {
  const result = parseOhlcCsv(
    `${HEADER}\n2020-01-01 00:00:00,1,2,1,1.5,0\n2020-01-01 04:00:00,1.5,2,1,1.5,0\n2020-01-01 08:00:00,1.5,2,1,1.5,0\n` +
      '2020-01-01 16:00:00,1.5,2,1,1.5,0\n',
  );
  assert.ok(result.ok);
  assert.equal(result.value.irregularSteps, 1);
});

test('rejections name the line, the bar and the column', () => {
  assert.deepEqual(rejected('date,high,low\n'), {
    code: 'missing_column',
    line: 1,
    message: 'header has no close column',
  });
  assert.equal(rejected('open,high,low,close\n').code, 'missing_column');
  assert.equal(rejected(`${HEADER}\n`).code, 'empty');
  const badNumber = rejected(`${HEADER}\n2020-01-01,1,2,1,1.5,0\n2020-01-02,1,2,1,abc,0\n`);
  assert.equal(badNumber.code, 'bad_number');
  assert.equal(badNumber.line, 3);
  assert.match(badNumber.message, /line 3 \(2020-01-02\): close "abc"/);
  assert.match(rejected(`${HEADER}\n2020-01-01,1,2,0,1.5,0\n`).message, /low "0" is not a positive number/);
  assert.equal(rejected(`${HEADER}\n2020-01-01,1,2,1,2.5,0\n`).code, 'bad_bar');
  assert.equal(rejected(`${HEADER}\n2020-01-01,0.5,2,1,1.5,0\n`).code, 'bad_bar');
  assert.equal(rejected(`${HEADER}\n2021-02-30,1,2,1,1.5,0\n`).code, 'bad_timestamp');
  const order = rejected(`${HEADER}\n2020-01-02,1,2,1,1.5,0\n2020-01-02,1,2,1,1.5,0\n`);
  assert.deepEqual([order.code, order.line], ['out_of_order', 3]);
});

test('the bundled BTC history loads whole: 3,229 days without gaps, 2017-08-17 → 2026-06-19', () => {
  const result = parseOhlcCsv(readFileSync(DEFAULT_BACKTEST_DATA_PATH, 'utf8'));
  assert.ok(result.ok);
  assert.equal(result.value.bars.length, 3229);
  assert.equal(result.value.dates[0], '2017-08-17');
  assert.equal(result.value.dates.at(-1), '2026-06-19');
  assert.equal(result.value.irregularSteps, 0);
  // Binance's famous 2020-03-12 close (README spot check).
  assert.equal(result.value.bars[result.value.dates.indexOf('2020-03-12')]?.close, parseFixed('4800'));
});
