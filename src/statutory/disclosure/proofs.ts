import { fromHex } from './hex.js';
import { HASH_BYTES, verifyConsistency, verifyInclusion } from './merkle.js';

/** Most hashes in any proof: a tree of at most 2^53 leaves is 53 levels deep, two per level at most. */
export const MAX_PROOF_HASHES = 128;

/** Proof that one entry is in the tree of `treeSize` entries whose root is `rootHash` (all hashes hex). */
export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  /** RFC 6962 audit path, from the leaf's sibling up to the root's child. */
  readonly auditPath: readonly string[];
  readonly rootHash: string;
}

/** Proof that the tree of `oldSize` entries is a prefix of the tree of `newSize` entries (all hashes hex). */
export interface ConsistencyProof {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRootHash: string;
  readonly newRootHash: string;
  readonly proof: readonly string[];
}

/** The leaf or old root, the root, then the path: null when any is not a hash or the path is too long. */
function hashes(texts: readonly string[]): Uint8Array[] | null {
  if (texts.length > MAX_PROOF_HASHES + 2) return null;
  const out: Uint8Array[] = [];
  for (const text of texts) {
    const bytes = fromHex(text, HASH_BYTES);
    if (!bytes.ok) return null;
    out.push(bytes.value);
  }
  return out;
}

/** Whether an inclusion proof (as printed by `bulwark audit prove`) verifies; malformed hex fails. */
export function verifyInclusionProof(p: InclusionProof): boolean {
  const all = hashes([p.leafHash, p.rootHash, ...p.auditPath]);
  if (all === null) return false;
  const [leaf, root, ...path] = all as [Uint8Array, Uint8Array, ...Uint8Array[]];
  return verifyInclusion(leaf, p.leafIndex, p.treeSize, path, root);
}

/** Whether a consistency proof (as printed by `bulwark audit prove`) verifies; malformed hex fails. */
export function verifyConsistencyProof(p: ConsistencyProof): boolean {
  const all = hashes([p.oldRootHash, p.newRootHash, ...p.proof]);
  if (all === null) return false;
  const [oldRoot, newRoot, ...path] = all as [Uint8Array, Uint8Array, ...Uint8Array[]];
  return verifyConsistency(p.oldSize, p.newSize, oldRoot, newRoot, path);
}
