import type { ArithmeticOperator, ComparisonOperator, FormulaNode } from './ast.js';
import { formulaError, type FormulaError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** Deepest nesting of parentheses, calls, unary minus and '^' exponents; the parser never recurses deeper. */
export const MAX_DEPTH = 32;
/** Most AST nodes in one formula. */
export const MAX_NODES = 256;
/** Most arguments of one call (min and max are variadic). */
export const MAX_CALL_ARGUMENTS = 16;

const COMPARISONS = new Set<string>(['<', '<=', '>', '>=', '==', '!=']);

/**
 * Parses a formula into its AST (grammar in index.ts), or returns the first error with its position. Only
 * builds data: nothing in the text is ever executed.
 */
export function parseFormula(
  source: string,
): { ok: true; node: FormulaNode } | { ok: false; error: FormulaError } {
  const lexed = tokenize(source);
  if (!lexed.ok) return lexed;
  const parser = new Parser(lexed.tokens);
  const node = parser.parseComparison(0);
  if (node === undefined) return { ok: false, error: parser.failure() };
  const next = parser.peek();
  if (next.kind !== 'end') {
    const message = next.kind === '(' ? 'only functions can be called' : 'expected an operator or the end';
    return { ok: false, error: formulaError('syntax', message, next.start, next.end) };
  }
  return { ok: true, node };
}

/** Precedence climbing; each method returns undefined after recording the first error. */
class Parser {
  private position = 0;
  private nodes = 0;
  private error: FormulaError | undefined;

  constructor(private readonly tokens: readonly Token[]) {}

  failure(): FormulaError {
    return this.error ?? formulaError('syntax', 'syntax error', 0, 0);
  }

  peek(): Token {
    const token = this.tokens[this.position] ?? this.tokens[this.tokens.length - 1];
    if (token === undefined) return { kind: 'end', start: 0, end: 0 };
    return token;
  }

  private fail(error: FormulaError): void {
    this.error ??= error;
  }

  private node<T extends FormulaNode>(node: T): T | undefined {
    this.nodes++;
    if (this.nodes > MAX_NODES) {
      this.fail(
        formulaError(
          'too_many_nodes',
          `a formula has at most ${MAX_NODES} terms and operators`,
          node.start,
          node.end,
        ),
      );
      return;
    }
    return node;
  }

  private checkDepth(depth: number): boolean {
    if (depth <= MAX_DEPTH) return true;
    const token = this.peek();
    this.fail(
      formulaError('too_deep', `formulas nest at most ${MAX_DEPTH} levels deep`, token.start, token.end),
    );
    return false;
  }

  /** additive [comparison additive]; comparisons do not chain. */
  parseComparison(depth: number): FormulaNode | undefined {
    if (!this.checkDepth(depth)) return undefined;
    const left = this.parseAdditive(depth);
    if (left === undefined) return undefined;
    const operator = this.peek();
    if (!COMPARISONS.has(operator.kind)) return left;
    this.position++;
    const right = this.parseAdditive(depth);
    if (right === undefined) return undefined;
    const after = this.peek();
    if (COMPARISONS.has(after.kind)) {
      this.fail(
        formulaError(
          'syntax',
          'comparisons do not chain; combine them with parentheses',
          after.start,
          after.end,
        ),
      );
      return;
    }
    return this.node({
      kind: 'compare',
      operator: operator.kind as ComparisonOperator,
      left,
      right,
      start: left.start,
      end: right.end,
    });
  }

  private parseAdditive(depth: number): FormulaNode | undefined {
    let left = this.parseMultiplicative(depth);
    while (left !== undefined) {
      const operator = this.peek().kind;
      if (operator !== '+' && operator !== '-') break;
      this.position++;
      const right = this.parseMultiplicative(depth);
      if (right === undefined) return undefined;
      left = this.node({ kind: 'arithmetic', operator, left, right, start: left.start, end: right.end });
    }
    return left;
  }

  private parseMultiplicative(depth: number): FormulaNode | undefined {
    let left = this.parseUnary(depth);
    while (left !== undefined) {
      const operator = this.peek().kind;
      if (operator !== '*' && operator !== '/') break;
      this.position++;
      const right = this.parseUnary(depth);
      if (right === undefined) return undefined;
      left = this.node({ kind: 'arithmetic', operator, left, right, start: left.start, end: right.end });
    }
    return left;
  }

  /** '-' unary | power: so -x^2 is -(x^2). */
  private parseUnary(depth: number): FormulaNode | undefined {
    if (!this.checkDepth(depth)) return undefined;
    const token = this.peek();
    if (token.kind !== '-') return this.parsePower(depth);
    this.position++;
    const operand = this.parseUnary(depth + 1);
    if (operand === undefined) return undefined;
    return this.node({ kind: 'negate', operand, start: token.start, end: operand.end });
  }

  /** primary ['^' unary]: right-associative, and the exponent may carry a sign (2^-1). */
  private parsePower(depth: number): FormulaNode | undefined {
    const base = this.parsePrimary(depth);
    if (base === undefined) return undefined;
    if (this.peek().kind !== '^') return base;
    this.position++;
    const exponent = this.parseUnary(depth + 1);
    if (exponent === undefined) return undefined;
    const operator: ArithmeticOperator = '^';
    return this.node({
      kind: 'arithmetic',
      operator,
      left: base,
      right: exponent,
      start: base.start,
      end: exponent.end,
    });
  }

  private parsePrimary(depth: number): FormulaNode | undefined {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.position++;
        return this.node({ kind: 'number', value: token.value, start: token.start, end: token.end });
      case 'name':
        this.position++;
        if (this.peek().kind === '(') return this.parseCall(token, depth);
        return this.node({ kind: 'name', name: token.name, start: token.start, end: token.end });
      case '(': {
        this.position++;
        const inner = this.parseComparison(depth + 1);
        if (inner === undefined) return undefined;
        if (!this.expect(')', "expected ')'")) return undefined;
        return inner;
      }
      case 'end': {
        this.fail(formulaError('syntax', 'expected a number, a name or (', token.start, token.end));
        return;
      }
      default: {
        this.fail(
          formulaError(
            'syntax',
            `expected a number, a name or ( before '${token.kind}'`,
            token.start,
            token.end,
          ),
        );
        return;
      }
    }
  }

  private parseCall(nameToken: Token & { kind: 'name' }, depth: number): FormulaNode | undefined {
    this.position++; // '('
    const args: FormulaNode[] = [];
    if (this.peek().kind !== ')') {
      for (;;) {
        if (args.length === MAX_CALL_ARGUMENTS) {
          const token = this.peek();
          this.fail(
            formulaError(
              'too_many_arguments',
              `a call has at most ${MAX_CALL_ARGUMENTS} arguments`,
              token.start,
              token.end,
            ),
          );
          return;
        }
        const arg = this.parseComparison(depth + 1);
        if (arg === undefined) return undefined;
        args.push(arg);
        if (this.peek().kind !== ',') break;
        this.position++;
      }
    }
    const close = this.peek();
    if (!this.expect(')', "expected ',' or ')'")) return undefined;
    return this.node({
      kind: 'call',
      name: nameToken.name,
      nameEnd: nameToken.end,
      args,
      start: nameToken.start,
      end: close.end,
    });
  }

  private expect(kind: Token['kind'], message: string): boolean {
    const token = this.peek();
    if (token.kind !== kind) {
      this.fail(formulaError('syntax', message, token.start, token.end));
      return false;
    }
    this.position++;
    return true;
  }
}
