import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileFormula,
  MAX_DEPTH,
  MAX_NODES,
  MAX_SOURCE_LENGTH,
  parseFormula,
  printFormula,
  type FormulaError,
  type FormulaNode,
} from '../../src/statutory/formula/index.js';

/** The tree as an S-expression, to check precedence and associativity. */
function sexpr(node: FormulaNode): string {
  switch (node.kind) {
    case 'number':
      return node.value.toString();
    case 'name':
      return node.name;
    case 'negate':
      return `(neg ${sexpr(node.operand)})`;
    case 'arithmetic':
    case 'compare':
      return `(${node.operator} ${sexpr(node.left)} ${sexpr(node.right)})`;
    case 'call':
      return `(${node.name}${node.args.map((a) => ` ${sexpr(a)}`).join('')})`;
  }
}

function tree(source: string): string {
  const parsed = parseFormula(source);
  if (!parsed.ok) assert.fail(`${source}: ${JSON.stringify(parsed.error)}`);
  return sexpr(parsed.node).replace(/000000000000000000/g, '');
}

function compileErrors(source: string, parameters: readonly string[] = []): readonly FormulaError[] {
  const result = compileFormula(source, { parameters });
  if (result.ok) assert.fail(`expected ${JSON.stringify(source)} to be rejected`);
  assert.ok(result.errors.length > 0);
  for (const e of result.errors) {
    assert.ok(0 <= e.start && e.start <= e.end && e.end <= source.length, `bad span ${JSON.stringify(e)}`);
    assert.ok(e.message.length > 0);
  }
  return result.errors;
}

function firstError(source: string, parameters: readonly string[] = []): FormulaError {
  const [error] = compileErrors(source, parameters);
  assert.ok(error !== undefined);
  return error;
}

describe('parser', () => {
  test('precedence and associativity', () => {
    const cases: [string, string][] = [
      ['1 + 2 * 3', '(+ 1 (* 2 3))'],
      ['1 - 2 - 3', '(- (- 1 2) 3)'],
      ['8 / 4 / 2', '(/ (/ 8 4) 2)'],
      ['2 ^ 3 ^ 2', '(^ 2 (^ 3 2))'],
      ['-x ^ 2', '(neg (^ x 2))'],
      ['2 ^ -1', '(^ 2 (neg 1))'],
      ['-(x + 1) * 2', '(* (neg (+ x 1)) 2)'],
      ['a * -b', '(* a (neg b))'],
      ['1 + 2 < 3 * 4', '(< (+ 1 2) (* 3 4))'],
      ['(1 < 2) == 1', '(== (< 1 2) 1)'],
      ['max(1, 2, 3) + f(x)', '(+ (max 1 2 3) (f x))'],
      ['garchVol()', '(garchVol)'],
      ['--x', '(neg (neg x))'],
    ];
    for (const [source, expected] of cases) assert.equal(tree(source), expected, source);
  });

  test('every node carries its span', () => {
    const parsed = parseFormula('  alpha * sigma / ltv + beta ');
    assert.ok(parsed.ok);
    assert.equal(parsed.node.start, 2);
    assert.equal(parsed.node.end, 28);
    assert.ok(parsed.node.kind === 'arithmetic' && parsed.node.right.kind === 'name');
    assert.deepEqual([parsed.node.right.start, parsed.node.right.end], [24, 28]);
  });

  test('numbers: exact, in range, at most 18 decimals', () => {
    assert.equal(tree('1.5e3'), '1500');
    assert.equal(tree('0.000000000000000001'), '1');
    assert.equal(firstError('0.0000000000000000001').code, 'number_precision');
    assert.equal(firstError('1e30').code, 'number_out_of_range');
    assert.equal(tree('999999999999999999999999999999'), '999999999999999999999999999999');
    assert.deepEqual(firstError('1 + 2.'), {
      code: 'invalid_number',
      message: 'a decimal point needs digits after it',
      start: 5,
      end: 6,
    });
  });

  test('printFormula round-trips with minimal parentheses', () => {
    for (const source of [
      '-(x ^ 2)',
      '(-x) ^ 2',
      '(a - b) - (c - d)',
      '2 ^ (3 ^ 2)',
      '(2 ^ 3) ^ 2',
      '-(-x)',
      '(1 < 2) < 3',
    ]) {
      const parsed = parseFormula(source);
      assert.ok(parsed.ok, source);
      const printed = printFormula(parsed.node);
      const again = parseFormula(printed);
      assert.ok(again.ok, printed);
      assert.equal(sexpr(again.node), sexpr(parsed.node), `${source} → ${printed}`);
    }
    const parsed = parseFormula('(a - b) - (c - d)');
    assert.ok(parsed.ok);
    assert.equal(printFormula(parsed.node), 'a - b - (c - d)');
  });
});

