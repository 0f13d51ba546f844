/**
 * Engine throughput (issue 3): fills applied per second by `Engine.apply` in memory, durable commands per second
 * through `DurableEngine.submit` with the SQLite journal (synchronous = FULL, batches of 1,000), and the same fills
 * on a naive decimal.js object engine (bench/decimalLedger.ts), as ratios. The workload (bench/fillWorkload.ts) is
 * seeded and generated before any clock starts; every repetition runs on a fresh engine whose set-up is untimed,
 * and the three paths' repetitions are interleaved in rounds (one path's median is not one stretch of host load).
 * Outcomes are checked afterwards (untimed): every repetition must accept and reject exactly what the workload's
 * generator saw, the durable engine must end at the in-memory engine's state hash, and the decimal.js engine's
 * final balances and positions are compared with Bulwark's. Prints nothing; bench/run.ts formats the result.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LedgerAccounts, positionKey, type Command, type Engine, type EngineState } from '../src/index.js';
import { built } from './built.js';
import { D, DecimalLedger } from './decimalLedger.js';
import { ASSET, ASSET_SCALE, buildFillWorkload, type FillKind, type FillWorkload } from './fillWorkload.js';
import { benchJournal } from './journal.js';
import { collectGarbage } from './timing.js';

const { DurableEngine, Engine: BuiltEngine, openSqliteJournal } = built;

/** 1,234,567 */
const grouped = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export interface EngineBenchOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly fills: number;
  /** Commands per `DurableEngine.submit` (one journal transaction, one fsync). */
  readonly batch: number;
  readonly memoryReps: number;
  readonly durableReps: number;
  readonly decimalReps: number;
  /** Fills applied on a throw-away engine before the in-memory repetitions. */
  readonly memoryWarmupFills: number;
  /** Batches submitted on a throw-away journal before the durable repetitions. */
  readonly durableWarmupBatches: number;
  /** Also run bench/journal.ts (raw journal appends) for reference. */
  readonly journalReference: boolean;
  /** Also time `bulwark run` as a process on the whole workload (JSON lines in from a file), for reference. */
  readonly processReference: boolean;
  /** Constant offered rates (fills/s) at which the durable engine's acknowledgement latency is measured. */
  readonly latencyRates: readonly number[];
  /** Seconds of fills offered at each rate (at most the workload's fills). */
  readonly latencySeconds: number;
}

export const ENGINE_BENCH_DEFAULTS: EngineBenchOptions = {
  seed: 0x0b17_0303,
  accounts: 1_000,
  fills: 300_000,
  batch: 1_000,
  memoryReps: 7,
  durableReps: 3,
  decimalReps: 3,
  memoryWarmupFills: 100_000,
  durableWarmupBatches: 30,
  journalReference: true,
  processReference: true,
  latencyRates: [10_000, 50_000, 75_000],
  latencySeconds: 3,
};

/** Issue 3's targets. */
export const ENGINE_TARGETS = { memoryFillsPerSecond: 200_000, durableCommandsPerSecond: 50_000 } as const;

export interface RateMeasurement {
  readonly name: string;
  /** Commands per repetition. */
  readonly ops: number;
  /** Per repetition, ascending. */
  readonly samples: readonly number[];
  readonly medianPerSecond: number;
  readonly minPerSecond: number;
  readonly maxPerSecond: number;
  /** Commands the path accepted (the same in every repetition, or the run fails). */
  readonly accepted: number;
  /** Rejections by code. */
  readonly rejections: Readonly<Record<string, number>>;
}

export interface WorkloadSummary {
  readonly seed: number;
  readonly accounts: number;
  readonly setupCommands: number;
  readonly fills: number;
  readonly instruments: readonly {
    readonly symbol: string;
    readonly tick: string;
    readonly tiers: number;
    readonly mark: string;
    readonly fills: number;
  }[];
  readonly kinds: Readonly<Record<FillKind, number>>;
  readonly againstOrders: number;
  readonly restingOrders: number;
  readonly isolatedAccounts: number;
  readonly partlyIsolatedAccounts: number;
  readonly meanNotional: number;
  readonly meanPayloadBytes: number;
  readonly generationMs: number;
}

