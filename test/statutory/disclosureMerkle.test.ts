import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  EMPTY_ROOT,
  leafHash,
  MerkleTree,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../../src/statutory/disclosure/index.js';

/**
 * Published RFC 6962 vectors, from transparency-dev/merkle `proof/verify_test.go` (commit 02194e9a, Apache-2.0;
 * the vector set that Google trillian and certificate-transparency-go also test against): the 8 leaves, the
 * root of every prefix, audit paths and consistency proofs. Inclusion vectors there number leaves from 1;
 * here they are the 0-based index.
 */
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', // 0 leaves: SHA-256("")
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];
const CONSISTENCY = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
/** A hash that is no node of the vector tree (the vectors' `sha256SomeHash`). */
const SOME_HASH = 'abacaba000000000000000000000000000000000000000000060061e00123456';

const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

function vectorTree(): MerkleTree {
  const tree = new MerkleTree();
  for (const leaf of LEAVES) tree.append(leafHash(bytes(leaf)));
  return tree;
}

function flipBit(hash: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(hash);
  copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
}

describe('RFC 6962 Merkle tree against the published vectors', () => {
  test('the empty root is SHA-256("") and every prefix of the 8 leaves has the published root', () => {
    assert.equal(toHex(EMPTY_ROOT), ROOTS[0]);
    const tree = vectorTree();
    for (let size = 0; size <= 8; size++) assert.equal(toHex(tree.root(size)), ROOTS[size], `size ${size}`);
  });

  test('each root is also what an incremental builder would sign before appending', () => {
    const tree = new MerkleTree();
    for (const [i, leaf] of LEAVES.entries()) {
      assert.equal(toHex(tree.rootWithAppended(leafHash(bytes(leaf)))), ROOTS[i + 1]);
      tree.append(leafHash(bytes(leaf)));
    }
  });

  for (const v of INCLUSION) {
    test(`audit path of leaf ${v.index} in a tree of ${v.size}: generated as published, verifies, probes fail`, () => {
      const tree = vectorTree();
      const path = tree.inclusionProof(v.index, v.size);
      assert.deepEqual(path.map(toHex), v.path);
      const root = bytes(ROOTS[v.size] ?? '');
      const leaf = tree.leaf(v.index);
      assert.ok(verifyInclusion(leaf, v.index, v.size, path, root));
      // The corruption probes of the reference test suite.
      const probes: [string, number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        ['index - 1', v.index - 1, v.size, leaf, root, path],
        ['index + 1', v.index + 1, v.size, leaf, root, path],
        ['index ^ 2', v.index ^ 2, v.size, leaf, root, path],
        ['size * 2', v.index, v.size * 2, leaf, root, path],
        ['size / 2', v.index, Math.floor(v.size / 2), leaf, root, path],
        ['wrong leaf', v.index, v.size, bytes(SOME_HASH), root, path],
        ['empty root', v.index, v.size, leaf, EMPTY_ROOT, path],
        ['random root', v.index, v.size, leaf, bytes(SOME_HASH), path],
        ['trailing root', v.index, v.size, leaf, root, [...path, root]],
        ['preceding root', v.index, v.size, leaf, root, [root, ...path]],
        ['trailing garbage', v.index, v.size, leaf, root, [...path, new Uint8Array()]],
        ['removed component', v.index, v.size, leaf, root, path.slice(0, -1)],
        [
          'inserted component',
          v.index,
          v.size,
          leaf,
          root,
          [path[0] ?? root, bytes(SOME_HASH), ...path.slice(1)],
        ],
        ...path.map((_, i): [string, number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
          `path[${i}] bit 3`,
          v.index,
          v.size,
          leaf,
          root,
          path.map((p, j) => (j === i ? flipBit(p, 3) : p)),
        ]),
      ];
      for (const [name, index, size, l, r, p] of probes) {
        assert.equal(verifyInclusion(l, index, size, p, r), false, name);
      }
    });
  }

  for (const v of CONSISTENCY) {
    test(`consistency ${v.oldSize} → ${v.newSize}: generated as published, verifies, probes fail`, () => {
      const tree = vectorTree();
      const proof = tree.consistencyProof(v.oldSize, v.newSize);
      assert.deepEqual(proof.map(toHex), v.proof);
      const oldRoot = bytes(ROOTS[v.oldSize] ?? '');
      const newRoot = bytes(ROOTS[v.newSize] ?? '');
      assert.ok(verifyConsistency(v.oldSize, v.newSize, oldRoot, newRoot, proof));
      if (proof.length === 0) return;
      const probes: [string, number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        ['oldSize - 1', v.oldSize - 1, v.newSize, oldRoot, newRoot, proof],
        ['oldSize + 1', v.oldSize + 1, v.newSize, oldRoot, newRoot, proof],
        ['oldSize ^ 2', v.oldSize ^ 2, v.newSize, oldRoot, newRoot, proof],
        ['newSize * 2', v.oldSize, v.newSize * 2, oldRoot, newRoot, proof],
        ['newSize / 2', v.oldSize, Math.floor(v.newSize / 2), oldRoot, newRoot, proof],
        ['wrong old root', v.oldSize, v.newSize, bytes(SOME_HASH), newRoot, proof],
        ['wrong new root', v.oldSize, v.newSize, oldRoot, bytes(SOME_HASH), proof],
        ['swapped roots', v.oldSize, v.newSize, newRoot, oldRoot, proof],
        ['empty proof', v.oldSize, v.newSize, oldRoot, newRoot, []],
        ['trailing old root', v.oldSize, v.newSize, oldRoot, newRoot, [...proof, oldRoot]],
        ['trailing new root', v.oldSize, v.newSize, oldRoot, newRoot, [...proof, newRoot]],
        ['preceding old root', v.oldSize, v.newSize, oldRoot, newRoot, [oldRoot, ...proof]],
        ['preceding new root', v.oldSize, v.newSize, oldRoot, newRoot, [newRoot, ...proof]],
        ['preceding proof[0]', v.oldSize, v.newSize, oldRoot, newRoot, [proof[0] ?? oldRoot, ...proof]],
        ['truncated', v.oldSize, v.newSize, oldRoot, newRoot, proof.slice(0, -1)],
        ...proof.map((_, i): [string, number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
          `proof[${i}] bit 4`,
          v.oldSize,
          v.newSize,
          oldRoot,
          newRoot,
          proof.map((p, j) => (j === i ? flipBit(p, 4) : p)),
        ]),
      ];
      for (const [name, oldSize, newSize, r1, r2, p] of probes) {
        assert.equal(verifyConsistency(oldSize, newSize, r1, r2, p), false, name);
      }
    });
  }

  test('trivial consistency: equal sizes need equal roots and no proof; the empty tree needs the empty root', () => {
    const root = bytes(ROOTS[3] ?? '');
    assert.ok(verifyConsistency(3, 3, root, root, []));
    assert.equal(verifyConsistency(3, 3, root, EMPTY_ROOT, []), false);
    assert.equal(verifyConsistency(3, 3, root, root, [root]), false);
    assert.ok(verifyConsistency(0, 3, EMPTY_ROOT, root, []));
    assert.equal(verifyConsistency(0, 3, root, root, []), false);
    assert.equal(verifyConsistency(0, 3, EMPTY_ROOT, root, [EMPTY_ROOT]), false);
    assert.equal(verifyConsistency(4, 3, root, root, []), false, 'time travel to the past');
  });

  test('inclusion in an empty or out-of-range tree never verifies', () => {
    const leaf = bytes(SOME_HASH);
    for (const [index, size] of [
      [0, 0],
      [1, 0],
      [2, 1],
      [-1, 4],
    ] as const) {
      assert.equal(verifyInclusion(leaf, index, size, [], EMPTY_ROOT), false);
    }
    assert.ok(verifyInclusion(leaf, 0, 1, [], leaf), 'a one-leaf tree: the root is the leaf, the path empty');
    assert.equal(verifyInclusion(leaf, 0, 1, [], new Uint8Array()), false);
  });

  test('the size is bound by the signed root, not the path: leaf 0 has the same path shape in trees of 3 and 4', () => {
    // Why the property below changes sizes only by ×2 and ÷2: an RFC 6962 audit path does not encode the
    // tree size, so a path can verify for another size of the same shape. The signed head binds the size.
    const tree = vectorTree();
    const path = tree.inclusionProof(0, 3);
    assert.ok(verifyInclusion(tree.leaf(0), 0, 4, path, tree.root(3)));
  });
});

