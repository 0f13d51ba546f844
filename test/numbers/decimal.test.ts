import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AssertionError,
  divide,
  fitsSignedBits,
  formatDecimal,
  formatUnits,
  MAX_DECIMAL_SCALE,
  MAX_INTEGER_DIGITS,
  parseDecimal,
  pow10,
  rescale,
  shortDecimalToScale,
  toScaleExact,
  type Decimal,
  type DecimalParseError,
  type Result,
  type Rounding,
} from '../../src/numbers/index.js';

function unwrap<T, E>(result: Result<T, E>): T {
  if (!result.ok) assert.fail(`expected ok, got error ${JSON.stringify(result.error)}`);
  return result.value;
}

function errorOf<T, E>(result: Result<T, E>): E {
  if (result.ok) assert.fail('expected an error, got ok');
  return result.error;
}

function decimal(units: bigint, scale: number): Decimal {
  return { units, scale };
}

/** A decimal with no trailing fraction zero (the form parseDecimal returns). */
const canonicalDecimals = fc
  .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: MAX_DECIMAL_SCALE }))
  .map(([units, scale]) => {
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale--;
    }
    return decimal(units, scale);
  })
  .filter((d) => {
    const magnitude = d.units < 0n ? -d.units : d.units;
    return magnitude / pow10(d.scale) < 10n ** BigInt(MAX_INTEGER_DIGITS);
  });

