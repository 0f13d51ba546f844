import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  JsonNumber,
  MAX_JSON_DEPTH,
  parseExactJson,
  type ExactJson,
  type Result,
} from '../../src/numbers/index.js';
import { MAX_JSON_CHARS, type JsonSyntaxError } from '../../src/numbers/exactJson.js';

function unwrap(result: Result<ExactJson, JsonSyntaxError>, text: string): ExactJson {
  if (!result.ok) assert.fail(`${JSON.stringify(text)} rejected: ${result.error.message}`);
  return result.value;
}

function rejection(text: string): JsonSyntaxError {
  const result = parseExactJson(text);
  if (result.ok) assert.fail(`${JSON.stringify(text)} accepted`);
  assert.equal(typeof result.error.message, 'string');
  assert.ok(
    Number.isInteger(result.error.offset) &&
      result.error.offset >= 0 &&
      result.error.offset <= text.length + 1,
    `offset ${result.error.offset} outside ${JSON.stringify(text)}`,
  );
  return result.error;
}

/**
 * A comparable form of parsed JSON: numbers become their float64 value, objects become ordered entry lists
 * (so prototypes do not matter and "__proto__" is an ordinary key).
 */
type Shape =
  null | boolean | string | number | { readonly list: Shape[] } | { readonly entries: [string, Shape][] };

function shapeOfExact(value: ExactJson): Shape {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return { list: value.map(shapeOfExact) };
  return { entries: Object.entries(value).map(([k, v]): [string, Shape] => [k, shapeOfExact(v)]) };
}

function shapeOfPlain(value: unknown): Shape {
  if (value === null || typeof value === 'boolean' || typeof value === 'string' || typeof value === 'number')
    return value;
  if (Array.isArray(value)) return { list: value.map(shapeOfPlain) };
  if (typeof value === 'object') {
    return {
      entries: Object.entries(value as Record<string, unknown>).map(([k, v]): [string, Shape] => [
        k,
        shapeOfPlain(v),
      ]),
    };
  }
  assert.fail(`not JSON: ${typeof value}`);
}

/** Every JsonNumber in a parsed value, in document order. */
function numberTexts(value: ExactJson): string[] {
  if (value instanceof JsonNumber) return [value.text];
  if (Array.isArray(value)) return value.flatMap(numberTexts);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(numberTexts);
  return [];
}

function parsesLikeJsonParse(text: string): void {
  const ours = shapeOfExact(unwrap(parseExactJson(text), text));
  assert.deepStrictEqual(ours, shapeOfPlain(JSON.parse(text)), text);
}

function jsonParseAccepts(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON number text from the RFC 8259 grammar. */
const numberText = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9]\d{0,25}$/)),
    fc.option(fc.stringMatching(/^\d{1,25}$/), { nil: undefined }),
    fc.option(
      fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^\d{1,4}$/)),
      {
        nil: undefined,
      },
    ),
  )
  .map(
    ([negative, integer, fraction, exponent]) =>
      (negative ? '-' : '') +
      integer +
      (fraction === undefined ? '' : '.' + fraction) +
      (exponent === undefined ? '' : exponent.join('')),
  );

