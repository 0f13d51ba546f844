import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Rational } from '../../src/numbers/index.js';
import {
  CRASH_WINDOW_IDS,
  CRASH_WINDOWS,
  crashWindowSpec,
  loadCrashWindow,
  type CrashWindow,
} from '../../src/simulator/crashWindows.js';

/** `xs[i]`, which the test knows is there. */
function at<T>(xs: readonly T[], i: number): T {
  const value = xs[i];
  assert.ok(value !== undefined, `index ${i} of ${xs.length}`);
  return value;
}

function load(id: string): CrashWindow {
  const result = loadCrashWindow(id);
  assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.message}`);
  return result.value;
}

const r = (text: string): Rational =>
  Rational.fromUnits(BigInt(text.replace('.', '')), text.split('.')[1]?.length ?? 0);

describe('crashWindows: the four bundled BTCUSDT-perp windows', () => {
  test('each loads with the minutes, span and extremes its README documents', () => {
    const lows: Record<string, string> = {
      '2020-03-12': '3621.81',
      '2021-05-19': '28688.00',
      '2022-11-09': '15462.6',
      '2025-10-10': '101516.5',
    };
    assert.deepEqual(
      CRASH_WINDOWS.map((w) => w.id),
      [...CRASH_WINDOW_IDS],
    );
    for (const spec of CRASH_WINDOWS) {
      const w = load(spec.id);
      assert.equal(w.symbol, 'BTCUSDT');
      assert.equal(w.klines.length, spec.minutes);
      assert.equal(w.minutes, spec.minutes);
      assert.equal(w.volumesQty.length, spec.minutes);
      assert.equal(w.fromMs, w.klines[0]?.openTimeMs);
      assert.equal(w.toMs, (w.klines[w.klines.length - 1]?.openTimeMs ?? 0) + 60_000);
      const low = w.klines.reduce((m, k) => (k.low.lt(m) ? k.low : m), at(w.klines, 0).low);
      assert.ok(low.eq(r(lows[spec.id] ?? '')), `${spec.id} low`);
      assert.ok(w.source.startsWith('data/btcusdt-perp-1m-crashes/'));
    }
  });

  test('2020-03-12: 1,197 minutes from 08:22 UTC, first volume and the median minute volume', () => {
    const w = load('2020-03-12');
    assert.equal(w.fromMs, Date.UTC(2020, 2, 12, 8, 22));
    assert.equal(w.toMs, Date.UTC(2020, 2, 13, 4, 19));
    assert.ok(w.klines[0]?.open.eq(r('7401.99')));
    assert.equal(w.volumesQty[0], '480.936');
    assert.equal(w.medianMinuteVolumeQty, '472.878');
  });

  test('real funding: the two 2020-03-12 settlements inside the window; none in the short windows', () => {
    assert.deepEqual(load('2020-03-12').funding, [
      { fundingTimeMs: Date.UTC(2020, 2, 12, 16), rate: '-0.00015149' },
      { fundingTimeMs: Date.UTC(2020, 2, 13, 0), rate: '-0.00016073' },
    ]);
    // 2021-05-19 12:02–14:16, 2022-11-09 20:01–22:15, 2025-10-10 20:11–22:21 UTC: no 8-hourly settlement inside.
    for (const id of ['2021-05-19', '2022-11-09', '2025-10-10']) assert.deepEqual(load(id).funding, []);
  });

  test('an unknown id is a named error listing the four', () => {
    const result = loadCrashWindow('2020-03-13');
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'unknown_window');
    assert.match(result.error.message, /2020-03-12, 2021-05-19, 2022-11-09, 2025-10-10/);
    assert.equal(crashWindowSpec('nope'), null);
  });
});
