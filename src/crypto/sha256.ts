import * as crypto from 'node:crypto';

/**
 * One-shot `crypto.hash` (Node ≥ 20.12): no Hash object per call, about a third of `createHash(…).update(…)
 * .digest(…)` for a short text, which matters where every journal entry is hashed. Older Node 20 releases
 * take the streaming form; both give the same digest.
 */
const oneShot: ((algorithm: string, data: string, encoding: 'hex') => string) | null =
  typeof crypto.hash === 'function' ? crypto.hash : null;

/** SHA-256 of a text (UTF-8), lowercase hex. */
export function sha256Hex(text: string): string {
  return oneShot !== null
    ? oneShot('sha256', text, 'hex')
    : crypto.createHash('sha256').update(text, 'utf8').digest('hex');
}
