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
            set.add(id);
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
  for (let i = 0; i < 200_000; i++) set.add(`f${i}`);
  assert.equal(set.size, 200_000);
  for (let i = 0; i < 200_000; i += 997) assert.ok(set.has(`f${i}`));
  assert.ok(!set.has('f200000'));
  assert.throws(() => {
    set.add('f5');
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
            set.add(added);
            reference.add(added);
          }
          if (!reference.has(asked) && asked.length % 2 === 0) {
            set.add(asked);
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
