/**
 * The float full scan on worker threads (bench/liquidation.ts): a venue runs the safety-net scan beside the
 * engine's writer thread, over struct-of-arrays in shared memory that the writer keeps up to date, so the scan
 * neither blocks the writer nor runs inside the writer's multi-gigabyte heap, and it uses every core. Each worker
 * gets the arrays (SharedArrayBuffer views, not copies) and one unit-aligned part of the positions; it scans its
 * part each time the main thread bumps the round counter, counts itself done, and at the end posts its last
 * results ('ready' first, once loaded).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { floatScan, type FloatBook } from '../src/liquidation/floatScan.js';

export interface FloatScanJob {
  readonly book: FloatBook;
  readonly from: number;
  readonly to: number;
  readonly mark: number;
  readonly rounds: number;
  /** [0]: the round the main thread has started (1-based); [1]: scans finished, over all workers. */
  readonly control: Int32Array;
}

export interface FloatScanReply {
  readonly unhealthy: number[];
  readonly borderline: number[];
}

const job = workerData as FloatScanJob;
const marks = new Float64Array([job.mark]);
let last: FloatScanReply = { unhealthy: [], borderline: [] };
parentPort?.postMessage('ready');
for (let round = 0; round < job.rounds; round++) {
  // Wait until the main thread starts this round.
  while (Atomics.load(job.control, 0) <= round) Atomics.wait(job.control, 0, round);
  last = floatScan(job.book, job.to, marks, job.from);
  Atomics.add(job.control, 1, 1);
  Atomics.notify(job.control, 1);
}
parentPort?.postMessage(last);
