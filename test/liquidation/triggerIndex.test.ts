import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError } from '../../src/numbers/index.js';
import { MAX_TRIGGER_HANDLES, TriggerIndex, type TriggerSide } from '../../src/liquidation/triggerIndex.js';

interface Entry {
  readonly side: TriggerSide;
  readonly trigger: number;
}

/** The naive reference: a scan of every entry. */
function firesAt(entry: Entry, mark: number): boolean {
  return entry.side === 'long' ? mark <= entry.trigger : mark >= entry.trigger;
}

/** Firing order: longs by falling trigger, then shorts by rising trigger. */
function firingOrder(a: Entry, b: Entry): number {
  if (a.side !== b.side) return a.side === 'long' ? -1 : 1;
  const sign = a.side === 'long' ? -1 : 1;
  return a.trigger < b.trigger ? -sign : a.trigger > b.trigger ? sign : 0;
}

function assertSound(index: TriggerIndex): void {
  assert.deepEqual(index.checkInvariants(), []);
}

/** Calls `crossed` until it returns less than `out` holds; the handles popped, in order. */
function drain(index: TriggerIndex, mark: number, outLength: number): number[] {
  const out = new Int32Array(outLength);
  const popped: number[] = [];
  for (;;) {
    const count = index.crossed(mark, out);
    assert.ok(count >= 0 && count <= outLength);
    popped.push(...out.subarray(0, count));
    if (count < outLength) return popped;
  }
}

/** A float64 trigger or mark drawn from a few values, so that equal keys are common, or from anywhere. */
const price = fc.oneof(
  fc.constantFrom(0, -0, 1, 2, 2.5, 3, 100, -1),
  fc.integer({ min: -20, max: 20 }).map((n) => n / 4),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const trigger = fc.oneof(price, fc.constantFrom(Infinity, -Infinity));
const side = fc.constantFrom<TriggerSide>('long', 'short');

type Command =
  | { readonly kind: 'set'; readonly handle: number; readonly side: TriggerSide; readonly trigger: number }
  | { readonly kind: 'remove'; readonly handle: number }
  | { readonly kind: 'crossed'; readonly mark: number; readonly outLength: number };

const smallHandle = fc.integer({ min: 0, max: 40 });
/** Handles well past the initial capacity, so the index grows mid-sequence. */
const largeHandle = fc.integer({ min: 41, max: 5000 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      handle: smallHandle,
      side,
      trigger,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('set' as const), handle: largeHandle, side, trigger }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), handle: smallHandle }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('crossed' as const),
      mark: price,
      outLength: fc.integer({ min: 1, max: 8 }),
    }),
  },
);

function checkAgainstModel(index: TriggerIndex, model: Map<number, Entry>, handle: number): void {
  const entry = model.get(handle);
  assert.equal(index.has(handle), entry !== undefined);
  assert.equal(index.sideOf(handle), entry?.side);
  assert.equal(index.triggerOf(handle), entry?.trigger);
  assert.equal(index.size, model.size);
  const longs = [...model.values()].filter((e) => e.side === 'long').map((e) => e.trigger);
  const shorts = [...model.values()].filter((e) => e.side === 'short').map((e) => e.trigger);
  assert.equal(index.peekLong(), Math.max(-Infinity, ...longs));
  assert.equal(index.peekShort(), Math.min(Infinity, ...shorts));
}

