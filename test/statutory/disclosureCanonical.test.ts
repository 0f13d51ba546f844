import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalBytes, canonicalJson, MAX_CANONICAL_DEPTH } from '../../src/statutory/disclosure/index.js';

function text(value: unknown): string {
  const result = canonicalJson(value);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

function rejection(value: unknown): { path: string; message: string } {
  const result = canonicalJson(value);
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  return { path: result.error.path, message: result.error.message };
}

/** [1, <hole>, 3] */
function holey(): number[] {
  const array = [1];
  array[2] = 3;
  return array;
}

describe('canonicalJson', () => {
  test('sorts keys at every level, writes no white space', () => {
    assert.equal(
      text({ b: 1, a: [true, null, { d: 'x', c: false }] }),
      '{"a":[true,null,{"c":false,"d":"x"}],"b":1}',
    );
    assert.equal(text([]), '[]');
    assert.equal(text({}), '{}');
  });

  test('key order is UTF-16 code units, as RFC 8785 §3.2.3 sorts its example', () => {
    const value = { '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\ud83d\ude00': 5, '\u0080': 6, '\u00f6': 7 };
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16 order though its code point is larger.
    assert.equal(text(value), '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}');
  });

  test('strings are escaped as RFC 8785 requires and encoded as UTF-8', () => {
    assert.equal(text('a"b\\c\n\t\u0001\u001f/€'), '"a\\"b\\\\c\\n\\t\\u0001\\u001f/€"');
    assert.deepEqual(
      [...(canonicalBytes('é') as { ok: true; value: Uint8Array }).value],
      [0x22, 0xc3, 0xa9, 0x22],
    );
  });

  test('rejects what has no single canonical text, naming the path', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ a: { b: [1, 10n] } }, '$.a.b[1]', /bigint/],
      [{ rate: 0.05 }, '$.rate', /only safe integers/],
      [{ x: Number.NaN }, '$.x', /NaN/],
      [{ x: Infinity }, '$.x', /Infinity/],
      [{ x: 2 ** 53 }, '$.x', /safe integers/],
      [{ x: -0 }, '$.x', /negative zero/],
      [{ x: undefined }, '$.x', /undefined/],
      [{ f: () => 1 }, '$.f', /function/],
      [{ d: new Date(0) }, '$.d', /plain object/],
      [{ m: new Map() }, '$.m', /plain object/],
      [holey(), '$[1]', /hole/],
      [{ s: 'a\ud800b' }, '$.s', /surrogate/],
      [{ ['\udc00']: 1 }, '$.\udc00', /surrogate/],
      [{ [Symbol('s')]: 1 }, '$', /symbol/],
    ];
    for (const [value, path, message] of cases) {
      const error = rejection(value);
      assert.equal(error.path, path);
      assert.match(error.message, message);
    }
  });

  test(`nesting is bounded at ${MAX_CANONICAL_DEPTH} levels`, () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_CANONICAL_DEPTH; i++) deep = [deep];
    assert.ok(canonicalJson(deep).ok);
    assert.match(rejection([deep]).message, /deeper/);
  });

  test('property: parsing the text gives the value back, and re-serialising gives the same text', () => {
    const key = fc.string({ unit: 'binary', maxLength: 6 });
    const { json } = fc.letrec((tie) => ({
      json: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.boolean(),
        fc.constant(null),
        fc.maxSafeInteger().filter((n) => !Object.is(n, -0)),
        fc.array(tie('json'), { maxLength: 4 }),
        fc.dictionary(key, tie('json'), { maxKeys: 4, noNullPrototype: true }),
      ),
    }));
    fc.assert(
      fc.property(json, (value) => {
        const first = text(value);
        assert.deepEqual(JSON.parse(first), value);
        assert.equal(text(JSON.parse(first)), first);
      }),
      { numRuns: 200 },
    );
  });
});
