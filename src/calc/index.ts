export { calculate, type CalcOutcome } from './calculate.js';
export { parseCalcRequest, MAX_INSTRUMENTS, type CalcRequest } from './request.js';
export { formatCalcResponse, type CalcResponse } from './response.js';
