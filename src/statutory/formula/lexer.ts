import { formulaError, type FormulaError } from './errors.js';
import { decimalToFixed, MAX_DECIMAL_TEXT_LENGTH, readDecimalText, type Fixed } from './fixed.js';

/** Longest formula text, in UTF-16 code units: bounds the work of every later stage. */
export const MAX_SOURCE_LENGTH = 2000;
/** Longest input, parameter or function name, in characters. */
export const MAX_NAME_LENGTH = 64;

export type OperatorKind = '+' | '-' | '*' | '/' | '^' | '<' | '<=' | '>' | '>=' | '==' | '!=';
export type PunctuationKind = '(' | ')' | ',';

/** One token with its [start, end) offsets in the source. */
export type Token =
  | { readonly kind: 'number'; readonly value: Fixed; readonly start: number; readonly end: number }
  | { readonly kind: 'name'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: OperatorKind | PunctuationKind | 'end'; readonly start: number; readonly end: number };

const SINGLE = new Map<string, OperatorKind | PunctuationKind>([
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['^', '^'],
  ['(', '('],
  [')', ')'],
  [',', ','],
]);

/** Characters people try that the language deliberately lacks, with the reason. */
const FORBIDDEN = new Map<string, string>([
  ['.', "member access ('.') is not allowed; a number is written with digits before the point, e.g. 0.5"],
  ['[', "indexing ('[') is not allowed"],
  [']', "indexing (']') is not allowed"],
  ['"', 'strings are not allowed'],
  ["'", 'strings are not allowed'],
  ['`', 'template strings are not allowed'],
  ['=', "assignment ('=') is not allowed; compare with '=='"],
  [';', "statements (';') are not allowed"],
  ['{', "blocks ('{') are not allowed"],
  ['}', "blocks ('}') are not allowed"],
  ['!', "'!' is not an operator; use '!=' or a comparison"],
]);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isNamePart(c: string | undefined): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Splits the source into tokens (ending with an 'end' token), or the first error with its position. */
export function tokenize(
  source: string,
): { ok: true; tokens: readonly Token[] } | { ok: false; error: FormulaError } {
  if (source.length > MAX_SOURCE_LENGTH) {
    return {
      ok: false,
      error: formulaError(
        'source_too_long',
        `formula is ${source.length} characters; at most ${MAX_SOURCE_LENGTH} are allowed`,
        MAX_SOURCE_LENGTH,
        source.length,
      ),
    };
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      const number = lexNumber(source, start);
      if (!number.ok) return number;
      tokens.push(number.token);
      i = number.token.end;
      continue;
    }
    if (isNameStart(c)) {
      while (isNamePart(source[i])) i++;
      if (i - start > MAX_NAME_LENGTH) {
        return {
          ok: false,
          error: formulaError('name_too_long', `names have at most ${MAX_NAME_LENGTH} characters`, start, i),
        };
      }
      tokens.push({ kind: 'name', name: source.slice(start, i), start, end: i });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '==' || two === '!=') {
      tokens.push({ kind: two, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === '<' || c === '>') {
      tokens.push({ kind: c, start, end: i + 1 });
      i++;
      continue;
    }
    const single = c === undefined ? undefined : SINGLE.get(c);
    if (single !== undefined) {
      tokens.push({ kind: single, start, end: i + 1 });
      i++;
      continue;
    }
    return { ok: false, error: unexpectedCharacter(source, start) };
  }
  tokens.push({ kind: 'end', start: source.length, end: source.length });
  return { ok: true, tokens };
}

function unexpectedCharacter(source: string, start: number): FormulaError {
  const c = source[start] ?? '';
  const reason = FORBIDDEN.get(c);
  if (reason !== undefined) return formulaError('unexpected_character', reason, start, start + 1);
  const codePoint = source.codePointAt(start) ?? 0;
  const width = codePoint > 0xffff ? 2 : 1;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return formulaError(
    'unexpected_character',
    `unexpected character U+${hex}; formulas use ASCII names, digits and + - * / ^ < > = ! ( ) ,`,
    start,
    start + width,
  );
}

/** digits [. digits] [e [+-] digits]: an exact Fixed within the range, or a positioned error. */
function lexNumber(
  source: string,
  start: number,
): { ok: true; token: Token & { kind: 'number' } } | { ok: false; error: FormulaError } {
  let i = start;
  while (isDigit(source[i])) i++;
  if (source[i] === '.') {
    if (!isDigit(source[i + 1])) {
      return {
        ok: false,
        error: formulaError('invalid_number', 'a decimal point needs digits after it', i, i + 1),
      };
    }
    i++;
    while (isDigit(source[i])) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    const sign = source[i + 1] === '+' || source[i + 1] === '-' ? 1 : 0;
    if (isDigit(source[i + 1 + sign])) {
      i += 1 + sign;
      while (isDigit(source[i])) i++;
    }
  }
  const text = source.slice(start, i);
  const decimal = readDecimalText(text);
  if (decimal === null) {
    // The shape was checked above, so only the length can fail.
    const message = `a number has at most ${MAX_DECIMAL_TEXT_LENGTH} characters`;
    return { ok: false, error: formulaError('invalid_number', message, start, i) };
  }
  const fixed = decimalToFixed(decimal, 'exact');
  if (!fixed.ok) {
    const error =
      fixed.reason === 'range'
        ? formulaError('number_out_of_range', `'${text}' is outside the range (|x| < 1e30)`, start, i)
        : formulaError('number_precision', `'${text}' has more than 18 digits after the point`, start, i);
    return { ok: false, error };
  }
  return { ok: true, token: { kind: 'number', value: fixed.value, start, end: i } };
}
