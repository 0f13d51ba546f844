import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { assert, err, inputError, ok, type InputError, type Result } from '../../numbers/index.js';
import { fromHex } from './hex.js';

/** Bytes of a raw Ed25519 public key or private seed (RFC 8032). */
export const ED25519_KEY_BYTES = 32;
/** Bytes of an Ed25519 signature. */
export const ED25519_SIGNATURE_BYTES = 64;
/** Hex digits of a key id: the first 8 bytes of SHA-256 of the raw public key. */
export const KEY_ID_HEX_DIGITS = 16;

/** DER that turns a raw Ed25519 public key into SubjectPublicKeyInfo (RFC 8410 §4). */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** DER that turns a raw Ed25519 seed into a PKCS #8 private key (RFC 8410 §7). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 public key from its 64 hex digits (upper or lower case, as typed on a command line). */
export function publicKeyFromHex(text: string): Result<KeyObject, InputError> {
  const raw = fromHex(text.toLowerCase(), ED25519_KEY_BYTES);
  if (!raw.ok) return err(inputError('invalid_public_key', `public key ${raw.error}`, 'publicKey'));
  try {
    return ok(
      createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw.value]), format: 'der', type: 'spki' }),
    );
  } catch {
    // OpenSSL refuses some byte strings as keys; that is a bad input, not a bug.
    return err(inputError('invalid_public_key', 'public key is not an Ed25519 key', 'publicKey'));
  }
}

/** An Ed25519 private key from its 32-byte seed in hex, so signing keys can come from configuration or tests. */
export function privateKeyFromSeedHex(text: string): Result<KeyObject, InputError> {
  const raw = fromHex(text.toLowerCase(), ED25519_KEY_BYTES);
  if (!raw.ok) return err(inputError('invalid_private_key', `private key seed ${raw.error}`, 'privateKey'));
  return ok(
    createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, raw.value]), format: 'der', type: 'pkcs8' }),
  );
}

/** The 32 raw bytes of an Ed25519 public key, in hex. A private key gives its public half. */
export function publicKeyHex(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  assert(publicKey.asymmetricKeyType === 'ed25519', 'disclosure keys are Ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  assert(der.length === SPKI_ED25519_PREFIX.length + ED25519_KEY_BYTES, 'Ed25519 SPKI is 44 bytes');
  return der.subarray(SPKI_ED25519_PREFIX.length).toString('hex');
}

/** The key id: first 16 hex digits of SHA-256 of the raw public key (a private key gives its public key's id). */
export function keyIdOf(key: KeyObject): string {
  const raw = Buffer.from(publicKeyHex(key), 'hex');
  return createHash('sha256').update(raw).digest('hex').slice(0, KEY_ID_HEX_DIGITS);
}

/** Trusted keys by key id, from raw hex public keys. */
export function trustedKeys(hexKeys: readonly string[]): Result<Map<string, KeyObject>, InputError> {
  const keys = new Map<string, KeyObject>();
  for (const text of hexKeys) {
    const key = publicKeyFromHex(text);
    if (!key.ok) return key;
    keys.set(keyIdOf(key.value), key.value);
  }
  return ok(keys);
}
