import { sign, verify, type KeyObject } from 'node:crypto';
import { assert } from '../../numbers/index.js';
import { canonicalJson } from './canonicalJson.js';
import { fromHex, toHex } from './hex.js';
import { ED25519_SIGNATURE_BYTES } from './keys.js';

/** What a tree head says: the log had `treeSize` entries with this root at this time, signed by `keyId`. */
export interface TreeHead {
  readonly treeSize: number;
  /** MTH of the first `treeSize` entries, 64 lower-case hex digits. */
  readonly rootHash: string;
  /** When the head was signed, ms since the Unix epoch (supplied by the signer, never read from a clock). */
  readonly timestampMs: number;
  readonly keyId: string;
}

export interface SignedTreeHead extends TreeHead {
  /** Ed25519 signature over `treeHeadSigningBytes(head)`, 128 lower-case hex digits. */
  readonly signature: string;
}

/**
 * Domain separation: a signature over a tree head can never be replayed as a signature over anything else
 * the same key signs (approvals, other logs), because no other message starts with this text.
 */
const TREE_HEAD_DOMAIN = 'bulwark/disclosure/tree-head/v1\n';

/** The bytes an Ed25519 tree-head signature covers: the domain line, then the canonical JSON of the head. */
export function treeHeadSigningBytes(head: TreeHead): Uint8Array {
  const body = canonicalJson({
    keyId: head.keyId,
    rootHash: head.rootHash,
    timestampMs: head.timestampMs,
    treeSize: head.treeSize,
  });
  assert(body.ok, 'a tree head is canonical JSON');
  return new TextEncoder().encode(TREE_HEAD_DOMAIN + body.value);
}

/** Signs a tree head with an Ed25519 private key (deterministic: the same head gives the same signature). */
export function signTreeHead(head: TreeHead, privateKey: KeyObject): SignedTreeHead {
  assert(privateKey.type === 'private' && privateKey.asymmetricKeyType === 'ed25519', 'Ed25519 private key');
  const signature = toHex(new Uint8Array(sign(null, treeHeadSigningBytes(head), privateKey)));
  return { ...head, signature };
}

/** Whether `head.signature` is `publicKey`'s Ed25519 signature over the head. */
export function verifyTreeHeadSignature(head: SignedTreeHead, publicKey: KeyObject): boolean {
  const signature = fromHex(head.signature, ED25519_SIGNATURE_BYTES);
  if (!signature.ok) return false;
  return verify(null, treeHeadSigningBytes(head), publicKey, signature.value);
}
