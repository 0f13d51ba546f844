import type { Fixed } from './fixed.js';

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '^';
export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/**
 * The closed set of formula nodes. Every node carries its [start, end) offsets in the source (UTF-16 units);
 * a parenthesised expression's span is the expression inside the parentheses.
 */
export type FormulaNode =
  | { readonly kind: 'number'; readonly value: Fixed; readonly start: number; readonly end: number }
  | { readonly kind: 'name'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'negate'; readonly operand: FormulaNode; readonly start: number; readonly end: number }
  | {
      readonly kind: 'arithmetic';
      readonly operator: ArithmeticOperator;
      readonly left: FormulaNode;
      readonly right: FormulaNode;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly kind: 'compare';
      readonly operator: ComparisonOperator;
      readonly left: FormulaNode;
      readonly right: FormulaNode;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly kind: 'call';
      readonly name: string;
      /** End of the function name (the name spans [start, nameEnd)). */
      readonly nameEnd: number;
      readonly args: readonly FormulaNode[];
      readonly start: number;
      readonly end: number;
    };
