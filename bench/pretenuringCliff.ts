/**
 * Checks the fill path against V8's pretenuring cliff (docs/engine.md, "Running the engine"). It applies the
 * engine benchmark's 300,000-fill workload in memory, in a process that first allocates 64 MiB of typed arrays
 * and keeps half of them (as a price-scan buffer or large I/O buffers would), or without them. When the fill
 * path's events were object literals, the first command below ran 2.5× slower than the other two in most runs.
 * Now all three should agree:
 *
 *   node --min-semi-space-size=64 --max-semi-space-size=64 --import tsx bench/pretenuringCliff.ts buffers
 *   node --min-semi-space-size=64 --max-semi-space-size=64 --no-allocation-site-pretenuring \
 *     --import tsx bench/pretenuringCliff.ts buffers
 *   node --min-semi-space-size=64 --max-semi-space-size=64 --import tsx bench/pretenuringCliff.ts
 *
 * Add `--trace-gc` to see the scavenges: about 4–8 ms each, or 55–85 ms each on the cliff. This is not part of
 * `npm run bench`: it is about a V8 heuristic, and one run proves little either way.
 */
import { built } from './built.js';
import { ENGINE_BENCH_DEFAULTS } from './engine.js';
import { buildFillWorkload } from './fillWorkload.js';

const { Engine } = built;
const withBuffers = process.argv.includes('buffers');
const reps = 3;

const w = buildFillWorkload({
  seed: ENGINE_BENCH_DEFAULTS.seed,
  accounts: ENGINE_BENCH_DEFAULTS.accounts,
  fills: ENGINE_BENCH_DEFAULTS.fills,
});

/** 32 MiB kept for the life of the process, 32 MiB more allocated and dropped. */
let kept: Int32Array | null = null;
if (withBuffers) {
  const words = (32 * 2 ** 20) / 4;
  const dropped = new Int32Array(words);
  kept = new Int32Array(words);
  for (let i = 0; i < words; i++) {
    dropped[i] = i;
    kept[i] = words - 1 - i;
  }
}

/** Fills per second on a fresh engine (set-up untimed). */
function run(): number {
  const engine = Engine.create();
  for (const command of w.setup) engine.apply(command);
  const start = process.hrtime.bigint();
  for (const command of w.fills) engine.apply(command);
  return w.fills.length / (Number(process.hrtime.bigint() - start) / 1e9);
}

run();
const rates: string[] = [];
for (let r = 0; r < reps; r++) rates.push(Math.round(run()).toLocaleString('en-US'));
const flags = process.execArgv.filter((a) => a.startsWith('--') && a !== '--import').join(' ');
console.log(
  `${withBuffers ? 'with 64 MiB of typed arrays (32 MiB kept)' : 'without typed arrays'}, node ${flags}: ` +
    `${rates.join(', ')} fills/s` +
    (kept === null ? '' : ` (kept buffer ends at ${kept[kept.length - 1] ?? 0})`),
);