export interface Agreement {
  /** Fills with the same outcome (applied, or rejected with the same code) on both engines. */
  readonly sameOutcome: number;
  readonly differentOutcome: number;
  readonly accounts: number;
  /** Accounts whose wallet and isolated margins are within 1e-8 of Bulwark's. */
  readonly balancesWithin: number;
  /** Largest wallet or isolated margin difference, in the asset (decimal string). */
  readonly maxBalanceDifference: string;
  /** Accounts whose every position (size and cost) is identical. */
  readonly positionsSame: number;
  /** Non-zero isolated margins among the balances compared. */
  readonly isolatedBalances: number;
  readonly examples: readonly string[];
}

export interface EngineBenchResult {
  readonly options: EngineBenchOptions;
  readonly workload: WorkloadSummary;
  readonly memory: RateMeasurement;
  readonly durable: RateMeasurement & {
    readonly batch: number;
    readonly journalMode: string;
    /** SQLite's synchronous level on the journal connection (2 = FULL). */
    readonly synchronous: number;
    /** Size of the database and its WAL after a repetition. */
    readonly journalBytes: number;
    readonly stateHashMatches: boolean;
  };
  readonly decimal: RateMeasurement;
  /** Acknowledgement latency of the durable engine at each constant offered rate (`runLatency`). */
  readonly latency: readonly Omit<LatencyRun, 'outcomes'>[];
  /** bench/journal.ts: raw appends of ~200-byte payloads, no engine. */
  readonly journalAppend: { readonly commandsPerSecond: number; readonly batch: number } | null;
  /** `bulwark run` as a process (`runProcess`), or null when not measured. */
  readonly process: (ProcessRun & { readonly stateHashMatches: boolean }) | null;
  readonly agreement: Agreement;
  readonly targets: typeof ENGINE_TARGETS;
  /** Correctness problems (outcomes that differ between runs, hashes that differ); empty when all is well. */
  readonly failures: readonly string[];
  readonly totalMs: number;
  /** The machine's 1-minute load average before and after the section, and its CPU count (a busy machine reads slow). */
  readonly load: { readonly before: number; readonly after: number; readonly cpus: number };
}

// ---------------------------------------------------------------------------------------------------------

interface Run {
  readonly ns: number;
  /** Per fill: null when applied, else the rejection code. */
  readonly outcomes: readonly (string | null)[];
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function rate(name: string, ops: number, runs: readonly Run[]): RateMeasurement {
  const samples = runs.map((r) => (ops * 1e9) / r.ns).sort((a, b) => a - b);
  const first = runs[0]?.outcomes ?? [];
  const rejections: Record<string, number> = {};
  let accepted = 0;
  for (const outcome of first) {
    if (outcome === null) accepted++;
    else rejections[outcome] = (rejections[outcome] ?? 0) + 1;
  }
  return {
    name,
    ops,
    samples,
    medianPerSecond: median(samples),
    minPerSecond: samples[0] ?? 0,
    maxPerSecond: samples[samples.length - 1] ?? 0,
    accepted,
    rejections,
  };
}

/** The first fills whose outcome differs from the generator's, as messages. */
function outcomeDifferences(
  path: string,
  outcomes: readonly (string | null)[],
  expected: readonly (string | null)[],
): string[] {
  const messages: string[] = [];
  let count = 0;
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome === expected[i]) continue;
    if (count++ < 5)
      messages.push(
        `${path}: fill ${i + 1} ${outcome ?? 'applied'}, the generator saw ${expected[i] ?? 'applied'}`,
      );
  }
  if (count > 5) messages.push(`${path}: ${count} fills in all differ from the generator's outcomes`);
  return messages;
}

function applySetup(apply: (c: Command) => { ok: boolean }, setup: readonly Command[], path: string): void {
  for (const command of setup) {
    if (!apply(command).ok)
      throw new Error(`${path}: set-up command ${command.seq} (${command.type}) rejected`);
  }
}

function runMemory(w: FillWorkload, fills: readonly Command[]): { run: Run; engine: Engine } {
  const engine = BuiltEngine.create();
  applySetup((c) => engine.apply(c), w.setup, 'Engine.apply');
  const outcomes = new Array<string | null>(fills.length);
  collectGarbage();
  const start = process.hrtime.bigint();
  let i = 0;
  for (const command of fills) {
    const result = engine.apply(command);
    outcomes[i++] = result.ok ? null : result.code;
  }
  const ns = Number(process.hrtime.bigint() - start);
  return { run: { ns, outcomes }, engine };
}

