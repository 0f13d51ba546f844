import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  childPath,
  JsonNumber,
  MAX_DECIMAL_SCALE,
  MAX_INTEGER_DIGITS,
  parseExactJson,
  readArray,
  readDecimal,
  readEnum,
  readObject,
  readRecord,
  readString,
  type Decimal,
  type ExactJson,
  type InputError,
  type Result,
} from '../../src/numbers/index.js';

function unwrap<T>(result: Result<T, InputError>): T {
  if (!result.ok)
    assert.fail(`expected ok, got ${result.error.code} at ${result.error.path}: ${result.error.message}`);
  return result.value;
}

function failure<T>(result: Result<T, InputError>, code: string, path: string): InputError {
  if (result.ok) assert.fail(`expected ${code} at ${path}, got ok`);
  assert.equal(result.error.code, code);
  assert.equal(result.error.path, path);
  assert.ok(result.error.message.length > 0);
  return result.error;
}

function json(text: string): ExactJson {
  const result = parseExactJson(text);
  if (!result.ok) assert.fail(`test JSON ${text} is invalid: ${result.error.message}`);
  return result.value;
}

function decimal(units: bigint, scale: number): Decimal {
  return { units, scale };
}

/** Same units and scale by `===`, so this check does not tell −0 from 0 (a separate test does). */
function assertSameDecimal(actual: Decimal, expected: Decimal, label: string): void {
  assert.equal(actual.units, expected.units, label);
  assert.ok(actual.scale === expected.scale, `${label}: scale ${actual.scale} ≠ ${expected.scale}`);
}

function assertSameResult(
  a: Result<Decimal, InputError>,
  b: Result<Decimal, InputError>,
  label: string,
): void {
  if (a.ok && b.ok) assertSameDecimal(a.value, b.value, label);
  else assert.deepEqual(a, b, label);
}

const PATH = 'account.positions[0].qty';

