/**
 * The public, tamper-evident disclosure log of margin-rate and parameter changes (STATUTORY.md §4).
 *
 * File format (JSON Lines, UTF-8, append-only):
 *
 *   - One line per entry, each ending in "\n" (also the last: a missing final newline is a torn append).
 *     Line k (1-based) holds the entry with seq k − 1.
 *   - A line is the canonical JSON (`canonicalJson`: keys sorted by UTF-16 code units, no white space,
 *     integers only, decimals as strings) of `{"entry": DisclosureEntry, "treeHead": SignedTreeHead}`.
 *     Re-serialising a parsed line must give back the same bytes, so no byte can change unnoticed.
 *   - Leaf k of the Merkle tree is the RFC 6962 leaf hash SHA-256(0x00 ‖ canonical UTF-8 bytes of entry k);
 *     the tree is RFC 6962 / RFC 9162 §2.1 (node hash SHA-256(0x01 ‖ left ‖ right), empty root SHA-256("")).
 *   - `entry.prevHash` is the leaf hash (hex) of entry seq − 1, 64 zeros for seq 0: the entries also form a
 *     hash chain, so a reader can check order without building the tree.
 *   - `treeHead` on line k is the signed tree head {treeSize: k, rootHash, timestampMs, keyId, signature}
 *     for the tree of the first k entries. The signature is Ed25519 (`sign(null, …)`, deterministic) over
 *     the bytes "bulwark/disclosure/tree-head/v1\n" followed by the canonical JSON of
 *     {keyId, rootHash, timestampMs, treeSize}. `keyId` is the first 16 hex digits of SHA-256 of the raw
 *     32-byte public key. Every line carries its head, so altering the last line is detected as well.
 *   - Entries are never edited: a correction is a new entry (kind "correction") whose `supersedes` names
 *     the seq it corrects.
 *
 * The file holds no keys: a verifier brings the public keys it trusts (`--public-key`), because keys read
 * from the log itself would prove only that the log agrees with itself.
 */
export { canonicalJson, canonicalBytes, MAX_CANONICAL_DEPTH } from './canonicalJson.js';
export {
  EMPTY_ROOT,
  HASH_BYTES,
  leafHash,
  nodeHash,
  MerkleTree,
  verifyInclusion,
  verifyConsistency,
} from './merkle.js';
export {
  verifyInclusionProof,
  verifyConsistencyProof,
  MAX_PROOF_HASHES,
  type InclusionProof,
  type ConsistencyProof,
} from './proofs.js';
export {
  publicKeyFromHex,
  privateKeyFromSeedHex,
  publicKeyHex,
  keyIdOf,
  trustedKeys,
  ED25519_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  KEY_ID_HEX_DIGITS,
} from './keys.js';
export {
  signTreeHead,
  verifyTreeHeadSignature,
  treeHeadSigningBytes,
  type TreeHead,
  type SignedTreeHead,
} from './treeHead.js';
export {
  validateEntry,
  ENTRY_KINDS,
  GENESIS_PREV_HASH,
  MAX_TEXT_CHARS,
  MAX_FORMULA_SOURCE_CHARS,
  MAX_NAMED_VALUES,
  MAX_HISTORY_BARS,
  MAX_CLAMPS,
  type EntryKind,
  type DisclosureEntry,
  type DisclosureEntryInput,
  type DisclosureInputs,
  type InputHistory,
  type HistoryReference,
  type PriceBarText,
} from './entry.js';
export { MAX_LINE_BYTES, MAX_LOG_ENTRIES, MAX_LOG_BYTES, formatLogLine, type LogError } from './logLine.js';
export { verifyLogFile, type Recompute, type VerifyOptions, type VerifyReport } from './verifyLog.js';
export { DisclosureLog, type Signer, type AppendResult } from './disclosureLog.js';
export { toHex, fromHex } from './hex.js';
