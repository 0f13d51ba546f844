import { err, ok, type Result } from '../../numbers/index.js';

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Bytes of lower-case hex with exactly `byteLength` bytes. Upper case is rejected: the log is canonical
 * text, and two spellings of one hash would let a byte change in the file go unnoticed.
 */
export function fromHex(text: string, byteLength: number): Result<Uint8Array, string> {
  if (text.length !== byteLength * 2) return err(`must be ${byteLength * 2} hex digits, got ${text.length}`);
  if (!LOWER_HEX.test(text)) return err('must be lower-case hex (0-9, a-f)');
  return ok(new Uint8Array(Buffer.from(text, 'hex')));
}

/** Constant-length byte equality (hash comparison; nothing secret is compared). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