describe('readDecimal from JSON numbers', () => {
  test('accepts numbers a float64 reader sees exactly as written', () => {
    const cases: [string, bigint, number][] = [
      ['0.004', 4n, 3],
      ['125', 125n, 0],
      ['1e3', 1000n, 0],
      ['1E3', 1000n, 0],
      ['1e+3', 1000n, 0],
      ['1.5e1', 15n, 0],
      ['-2.5', -25n, 1],
      ['0', 0n, 0],
      ['-0', 0n, 0],
      ['0.0', 0n, 0],
      ['0e5', 0n, 0],
      ['1.50', 15n, 1],
      ['100', 100n, 0],
      ['0.1', 1n, 1],
      ['1e-7', 1n, 7],
      ['0.0000001', 1n, 7],
      ['25e-4', 25n, 4],
      ['9007199254740991', 9007199254740991n, 0],
      ['-9007199254740992', -9007199254740992n, 0],
      ['1e21', 10n ** 21n, 0],
      ['1e-18', 1n, 18],
      ['1e29', 10n ** 29n, 0],
      ['100e27', 10n ** 29n, 0],
      ['1.00e29', 10n ** 29n, 0],
      ['1.000000000000000000000000000000e5', 100000n, 0],
    ];
    for (const [text, units, scale] of cases) {
      assertSameDecimal(unwrap(readDecimal(new JsonNumber(text), PATH)), decimal(units, scale), text);
    }
  });

  test('the scale of a number without exponent is 0, not −0 (so it deep-equals parseDecimal’s)', () => {
    for (const text of ['125', '-7', '0', '1.5e1']) {
      const value = unwrap(readDecimal(new JsonNumber(text), PATH));
      assert.ok(
        Object.is(value.scale, 0),
        `${text}: scale is ${Object.is(value.scale, -0) ? '-0' : value.scale}`,
      );
      assert.deepStrictEqual(value, unwrap(readDecimal(text.replace('1.5e1', '15'), PATH)));
    }
  });

  test('reads numbers straight out of parsed JSON', () => {
    const value = json('{"mmr": 0.004, "cap": 125, "floor": 1e3}');
    assert.ok(
      value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber),
    );
    assertSameDecimal(unwrap(readDecimal(value.mmr, 'mmr')), decimal(4n, 3), 'mmr');
    assertSameDecimal(unwrap(readDecimal(value.cap, 'cap')), decimal(125n, 0), 'cap');
    assertSameDecimal(unwrap(readDecimal(value.floor, 'floor')), decimal(1000n, 0), 'floor');
  });

  test('rejects numbers that float64 would change, or that are out of range', () => {
    const texts = [
      '9007199254740993',
      '-9007199254740993',
      '0.1000000000000000055511151231257827',
      '0.30000000000000001',
      '123456789.123456789',
      '1e400',
      '-1e400',
      '1e-400',
      '5e-324',
      '1e99999999999999999999',
      '1e-99999999999999999999',
      '1e-19',
      '1e30',
      '1' + '0'.repeat(MAX_INTEGER_DIGITS),
      '0.' + '0'.repeat(MAX_DECIMAL_SCALE) + '1',
      '1' + '1'.repeat(400),
    ];
    for (const text of texts) {
      failure(readDecimal(new JsonNumber(text), PATH), 'invalid_number', PATH);
    }
  });

  test('the same value written differently reads the same', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: -8, max: 8 }),
        (mantissa, fractionDigits, extraZeros, exponent) => {
          // mantissa·10^(exponent − fractionDigits), written with a point and padded with zeros.
          const digits = Math.abs(mantissa)
            .toString()
            .padStart(fractionDigits + 1, '0');
          const point = digits.length - fractionDigits;
          const sign = mantissa < 0 ? '-' : '';
          const fraction = digits.slice(point) + '0'.repeat(extraZeros);
          const padded = `${sign}${digits.slice(0, point)}${fraction.length > 0 ? '.' + fraction : ''}e${exponent}`;
          const plain = `${sign}${Math.abs(mantissa).toString()}e${exponent - fractionDigits}`;
          const a = readDecimal(new JsonNumber(padded), PATH);
          const b = readDecimal(new JsonNumber(plain), PATH);
          assertSameResult(a, b, `${padded} vs ${plain}`);
          if (a.ok) {
            // And the value is the one JavaScript reads.
            const { units, scale } = a.value;
            assert.equal(Number(`${units.toString()}e-${scale}`), Number(padded));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test('accepts exactly the doubles whose shortest text is the number read', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }), (x) => {
        const text = String(x);
        const result = readDecimal(new JsonNumber(text), PATH);
        if (!result.ok) {
          // Only too many fraction digits may refuse a double's own shortest text.
          assert.match(result.error.message, /fraction digits/, text);
          return;
        }
        const { units, scale } = result.value;
        assert.ok(scale <= MAX_DECIMAL_SCALE);
        assert.ok(Object.is(Number(`${units.toString()}e-${scale}`), x === 0 ? 0 : x), text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('readDecimal from JSON strings', () => {
  test('parses plain decimal strings strictly', () => {
    assert.deepEqual(unwrap(readDecimal('1.5', PATH)), decimal(15n, 1));
    assert.deepEqual(unwrap(readDecimal('-0.004', PATH)), decimal(-4n, 3));
    assert.deepEqual(unwrap(readDecimal('9007199254740993', PATH)), decimal(9007199254740993n, 0));
    assert.deepEqual(unwrap(readDecimal('0.100000000000000005', PATH)), decimal(100000000000000005n, 18));
    for (const text of [
      '',
      ' 1',
      '1e5',
      '1E-3',
      '+1',
      '.5',
      'NaN',
      'Infinity',
      '0x10',
      '1,000',
      '0.1234567890123456789',
    ]) {
      const error = failure(readDecimal(text, PATH), 'invalid_number', PATH);
      assert.ok(error.message.startsWith(PATH), error.message);
    }
  });

  test('a missing value is missing_field, any other JSON type is invalid_number', () => {
    failure(readDecimal(undefined, PATH), 'missing_field', PATH);
    for (const value of [null, true, false, [], json('{}'), json('["1"]')]) {
      failure(readDecimal(value, PATH), 'invalid_number', PATH);
    }
  });

  test('clips a very long string in the message', () => {
    const error = failure(readDecimal('x'.repeat(10_000), PATH), 'invalid_number', PATH);
    assert.ok(error.message.length < 400, `message of ${error.message.length} characters`);
  });
});

describe('readObject', () => {
  test('accepts objects whose keys are all allowed (and does not require any)', () => {
    const value = json('{"side": "long", "qty": "1"}');
    assert.equal(unwrap(readObject(value, 'order', ['side', 'qty', 'price'])), value);
    assert.ok(readObject(json('{}'), 'order', ['side']).ok);
  });

  test('rejects an unknown key with unknown_field and its full path', () => {
    failure(
      readObject(json('{"side": "long", "sidee": 1}'), 'order', ['side']),
      'unknown_field',
      'order.sidee',
    );
    failure(
      readObject(json('{"qty": "1", "leverage": 5}'), 'account.positions[3]', ['qty']),
      'unknown_field',
      'account.positions[3].leverage',
    );
    failure(readObject(json('{"extra": 1}'), '', ['known']), 'unknown_field', 'extra');
    failure(readObject(json('{"__proto__": 1}'), 'x', ['a']), 'unknown_field', 'x.__proto__');
    failure(readObject(json('{"constructor": 1}'), 'x', ['a']), 'unknown_field', 'x.constructor');
    failure(readObject(json('{"Side": 1}'), 'x', ['side']), 'unknown_field', 'x.Side');
  });

  test('rejects non-objects and missing values', () => {
    failure(readObject(undefined, 'order', []), 'missing_field', 'order');
    failure(readObject(undefined, '', []), 'missing_field', '');
    for (const value of [null, true, 'x', new JsonNumber('1'), [], json('[{}]')]) {
      failure(readObject(value, 'order', []), 'invalid_field', 'order');
    }
  });
});

describe('readArray', () => {
  test('accepts arrays up to maxLength items', () => {
    const value = json('[1, 2, 3]');
    assert.equal(unwrap(readArray(value, 'xs', 3)), value);
    assert.deepEqual(unwrap(readArray(json('[]'), 'xs', 0)), []);
    failure(readArray(value, 'account.positions', 2), 'too_many_items', 'account.positions');
  });

  test('rejects non-arrays and missing values with the path', () => {
    failure(readArray(undefined, 'account.positions', 5), 'missing_field', 'account.positions');
    for (const value of [null, 'x', json('{}'), json('{"0": 1}'), new JsonNumber('1')]) {
      failure(readArray(value, 'account.positions', 5), 'invalid_field', 'account.positions');
    }
  });
});

describe('readString', () => {
  test('accepts non-empty strings up to maxLength characters', () => {
    assert.equal(unwrap(readString('BTCUSDT', 'symbol')), 'BTCUSDT');
    assert.equal(unwrap(readString('x'.repeat(64), 'symbol')), 'x'.repeat(64));
    assert.equal(unwrap(readString('abc', 'symbol', 3)), 'abc');
  });

  test('rejects empty, too long, non-strings and missing values with the path', () => {
    failure(readString('', 'a.symbol'), 'invalid_field', 'a.symbol');
    failure(readString('x'.repeat(65), 'a.symbol'), 'invalid_field', 'a.symbol');
    failure(readString('abcd', 'a.symbol', 3), 'invalid_field', 'a.symbol');
    failure(readString(undefined, 'a.symbol'), 'missing_field', 'a.symbol');
    for (const value of [null, true, new JsonNumber('1'), [], json('{}')]) {
      failure(readString(value, 'a.symbol'), 'invalid_field', 'a.symbol');
    }
  });
});

describe('readEnum', () => {
  const sides = ['long', 'short'] as const;

  test('accepts the listed strings only, case-sensitively', () => {
    assert.equal(unwrap(readEnum('long', 'p.side', sides)), 'long');
    assert.equal(unwrap(readEnum('short', 'p.side', sides)), 'short');
    failure(readEnum('LONG', 'p.side', sides), 'invalid_field', 'p.side');
    failure(readEnum('', 'p.side', sides), 'invalid_field', 'p.side');
    failure(readEnum('toString', 'p.side', sides), 'invalid_field', 'p.side');
  });

  test('uses the given code, and missing_field for a missing value', () => {
    failure(readEnum('flat', 'p.side', sides, 'unknown_side'), 'unknown_side', 'p.side');
    failure(readEnum(new JsonNumber('1'), 'p.side', sides, 'unknown_side'), 'unknown_side', 'p.side');
    failure(readEnum(null, 'p.side', sides), 'invalid_field', 'p.side');
    failure(readEnum(undefined, 'p.side', sides, 'unknown_side'), 'missing_field', 'p.side');
  });

  test('names the choices in the message', () => {
    const error = failure(readEnum('flat', 'p.side', sides), 'invalid_field', 'p.side');
    assert.match(error.message, /long/);
    assert.match(error.message, /short/);
  });
});

describe('readRecord', () => {
  test('accepts objects with up to maxKeys keys, any key names', () => {
    const value = json('{"BTCUSDT": 1, "ETHUSDT": 2, "__proto__": 3}');
    assert.equal(unwrap(readRecord(value, 'marks', 3)), value);
    failure(readRecord(value, 'marks', 2), 'too_many_items', 'marks');
  });

  test('rejects non-objects and missing values with the path', () => {
    failure(readRecord(undefined, 'req.marks', 3), 'missing_field', 'req.marks');
    for (const value of [null, 'x', [], json('[1]'), new JsonNumber('1'), false]) {
      failure(readRecord(value, 'req.marks', 3), 'invalid_field', 'req.marks');
    }
  });
});

describe('paths', () => {
  test('childPath joins keys and indexes', () => {
    assert.equal(childPath('', 'account'), 'account');
    assert.equal(childPath('account', 'positions'), 'account.positions');
    assert.equal(childPath('account.positions', 0), 'account.positions[0]');
    assert.equal(childPath('account.positions[0]', 'qty'), 'account.positions[0].qty');
    assert.equal(childPath('', 2), '[2]');
  });

  test('readers compose into full paths over a parsed document', () => {
    const doc = json('{"account": {"positions": [{"qty": "1.5"}, {"qty": 9007199254740993}]}}');
    const root = unwrap(readObject(doc, '', ['account']));
    const accountPath = childPath('', 'account');
    const account = unwrap(readObject(root.account, accountPath, ['positions']));
    const positionsPath = childPath(accountPath, 'positions');
    const positions = unwrap(readArray(account.positions, positionsPath, 10));
    const results = positions.map((item, i) => {
      const at = childPath(positionsPath, i);
      const position = unwrap(readObject(item, at, ['qty']));
      return readDecimal(position.qty, childPath(at, 'qty'));
    });
    assert.deepEqual(unwrap(results[0] ?? assert.fail('no first result')), decimal(15n, 1));
    failure(results[1] ?? assert.fail('no second result'), 'invalid_number', 'account.positions[1].qty');
    failure(
      readDecimal(account.missing, childPath(accountPath, 'missing')),
      'missing_field',
      'account.missing',
    );
  });
});
