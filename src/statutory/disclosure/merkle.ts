import { createHash } from 'node:crypto';
import { assert } from '../../numbers/index.js';
import { bytesEqual } from './hex.js';

/**
 * The Merkle tree of RFC 6962 §2.1 (RFC 9162 §2.1): leaf hash SHA-256(0x00 ‖ entry), node hash
 * SHA-256(0x01 ‖ left ‖ right), split at the largest power of two below n, empty tree SHA-256("").
 * The prefixes keep a leaf from ever being read as a node (second-preimage attack on plain Merkle trees).
 */

/** Bytes in every hash of the tree (SHA-256). */
export const HASH_BYTES = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** The root of the tree with no leaves: SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256();

/** RFC 6962 leaf hash of one entry's bytes. */
export function leafHash(entryBytes: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, entryBytes);
}

/** RFC 6962 interior node hash. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

/** `items[index]`, which the caller knows exists (a missing one is a bug). */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  assert(item !== undefined, `index ${index} out of range`);
  return item;
}

/** Exact for every safe integer: log2 of a power of two is exact in float64. */
function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/** The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * An append-only tree over leaf hashes that keeps every complete subtree's hash (level k holds the roots of
 * the aligned subtrees of 2^k leaves), so a root or proof for any size costs O(log² n) hashes, not O(n).
 */
export class MerkleTree {
  private readonly leaves: Uint8Array[] = [];
  private readonly levels: Uint8Array[][] = [this.leaves];

  /** Leaves in the tree. */
  get size(): number {
    return this.leaves.length;
  }

  /** The leaf hash at `index`. */
  leaf(index: number): Uint8Array {
    assert(Number.isSafeInteger(index) && index >= 0 && index < this.size, `leaf ${index} out of range`);
    return at(this.leaves, index);
  }

  /** Adds one leaf hash (already prefixed and hashed by `leafHash`). */
  append(hash: Uint8Array): void {
    assert(hash.length === HASH_BYTES, 'a leaf hash is 32 bytes');
    let node = hash;
    for (let level = 0; ; level++) {
      let row = this.levels[level];
      if (row === undefined) {
        row = [];
        this.levels.push(row);
      }
      row.push(node);
      if (row.length % 2 === 1) return;
      node = nodeHash(at(row, row.length - 2), node);
    }
  }

  /** MTH of the first `size` leaves (default: all). */
  root(size: number = this.size): Uint8Array {
    this.checkSize(size, 'size');
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }

  /**
   * The root the tree would have after appending `hash`, leaving the tree as it is (so a writer can sign the
   * next head before its write succeeds). Merges the new leaf into the complete subtrees that make up the
   * tree, as `append` would, then folds them from the right as MTH does.
   */
  rootWithAppended(hash: Uint8Array): Uint8Array {
    assert(hash.length === HASH_BYTES, 'a leaf hash is 32 bytes');
    const widths: number[] = [];
    const nodes: Uint8Array[] = [];
    let start = 0;
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const width = 2 ** level;
      if (Math.floor(this.size / width) % 2 === 1) {
        widths.push(width);
        nodes.push(this.stored(level, start / width));
        start += width;
      }
    }
    let width = 1;
    let node = hash;
    while (widths.length > 0 && widths[widths.length - 1] === width) {
      widths.pop();
      node = nodeHash(at(nodes, nodes.length - 1), node);
      nodes.pop();
      width *= 2;
    }
    let root = node;
    for (let i = nodes.length - 1; i >= 0; i--) root = nodeHash(at(nodes, i), root);
    return root;
  }

  /** RFC 6962 §2.1.1 PATH(index, D[size]): sibling hashes from the leaf up to the root. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.checkSize(size, 'size');
    assert(
      Number.isSafeInteger(index) && index >= 0 && index < size,
      `leaf ${index} not in a tree of ${size}`,
    );
    const proof: Uint8Array[] = [];
    this.path(index, 0, size, proof);
    return proof;
  }

  /** RFC 6962 §2.1.2 PROOF(oldSize, D[newSize]): proves the first tree is a prefix of the second. */
  consistencyProof(oldSize: number, newSize: number = this.size): Uint8Array[] {
    this.checkSize(newSize, 'newSize');
    assert(Number.isSafeInteger(oldSize) && oldSize >= 0 && oldSize <= newSize, 'oldSize must be 0..newSize');
    const proof: Uint8Array[] = [];
    if (oldSize > 0 && oldSize < newSize) this.subproof(oldSize, 0, newSize, true, proof);
    return proof;
  }

  /** The stored root of the `index`-th complete subtree of 2^level leaves. */
  private stored(level: number, index: number): Uint8Array {
    return at(this.levels[level] ?? [], index);
  }

  private checkSize(size: number, name: string): void {
    assert(
      Number.isSafeInteger(size) && size >= 0 && size <= this.size,
      `${name} ${size} beyond ${this.size}`,
    );
  }

  /**
   * MTH of the n leaves from `start`. Every range the RFC recursion visits starts at a multiple of the
   * power of two that covers it, so each complete left part is a stored node.
   */
  private subtree(start: number, n: number): Uint8Array {
    if (isPowerOfTwo(n)) {
      assert(start % n === 0, 'a complete subtree starts at a multiple of its size');
      return this.stored(Math.log2(n), start / n);
    }
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, k), this.subtree(start + k, n - k));
  }

  private path(m: number, start: number, n: number, out: Uint8Array[]): void {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, start, k, out);
      out.push(this.subtree(start + k, n - k));
    } else {
      this.path(m - k, start + k, n - k, out);
      out.push(this.subtree(start, k));
    }
  }

  private subproof(m: number, start: number, n: number, whole: boolean, out: Uint8Array[]): void {
    if (m === n) {
      if (!whole) out.push(this.subtree(start, n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, start, k, whole, out);
      out.push(this.subtree(start + k, n - k));
    } else {
      this.subproof(m - k, start + k, n - k, false, out);
      out.push(this.subtree(start, k));
    }
  }
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/**
 * RFC 9162 §2.1.3.2: does `proof` show the leaf `leaf` at `index` in the tree of `size` leaves with root
 * `root`? Sizes are safe integers, so the bit tricks use arithmetic rather than 32-bit shifts.
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leaf.length !== HASH_BYTES || root.length !== HASH_BYTES) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (p.length !== HASH_BYTES || sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `oldSize` leaves with root `oldRoot` is a prefix of
 * the tree of `newSize` leaves with root `newRoot`? Equal sizes need equal roots and an empty proof; the
 * empty tree is a prefix of every tree, but its root must still be SHA-256("").
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (oldRoot.length !== HASH_BYTES || newRoot.length !== HASH_BYTES) return false;
  if (oldSize === 0) return proof.length === 0 && bytesEqual(oldRoot, EMPTY_ROOT);
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (proof.length === 0 || proof.some((p) => p.length !== HASH_BYTES)) return false;
  // A complete old tree is itself a node of the new one, so the RFC leaves it out of the proof.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = at(path, 0);
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = at(path, i);
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}