describe('parseExactJson: accepted documents', () => {
  test('literals, with surrounding white space', () => {
    assert.equal(unwrap(parseExactJson('true'), 'true'), true);
    assert.equal(unwrap(parseExactJson('false'), 'false'), false);
    assert.equal(unwrap(parseExactJson('null'), 'null'), null);
    assert.equal(unwrap(parseExactJson(' \t\r\n true \n'), 'spaced'), true);
  });

  test('numbers keep their source text exactly', () => {
    const texts = [
      '0',
      '-0',
      '1',
      '1.50',
      '0.004',
      '1e5',
      '1E+05',
      '-0.0e-0',
      '9007199254740993',
      '0.1000000000000000055511151231257827',
      '1e400',
      '123456789012345678901234567890.123456789012345678901234567890',
    ];
    for (const text of texts) {
      const value = unwrap(parseExactJson(text), text);
      assert.ok(value instanceof JsonNumber, text);
      assert.equal(value.text, text);
      const inArray = unwrap(parseExactJson(`[ ${text} ,${text}]`), text);
      assert.deepEqual(numberTexts(inArray), [text, text]);
    }
  });

  test('any number from the grammar keeps its text and float64 value', () => {
    fc.assert(
      fc.property(numberText, (text) => {
        const value = unwrap(parseExactJson(text), text);
        assert.ok(value instanceof JsonNumber);
        assert.equal(value.text, text);
        assert.ok(Object.is(Number(value.text), JSON.parse(text)));
        const wrapped = unwrap(parseExactJson(`{"x":${text}}`), text);
        assert.deepEqual(numberTexts(wrapped), [text]);
      }),
      { numRuns: 300 },
    );
  });

  test('strings decode every escape like JSON.parse', () => {
    const texts = [
      '""',
      '"plain"',
      '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
      '"\\u0041\\u00e9\\u00E9\\u20AC"',
      '"\\ud83d\\ude00"',
      '"é€😀 raw"',
      '"\u007f"',
      '"a\\u0000b"',
      '"\\\\u0041"',
    ];
    for (const text of texts) parsesLikeJsonParse(text);
    assert.equal(unwrap(parseExactJson('"\\ud83d\\ude00"'), 'pair'), '😀');
  });

  test('lone surrogates are accepted as JSON.parse accepts them (strings are UTF-16 in JS)', () => {
    // RFC 8259 §8.2 leaves them undefined; rejecting would only make Bulwark disagree with every JS client.
    parsesLikeJsonParse('"\\ud800"');
    parsesLikeJsonParse('"\\udc00x"');
    parsesLikeJsonParse('"\ud800"');
  });

  test('arrays and objects', () => {
    const texts = [
      '[]',
      '[ ]',
      '{}',
      '{ }',
      '[1, [2, {"a": []}], "x", null, true, false]',
      '{ "a" : 1 , "b" : [ true , null ] , "c" : { "d" : "e" } }',
      '{"a":1,"b":{"a":2}}',
      '{"":0}',
      '{"1":1,"0":0,"b":2,"a":3}',
      '\n[\r\n\t1\r\n]\n',
    ];
    for (const text of texts) parsesLikeJsonParse(text);
  });

  test('"__proto__" and other Object.prototype names are plain data keys', () => {
    const text = '{"__proto__": {"polluted": true}, "constructor": 1, "hasOwnProperty": 2, "toString": "x"}';
    const value = unwrap(parseExactJson(text), text);
    assert.ok(
      value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber),
    );
    assert.equal(Object.getPrototypeOf(value), null);
    assert.deepEqual(Object.keys(value), ['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    const proto = Object.getOwnPropertyDescriptor(value, '__proto__');
    assert.ok(proto !== undefined);
    assert.deepStrictEqual(shapeOfExact(proto.value as ExactJson), { entries: [['polluted', true]] });
    assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    parsesLikeJsonParse(text);
    // Nested objects are null-prototype too.
    const nested = unwrap(parseExactJson('[{"__proto__": []}]'), 'nested');
    assert.ok(Array.isArray(nested));
    const inner = nested[0];
    assert.ok(inner !== undefined && inner !== null && typeof inner === 'object');
    assert.equal(Object.getPrototypeOf(inner), null);
    assert.ok(Object.prototype.hasOwnProperty.call(inner, '__proto__'));
  });

  test('round trips any JSON value structurally, as JSON.parse reads it', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 6 }),
        fc.constantFrom(undefined, 0, 1, 2, '\t'),
        (value, indent) => {
          parsesLikeJsonParse(JSON.stringify(value, null, indent));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('accepts exactly MAX_JSON_DEPTH levels of nesting', () => {
    const depth = MAX_JSON_DEPTH;
    parsesLikeJsonParse('['.repeat(depth) + ']'.repeat(depth));
    parsesLikeJsonParse('['.repeat(depth) + '1' + ']'.repeat(depth));
    parsesLikeJsonParse('{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1));
    parsesLikeJsonParse('[{"a":'.repeat(depth / 2 - 1) + '[0]' + '}]'.repeat(depth / 2 - 1));
  });
});

describe('parseExactJson: rejected documents', () => {
  test('malformed numbers', () => {
    for (const text of [
      '01',
      '-01',
      '+1',
      '.5',
      '5.',
      '1.e5',
      '1e',
      '1e+',
      '-',
      '--1',
      '0x10',
      'NaN',
      'Infinity',
      '-Infinity',
      '1_000',
      '[01]',
      '[1.]',
      '\u0661',
    ]) {
      rejection(text);
    }
  });

  test('trailing commas, missing commas, bad separators', () => {
    for (const text of [
      '[1,]',
      '[,1]',
      '[1,,2]',
      '[1 2]',
      '{"a":1,}',
      '{,}',
      '{"a" 1}',
      '{"a":1 "b":2}',
      '{"a"=1}',
      '{"a":1;"b":2}',
      '[1;2]',
    ]) {
      rejection(text);
    }
  });

  test('comments and non-JSON syntax', () => {
    for (const text of [
      '/* c */ 1',
      '1 // c',
      '[1] // c',
      '# c\n1',
      '[1 /* c */]',
      "'a'",
      "{'a':1}",
      '{a:1}',
      'True',
      'tru',
      'nul',
      'undefined',
      '[1] [2]',
      '1 2',
      'true false',
      '\ufeff1',
      '\u00a01',
      '1\u00a0',
      '\u20281',
      '\v1',
      '\f1',
    ]) {
      rejection(text);
    }
  });

  test('duplicate keys, compared after unescaping', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"a":1,"b":2,"a":1}',
      '{"a":1,"\\u0061":2}',
      '{"__proto__":1,"__proto__":2}',
      '{"toString":1,"toString":2}',
      '[{"x":{"y":1,"y":1}}]',
    ]) {
      const error = rejection(text);
      assert.match(error.message, /duplicate key/, text);
    }
  });

  test('bad strings: escapes, control characters, quotes', () => {
    for (const text of [
      '"\\x41"',
      '"\\u12"',
      '"\\u12G4"',
      '"\\U0041"',
      '"\\\'"',
      '"\\',
      '"\\"',
      '"a\nb"',
      '"a\tb"',
      '"\u0000"',
      '"\u001f"',
      '"\r"',
    ]) {
      rejection(text);
    }
  });

  test('empty and unterminated input', () => {
    for (const text of [
      '',
      ' ',
      '\n',
      '[',
      ']',
      '{',
      '}',
      '[1',
      '[1,',
      '{"a"',
      '{"a":',
      '{"a":1',
      '"abc',
      '[[]',
      '{"a":[}',
    ]) {
      rejection(text);
    }
  });

  test('nesting deeper than MAX_JSON_DEPTH', () => {
    const depth = MAX_JSON_DEPTH + 1;
    rejection('['.repeat(depth) + '1' + ']'.repeat(depth));
    rejection('['.repeat(depth) + '"s"' + ']'.repeat(depth));
    rejection('['.repeat(depth + 1) + ']'.repeat(depth + 1));
    rejection('[{"a":'.repeat(depth) + '{}' + '}]'.repeat(depth));
  });

  test('MAX_JSON_DEPTH + 1 nested containers are refused even when the innermost one is empty', () => {
    // 65 arrays are 65 levels of nesting whether or not the innermost holds a value.
    const depth = MAX_JSON_DEPTH + 1;
    rejection('['.repeat(depth) + ']'.repeat(depth));
    rejection('{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1));
  });

  test('very deep nesting returns an error instead of overflowing the stack', () => {
    const depth = 100_000;
    const error = rejection('['.repeat(depth) + ']'.repeat(depth));
    assert.match(error.message, /nesting/);
    rejection('{"a":'.repeat(depth));
  });

  test('input over MAX_JSON_CHARS is refused before reading', () => {
    const error = rejection(' '.repeat(MAX_JSON_CHARS) + '1');
    assert.match(error.message, /too large/);
  });
});

