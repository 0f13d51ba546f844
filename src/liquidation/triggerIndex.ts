import { assert } from '../numbers/index.js';

/**
 * Most handles one index holds (handles 0 … 2^24 − 1, about 16.8 million positions per symbol). The index
 * takes 4 bytes per handle for its handle map (64 MiB at this bound) and 12 bytes per heap slot; a heap
 * doubles as it fills, so it has at most twice as many slots as entries, and never more than this bound.
 */
export const MAX_TRIGGER_HANDLES = 1 << 24;

/** Slots each side's heap starts with (entries); it doubles whenever it is full. */
const INITIAL_HEAP_SLOTS = 1024;

export type TriggerSide = 'long' | 'short';

type SideIndex = 0 | 1;
const LONG: SideIndex = 0;
const SHORT: SideIndex = 1;
const SIDE_NAMES = ['long', 'short'] as const;

/**
 * The positions of one symbol that may have fallen below maintenance margin at a mark price, found without
 * scanning the book: every position (a caller-chosen integer handle) has a float64 trigger price and a side;
 * a long may need liquidation when mark ≤ trigger, a short when mark ≥ trigger. Triggers are screening keys,
 * rounded conservatively by the caller (long triggers up, short triggers down), who re-checks each candidate
 * exactly.
 *
 * Each side is an indexed binary max-heap in typed arrays: the long heap keyed by trigger, so its root is the
 * first long to fire as the mark falls, and the short heap keyed by −trigger, so its root is the first short
 * to fire as the mark rises and one sift routine serves both. A handle map (Int32Array) gives each handle's
 * heap position, so updating or removing any handle is O(log n). No JS object is allocated per entry: at a
 * million positions a tick that fires nothing reads the two roots and stops.
 *
 * A long trigger of −Infinity or a short one of +Infinity never fires (marks are finite); such handles are
 * stored like any other, so `has`, `sideOf` and `forEach` still see them. −0 is stored as 0.
 */
export class TriggerIndex {
  /** Per handle: −1 when absent, else 2 × its heap position + its side index. */
  private slotCodes: Int32Array;
  /** Per side, in heap order: the keys (long: trigger; short: −trigger) and their handles. */
  private readonly keys: [Float64Array, Float64Array];
  private readonly handles: [Int32Array, Int32Array];
  private readonly sizes: [number, number] = [0, 0];
  /** Key comparisons so far (heap sifts and root checks), so tests can bound the work structurally. */
  private comparisons = 0;
  /** True while `forEach` runs: changing the index then is a bug. */
  private visiting = false;

  /** `initialCapacity`: handles accepted before the handle map first grows (1 … MAX_TRIGGER_HANDLES). */
  constructor(initialCapacity: number) {
    assert(
      Number.isInteger(initialCapacity) && initialCapacity >= 1 && initialCapacity <= MAX_TRIGGER_HANDLES,
      `TriggerIndex capacity ${initialCapacity} outside 1 … ${MAX_TRIGGER_HANDLES}`,
    );
    this.slotCodes = new Int32Array(initialCapacity).fill(-1);
    const heapSlots = Math.min(initialCapacity, INITIAL_HEAP_SLOTS);
    this.keys = [new Float64Array(heapSlots), new Float64Array(heapSlots)];
    this.handles = [new Int32Array(heapSlots), new Int32Array(heapSlots)];
  }

  /** Handles present, on both sides. */
  get size(): number {
    return this.sizes[LONG] + this.sizes[SHORT];
  }

  /** Handles accepted without growing (0 … capacity − 1); it doubles on demand up to MAX_TRIGGER_HANDLES. */
  get capacity(): number {
    return this.slotCodes.length;
  }

  /** Key comparisons made since construction (exact up to 2^53), for checking costs without a clock. */
  get keyComparisons(): number {
    return this.comparisons;
  }

  has(handle: number): boolean {
    return this.codeOf(handle) >= 0;
  }

  /** The handle's trigger price, or undefined when it is absent. */
  triggerOf(handle: number): number | undefined {
    const code = this.codeOf(handle);
    if (code < 0) return undefined;
    const key = this.keys[sideOfCode(code)][code >> 1] ?? NaN;
    return sideOfCode(code) === LONG ? key : -key;
  }

  sideOf(handle: number): TriggerSide | undefined {
    const code = this.codeOf(handle);
    return code < 0 ? undefined : SIDE_NAMES[sideOfCode(code)];
  }

