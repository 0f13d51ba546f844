import { assessAccount } from '../margin/index.js';
import { parseExactJson, type InputError } from '../numbers/index.js';
import { parseCalcRequest } from './request.js';
import { formatCalcResponse, type CalcResponse } from './response.js';

/** Exit status of `bulwark calc`: 0 an answer, 2 bad input (with a JSON error), 1 a bug. */
export type CalcOutcome =
  | { readonly exitCode: 0; readonly body: CalcResponse }
  | { readonly exitCode: 2; readonly body: { readonly error: InputError } };

/** Runs the calculator contract on request text; bad input gives exit code 2 and the error, never a partial answer. */
export function calculate(requestText: string): CalcOutcome {
  const json = parseExactJson(requestText);
  if (!json.ok)
    return { exitCode: 2, body: { error: { code: 'invalid_json', message: json.error.message, path: '' } } };
  const request = parseCalcRequest(json.value);
  if (!request.ok) return { exitCode: 2, body: { error: request.error } };
  return { exitCode: 0, body: formatCalcResponse(assessAccount(request.value.account, request.value.marks)) };
}
