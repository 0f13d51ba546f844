import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createProgress } from '../../src/simulator/report/index.js';

function recorder(): { writes: string[]; write: (text: string) => void } {
  const writes: string[] = [];
  return { writes, write: (text) => writes.push(text) };
}

test('a terminal gets one bar redrawn with \\r, and a newline only when done', () => {
  const { writes, write } = recorder();
  const progress = createProgress({ total: 10, write, label: 'replay', isTTY: true });
  for (let i = 0; i < 10; i++) progress.tick();
  assert.equal(writes.join('').includes('\n'), false);
  progress.done();
  assert.ok(writes.slice(0, -1).every((text) => text.startsWith('\r')));
  assert.equal(writes[0], `\rreplay [${'#'.repeat(3)}${'-'.repeat(27)}]  10% 1/10`);
  assert.equal(writes[writes.length - 2], `\rreplay [${'#'.repeat(30)}] 100% 10/10`);
  assert.equal(writes[writes.length - 1], '\n');
});

test('a terminal bar redraws only when the percentage changes', () => {
  const { writes, write } = recorder();
  const progress = createProgress({ total: 100_000, write, label: 'x', isTTY: true });
  for (let i = 0; i < 100_000; i++) progress.tick();
  progress.done();
  // 0 % … 99 % while ticking, then 100 % and the newline.
  assert.equal(writes.length, 102);
});

test('a log gets a line at 25, 50, 75 and 100 %', () => {
  const { writes, write } = recorder();
  const progress = createProgress({ total: 1000, write, label: 'replay', isTTY: false });
  for (let i = 0; i < 1000; i++) progress.tick();
  progress.done();
  assert.deepEqual(writes, [
    'replay: 25% (250/1000)\n',
    'replay: 50% (500/1000)\n',
    'replay: 75% (750/1000)\n',
    'replay: 100% (1000/1000)\n',
  ]);
});

test('zero work, over-ticking and repeated done are harmless', () => {
  const empty = recorder();
  createProgress({ total: 0, write: empty.write, label: 'none', isTTY: false }).done();
  assert.deepEqual(empty.writes, ['none: 100% (0/0)\n']);

  const { writes, write } = recorder();
  const progress = createProgress({ total: 4, write, label: 'p', isTTY: false });
  progress.tick(10);
  progress.done();
  progress.done();
  progress.tick();
  assert.deepEqual(writes, ['p: 100% (4/4)\n']);
});

test('any tick sequence gives at most four non-decreasing log lines, ending at 100 %', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5000 }),
      fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 60 }),
      (total, ticks) => {
        const { writes, write } = recorder();
        const progress = createProgress({ total, write, label: 'p', isTTY: false });
        for (const n of ticks) progress.tick(n);
        progress.done();
        const percents = writes.map((line) => Number(/: (\d+)%/.exec(line)?.[1]));
        assert.ok(percents.length >= 1 && percents.length <= 4, writes.join(''));
        assert.ok(percents.every((p, i) => i === 0 || p > (percents[i - 1] ?? 0)));
        assert.equal(percents[percents.length - 1], 100);
      },
    ),
  );
});