describe('parseDecimal', () => {
  test('reads plain decimals', () => {
    const cases: [string, bigint, number][] = [
      ['0', 0n, 0],
      ['1', 1n, 0],
      ['-1', -1n, 0],
      ['123.45', 12345n, 2],
      ['-0.001', -1n, 3],
      ['0.004', 4n, 3],
      ['42', 42n, 0],
      ['1000', 1000n, 0],
      ['-1000.5', -10005n, 1],
    ];
    for (const [text, units, scale] of cases) {
      assert.deepEqual(unwrap(parseDecimal(text)), decimal(units, scale), text);
    }
  });

  test('drops trailing fraction zeros from the scale and accepts leading zeros', () => {
    assert.deepEqual(unwrap(parseDecimal('1.500')), decimal(15n, 1));
    assert.deepEqual(unwrap(parseDecimal('1.0')), decimal(1n, 0));
    assert.deepEqual(unwrap(parseDecimal('0.000')), decimal(0n, 0));
    assert.deepEqual(unwrap(parseDecimal('007')), decimal(7n, 0));
    assert.deepEqual(unwrap(parseDecimal('00.50')), decimal(5n, 1));
    assert.deepEqual(unwrap(parseDecimal('-000.0100')), decimal(-1n, 2));
    // Trailing zeros are exact, so they do not count against the fraction-digit limit.
    assert.deepEqual(unwrap(parseDecimal('2.' + '0'.repeat(40))), decimal(2n, 0));
    assert.deepEqual(unwrap(parseDecimal('0.5' + '0'.repeat(40))), decimal(5n, 1));
  });

  test('reads minus zero as zero', () => {
    for (const text of ['-0', '-0.0', '-000']) {
      const value = unwrap(parseDecimal(text));
      assert.equal(value.units, 0n, text);
      assert.equal(formatDecimal(value), '0', text);
    }
  });

  test('rejects everything that is not a plain decimal', () => {
    const rejected: [string, DecimalParseError][] = [
      ['', 'empty'],
      [' 1', 'not_a_decimal'],
      ['1 ', 'not_a_decimal'],
      ['\t1', 'not_a_decimal'],
      ['1\n', 'not_a_decimal'],
      ['\n1', 'not_a_decimal'],
      ['1\u00a0', 'not_a_decimal'],
      ['+1', 'not_a_decimal'],
      ['.5', 'not_a_decimal'],
      ['-.5', 'not_a_decimal'],
      ['5.', 'not_a_decimal'],
      ['.', 'not_a_decimal'],
      ['1e5', 'not_a_decimal'],
      ['1E-3', 'not_a_decimal'],
      ['1.5e2', 'not_a_decimal'],
      ['NaN', 'not_a_decimal'],
      ['nan', 'not_a_decimal'],
      ['Infinity', 'not_a_decimal'],
      ['-Infinity', 'not_a_decimal'],
      ['-', 'not_a_decimal'],
      ['--1', 'not_a_decimal'],
      ['- 1', 'not_a_decimal'],
      ['1-', 'not_a_decimal'],
      ['0x10', 'not_a_decimal'],
      ['0b1', 'not_a_decimal'],
      ['1,000', 'not_a_decimal'],
      ['1_000', 'not_a_decimal'],
      ['1.000,5', 'not_a_decimal'],
      ['1.2.3', 'not_a_decimal'],
      ['12a', 'not_a_decimal'],
      ['\u0661\u0662', 'not_a_decimal'], // Arabic-Indic digits
      ['\uff11\uff12', 'not_a_decimal'], // full-width digits
      ['1.\u0665', 'not_a_decimal'],
      ['\u09e7', 'not_a_decimal'], // Bengali one
      ['\u22121', 'not_a_decimal'], // Unicode minus sign
      ['1n', 'not_a_decimal'],
    ];
    for (const [text, code] of rejected) {
      assert.equal(errorOf(parseDecimal(text)), code, JSON.stringify(text));
    }
  });

  test('rejects more than MAX_DECIMAL_SCALE significant fraction digits', () => {
    const atLimit = '0.' + '1'.repeat(MAX_DECIMAL_SCALE);
    assert.deepEqual(unwrap(parseDecimal(atLimit)), decimal(BigInt('1'.repeat(MAX_DECIMAL_SCALE)), 18));
    assert.equal(errorOf(parseDecimal(atLimit + '1')), 'too_many_fraction_digits');
    assert.equal(errorOf(parseDecimal('-' + atLimit + '1')), 'too_many_fraction_digits');
    assert.deepEqual(unwrap(parseDecimal(atLimit + '0')), decimal(BigInt('1'.repeat(MAX_DECIMAL_SCALE)), 18));
    assert.deepEqual(unwrap(parseDecimal('0.000000000000000001')), decimal(1n, 18));
    assert.equal(errorOf(parseDecimal('0.0000000000000000001')), 'too_many_fraction_digits');
  });

  test('honours a smaller maxScale', () => {
    assert.equal(errorOf(parseDecimal('1.23', 1)), 'too_many_fraction_digits');
    assert.deepEqual(unwrap(parseDecimal('1.20', 1)), decimal(12n, 1));
    assert.deepEqual(unwrap(parseDecimal('7.000', 0)), decimal(7n, 0));
    assert.equal(errorOf(parseDecimal('7.5', 0)), 'too_many_fraction_digits');
  });

  test('rejects more than MAX_INTEGER_DIGITS integer digits, not counting leading zeros', () => {
    const atLimit = '9'.repeat(MAX_INTEGER_DIGITS);
    assert.equal(unwrap(parseDecimal(atLimit)).units, 10n ** BigInt(MAX_INTEGER_DIGITS) - 1n);
    assert.equal(
      unwrap(parseDecimal('-' + atLimit + '.5')).units,
      -(10n ** BigInt(MAX_INTEGER_DIGITS + 1) - 5n),
    );
    assert.equal(errorOf(parseDecimal('1' + '0'.repeat(MAX_INTEGER_DIGITS))), 'too_many_integer_digits');
    assert.equal(errorOf(parseDecimal('-1' + '0'.repeat(MAX_INTEGER_DIGITS))), 'too_many_integer_digits');
    assert.equal(unwrap(parseDecimal('0'.repeat(100) + '1')).units, 1n);
  });

  test('rejects very long inputs quickly and without throwing', () => {
    assert.equal(errorOf(parseDecimal('1'.repeat(100_000))), 'too_many_integer_digits');
    assert.equal(errorOf(parseDecimal('0.' + '1'.repeat(100_000))), 'too_many_fraction_digits');
    assert.equal(errorOf(parseDecimal('1'.repeat(100_000) + 'x')), 'not_a_decimal');
  });

  test('round trip: parse(format(x)) === x', () => {
    fc.assert(
      fc.property(canonicalDecimals, (value) => {
        assert.deepEqual(unwrap(parseDecimal(formatDecimal(value))), value);
      }),
      { numRuns: 500 },
    );
  });

  test('round trip for any units and scale: the parsed value equals the formatted one', () => {
    fc.assert(
      fc.property(
        // At most MAX_INTEGER_DIGITS (30) digits: 10^30 itself has 31.
        fc.bigInt({ min: -(10n ** 30n) + 1n, max: 10n ** 30n - 1n }),
        fc.integer({ min: 0, max: MAX_DECIMAL_SCALE }),
        (units, scale) => {
          const parsed = unwrap(parseDecimal(formatUnits(units, scale)));
          assert.ok(parsed.scale <= scale);
          assert.equal(toScaleExact(parsed, scale), units);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('round trip from text: format(parse(t)) === t for canonical texts', () => {
    const canonicalText = fc
      .tuple(
        fc.boolean(),
        fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9]\d{0,29}$/)),
        fc.option(fc.stringMatching(/^\d{0,17}[1-9]$/), { nil: undefined }),
      )
      .filter(([negative, integer, fraction]) => !(negative && integer === '0' && fraction === undefined))
      .map(
        ([negative, integer, fraction]) =>
          (negative ? '-' : '') + integer + (fraction === undefined ? '' : '.' + fraction),
      );
    fc.assert(
      fc.property(canonicalText, (text) => {
        assert.equal(formatDecimal(unwrap(parseDecimal(text))), text);
      }),
      { numRuns: 500 },
    );
  });

  test('never throws on arbitrary text, and accepts only the plain decimal grammar', () => {
    const alphabet = fc.constantFrom(...'0123456789-+.eE xn,_\u0661'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 30 }), (text) => {
        const result = parseDecimal(text);
        const grammatical = /^-?[0-9]+(\.[0-9]+)?$/.test(text);
        if (result.ok) {
          assert.ok(grammatical, `accepted ${JSON.stringify(text)}`);
        } else if (grammatical) {
          assert.ok(
            result.error === 'too_many_fraction_digits' || result.error === 'too_many_integer_digits',
            `rejected ${JSON.stringify(text)} as ${result.error}`,
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('formatUnits and formatDecimal', () => {
  test('place the point and drop trailing zeros', () => {
    const cases: [bigint, number, string][] = [
      [0n, 0, '0'],
      [0n, 5, '0'],
      [1n, 0, '1'],
      [-1n, 0, '-1'],
      [5n, 3, '0.005'],
      [-5n, 3, '-0.005'],
      [12345n, 2, '123.45'],
      [1234500n, 2, '12345'],
      [1230n, 3, '1.23'],
      [10n, 1, '1'],
      [-10n, 1, '-1'],
      [100n, 3, '0.1'],
      [123n, 3, '0.123'],
      [-123n, 3, '-0.123'],
      [1n, 18, '0.000000000000000001'],
      [10n ** 30n, 0, '1' + '0'.repeat(30)],
    ];
    for (const [units, scale, text] of cases) {
      assert.equal(formatUnits(units, scale), text, `${units.toString()}e-${scale}`);
      assert.equal(formatDecimal(decimal(units, scale)), text);
    }
  });

  test('never writes an exponent, a plus sign, a trailing point or minus zero', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
        fc.integer({ min: 0, max: 40 }),
        (u, s) => {
          const text = formatUnits(u, s);
          assert.match(text, /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
          assert.notEqual(text, '-0');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a negative scale is a bug', () => {
    assert.throws(() => formatUnits(1n, -1), AssertionError);
  });
});

describe('toScaleExact', () => {
  test('scales up exactly and down only when no digit is lost', () => {
    assert.equal(toScaleExact(decimal(125n, 2), 4), 12500n);
    assert.equal(toScaleExact(decimal(125n, 2), 2), 125n);
    assert.equal(toScaleExact(decimal(1250n, 3), 2), 125n);
    assert.equal(toScaleExact(decimal(-1250n, 3), 2), -125n);
    assert.equal(toScaleExact(decimal(1251n, 3), 2), null);
    assert.equal(toScaleExact(decimal(-1251n, 3), 2), null);
    assert.equal(toScaleExact(decimal(5n, 1), 0), null);
    assert.equal(toScaleExact(decimal(0n, 18), 0), 0n);
    assert.equal(toScaleExact(decimal(10n ** 18n, 18), 0), 1n);
    assert.equal(toScaleExact(decimal(1n, 18), 17), null);
  });

  test('returns null exactly when the value has more fraction digits than the scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        (units, fromScale, toScale) => {
          const result = toScaleExact(decimal(units, fromScale), toScale);
          if (result === null) {
            // Not representable: no integer k has k·10^fromScale = units·10^toScale.
            assert.ok(toScale < fromScale);
            assert.notEqual((units * pow10(toScale)) % pow10(fromScale), 0n);
          } else {
            // Same value: result·10^−toScale = units·10^−fromScale.
            assert.equal(result * pow10(fromScale), units * pow10(toScale));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const NOISE = [...DIGITS, '.', '-', '+', 'e', 'E', ' ', 'x'];

describe('shortDecimalToScale', () => {
  /** The general path: parse, then convert exactly (null where either says no). */
  const general = (text: string, scale: number): bigint | null => {
    const parsed = parseDecimal(text);
    return parsed.ok ? toScaleExact(parsed.value, scale) : null;
  };

  test('agrees with parseDecimal + toScaleExact wherever it answers, and answers for short plain decimals', () => {
    const digitString = (min: number, max: number) =>
      fc.array(fc.constantFrom(...DIGITS), { minLength: min, maxLength: max }).map((d) => d.join(''));
    const decimalText = fc
      .tuple(fc.boolean(), digitString(0, 16), fc.option(digitString(0, 16)))
      .map(([minus, int, frac]) => (minus ? '-' : '') + int + (frac === null ? '' : '.' + frac));
    const noise = fc.string({ unit: fc.constantFrom(...NOISE), maxLength: 18 });
    fc.assert(
      fc.property(fc.oneof(decimalText, noise), fc.integer({ min: 0, max: 18 }), (text, scale) => {
        const fast = shortDecimalToScale(text, scale);
        if (fast !== undefined) assert.equal(fast, general(text, scale), `${text} at scale ${scale}`);
        // Plain decimals of at most 15 digits with at most `scale` fraction digits always take the fast path.
        const m = /^-?(\d+)(?:\.(\d+))?$/.exec(text);
        if (m !== null && (m[1] ?? '').length + (m[2] ?? '').length <= 15 && (m[2] ?? '').length <= scale)
          assert.notEqual(fast, undefined, text);
      }),
      { numRuns: 3000 },
    );
  });

  test('examples at the edges: the 2^53 boundary, signs, zeros and what it leaves to the general path', () => {
    assert.equal(shortDecimalToScale('9007199254740991', 0), undefined); // 16 digits: general path
    assert.equal(shortDecimalToScale('900719925474099', 18), 900719925474099n * 10n ** 18n);
    assert.equal(shortDecimalToScale('123.45', 8), 12345000000n);
    assert.equal(shortDecimalToScale('-0.001', 3), -1n);
    assert.equal(shortDecimalToScale('-0', 2), 0n);
    assert.equal(shortDecimalToScale('007.50', 2), 750n);
    assert.equal(shortDecimalToScale('1.005', 2), undefined); // would round: general path rejects it
    for (const text of ['', '-', '.', '.5', '5.', '-.5', '1.2.3', '+1', '1e5', ' 1', 'NaN'])
      assert.equal(shortDecimalToScale(text, 8), undefined, JSON.stringify(text));
  });

  test('a shift multiplies by 10^shift and still refuses digits finer than the scale', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 12 }),
        (units, scale, shift) => {
          const text = formatUnits(units, scale);
          assert.equal(shortDecimalToScale(text, scale, shift), units * 10n ** BigInt(shift), text);
          const [integer, fraction = ''] = text.split('.');
          const finer = `${integer ?? ''}.${fraction.padEnd(scale, '0')}1`;
          assert.equal(shortDecimalToScale(finer, scale, shift), undefined, finer);
        },
      ),
      { numRuns: 2000 },
    );
    assert.equal(shortDecimalToScale('67217.1', 1, 4), 6721710000n);
    assert.equal(shortDecimalToScale('67217.15', 1, 4), undefined);
    // Past 2^53 the shifted value is made as a bigint product, exactly.
    assert.equal(shortDecimalToScale('999999999999999', 0, 9), 999999999999999n * 10n ** 9n);
  });

  test('values that share a slot of the conversion cache keep their own bigints', () => {
    // 4,096 apart: the same slot of the direct-mapped cache, alternately evicting each other.
    const texts = ['1', '4097', '8193', '1', '8193', '4097', '1'];
    for (let round = 0; round < 3; round++)
      for (const text of texts) assert.equal(shortDecimalToScale(text, 0), BigInt(text), text);
    // 2^32 + 5 and 5 share a slot too (the slot is read from the low 32 bits).
    assert.equal(shortDecimalToScale('4294967301', 0), 4294967301n);
    assert.equal(shortDecimalToScale('5', 0), 5n);
    assert.equal(shortDecimalToScale('4294967301', 0), 4294967301n);
    assert.equal(shortDecimalToScale('-5', 0), -5n);
  });
});

describe('rescale', () => {
  test('scales up exactly', () => {
    assert.equal(rescale(125n, 2, 5, 'floor'), 125000n);
    assert.equal(rescale(-125n, 0, 3, 'ceil'), -125000n);
    assert.equal(rescale(7n, 3, 3, 'halfEven'), 7n);
  });

  test('rounds down a scale in the named direction', () => {
    // [units, from, to, floor, ceil, trunc, halfEven]
    const cases: [bigint, number, number, bigint, bigint, bigint, bigint][] = [
      [1255n, 3, 2, 125n, 126n, 125n, 126n], // 1.255 → tie → even 1.26
      [1245n, 3, 2, 124n, 125n, 124n, 124n], // 1.245 → tie → even 1.24
      [1246n, 3, 2, 124n, 125n, 124n, 125n],
      [1244n, 3, 2, 124n, 125n, 124n, 124n],
      [-1255n, 3, 2, -126n, -125n, -125n, -126n],
      [-1245n, 3, 2, -125n, -124n, -124n, -124n],
      [-1246n, 3, 2, -125n, -124n, -124n, -125n],
      [1250n, 3, 2, 125n, 125n, 125n, 125n],
      [15n, 1, 0, 1n, 2n, 1n, 2n],
      [25n, 1, 0, 2n, 3n, 2n, 2n],
      [-25n, 1, 0, -3n, -2n, -2n, -2n],
      [5n, 1, 0, 0n, 1n, 0n, 0n],
      [1n, 18, 0, 0n, 1n, 0n, 0n],
      [-1n, 18, 0, -1n, 0n, 0n, 0n],
    ];
    for (const [units, from, to, floor, ceil, trunc, halfEven] of cases) {
      const label = `${units.toString()}e-${from} → scale ${to}`;
      assert.equal(rescale(units, from, to, 'floor'), floor, `floor ${label}`);
      assert.equal(rescale(units, from, to, 'ceil'), ceil, `ceil ${label}`);
      assert.equal(rescale(units, from, to, 'trunc'), trunc, `trunc ${label}`);
      assert.equal(rescale(units, from, to, 'halfEven'), halfEven, `halfEven ${label}`);
    }
  });

  test('up then down is the identity; down brackets the value', () => {
    const rounding = fc.constantFrom<Rounding>('floor', 'ceil', 'trunc', 'halfEven');
    fc.assert(
      fc.property(
        // At most MAX_INTEGER_DIGITS (30) digits: 10^30 itself has 31.
        fc.bigInt({ min: -(10n ** 30n) + 1n, max: 10n ** 30n - 1n }),
        fc.integer({ min: 0, max: 18 }),
        fc.integer({ min: 0, max: 18 }),
        rounding,
        (units, a, b, r) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          assert.equal(rescale(rescale(units, low, high, r), high, low, r), units);
          const down = rescale(units, high, low, r);
          const floor = rescale(units, high, low, 'floor');
          const ceil = rescale(units, high, low, 'ceil');
          // floor·10^(high−low) ≤ units ≤ ceil·10^(high−low), and they are one step apart at most.
          const factor = pow10(high - low);
          assert.ok(floor * factor <= units && units <= ceil * factor);
          assert.ok(ceil - floor <= 1n);
          assert.ok(down === floor || down === ceil);
          assert.equal(down, divide(units, factor, r));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('fitsSignedBits', () => {
  test('holds the two’s-complement range at the boundaries', () => {
    for (const bits of [1, 8, 32, 53, 64, 128]) {
      const limit = 1n << BigInt(bits - 1);
      assert.equal(fitsSignedBits(limit - 1n, bits), true, `max of ${bits}`);
      assert.equal(fitsSignedBits(limit, bits), false, `max+1 of ${bits}`);
      assert.equal(fitsSignedBits(-limit, bits), true, `min of ${bits}`);
      assert.equal(fitsSignedBits(-limit - 1n, bits), false, `min-1 of ${bits}`);
      assert.equal(fitsSignedBits(0n, bits), true);
    }
    assert.equal(fitsSignedBits(127n, 8), true);
    assert.equal(fitsSignedBits(128n, 8), false);
    assert.equal(fitsSignedBits(-128n, 8), true);
    assert.equal(fitsSignedBits(-129n, 8), false);
    assert.equal(fitsSignedBits(9223372036854775807n, 64), true);
    assert.equal(fitsSignedBits(9223372036854775808n, 64), false);
  });

  test('agrees with BigInt.asIntN, near the boundaries and anywhere', () => {
    const nearBoundary = fc
      .tuple(fc.integer({ min: 1, max: 130 }), fc.boolean(), fc.bigInt({ min: -2n, max: 2n }))
      .map(([bits, negative, offset]) => {
        const limit = 1n << BigInt(bits - 1);
        return { bits, units: (negative ? -limit : limit) + offset };
      });
    const anywhere = fc
      .tuple(fc.integer({ min: 1, max: 130 }), fc.bigInt({ min: -(1n << 140n), max: 1n << 140n }))
      .map(([bits, units]) => ({ bits, units }));
    fc.assert(
      fc.property(fc.oneof(nearBoundary, anywhere), ({ bits, units }) => {
        assert.equal(fitsSignedBits(units, bits), BigInt.asIntN(bits, units) === units);
      }),
      { numRuns: 500 },
    );
  });
});