function runDecimal(w: FillWorkload): { run: Run; ledger: DecimalLedger } {
  const ledger = new DecimalLedger();
  applySetup((c) => ledger.apply(c), w.setup, 'decimal.js');
  const fills = w.fills;
  const outcomes = new Array<string | null>(fills.length);
  collectGarbage();
  const start = process.hrtime.bigint();
  let i = 0;
  for (const command of fills) {
    const result = ledger.apply(command);
    outcomes[i++] = result.ok ? null : result.code;
  }
  const ns = Number(process.hrtime.bigint() - start);
  return { run: { ns, outcomes }, ledger };
}

function batchesOf(commands: readonly Command[], size: number): Command[][] {
  const batches: Command[][] = [];
  for (let i = 0; i < commands.length; i += size) batches.push(commands.slice(i, i + size));
  return batches;
}

interface DurableRun extends Run {
  readonly stateHash: string;
  readonly journalMode: string;
  readonly synchronous: number;
  readonly journalBytes: number;
}

type BenchJournal = ReturnType<typeof openSqliteJournal>;
type BenchDurableEngine = Awaited<ReturnType<typeof DurableEngine.open>>;

/**
 * Runs `body` on a durable engine over a fresh temporary FULL-sync journal with the set-up already submitted
 * (untimed); the journal is closed and deleted afterwards.
 */
