import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createMemoryJournalStore,
  JournalError,
  openMemoryJournal,
  type MemoryJournalStore,
} from '../../src/journal/index.js';
import { entries, flipOneByte, journalConformance } from './conformance.js';

journalConformance('memory', () => {
  const store: MemoryJournalStore = createMemoryJournalStore();
  const indexOf = (seq: number): number => {
    const index = store.records.findIndex((record) => record.seq === seq);
    assert.ok(index >= 0, `no stored seq ${seq} to tamper with`);
    return index;
  };
  return Promise.resolve({
    journal: openMemoryJournal(store),
    reopen: () => Promise.resolve(openMemoryJournal(store)),
    tamper: (seq: number) => {
      const index = indexOf(seq);
      const record = store.records[index];
      assert.ok(record !== undefined);
      store.records[index] = { ...record, payload: flipOneByte(record.payload) };
      return Promise.resolve();
    },
    truncate: () => {
      store.records.pop();
      return Promise.resolve();
    },
  });
});

test('memory: a second journal on the same store makes the first refuse to fork the chain', async () => {
  const store = createMemoryJournalStore();
  const first = openMemoryJournal(store);
  await first.append(entries(1, 2));
  const second = openMemoryJournal(store);
  await second.append(entries(3, 1));
  await assert.rejects(first.append(entries(3, 1)), (error: unknown) => {
    assert.ok(error instanceof JournalError);
    assert.equal(error.code, 'head_mismatch');
    return true;
  });
  assert.ok((await second.verify()).ok);
});
