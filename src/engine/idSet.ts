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
 * A growing set of short strings (fill idempotency ids) for the fill path. A `Set<string>` of a few hundred
 * thousand ids costs about a microsecond a lookup there: each probe reads the stored key string to compare
 * hashes, a cache miss on a table far larger than the cache. Here each slot is two adjacent 32-bit words, the
 * id's index + 1 and its hash, so looking up a new id touches one cache line of one typed array and reads a
 * stored string only when the hashes match. Open addressing with linear probing, at most half full; ids are
 * kept in insertion order.
 *
 * The fill path asks `has` and then, once the fill is applied, `add` for the same id: `has` remembers where it
 * stopped, and `add` of that id (with nothing added in between) places it there without hashing or probing
 * again.
 */
export class IdSet {
  private ids: string[] = [];
  /** Slot s is words 2s (the id's index + 1; 0 is empty) and 2s + 1 (the id's hash). */
  private table = new Int32Array(INITIAL_SLOTS * 2);
  /** The last id `has` did not find, its hash, and the empty slot its probe ended on (−1: none). */
  private missId = '';
  private missHash = 0;
  private missSlot = -1;

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    const hash = hashOf(id);
    const slot = this.find(id, hash);
    if (slot >= 0) return true;
    this.missId = id;
    this.missHash = hash;
    this.missSlot = -1 - slot;
    return false;
  }

  /** Adds `id`; adding one already present is a bug (callers check `has` first: validate, then mutate). */
  add(id: string): void {
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
    if ((this.ids.length + 1) * 2 > this.table.length / 2) {
      this.grow();
      slot = this.emptySlot(hash);
    }
    this.ids.push(id);
    this.table[2 * slot] = this.ids.length;
    this.table[2 * slot + 1] = hash;
  }

  /** The ids in insertion order. */
  values(): readonly string[] {
    return this.ids;
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
