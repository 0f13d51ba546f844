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
 * hashes, a cache miss on a table far larger than the cache. Here the slots hold each id's 32-bit hash next to
 * its index, so looking up a new id touches one small typed array and reads a stored string only when the
 * hashes match. Open addressing with linear probing, at most half full; ids are kept in insertion order.
 */
export class IdSet {
  private ids: string[] = [];
  private idHashes = new Int32Array(INITIAL_SLOTS / 2);
  /** Per slot: the id's index + 1 (0 is empty). */
  private slots = new Int32Array(INITIAL_SLOTS);
  /** Per slot: the id's hash (compared before the string). */
  private slotHashes = new Int32Array(INITIAL_SLOTS);

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.find(id, hashOf(id)) >= 0;
  }

  /** Adds `id`; adding one already present is a bug (callers check `has` first: validate, then mutate). */
  add(id: string): void {
    const hash = hashOf(id);
    assert(this.find(id, hash) < 0, 'IdSet.add of an id already present');
    if ((this.ids.length + 1) * 2 > this.slots.length) this.grow();
    if (this.ids.length === this.idHashes.length) {
      const hashes = new Int32Array(this.idHashes.length * 2);
      hashes.set(this.idHashes);
      this.idHashes = hashes;
    }
    this.ids.push(id);
    this.idHashes[this.ids.length - 1] = hash;
    this.place(this.ids.length, hash);
  }

  /** The ids in insertion order. */
  values(): readonly string[] {
    return this.ids;
  }

  /** The slot holding `id`, or −1. */
  private find(id: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] ?? 0;
      if (entry === 0) return -1;
      if (this.slotHashes[slot] === hash && this.ids[entry - 1] === id) return slot;
    }
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while ((this.slots[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry;
    this.slotHashes[slot] = hash;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.slotHashes = new Int32Array(this.slots.length);
    for (let i = 0; i < this.ids.length; i++) this.place(i + 1, this.idHashes[i] ?? 0);
  }
}