describe('rejections carry a position', () => {
  test('the adversarial list', () => {
    const cases: [string, string, number, number][] = [
      ['constructor', 'unknown_name', 0, 11],
      ['__proto__', 'unknown_name', 0, 9],
      ['hasOwnProperty', 'unknown_name', 0, 14],
      ['1 + toString()', 'unknown_function', 4, 12],
      ['constructor(1)', 'unknown_function', 0, 11],
      ['a.b', 'unexpected_character', 1, 2],
      ['x[0]', 'unexpected_character', 1, 2],
      ['this', 'unknown_name', 0, 4],
      ['globalThis', 'unknown_name', 0, 10],
      ['process.exit()', 'unexpected_character', 7, 8],
      ['(()=>1)()', 'unexpected_character', 3, 4],
      ['`1`', 'unexpected_character', 0, 1],
      ['"1"', 'unexpected_character', 0, 1],
      ["'1'", 'unexpected_character', 0, 1],
      ['x = 1', 'unexpected_character', 2, 3],
      ['1; 2', 'unexpected_character', 1, 2],
      ['{1}', 'unexpected_character', 0, 1],
      ['!1', 'unexpected_character', 0, 1],
      ['1e999999', 'number_out_of_range', 0, 8],
      ['1e-999999', 'number_precision', 0, 9],
      ['σ', 'unexpected_character', 0, 1],
      ['1 + 😀', 'unexpected_character', 4, 6],
      ['1\u0000', 'unexpected_character', 1, 2],
      ['', 'syntax', 0, 0],
      ['   ', 'syntax', 3, 3],
      ['1 +', 'syntax', 3, 3],
      ['+1', 'syntax', 0, 1],
      ['(1', 'syntax', 2, 2],
      ['1)', 'syntax', 1, 2],
      ['(1)(2)', 'syntax', 3, 4],
      ['2 x', 'syntax', 2, 3],
      ['sigma(1)', 'not_a_function', 0, 5],
      ['sqrt', 'function_without_call', 0, 4],
      ['min(1)', 'arity', 0, 6],
      ['sqrt(1, 2)', 'arity', 0, 10],
      ['garchVol(0.1)', 'arity', 0, 13],
      ['1 < 2 < 3', 'syntax', 6, 7],
      ['1 / sigma', 'division_by_zero', 4, 9],
    ];
    for (const [source, code, start, end] of cases) {
      const error = firstError(source);
      assert.deepEqual([error.code, error.start, error.end], [code, start, end], source);
    }
  });

  test('100k nested parentheses: the length bound, no stack overflow', () => {
    const source = '('.repeat(100_000) + '1' + ')'.repeat(100_000);
    const error = firstError(source);
    assert.deepEqual(
      [error.code, error.start, error.end],
      ['source_too_long', MAX_SOURCE_LENGTH, source.length],
    );
  });

  test('nesting deeper than MAX_DEPTH is an error at the token where it starts', () => {
    const ok = '('.repeat(MAX_DEPTH) + '1' + ')'.repeat(MAX_DEPTH);
    assert.ok(compileFormula(ok).ok);
    const deep = '('.repeat(MAX_DEPTH + 1) + '1' + ')'.repeat(MAX_DEPTH + 1);
    assert.deepEqual(firstError(deep), {
      code: 'too_deep',
      message: `formulas nest at most ${MAX_DEPTH} levels deep`,
      start: MAX_DEPTH + 1,
      end: MAX_DEPTH + 2,
    });
    assert.equal(firstError('-'.repeat(500) + '1').code, 'too_deep');
    assert.equal(firstError('2^'.repeat(100) + '1').code, 'too_deep');
    assert.equal(firstError('abs('.repeat(40) + '1' + ')'.repeat(40)).code, 'too_deep');
  });

  test('10k-term sums hit a bound; MAX_NODES terms are fine', () => {
    assert.equal(firstError(Array.from({ length: 10_000 }, () => '1').join('+')).code, 'source_too_long');
    const terms = (n: number) => Array.from({ length: n }, () => '1').join('+');
    assert.ok(compileFormula(terms((MAX_NODES + 1) / 2)).ok);
    const error = firstError(terms(MAX_NODES));
    assert.equal(error.code, 'too_many_nodes');
  });

  test('many unknown names are all reported, in order', () => {
    const errors = compileErrors('foo + bar * baz');
    assert.deepEqual(
      errors.map((e) => [e.code, e.start, e.end]),
      [
        ['unknown_name', 0, 3],
        ['unknown_name', 6, 9],
        ['unknown_name', 12, 15],
      ],
    );
  });

  test('names resolve only through the whitelist: declared parameters are known', () => {
    assert.ok(compileFormula('constructor + 1', { parameters: ['constructor'] }).ok);
    assert.equal(firstError('valueOf', ['alpha']).code, 'unknown_name');
    const bad = compileFormula('1', { parameters: ['sigma'] });
    assert.ok(!bad.ok && bad.errors[0]?.code === 'invalid_option');
    const badName = compileFormula('1', { parameters: ['a.b'] });
    assert.ok(!badName.ok && badName.errors[0]?.code === 'invalid_option');
  });
});