/** A tree of `size` distinct leaves. */
function treeOf(size: number): MerkleTree {
  const tree = new MerkleTree();
  for (let i = 0; i < size; i++) tree.append(leafHash(Uint8Array.of(i & 0xff, i >> 8)));
  return tree;
}

/** The root of the first n leaves by the RFC's recursive definition, straight from the text. */
function referenceRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0] ?? EMPTY_ROOT;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  const joined = new Uint8Array(65);
  joined[0] = 1;
  joined.set(referenceRoot(leaves.slice(0, k)), 1);
  joined.set(referenceRoot(leaves.slice(k)), 33);
  return new Uint8Array(createHash('sha256').update(joined).digest());
}

describe('Merkle proofs, property-tested', () => {
  test('the cached tree gives the recursive definition’s root for every size up to 130', () => {
    const tree = treeOf(130);
    const leaves = Array.from({ length: 130 }, (_, i) => tree.leaf(i));
    for (let size = 0; size <= 130; size++) {
      assert.equal(toHex(tree.root(size)), toHex(referenceRoot(leaves.slice(0, size))), `size ${size}`);
      if (size < 130)
        assert.equal(toHex(treeOf(size).rootWithAppended(tree.leaf(size))), toHex(tree.root(size + 1)));
    }
  });

  const big = treeOf(600);

  test('every inclusion proof verifies; any flipped bit, other index, or size ×2 / ÷2 fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }).chain((size) =>
          fc.record({
            size: fc.constant(size),
            index: fc.integer({ min: 0, max: size - 1 }),
            otherIndex: fc.integer({ min: 0, max: size - 1 }),
            bit: fc.nat(255),
            target: fc.nat(),
          }),
        ),
        ({ size, index, otherIndex, bit, target }) => {
          const path = big.inclusionProof(index, size);
          const root = big.root(size);
          const leaf = big.leaf(index);
          assert.ok(verifyInclusion(leaf, index, size, path, root));
          assert.equal(verifyInclusion(flipBit(leaf, bit), index, size, path, root), false, 'leaf bit');
          assert.equal(verifyInclusion(leaf, index, size, path, flipBit(root, bit)), false, 'root bit');
          if (path.length > 0) {
            const at = target % path.length;
            const bad = path.map((p, j) => (j === at ? flipBit(p, bit) : p));
            assert.equal(verifyInclusion(leaf, index, size, bad, root), false, 'path bit');
            assert.equal(verifyInclusion(leaf, index, size, path.slice(1), root), false, 'shortened');
          }
          if (otherIndex !== index)
            assert.equal(verifyInclusion(leaf, otherIndex, size, path, root), false, 'index');
          assert.equal(verifyInclusion(leaf, index, size * 2, path, root), false, 'size × 2');
          assert.equal(verifyInclusion(leaf, index, Math.floor(size / 2), path, root), false, 'size ÷ 2');
          assert.equal(verifyInclusion(leaf, index, size, [...path, root], root), false, 'extended');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('every consistency proof verifies; any flipped bit, other old size, or new size ×2 / ÷2 fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 600 }).chain((newSize) =>
          fc.record({
            newSize: fc.constant(newSize),
            oldSize: fc.integer({ min: 1, max: newSize - 1 }),
            otherOld: fc.integer({ min: 0, max: newSize }),
            bit: fc.nat(255),
            target: fc.nat(),
          }),
        ),
        ({ newSize, oldSize, otherOld, bit, target }) => {
          const proof = big.consistencyProof(oldSize, newSize);
          const oldRoot = big.root(oldSize);
          const newRoot = big.root(newSize);
          assert.ok(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof));
          assert.ok(proof.length > 0, 'a proper prefix always needs a proof');
          const at = target % proof.length;
          const bad = proof.map((p, j) => (j === at ? flipBit(p, bit) : p));
          assert.equal(verifyConsistency(oldSize, newSize, oldRoot, newRoot, bad), false, 'proof bit');
          assert.equal(
            verifyConsistency(oldSize, newSize, flipBit(oldRoot, bit), newRoot, proof),
            false,
            'old root',
          );
          assert.equal(
            verifyConsistency(oldSize, newSize, oldRoot, flipBit(newRoot, bit), proof),
            false,
            'new root',
          );
          assert.equal(
            verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(1)),
            false,
            'shortened',
          );
          if (otherOld !== oldSize) {
            assert.equal(verifyConsistency(otherOld, newSize, oldRoot, newRoot, proof), false, 'old size');
          }
          assert.equal(
            verifyConsistency(oldSize, newSize * 2, oldRoot, newRoot, proof),
            false,
            'new size × 2',
          );
          assert.equal(
            verifyConsistency(oldSize, Math.floor(newSize / 2), oldRoot, newRoot, proof),
            false,
            'new ÷ 2',
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
