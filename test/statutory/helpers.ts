import assert from 'node:assert/strict';
import {
  compileFormula,
  parseFixed,
  type CompiledFormula,
  type Fixed,
} from '../../src/statutory/formula/index.js';

/** Decimal text as a Fixed (the test's own literal: a bad one fails the test). */
export function fixed(text: string): Fixed {
  const value = parseFixed(text);
  assert.ok(value !== null, text);
  return value;
}

/** A formula that must compile, with `parameters` besides the standard inputs. */
export function compiled(source: string, parameters: readonly string[] = []): CompiledFormula {
  const result = compileFormula(source, { parameters });
  if (!result.ok) assert.fail(`${source} does not compile: ${JSON.stringify(result.errors)}`);
  return result.formula;
}
