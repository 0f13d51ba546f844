/** Why a formula did not compile or evaluate. */
export type FormulaErrorCode =
  // compile
  | 'source_too_long'
  | 'unexpected_character'
  | 'invalid_number'
  | 'number_out_of_range'
  | 'number_precision'
  | 'name_too_long'
  | 'syntax'
  | 'too_deep'
  | 'too_many_nodes'
  | 'too_many_arguments'
  | 'unknown_name'
  | 'unknown_function'
  | 'not_a_function'
  | 'function_without_call'
  | 'arity'
  | 'invalid_window'
  | 'invalid_option'
  // compile (from the interval analysis) and evaluation
  | 'division_by_zero'
  | 'invalid_argument'
  // evaluation
  | 'domain'
  | 'overflow'
  | 'missing_input'
  | 'input_out_of_range'
  | 'insufficient_history'
  | 'invalid_history'
  | 'invalid_env';

/** A compile or evaluation error; start/end are UTF-16 offsets into the formula text (end exclusive). */
export interface FormulaError {
  readonly code: FormulaErrorCode;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** A positioned error; the span is the offending token or node. */
export function formulaError(
  code: FormulaErrorCode,
  message: string,
  start: number,
  end: number,
): FormulaError {
  return { code, message, start, end };
}