describe('TriggerIndex against a naive scan', () => {
  test('random set / remove / crossed / growth sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(command, { minLength: 1, maxLength: 200 }),
        (initialCapacity, commands) => {
          const index = new TriggerIndex(initialCapacity);
          const model = new Map<number, Entry>();
          for (const c of commands) {
            if (c.kind === 'set') {
              index.set(c.handle, c.side, c.trigger);
              model.set(c.handle, { side: c.side, trigger: c.trigger === 0 ? 0 : c.trigger });
              checkAgainstModel(index, model, c.handle);
            } else if (c.kind === 'remove') {
              assert.equal(index.remove(c.handle), model.delete(c.handle));
              checkAgainstModel(index, model, c.handle);
            } else {
              const fired = [...model].filter(([, entry]) => firesAt(entry, c.mark));
              const popped = drain(index, c.mark, c.outLength);
              assert.deepEqual(new Set(popped), new Set(fired.map(([handle]) => handle)));
              assert.equal(popped.length, fired.length);
              const poppedEntries = popped.map(
                (handle) => model.get(handle) ?? assert.fail('unknown handle'),
              );
              assert.deepEqual(poppedEntries, [...poppedEntries].sort(firingOrder));
              for (const handle of popped) model.delete(handle);
              assert.equal(index.size, model.size);
            }
            assertSound(index);
          }
          const visited = new Map<number, Entry>();
          index.forEach((handle, visitedSide, visitedTrigger) => {
            assert.ok(!visited.has(handle));
            visited.set(handle, { side: visitedSide, trigger: visitedTrigger });
          });
          assert.deepEqual(visited, model);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('TriggerIndex edge cases', () => {
  test('many equal triggers fire together, and not a hair before', () => {
    const index = new TriggerIndex(4);
    for (let handle = 0; handle < 300; handle++) index.set(handle, handle % 2 === 0 ? 'long' : 'short', 50);
    assertSound(index);
    assert.equal(index.crossed(50.000000000001, new Int32Array(400)), 150);
    assert.equal(index.crossed(49.999999999999, new Int32Array(400)), 150);
    assert.equal(index.size, 0);
    for (let handle = 0; handle < 300; handle++) index.set(handle, 'long', 50);
    assert.equal(index.crossed(50.000000000001, new Int32Array(400)), 0);
    const out = new Int32Array(400);
    assert.equal(index.crossed(50, out), 300);
    assert.deepEqual(
      [...out.subarray(0, 300)].sort((a, b) => a - b),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assertSound(index);
  });

  test('infinite triggers: −Infinity longs and +Infinity shorts never fire, the others always do', () => {
    const index = new TriggerIndex(8);
    index.set(0, 'long', -Infinity);
    index.set(1, 'short', Infinity);
    assert.equal(index.peekLong(), -Infinity);
    assert.equal(index.peekShort(), Infinity);
    const out = new Int32Array(8);
    for (const mark of [-Number.MAX_VALUE, -1, 0, 1, Number.MAX_VALUE])
      assert.equal(index.crossed(mark, out), 0);
    assert.equal(index.size, 2);
    assert.equal(index.sideOf(0), 'long');
    index.set(2, 'long', Infinity);
    index.set(3, 'short', -Infinity);
    assert.equal(index.crossed(Number.MAX_VALUE, out), 2);
    assert.deepEqual(new Set(out.subarray(0, 2)), new Set([2, 3]));
    assertSound(index);
  });

  test('peeks report the next trigger on each side, and ±Infinity when a side is empty', () => {
    const index = new TriggerIndex(8);
    assert.equal(index.peekLong(), -Infinity);
    assert.equal(index.peekShort(), Infinity);
    index.set(0, 'long', 90);
    index.set(1, 'long', 95);
    index.set(2, 'short', 110);
    index.set(3, 'short', 105);
    assert.equal(index.peekLong(), 95);
    assert.equal(index.peekShort(), 105);
    index.set(1, 'long', 80);
    assert.equal(index.peekLong(), 90);
    index.remove(3);
    assert.equal(index.peekShort(), 110);
  });

  test('a handle moves between sides, is reused after removal, and −0 is stored as 0', () => {
    const index = new TriggerIndex(2);
    index.set(1, 'long', 10);
    index.set(1, 'short', 20);
    assert.equal(index.size, 1);
    assert.equal(index.sideOf(1), 'short');
    assert.equal(index.peekLong(), -Infinity);
    assert.equal(index.remove(1), true);
    assert.equal(index.remove(1), false);
    assert.equal(index.has(1), false);
    assert.equal(index.triggerOf(1), undefined);
    assert.equal(index.sideOf(1), undefined);
    index.set(1, 'long', 30);
    assert.equal(index.triggerOf(1), 30);
    index.set(0, 'short', -0);
    assert.ok(Object.is(index.triggerOf(0), 0));
    assert.ok(Object.is(index.peekShort(), 0));
    index.set(0, 'long', -0);
    assert.ok(Object.is(index.triggerOf(0), 0));
    assertSound(index);
  });

  test('absent and out-of-range handles are absent; removing them is a no-op', () => {
    const index = new TriggerIndex(4);
    index.set(2, 'long', 1);
    for (const handle of [-1, 0.5, 3, 4, 1_000_000, MAX_TRIGGER_HANDLES, NaN]) {
      assert.equal(index.has(handle), false);
      assert.equal(index.triggerOf(handle), undefined);
      assert.equal(index.remove(handle), false);
    }
    assert.equal(index.size, 1);
  });

  test('the handle map doubles up to MAX_TRIGGER_HANDLES and refuses beyond', () => {
    const index = new TriggerIndex(3);
    index.set(2, 'long', 1);
    assert.equal(index.capacity, 3);
    index.set(10, 'short', 2);
    assert.equal(index.capacity, 12);
    for (let handle = 100; handle < 3000; handle++) index.set(handle, 'long', handle);
    assert.equal(index.capacity, 3072);
    assert.equal(index.size, 2902);
    assertSound(index);
    index.set(MAX_TRIGGER_HANDLES - 1, 'short', 5);
    assert.equal(index.capacity, MAX_TRIGGER_HANDLES);
    assert.equal(index.triggerOf(MAX_TRIGGER_HANDLES - 1), 5);
    assert.equal(index.triggerOf(2999), 2999);
    assert.throws(() => {
      index.set(MAX_TRIGGER_HANDLES, 'long', 1);
    }, AssertionError);
  });

  test('bad arguments are bugs', () => {
    const index = new TriggerIndex(4);
    for (const capacity of [0, -1, 1.5, MAX_TRIGGER_HANDLES + 1]) {
      assert.throws(() => new TriggerIndex(capacity), AssertionError);
    }
    for (const handle of [-1, 0.5, NaN]) {
      assert.throws(() => {
        index.set(handle, 'long', 1);
      }, AssertionError);
    }
    assert.throws(() => {
      index.set(0, 'long', NaN);
    }, AssertionError);
    for (const mark of [NaN, Infinity, -Infinity]) {
      assert.throws(() => index.crossed(mark, new Int32Array(1)), AssertionError);
    }
    assert.equal(index.size, 0);
  });

  test('forEach visits every handle once, and refuses changes from inside', () => {
    const index = new TriggerIndex(4);
    index.set(0, 'long', 1);
    index.set(1, 'short', 2);
    index.set(2, 'long', -Infinity);
    const seen: string[] = [];
    index.forEach((handle, visitedSide, visitedTrigger) =>
      seen.push(`${handle} ${visitedSide} ${visitedTrigger}`),
    );
    assert.deepEqual(seen.sort(), ['0 long 1', '1 short 2', '2 long -Infinity']);
    assert.throws(() => {
      index.forEach(() => index.remove(0));
    }, AssertionError);
    assert.throws(() => {
      index.forEach(() => index.crossed(0, new Int32Array(4)));
    }, AssertionError);
    assert.equal(index.size, 3);
    index.set(3, 'short', 4);
    assert.equal(index.size, 4);
  });
});

describe('TriggerIndex cost, counted in key comparisons', () => {
  const HANDLES = 20_000;
  /** Two comparisons per level of a heap of HANDLES entries: the most one sift down makes. */
  const SIFT_MAX = 2 * Math.ceil(Math.log2(HANDLES + 1));

  function population(): TriggerIndex {
    const index = new TriggerIndex(1024);
    for (let handle = 0; handle < HANDLES; handle++) {
      // Longs trigger below 1000, shorts above 2000, in a scrambled order.
      const spread = ((handle * 7919) % HANDLES) / 20;
      if (handle % 2 === 0) index.set(handle, 'long', 999 - spread);
      else index.set(handle, 'short', 2001 + spread);
    }
    return index;
  }

  test('a tick that fires nothing compares the two roots and nothing else', () => {
    const index = population();
    const out = new Int32Array(16);
    for (const mark of [1000, 1500, 2000]) {
      const before = index.keyComparisons;
      assert.equal(index.crossed(mark, out), 0);
      assert.equal(index.keyComparisons - before, 2);
    }
  });

  test('a tick that fires k handles costs O(k log n)', () => {
    const index = population();
    const out = new Int32Array(HANDLES);
    for (const mark of [998.5, 998, 990, 2003]) {
      const before = index.keyComparisons;
      const fired = index.crossed(mark, out);
      assert.ok(fired > 0);
      assert.ok(index.keyComparisons - before <= 2 + fired * (1 + SIFT_MAX));
    }
    assertSound(index);
  });

  test('set and remove cost O(log n)', () => {
    const index = population();
    for (let handle = 0; handle < HANDLES; handle += 97) {
      let before = index.keyComparisons;
      index.set(handle, handle % 3 === 0 ? 'short' : 'long', 1500 + (handle % 11));
      assert.ok(index.keyComparisons - before <= 2 * SIFT_MAX + 1);
      before = index.keyComparisons;
      index.remove(handle + 1);
      assert.ok(index.keyComparisons - before <= SIFT_MAX + 1);
    }
    assertSound(index);
  });
});