  /**
   * Inserts `handle` with its side and trigger price, or updates it: O(log n). A handle lives on one side at a
   * time, so setting the other side moves it. `handle` is an integer in 0 … MAX_TRIGGER_HANDLES − 1 (the index
   * grows to hold it) and `trigger` any float64 but NaN (both asserted).
   */
  set(handle: number, side: TriggerSide, trigger: number): void {
    this.assertNotVisiting();
    assert(
      Number.isInteger(handle) && handle >= 0 && handle < MAX_TRIGGER_HANDLES,
      `TriggerIndex handle ${handle} outside 0 … ${MAX_TRIGGER_HANDLES - 1}`,
    );
    assert(!Number.isNaN(trigger), `TriggerIndex trigger of handle ${handle} is NaN`);
    if (handle >= this.slotCodes.length) this.growHandles(handle);
    const sideIndex = side === 'long' ? LONG : SHORT;
    const normalised = trigger === 0 ? 0 : trigger; // −0 becomes 0
    const key = sideIndex === LONG ? normalised : -normalised;
    const code = this.slotCodes[handle] ?? -1;
    if (code >= 0 && sideOfCode(code) === sideIndex) {
      this.place(sideIndex, code >> 1, handle, key);
      return;
    }
    if (code >= 0) this.removeAt(sideOfCode(code), code >> 1);
    if (this.sizes[sideIndex] === this.keys[sideIndex].length) this.growHeap(sideIndex);
    const position = this.sizes[sideIndex]++;
    this.place(sideIndex, position, handle, key);
  }

  /** Removes `handle`: O(log n). Returns false (and changes nothing) when it is absent. */
  remove(handle: number): boolean {
    this.assertNotVisiting();
    const code = this.codeOf(handle);
    if (code < 0) return false;
    this.removeAt(sideOfCode(code), code >> 1);
    return true;
  }

  /**
   * Pops the handles whose trigger fires at `mark` (a finite price; asserted): longs with trigger ≥ mark,
   * then shorts with trigger ≤ mark, each side in firing order (longs by falling trigger, shorts by rising
   * trigger; equal triggers in no set order). Writes them to out[0 … count − 1], REMOVES them from the index,
   * and returns count. Costs O(k log n) for k handles popped, and at most two key comparisons when none fire.
   *
   * At most out.length handles are popped: a count equal to out.length means more may have fired, so call
   * again. The caller re-checks each popped handle exactly and then either drops it (liquidated, closed) or
   * `set`s it again with its re-derived trigger; it should re-set only after a call returns fewer than
   * out.length, or a handle whose screen still fires at this mark comes back in the same drain.
   */
  crossed(mark: number, out: Int32Array): number {
    this.assertNotVisiting();
    assert(Number.isFinite(mark), `TriggerIndex mark ${mark} is not finite`);
    const count = this.drain(LONG, mark, out, 0);
    return this.drain(SHORT, -mark, out, count);
  }

  /** The largest long trigger: the next long to fire as the mark falls; −Infinity when there are no longs. */
  peekLong(): number {
    return this.sizes[LONG] === 0 ? -Infinity : (this.keys[LONG][0] ?? NaN);
  }

  /** The smallest short trigger: the next short to fire as the mark rises; +Infinity when there are none. */
  peekShort(): number {
    return this.sizes[SHORT] === 0 ? Infinity : -(this.keys[SHORT][0] ?? NaN);
  }

  /**
   * Visits every handle with its side and trigger (the periodic full-scan safety net): longs, then shorts, in
   * heap order. Changing the index from `visit` is a bug (asserted).
   */
  forEach(visit: (handle: number, side: TriggerSide, trigger: number) => void): void {
    this.assertNotVisiting();
    this.visiting = true;
    try {
      for (const sideIndex of [LONG, SHORT]) {
        const keys = this.keys[sideIndex];
        const handles = this.handles[sideIndex];
        const size = this.sizes[sideIndex];
        for (let position = 0; position < size; position++) {
          const key = keys[position] ?? NaN;
          visit(handles[position] ?? -1, SIDE_NAMES[sideIndex], sideIndex === LONG ? key : -key);
        }
      }
    } finally {
      this.visiting = false;
    }
  }

  /**
   * Recomputes the structure's invariants from scratch, O(capacity): each heap ordered, no NaN key, every heap
   * entry's handle mapped back to its slot, and no other handle mapped. Returns the violations (none: sound).
   */
  checkInvariants(): string[] {
    const violations: string[] = [];
    let mapped = 0;
    for (let handle = 0; handle < this.slotCodes.length; handle++) {
      const code = this.slotCodes[handle] ?? -1;
      if (code < -1) violations.push(`handle ${handle} has code ${code}`);
      if (code < 0) continue;
      mapped++;
      const side = sideOfCode(code);
      const position = code >> 1;
      if (position >= this.sizes[side] || this.handles[side][position] !== handle) {
        violations.push(`handle ${handle} maps to ${SIDE_NAMES[side]} slot ${position}, not holding it`);
      }
    }
    if (mapped !== this.size) violations.push(`${mapped} handles mapped, ${this.size} in the heaps`);
    for (const side of [LONG, SHORT]) {
      const keys = this.keys[side];
      for (let position = 0; position < this.sizes[side]; position++) {
        const key = keys[position] ?? NaN;
        if (Number.isNaN(key)) violations.push(`${SIDE_NAMES[side]} slot ${position} has a NaN key`);
        const parentKey = keys[(position - 1) >> 1] ?? NaN;
        if (position > 0 && !(parentKey >= key)) {
          violations.push(`${SIDE_NAMES[side]} slot ${position} key ${key} above its parent's ${parentKey}`);
        }
      }
    }
    return violations;
  }

