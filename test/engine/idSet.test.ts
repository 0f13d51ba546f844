import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { IdSet } from '../../src/engine/idSet.js';

test('IdSet answers like a Set<string> through growth, collisions and any strings', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 4 })), {
        maxLength: 3000,
      }),
      (ids) => {
        const reference = new Set<string>();
        const set = new IdSet();
        for (const id of ids) {
          assert.equal(set.has(id), reference.has(id));
          if (!reference.has(id)) {
            set.add(id, 0);
            reference.add(id);
          }
          assert.equal(set.size, reference.size);
        }
        assert.deepEqual([...set.values()], [...reference]);
        for (const id of ids) assert.ok(set.has(id));
        assert.ok(!set.has('never-added-\u0000'));
      },
    ),
    { numRuns: 200 },
  );
});

test('IdSet keeps 200,000 sequential ids (several doublings) and refuses a second add', () => {
  const set = new IdSet();
  for (let i = 0; i < 200_000; i++) set.add(`f${i}`, i);
  assert.equal(set.size, 200_000);
  for (let i = 0; i < 200_000; i += 997) assert.ok(set.has(`f${i}`));
  assert.ok(!set.has('f200000'));
  assert.throws(() => {
    set.add('f5', 200_000);
  }, /already present/);
});

test('IdSet: an add after a has of another id, or after a growth, still lands where has finds it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 2000 }),
      (pairs) => {
        const reference = new Set<string>();
        const set = new IdSet();
        for (const [asked, added] of pairs) {
          // `has` remembers where `asked`'s probe stopped; adding a different id must not use that slot.
          assert.equal(set.has(asked), reference.has(asked));
          if (!reference.has(added)) {
            set.add(added, 0);
            reference.add(added);
          }
          if (!reference.has(asked) && asked.length % 2 === 0) {
            set.add(asked, 0);
            reference.add(asked);
          }
        }
        for (const id of reference) assert.ok(set.has(id), JSON.stringify(id));
        assert.equal(set.size, reference.size);
        assert.deepEqual([...set.values()], [...reference]);
      },
    ),
    { numRuns: 200 },
  );
});

test('IdSet with expiry answers like a Map of id to time, oldest forgotten first, through growth and compaction', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          // Add an id (from a small alphabet, so ids repeat and probe runs collide) after a time step.
          fc.record({
            add: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 5 }),
            step: fc.nat(3),
          }),
          // Forget every id added at or before now − age.
          fc.record({ expireAge: fc.nat(40) }),
          // Many sequential ids at once (growth, and compaction once they expire).
          fc.record({ bulk: fc.integer({ min: 1, max: 3000 }) }),
        ),
        { maxLength: 60 },
      ),
      (steps) => {
        const set = new IdSet();
        const reference = new Map<string, number>();
        let now = 0;
        let bulkNo = 0;
        const add = (id: string): void => {
          assert.equal(set.usedAt(id), reference.get(id) ?? -1);
          if (reference.has(id)) return;
          set.add(id, now);
          reference.set(id, now);
        };
        for (const step of steps) {
          if ('add' in step) {
            now += step.step;
            add(step.add);
          } else if ('bulk' in step) {
            now += 1;
            bulkNo++;
            for (let i = 0; i < step.bulk; i++) add(`bulk${bulkNo}-${i}`);
          } else {
            const cutoff = now - step.expireAge;
            let expected = 0;
            for (const [id, time] of reference) {
              if (time <= cutoff) {
                reference.delete(id);
                expected++;
              }
            }
            assert.equal(set.expireThrough(cutoff), expected);
          }
          assert.equal(set.size, reference.size);
        }
        assert.deepEqual(set.entries(), [...reference]);
        assert.deepEqual([...set.values()], [...reference.keys()]);
        for (const [id, time] of reference) assert.equal(set.usedAt(id), time, JSON.stringify(id));
        assert.equal(set.usedAt('never-added'), -1);
      },
    ),
    { numRuns: 300 },
  );
});

test('IdSet refuses an add earlier than the last one, or at a time that is not a whole ms', () => {
  const set = new IdSet();
  set.add('a', 10);
  assert.throws(() => {
    set.add('b', 9);
  }, /before the last add/);
  assert.throws(() => {
    set.add('b', 10.5);
  }, /not a time/);
  set.add('b', 10);
  assert.equal(set.expireThrough(10), 2);
  assert.equal(set.size, 0);
});