async function onFreshJournal<T>(
  setupBatches: readonly Command[][],
  body: (engine: BenchDurableEngine, journal: BenchJournal, path: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-engine-'));
  try {
    const path = join(dir, 'journal.db');
    const journal = openSqliteJournal(path, { synchronous: 'full' });
    try {
      const engine = await DurableEngine.open(journal);
      for (const batch of setupBatches) {
        const results = await engine.submit(batch);
        if (results.some((r) => !r.ok)) throw new Error('DurableEngine: a set-up command was rejected');
      }
      return await body(engine, journal, path);
    } finally {
      await journal.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One repetition on a fresh temporary FULL-sync journal: set-up submitted untimed, then the fill batches timed. */
async function runDurable(
  setupBatches: readonly Command[][],
  fillBatches: readonly Command[][],
): Promise<DurableRun> {
  return onFreshJournal(setupBatches, async (engine, journal, path) => {
    const settings = journal.storageSettings();
    const outcomes: (string | null)[] = [];
    collectGarbage();
    const start = process.hrtime.bigint();
    for (const batch of fillBatches) {
      const results = await engine.submit(batch);
      for (const result of results) outcomes.push(result.ok ? null : result.code);
    }
    const ns = Number(process.hrtime.bigint() - start);
    const size = (file: string): number => {
      try {
        return statSync(file).size;
      } catch {
        return 0;
      }
    };
    return {
      ns,
      outcomes,
      stateHash: engine.stateHash(),
      journalMode: settings.journalMode,
      synchronous: settings.synchronous,
      journalBytes: size(path) + size(`${path}-wal`),
    };
  });
}

/** `bulwark run` on the whole workload: set-up and fills as JSON lines from a file on its standard input. */
export interface ProcessRun {
  readonly commands: number;
  /** From spawning the process to its exit (start-up on an empty journal included). */
  readonly seconds: number;
  readonly commandsPerSecond: number;
  /** Commands acknowledged with ok: true. */
  readonly accepted: number;
  /** The state hash `{"control":"hash"}` printed at the end. */
  readonly stateHash: string;
}

const BIN = fileURLToPath(new URL('../bin/bulwark.js', import.meta.url));

/**
 * Times `bulwark run` as users run it (the compiled build, 64 MiB semi-spaces, a fresh FULL-sync journal, no
 * automatic snapshots): every set-up command and fill as a JSON line from a file on standard input, then a hash
 * control line; the acknowledgements are read from its standard output.
 */
async function runProcess(w: FillWorkload): Promise<ProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-run-'));
  try {
    const commands = [...w.setup, ...w.fills];
    const input = join(dir, 'commands.jsonl');
    writeFileSync(input, `${commands.map((c) => JSON.stringify(c)).join('\n')}\n{"control":"hash"}\n`);
    const fd = openSync(input, 'r');
    collectGarbage();
    const start = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [
        '--min-semi-space-size=64',
        '--max-semi-space-size=64',
        BIN,
        'run',
        join(dir, 'journal.db'),
        '--snapshot-every',
        '0',
      ],
      { stdio: [fd, 'pipe', 'inherit'] },
    );
    closeSync(fd);
    let accepted = 0;
    let last = '';
    let partial = '';
    const stdout = child.stdout;
    if (stdout === null) throw new Error('bulwark run: no standard output pipe');
    stdout.setEncoding('utf8');
    stdout.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"ok":true')) accepted++;
        last = line;
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (code !== 0) throw new Error(`bulwark run exited with ${String(code)}`);
    const { stateHash } = JSON.parse(last) as { stateHash: string };
    return {
      commands: commands.length,
      seconds,
      commandsPerSecond: commands.length / seconds,
      accepted,
      stateHash,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Acknowledgement latency at one constant offered rate (see `LatencyMeasurement`). */
export interface LatencyRun {
  readonly offeredPerSecond: number;
  readonly commands: number;
  /** Journal transactions (one fsync each). */
  readonly commits: number;
  /** From each command's scheduled arrival to its acknowledgement, ns. */
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly p999Ns: number;
  readonly maxNs: number;
  /** Commands acknowledged per second over the run (below the offered rate: the engine fell behind). */
  readonly achievedPerSecond: number;
  readonly outcomes: readonly (string | null)[];
}

/** The value at quantile `q` of ascending samples (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/**
 * The durable engine under a constant offered load (STYLE.md: latency as percentiles from a constant-rate load,
 * not an average). Fill k arrives at k / `perSecond` s; each commit (`DurableEngine.submit`: one SQLite
 * transaction, synchronous FULL, then apply) takes every fill that has arrived, at most `maxBatch`, and its
 * acknowledgement is when `submit` returns. A fill's latency runs from its scheduled arrival, so waiting behind
 * a slow commit counts (no coordinated omission). With nothing arrived the loop waits (spins) for the next fill.
 */
async function runLatency(
  setupBatches: readonly Command[][],
  fills: readonly Command[],
  perSecond: number,
  maxBatch: number,
): Promise<LatencyRun> {
  return onFreshJournal(setupBatches, async (engine) => {
    const n = fills.length;
    const intervalNs = 1e9 / perSecond;
    const latencyNs = new Float64Array(n);
    const outcomes: (string | null)[] = [];
    let next = 0;
    let commits = 0;
    const start = process.hrtime.bigint();
    const elapsedNs = (): number => Number(process.hrtime.bigint() - start);
    /** One past the last fill that has arrived by now, at most `maxBatch` after `next`. */
    const arrived = (): number => Math.min(n, next + maxBatch, Math.floor(elapsedNs() / intervalNs) + 1);
    while (next < n) {
      let end = arrived();
      while (end <= next) end = arrived();
      const results = await engine.submit(fills.slice(next, end));
      const ackNs = elapsedNs();
      for (let k = next; k < end; k++) latencyNs[k] = ackNs - k * intervalNs;
      for (const result of results) outcomes.push(result.ok ? null : result.code);
      commits++;
      next = end;
    }
    const totalNs = elapsedNs();
    latencyNs.sort();
    return {
      offeredPerSecond: perSecond,
      commands: n,
      commits,
      p50Ns: quantile(latencyNs, 0.5),
      p99Ns: quantile(latencyNs, 0.99),
      p999Ns: quantile(latencyNs, 0.999),
      maxNs: latencyNs[n - 1] ?? 0,
      achievedPerSecond: n / (totalNs / 1e9),
      outcomes,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Agreement of the decimal.js engine with Bulwark (untimed).

const UNIT = new D(10).pow(ASSET_SCALE);

/** A decimal.js amount in the asset's units (exact: every booked amount is rounded to the asset's scale). */
function unitsOf(value: InstanceType<typeof D>): bigint {
  return BigInt(value.mul(UNIT).toFixed(0, D.ROUND_HALF_EVEN));
}

function compareStates(
  w: FillWorkload,
  state: Readonly<EngineState>,
  ledger: DecimalLedger,
  bulwarkOutcomes: readonly (string | null)[],
  decimalOutcomes: readonly (string | null)[],
): Agreement {
  const examples: string[] = [];
  const note = (message: string): void => {
    if (examples.length < 5) examples.push(message);
  };
  let sameOutcome = 0;
  for (const [i, outcome] of bulwarkOutcomes.entries()) {
    if (decimalOutcomes[i] === outcome) sameOutcome++;
    else
      note(`fill ${i + 1}: Bulwark ${outcome ?? 'applied'}, decimal.js ${decimalOutcomes[i] ?? 'applied'}`);
  }
  let balancesWithin = 0;
  let positionsSame = 0;
  let maxDifference = 0n;
  let isolatedBalances = 0;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  for (const accountId of w.accounts) {
    const account = state.accounts.get(accountId);
    const dec = ledger.accounts.get(accountId);
    if (account === undefined || dec === undefined) {
      note(`${accountId} missing`);
      continue;
    }
    const pairs: [string, bigint, bigint][] = [
      ['wallet', state.ledger.balance(LedgerAccounts.wallet(accountId), ASSET), unitsOf(dec.wallet)],
    ];
    let positionsMatch = true;
    for (const plan of w.instruments) {
      const symbol = plan.symbol;
      const isolated = state.ledger.balance(LedgerAccounts.isolated(accountId, symbol, 'BOTH'), ASSET);
      if (isolated !== 0n) isolatedBalances++;
      pairs.push([`isolated ${symbol}`, isolated, unitsOf(dec.isolatedMargin.get(symbol) ?? new D(0))]);
      const p = account.positions.get(positionKey(symbol, 'BOTH'));
      const q = dec.positions.get(symbol);
      const bulwarkQty = p === undefined ? 0n : p.sign * p.qty;
      const decQty = q === undefined ? 0n : BigInt(q.qty.mul(1_000).toFixed(0));
      const bulwarkCost = p?.entryValue ?? 0n;
      const decCost = q === undefined ? 0n : unitsOf(q.cost);
      if (bulwarkQty !== decQty || bulwarkCost !== decCost) {
        positionsMatch = false;
        note(
          `${accountId} ${symbol}: Bulwark ${bulwarkQty} lots cost ${bulwarkCost}, decimal.js ${decQty} lots cost ${decCost} (1e-8 USDT)`,
        );
      }
    }
    let within = true;
    for (const [what, bulwark, decimal] of pairs) {
      const difference = abs(bulwark - decimal);
      if (difference > maxDifference) maxDifference = difference;
      if (difference > 1n) {
        within = false;
        note(`${accountId} ${what}: Bulwark ${bulwark}, decimal.js ${decimal} (1e-8 USDT)`);
      }
    }
    if (within) balancesWithin++;
    if (positionsMatch) positionsSame++;
  }
  return {
    sameOutcome,
    differentOutcome: bulwarkOutcomes.length - sameOutcome,
    accounts: w.accounts.length,
    balancesWithin,
    maxBalanceDifference: new D(maxDifference.toString()).div(UNIT).toFixed(),
    positionsSame,
    isolatedBalances,
    examples,
  };
}

// ---------------------------------------------------------------------------------------------------------

/** Runs the engine benchmark; prints nothing. */
export async function benchEngine(overrides: Partial<EngineBenchOptions> = {}): Promise<EngineBenchResult> {
  const started = process.hrtime.bigint();
  const loadBefore = loadavg()[0] ?? 0;
  const options: EngineBenchOptions = { ...ENGINE_BENCH_DEFAULTS, ...overrides };
  const failures: string[] = [];

  // Untimed: the workload, and the batches the durable engine submits.
  const w = buildFillWorkload({ seed: options.seed, accounts: options.accounts, fills: options.fills });
  const n = w.fills.length;
  const setupBatches = batchesOf(w.setup, options.batch);
  const fillBatches = batchesOf(w.fills, options.batch);

  // Warm-ups: a throw-away engine, a throw-away journal, and the decimal.js engine's first (untimed) run, which
  // is also the agreement check.
  runMemory(w, w.fills.slice(0, options.memoryWarmupFills));
  await runDurable(setupBatches, fillBatches.slice(0, options.durableWarmupBatches));
  const check = runDecimal(w);

  // The timed repetitions, interleaved in rounds: this machine's rates swing by up to 2x within minutes (other
  // tenants of the host), so each path's repetitions are spread over the whole section rather than run back to
  // back, and a stretch of load weighs on every path alike instead of deciding one path's median.
  const rounds = Math.max(options.memoryReps, options.durableReps, options.decimalReps);
  /** Whether a path with `reps` repetitions runs one in `round` (its repetitions spread evenly). */
  const runsIn = (reps: number, round: number): boolean =>
    Math.floor(((round + 1) * reps) / rounds) > Math.floor((round * reps) / rounds);
  const memoryRuns: Run[] = [];
  const durableRuns: DurableRun[] = [];
  const decimalRuns: Run[] = [];
  let lastEngine: Engine | null = null;
  for (let round = 0; round < rounds; round++) {
    if (runsIn(options.memoryReps, round)) {
      const { run, engine } = runMemory(w, w.fills);
      memoryRuns.push(run);
      lastEngine = engine;
      failures.push(...outcomeDifferences(`Engine.apply rep ${memoryRuns.length}`, run.outcomes, w.expected));
    }
    if (runsIn(options.durableReps, round)) {
      const run = await runDurable(setupBatches, fillBatches);
      durableRuns.push(run);
      failures.push(
        ...outcomeDifferences(`DurableEngine.submit rep ${durableRuns.length}`, run.outcomes, w.expected),
      );
    }
    if (runsIn(options.decimalReps, round)) {
      const { run } = runDecimal(w);
      decimalRuns.push(run);
      if (run.outcomes.some((o, i) => o !== check.run.outcomes[i]))
        failures.push(`decimal.js rep ${decimalRuns.length}: outcomes differ from its first run`);
    }
  }
  if (lastEngine === null) throw new Error('memoryReps must be at least 1');
  const memoryHash = lastEngine.stateHash();
  for (const [rep, run] of durableRuns.entries()) {
    if (run.stateHash !== memoryHash)
      failures.push(
        `DurableEngine rep ${rep + 1} ended at state hash ${run.stateHash}, in memory ${memoryHash}`,
      );
  }
  const lastDurable = durableRuns[durableRuns.length - 1];
  if (lastDurable === undefined) throw new Error('durableReps must be at least 1');
  const memoryOutcomes = memoryRuns[0]?.outcomes ?? [];
  const agreement = compareStates(w, lastEngine.view, check.ledger, memoryOutcomes, check.run.outcomes);

  // Latency at constant offered rates, on fresh journals (after the throughput rounds: a run that falls behind
  // leaves nothing behind it).
  const latency: Omit<LatencyRun, 'outcomes'>[] = [];
  for (const perSecond of options.latencyRates) {
    const count = Math.min(n, Math.round(perSecond * options.latencySeconds));
    const { outcomes, ...run } = await runLatency(
      setupBatches,
      w.fills.slice(0, count),
      perSecond,
      options.batch,
    );
    failures.push(...outcomeDifferences(`latency at ${grouped(perSecond)}/s`, outcomes, w.expected));
    latency.push(run);
  }

  // Reference: the colleague's raw journal append benchmark.
  const journalAppend = options.journalReference ? await benchJournal() : null;
  // Reference: the engine as a process, end to end.
  const processRun = options.processReference ? await runProcess(w) : null;
  if (processRun !== null) {
    const expectedAccepted = w.setup.length + w.expected.filter((o) => o === null).length;
    if (processRun.accepted !== expectedAccepted)
      failures.push(`bulwark run acknowledged ${processRun.accepted} commands, expected ${expectedAccepted}`);
    if (processRun.stateHash !== memoryHash)
      failures.push(`bulwark run ended at state hash ${processRun.stateHash}, in memory ${memoryHash}`);
  }

  const workload: WorkloadSummary = {
    seed: w.seed,
    accounts: w.accounts.length,
    setupCommands: w.setup.length,
    fills: n,
    instruments: w.instruments.map((i) => ({
      symbol: i.symbol,
      tick: new D(10).pow(-i.priceScale).toFixed(),
      tiers: i.tiers.length,
      mark: new D(i.markTicks.toString()).div(new D(10).pow(i.priceScale)).toFixed(),
      fills: w.stats.bySymbol[i.symbol] ?? 0,
    })),
    kinds: w.stats.kinds,
    againstOrders: w.stats.againstOrders,
    restingOrders: w.stats.restingOrders,
    isolatedAccounts: w.stats.isolatedAccounts,
    partlyIsolatedAccounts: w.stats.partlyIsolatedAccounts,
    meanNotional: w.stats.meanNotional,
    meanPayloadBytes: w.stats.payloadBytes / n,
    generationMs: w.stats.generationMs,
  };
  return {
    options,
    workload,
    memory: rate('Bulwark Engine.apply (in memory)', n, memoryRuns),
    durable: {
      ...rate(
        `Bulwark DurableEngine.submit (SQLite, FULL, batches of ${grouped(options.batch)})`,
        n,
        durableRuns,
      ),
      batch: options.batch,
      journalMode: lastDurable.journalMode,
      synchronous: lastDurable.synchronous,
      journalBytes: lastDurable.journalBytes,
      stateHashMatches: durableRuns.every((r) => r.stateHash === memoryHash),
    },
    decimal: rate('decimal.js object engine (naive baseline)', n, decimalRuns),
    latency,
    journalAppend,
    process:
      processRun === null ? null : { ...processRun, stateHashMatches: processRun.stateHash === memoryHash },
    agreement,
    targets: ENGINE_TARGETS,
    failures,
    totalMs: Number(process.hrtime.bigint() - started) / 1e6,
    load: { before: loadBefore, after: loadavg()[0] ?? 0, cpus: availableParallelism() },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Formatting (for bench/run.ts; returns lines, prints nothing).

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)} %`;

function perSecond(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M/s`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k/s`;
  return `${value.toFixed(0)} /s`;
}

function rejectionText(m: RateMeasurement): string {
  const entries = Object.entries(m.rejections).sort((a, b) => b[1] - a[1]);
  return entries.length === 0
    ? 'none'
    : entries.map(([code, count]) => `${code} ${grouped(count)}`).join(', ');
}

/** The latency table: one row per offered rate. */
function latencyLines(runs: readonly Omit<LatencyRun, 'outcomes'>[], maxBatch: number): string[] {
  if (runs.length === 0) return [];
  const ms = (ns: number): string => (ns / 1e6).toFixed(2);
  const header = [
    'offered fills/s',
    'fills',
    'commits',
    'fills/commit',
    'p50 ms',
    'p99 ms',
    'p99.9 ms',
    'max ms',
  ];
  const cells = runs.map((run) => [
    grouped(run.offeredPerSecond) +
      (run.achievedPerSecond < 0.98 * run.offeredPerSecond
        ? ` (kept up with ${grouped(run.achievedPerSecond)})`
        : ''),
    grouped(run.commands),
    grouped(run.commits),
    (run.commands / run.commits).toFixed(1),
    ms(run.p50Ns),
    ms(run.p99Ns),
    ms(run.p999Ns),
    ms(run.maxNs),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((l) => (l[c] ?? '').length)));
  const row = (line: readonly string[]): string =>
    '   ' + line.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  ');
  return [
    `   acknowledgement latency of DurableEngine.submit under a constant offered load (fresh journal per rate): ` +
      `each commit (one SQLite transaction, FULL, then apply) takes every fill that has arrived, at most ${grouped(maxBatch)}; ` +
      `a fill's latency runs from its scheduled arrival to its acknowledgement (waiting behind a commit counts)`,
    row(header),
    ...cells.map(row),
  ];
}

/** Section 3 of `npm run bench` as lines of text. */
export function formatEngineSection(r: EngineBenchResult): string[] {
  const w = r.workload;
  const n = w.fills;
  const lines: string[] = [];
  const o = r.options;
  lines.push(
    `\n3. Engine: fills — ${grouped(n)} fill commands between ${grouped(w.accounts)} accounts (the compiled dist/ build; one op = one fill; ` +
      `median of fresh-engine repetitions, interleaved in rounds: ${o.memoryReps} in memory, ${o.durableReps} durable, ${o.decimalReps} decimal.js; warm-ups first)`,
  );
  lines.push(
    `workload (seed 0x${w.seed.toString(16)}, generated before timing in ${(w.generationMs / 1e3).toFixed(1)} s): ` +
      `USDT at 1e-8; ${w.instruments
        .map((i) => `${i.symbol} tick ${i.tick} (${i.tiers} tiers, mark ${i.mark})`)
        .join(', ')}; lot 0.001; Binance 2024-10-24 brackets; maker 0.02 % / taker 0.05 %`,
  );
  lines.push(
    `  set-up (untimed): ${grouped(w.setupCommands)} commands: accounts, deposits 2k–2M USDT, leverage 5–50×, ` +
      `${w.isolatedAccounts} accounts isolated on every symbol + ${w.partlyIsolatedAccounts} on one, ${w.restingOrders} resting orders`,
  );
  const k = w.kinds;
  lines.push(
    `  fills: ${w.instruments.map((i) => `${i.symbol} ${percent(i.fills, n)}`).join(' / ')}; the taker opens ` +
      `${percent(k.open, n)}, adds ${percent(k.add, n)}, reduces ${percent(k.reduce, n)}, closes ${percent(k.close, n)}, ` +
      `flips ${percent(k.flip, n)}; ${grouped(w.againstOrders)} execute a resting order; mean notional ` +
      `${grouped(w.meanNotional)} USDT; ≈ ${w.meanPayloadBytes.toFixed(0)} B of JSON per command`,
  );

  const rows = [r.memory, r.durable, r.decimal];
  const baseline = r.decimal.medianPerSecond;
  const header = ['path', 'fills/s (median)', 'min – max', 'µs/fill', 'accepted', 'vs decimal.js'];
  const cells = rows.map((m) => [
    m.name,
    grouped(m.medianPerSecond),
    `${perSecond(m.minPerSecond)} – ${perSecond(m.maxPerSecond)}`,
    (1e6 / m.medianPerSecond).toFixed(2),
    `${grouped(m.accepted)} / ${grouped(m.ops)}`,
    `${(m.medianPerSecond / baseline).toFixed(2)}×`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((l) => (l[c] ?? '').length)));
  const row = (line: readonly string[]): string =>
    line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  lines.push(row(header));
  lines.push(widths.map((width) => '─'.repeat(width)).join('  '));
  for (const line of cells) lines.push(row(line));

  const d = r.durable;
  const journalUs = 1e6 / d.medianPerSecond - 1e6 / r.memory.medianPerSecond;
  lines.push(
    `   durable = journal + apply, end to end: JSON.stringify, hash chain and one SQLite transaction per batch ` +
      `(journal_mode ${d.journalMode}, synchronous ${d.synchronous === 2 ? 'FULL' : String(d.synchronous)}), then Engine.apply; ` +
      `≈ ${journalUs.toFixed(2)} µs/command beyond applying; ${(d.journalBytes / 2 ** 20).toFixed(0)} MiB journal per repetition; ` +
      `final state hash ${d.stateHashMatches ? '=' : '≠'} in-memory engine's`,
  );
  if (r.journalAppend !== null) {
    lines.push(
      `   reference, raw journal append (bench/journal.ts: 200,000 × ~200 B payloads, batches of ${grouped(r.journalAppend.batch)}, FULL, no engine): ` +
        `${grouped(r.journalAppend.commandsPerSecond)} commands/s`,
    );
  }
  if (r.process !== null) {
    const p = r.process;
    lines.push(
      `   reference, \`bulwark run\` as a process (set-up and fills as JSON lines from a file on stdin, FULL, acknowledgements read back): ` +
        `${grouped(p.commandsPerSecond)} commands/s end to end (${grouped(p.commands)} in ${p.seconds.toFixed(1)} s, start-up included); ` +
        `final state hash ${p.stateHashMatches ? '=' : '≠'} in-memory engine's`,
    );
  }
  lines.push(...latencyLines(r.latency, o.batch));
  for (const m of rows) {
    const rejected = m.ops - m.accepted;
    if (rejected > m.ops / 100)
      lines.push(`   ${m.name}: ${percent(rejected, m.ops)} rejected: ${rejectionText(m)}`);
  }
  if (rows.every((m) => m.ops === m.accepted)) lines.push('   every fill was accepted on every path');
  else lines.push(`   rejections (in memory): ${rejectionText(r.memory)}`);

  const a = r.agreement;
  lines.push(
    `agreement with decimal.js (untimed): ${grouped(a.sameOutcome)} / ${grouped(n)} fills with the same outcome; ` +
      `${a.balancesWithin} / ${a.accounts} accounts with wallet and isolated margins within 1e-8 (max difference ` +
      `${a.maxBalanceDifference} USDT); ${a.positionsSame} / ${a.accounts} with identical positions (size and cost); ${a.isolatedBalances} non-zero isolated margins among the balances`,
  );
  for (const example of a.examples) lines.push(`   ${example}`);
  for (const failure of r.failures) lines.push(`   FAILURE: ${failure}`);

  const t = r.targets;
  const verdict = (value: number, target: number): string =>
    `${grouped(value)} → ${value >= target ? 'PASS' : 'FAIL'}`;
  lines.push(
    `\nTarget (issue): ≥ ${grouped(t.memoryFillsPerSecond)} fills/s in memory: ${verdict(r.memory.medianPerSecond, t.memoryFillsPerSecond)}` +
      ` (${(r.memory.medianPerSecond / baseline).toFixed(2)}× decimal.js)`,
  );
  lines.push(
    `Target (issue): ≥ ${grouped(t.durableCommandsPerSecond)} durable commands/s: ${verdict(d.medianPerSecond, t.durableCommandsPerSecond)}` +
      ` (${(d.medianPerSecond / baseline).toFixed(2)}× decimal.js in memory)`,
  );
  lines.push(
    `engine section ${(r.totalMs / 1e3).toFixed(1)} s; 1-minute load average ${r.load.before.toFixed(2)} before, ` +
      `${r.load.after.toFixed(2)} after, on ${r.load.cpus} CPUs (other work on the machine lowers every rate)`,
  );
  return lines;
}