  /** The handle's code (−1 when absent, including any handle outside the map). */
  private codeOf(handle: number): number {
    return Number.isInteger(handle) && handle >= 0 ? (this.slotCodes[handle] ?? -1) : -1;
  }

  /** Pops `side`'s roots while their key is ≥ `threshold` and `out` has room; returns the new count. */
  private drain(side: SideIndex, threshold: number, out: Int32Array, start: number): number {
    const keys = this.keys[side];
    const handles = this.handles[side];
    let count = start;
    while (count < out.length && this.sizes[side] > 0) {
      this.comparisons++;
      if (!((keys[0] ?? NaN) >= threshold)) break;
      out[count++] = handles[0] ?? -1;
      this.removeAt(side, 0);
    }
    return count;
  }

  /** Removes the entry at `position` of `side`'s heap, filling the hole with the heap's last entry. */
  private removeAt(side: SideIndex, position: number): void {
    const handles = this.handles[side];
    const last = --this.sizes[side];
    this.slotCodes[handles[position] ?? -1] = -1;
    if (position === last) return;
    this.place(side, position, handles[last] ?? -1, this.keys[side][last] ?? NaN);
  }

  /**
   * Puts `handle` with `key` at `position` of `side`'s heap, whose other entries are in heap order, and sifts
   * it up or down to where it belongs, moving the entries it passes (a hole, not swaps) and their codes.
   */
  private place(side: SideIndex, position: number, handle: number, key: number): void {
    const keys = this.keys[side];
    const handles = this.handles[side];
    const codes = this.slotCodes;
    const size = this.sizes[side];
    let hole = position;
    let comparisons = 0;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const parentKey = keys[parent] ?? NaN;
      comparisons++;
      if (parentKey >= key) break;
      const parentHandle = handles[parent] ?? -1;
      keys[hole] = parentKey;
      handles[hole] = parentHandle;
      codes[parentHandle] = 2 * hole + side;
      hole = parent;
    }
    if (hole === position) {
      for (;;) {
        let child = 2 * hole + 1;
        if (child >= size) break;
        let childKey = keys[child] ?? NaN;
        if (child + 1 < size) {
          const rightKey = keys[child + 1] ?? NaN;
          comparisons++;
          if (rightKey > childKey) {
            child++;
            childKey = rightKey;
          }
        }
        comparisons++;
        if (key >= childKey) break;
        const childHandle = handles[child] ?? -1;
        keys[hole] = childKey;
        handles[hole] = childHandle;
        codes[childHandle] = 2 * hole + side;
        hole = child;
      }
    }
    keys[hole] = key;
    handles[hole] = handle;
    codes[handle] = 2 * hole + side;
    this.comparisons += comparisons;
  }

  /** Doubles the handle map (at most to MAX_TRIGGER_HANDLES) until it holds `handle`. */
  private growHandles(handle: number): void {
    let length = this.slotCodes.length;
    while (length <= handle) length = Math.min(length * 2, MAX_TRIGGER_HANDLES);
    const grown = new Int32Array(length).fill(-1);
    grown.set(this.slotCodes);
    this.slotCodes = grown;
  }

  /** Doubles `side`'s heap arrays; no heap outgrows MAX_TRIGGER_HANDLES, as each handle is in one heap. */
  private growHeap(side: SideIndex): void {
    const length = Math.min(this.keys[side].length * 2, MAX_TRIGGER_HANDLES);
    assert(length > this.sizes[side], `TriggerIndex ${SIDE_NAMES[side]} heap beyond ${MAX_TRIGGER_HANDLES}`);
    const keys = new Float64Array(length);
    keys.set(this.keys[side]);
    this.keys[side] = keys;
    const handles = new Int32Array(length);
    handles.set(this.handles[side]);
    this.handles[side] = handles;
  }

  private assertNotVisiting(): void {
    assert(!this.visiting, 'TriggerIndex changed during forEach');
  }
}

function sideOfCode(code: number): SideIndex {
  return (code & 1) === 0 ? LONG : SHORT;
}
