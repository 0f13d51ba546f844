import type { FormulaNode } from './ast.js';
import { formatFixed } from './fixed.js';

/** Binding strength of a node as printed: a child weaker than its slot needs parentheses. */
function strength(node: FormulaNode): number {
  switch (node.kind) {
    case 'compare':
      return 1;
    case 'arithmetic':
      return node.operator === '+' || node.operator === '-' ? 2 : node.operator === '^' ? 5 : 3;
    case 'negate':
      return 4;
    default:
      return 6;
  }
}

function slot(node: FormulaNode, needed: number): string {
  const text = printFormula(node);
  return strength(node) < needed ? `(${text})` : text;
}

/** The canonical text of an AST, with the fewest parentheses that parse back to the same tree. */
export function printFormula(node: FormulaNode): string {
  switch (node.kind) {
    case 'number':
      return formatFixed(node.value);
    case 'name':
      return node.name;
    case 'negate':
      return `-${slot(node.operand, 4)}`;
    case 'compare':
      return `${slot(node.left, 2)} ${node.operator} ${slot(node.right, 2)}`;
    case 'arithmetic':
      if (node.operator === '^') return `${slot(node.left, 6)} ^ ${slot(node.right, 4)}`;
      if (node.operator === '+' || node.operator === '-') {
        return `${slot(node.left, 2)} ${node.operator} ${slot(node.right, 3)}`;
      }
      return `${slot(node.left, 3)} ${node.operator} ${slot(node.right, 4)}`;
    case 'call':
      return `${node.name}(${node.args.map(printFormula).join(', ')})`;
  }
}