describe('parseExactJson: fuzz', () => {
  /** Decides whether a document that JSON.parse accepts may still be refused: duplicates and depth only. */
  function refusalIsAllowed(message: string): boolean {
    return /duplicate key|nesting/.test(message);
  }

  function checkAgainstJsonParse(text: string): void {
    const result = parseExactJson(text);
    if (result.ok) {
      assert.ok(jsonParseAccepts(text), `accepted what JSON.parse rejects: ${JSON.stringify(text)}`);
      parsesLikeJsonParse(text);
    } else if (jsonParseAccepts(text)) {
      assert.ok(
        refusalIsAllowed(result.error.message),
        `refused ${JSON.stringify(text)}: ${result.error.message}`,
      );
    }
  }

  test('random text never throws and is accepted exactly when JSON.parse accepts it', () => {
    const alphabet = fc.constantFrom(...'{}[],:"\\ \n0123456789.-+eEtruefalsn/u*\'x'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (text) => {
        checkAgainstJsonParse(text);
      }),
      { numRuns: 500 },
    );
  });

  test('arbitrary Unicode text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        checkAgainstJsonParse(text);
      }),
      { numRuns: 500 },
    );
  });

  test('valid JSON with one character inserted, deleted or replaced', () => {
    const mutation = fc.tuple(
      fc.jsonValue({ maxDepth: 4 }),
      fc.constantFrom('insert', 'delete', 'replace'),
      fc.nat(),
      fc.constantFrom(...'{}[],:"\\ 0-.eE/\'\u0001tn'.split('')),
    );
    fc.assert(
      fc.property(mutation, ([value, kind, position, character]) => {
        const source = JSON.stringify(value);
        const at = position % (source.length + 1);
        const text =
          kind === 'insert'
            ? source.slice(0, at) + character + source.slice(at)
            : kind === 'delete'
              ? source.slice(0, at) + source.slice(at + 1)
              : source.slice(0, at) + character + source.slice(at + 1);
        checkAgainstJsonParse(text);
      }),
      { numRuns: 500 },
    );
  });
});
