import { assert } from '../numbers/index.js';

/** Smallest table (slots); it doubles whenever it would pass half full. */
const INITIAL_SLOTS = 1024;

/** FNV-1a over the UTF-16 code units, 32 bits: cheap for short ids, and the same on every machine. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/**
 * A set of short strings (fill idempotency ids) for the fill path, each with the time it was added, from which the
 * oldest can be expired (an idempotency window). A `Set<string>` of a few hundred thousand ids costs about a
 * microsecond a lookup there: each probe reads the stored key string to compare hashes, a cache miss on a table far
 * larger than the cache. Here each slot is two adjacent 32-bit words, the id's index + 1 and its hash, so looking
 * up a new id touches one cache line of one typed array and reads a stored string only when the hashes match. Open
 * addressing with linear probing, at most half full; a removed id's slot is refilled by shifting its probe run back
 * (no tombstones). Ids are kept in insertion order, their times non-decreasing, so the oldest are at the front.
 *
 * The fill path asks `usedAt` and then, once the fill is applied, `add` for the same id: `usedAt` remembers where
 * it stopped, and `add` of that id (with nothing added or removed in between) places it there without hashing or
 * probing again.
 */
export class IdSet {
  /** Ids in insertion order; those before `head` have been removed. */
  private ids: string[] = [];
  /** `times[i]` is when `ids[i]` was added (non-decreasing). */
  private times: number[] = [];
  private head = 0;
  /** Slot s is words 2s (the id's index in `ids` + 1; 0 is empty) and 2s + 1 (the id's hash). */
  private table = new Int32Array(INITIAL_SLOTS * 2);
  /** The last id `usedAt` did not find, its hash, and the empty slot its probe ended on (−1: none). */
  private missId = '';
  private missHash = 0;
  private missSlot = -1;

  get size(): number {
    return this.ids.length - this.head;
  }

  has(id: string): boolean {
    return this.usedAt(id) >= 0;
  }

  /** When `id` was added, or −1 when it is not in the set. */
  usedAt(id: string): number {
    const hash = hashOf(id);
    const slot = this.find(id, hash);
    if (slot >= 0) return this.times[(this.table[2 * slot] ?? 0) - 1] ?? -1;
    this.missId = id;
    this.missHash = hash;
    this.missSlot = -1 - slot;
    return -1;
  }

  /**
   * Adds `id` at `timeMs` (no earlier than the last add). Adding one already present is a bug (callers check
   * first: validate, then mutate).
   */
  add(id: string, timeMs: number): void {
    const last = this.times.length === 0 ? 0 : (this.times[this.times.length - 1] ?? 0);
    if (!(Number.isSafeInteger(timeMs) && timeMs >= 0 && (this.size === 0 || timeMs >= last)))
      assert(false, `IdSet.add at ${timeMs}, before the last add (${last}) or not a time`);
    let hash: number;
    let slot: number;
    if (this.missSlot >= 0 && id === this.missId) {
      hash = this.missHash;
      slot = this.missSlot;
    } else {
      hash = hashOf(id);
      const found = this.find(id, hash);
      assert(found < 0, 'IdSet.add of an id already present');
      slot = -1 - found;
    }
    this.missSlot = -1;
    if ((this.size + 1) * 2 > this.table.length / 2) {
      this.grow();
      slot = this.emptySlot(hash);
    }
    this.ids.push(id);
    this.times.push(timeMs);
    this.table[2 * slot] = this.ids.length;
    this.table[2 * slot + 1] = hash;
  }

  /** Removes every id added at or before `cutoffMs` (the oldest first); returns how many were removed. */
  expireThrough(cutoffMs: number): number {
    const from = this.head;
    while (this.head < this.ids.length && (this.times[this.head] ?? 0) <= cutoffMs) {
      const id = this.ids[this.head] ?? '';
      const slot = this.find(id, hashOf(id));
      assert(slot >= 0, 'IdSet: an id in the list is missing from the table');
      this.removeSlot(slot);
      this.head++;
    }
    const removed = this.head - from;
    if (removed === 0) return 0;
    this.missSlot = -1;
    if (this.head === this.ids.length) {
      this.ids = [];
      this.times = [];
      this.head = 0;
    } else if (this.head >= INITIAL_SLOTS && this.head * 2 >= this.ids.length) {
      this.compact();
    }
    return removed;
  }

  /** The ids in insertion order. */
  values(): readonly string[] {
    return this.head === 0 ? this.ids : this.ids.slice(this.head);
  }

  /** Each id with the time it was added, in insertion order. */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    for (let i = this.head; i < this.ids.length; i++) out.push([this.ids[i] ?? '', this.times[i] ?? 0]);
    return out;
  }

  /** The slot holding `id`, or −1 − the empty slot where its probe ended. */
  private find(id: string, hash: number): number {
    const table = this.table;
    const mask = table.length / 2 - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[2 * slot] ?? 0;
      if (entry === 0) return -1 - slot;
      if (table[2 * slot + 1] === hash && this.ids[entry - 1] === id) return slot;
    }
  }

  /** The first empty slot on `hash`'s probe path. */
  private emptySlot(hash: number): number {
    const table = this.table;
    const mask = table.length / 2 - 1;
    let slot = hash & mask;
    while ((table[2 * slot] ?? 0) !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  /**
   * Empties `slot`, moving back each later entry of its probe run whose home slot does not lie (cyclically) after
   * the hole and at or before the entry, so that every remaining id is still found from its home slot.
   */
  private removeSlot(slot: number): void {
    const table = this.table;
    const mask = table.length / 2 - 1;
    let hole = slot;
    for (let next = (hole + 1) & mask; (table[2 * next] ?? 0) !== 0; next = (next + 1) & mask) {
      const home = (table[2 * next + 1] ?? 0) & mask;
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      table[2 * hole] = table[2 * next] ?? 0;
      table[2 * hole + 1] = table[2 * next + 1] ?? 0;
      hole = next;
    }
    table[2 * hole] = 0;
    table[2 * hole + 1] = 0;
  }

  /** Drops the removed front of the lists; every index in the table moves down by the same amount. */
  private compact(): void {
    const head = this.head;
    this.ids = this.ids.slice(head);
    this.times = this.times.slice(head);
    this.head = 0;
    const table = this.table;
    for (let i = 0; i < table.length; i += 2) {
      const entry = table[i] ?? 0;
      if (entry !== 0) table[i] = entry - head;
    }
  }

  /**
   * Doubles the table. The old slots are read in order, and an entry at its home slot s lands at s or s + the
   * old size in the new table, so both tables are walked nearly in order (a rehash in insertion order would
   * jump across the whole new table for every id).
   */
  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i] ?? 0;
      if (entry === 0) continue;
      const hash = old[i + 1] ?? 0;
      const slot = this.emptySlot(hash);
      this.table[2 * slot] = entry;
      this.table[2 * slot + 1] = hash;
    }
  }
}
