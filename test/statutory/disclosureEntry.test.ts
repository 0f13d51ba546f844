import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  GENESIS_PREV_HASH,
  keyIdOf,
  publicKeyFromHex,
  publicKeyHex,
  signTreeHead,
  treeHeadSigningBytes,
  trustedKeys,
  validateEntry,
  verifyTreeHeadSignature,
  type DisclosureEntry,
} from '../../src/statutory/disclosure/index.js';
import {
  LOG_KEY,
  LOG_KEY_ID,
  LOG_PUBLIC_HEX,
  OTHER_KEY,
  sample,
  sampleEntries,
} from './disclosureFixtures.js';

function full(i: number): DisclosureEntry {
  return { ...sample(i), seq: i, prevHash: GENESIS_PREV_HASH };
}

function paths(value: unknown): string[] {
  const result = validateEntry(value);
  if (result.ok) throw new assert.AssertionError({ message: 'expected a rejection' });
  return result.error.map((e) => e.path);
}

describe('disclosure entries', () => {
  test('every sample entry validates and comes back as an equal fresh copy', () => {
    for (let i = 0; i < sampleEntries().length; i++) {
      const entry = full(i);
      const result = validateEntry(entry);
      assert.ok(result.ok, result.ok ? '' : result.error.map((e) => e.message).join('; '));
      assert.deepEqual(result.value, entry);
      assert.notEqual(result.value, entry);
    }
  });

  test('type and format errors name each field, all at once', () => {
    const rate = full(3);
    const bad = {
      ...rate,
      kind: 'haircut',
      seq: -1,
      prevHash: 'AB'.repeat(32),
      newRate: '5e-2',
      oldRate: 0.5,
      inputs: { sigma: '0.02', 'bad name': '1', history: [['1', '2']] },
      clamps: ['floor', ''],
      emergency: 'no',
      proposer: 'xyz',
      extra: 1,
    };
    assert.deepEqual(paths(bad).sort(), [
      'entry.clamps[1]',
      'entry.emergency',
      'entry.extra',
      'entry.inputs.bad name',
      'entry.inputs.history[0]',
      'entry.kind',
      'entry.newRate',
      'entry.oldRate',
      'entry.prevHash',
      'entry.proposer',
      'entry.seq',
    ]);
    const { reasonCode: _dropped, ...missing } = rate;
    assert.deepEqual(paths(missing), ['entry.reasonCode']);
    assert.deepEqual(paths('not an object'), ['entry']);
  });

  test('cross-field rules: what each kind needs, two keys, future effect unless emergency, formula hash', () => {
    const rate = full(3);
    assert.deepEqual(paths({ ...rate, newRate: null, instrument: null }), [
      'entry.newRate',
      'entry.instrument',
    ]);
    assert.deepEqual(paths({ ...full(1), parameterSet: null }), ['entry.parameterSet']);
    assert.deepEqual(paths({ ...full(2), formula: null }), ['entry.formula']);
    assert.deepEqual(paths({ ...full(0), profile: null }), ['entry.profile']);
    assert.deepEqual(paths({ ...full(4), supersedes: null }), ['entry.supersedes']);
    assert.deepEqual(paths({ ...full(4), seq: 3 }), ['entry.supersedes'], 'supersedes must be earlier');
    assert.deepEqual(paths({ ...rate, approver: rate.proposer }), ['entry.approver']);
    // A parameter set is announced ahead of time (an emergency may act now); a rate applies from publication.
    const parameterSet = full(1);
    assert.deepEqual(paths({ ...parameterSet, effectiveMs: parameterSet.timeMs }), ['entry.effectiveMs']);
    assert.ok(
      validateEntry({ ...parameterSet, effectiveMs: parameterSet.timeMs, emergency: true }).ok,
      'an emergency may act now',
    );
    assert.ok(validateEntry({ ...rate, effectiveMs: rate.timeMs }).ok, 'a rate applies from publication');
    assert.deepEqual(
      paths({ ...rate, effectiveMs: rate.timeMs - 1 }),
      ['entry.effectiveMs'],
      'never retroactive',
    );
    const formula = rate.formula;
    assert.ok(formula !== null);
    assert.deepEqual(paths({ ...rate, formula: { ...formula, source: `${formula.source} ` } }), [
      'entry.formula.hash',
    ]);
  });

  test('inline history is bounded and history by reference needs a hash and a source', () => {
    const rate = full(3);
    const long = Array.from({ length: 10_001 }, () => ['1', '1', '1']);
    assert.deepEqual(paths({ ...rate, inputs: { history: long } }), ['entry.inputs.history']);
    assert.deepEqual(paths({ ...rate, inputs: { history: { hash: 'zz', source: '' } } }), [
      'entry.inputs.history.hash',
      'entry.inputs.history.source',
    ]);
  });
});

describe('keys and signed tree heads', () => {
  test('raw hex public keys round-trip through SPKI and key ids are 16 hex digits of SHA-256', () => {
    const key = publicKeyFromHex(LOG_PUBLIC_HEX.toUpperCase());
    assert.ok(key.ok);
    assert.equal(publicKeyHex(key.value), LOG_PUBLIC_HEX);
    assert.equal(keyIdOf(key.value), LOG_KEY_ID);
    assert.match(LOG_KEY_ID, /^[0-9a-f]{16}$/);
    // RFC 8032 §7.1 test 1: the seed 9d61…7f60 has the public key d75a…511a.
    const rfc = trustedKeys(['d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a']);
    assert.ok(rfc.ok);
    assert.equal(rfc.value.size, 1);
    assert.equal(publicKeyFromHex('00'.repeat(31)).ok, false);
    assert.equal(publicKeyFromHex('zz'.repeat(32)).ok, false);
  });

  test('a tree head is signed deterministically over a domain-separated canonical text', () => {
    const head = { treeSize: 3, rootHash: 'ab'.repeat(32), timestampMs: 1_000, keyId: LOG_KEY_ID };
    assert.equal(
      new TextDecoder().decode(treeHeadSigningBytes(head)),
      `bulwark/disclosure/tree-head/v1\n{"keyId":"${LOG_KEY_ID}","rootHash":"${'ab'.repeat(32)}","timestampMs":1000,"treeSize":3}`,
    );
    const signed = signTreeHead(head, LOG_KEY);
    assert.equal(signTreeHead(head, LOG_KEY).signature, signed.signature, 'Ed25519 is deterministic');
    assert.ok(verifyTreeHeadSignature(signed, LOG_KEY));
    assert.equal(verifyTreeHeadSignature(signed, OTHER_KEY), false);
    assert.equal(verifyTreeHeadSignature({ ...signed, treeSize: 4 }, LOG_KEY), false);
    assert.equal(verifyTreeHeadSignature({ ...signed, timestampMs: 1_001 }, LOG_KEY), false);
    assert.equal(
      verifyTreeHeadSignature({ ...signed, signature: signed.signature.toUpperCase() }, LOG_KEY),
      false,
    );
    const random = generateKeyPairSync('ed25519');
    assert.equal(verifyTreeHeadSignature(signed, random.publicKey), false);
  });
});
