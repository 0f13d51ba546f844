/**
 * Crash safety of `bulwark run` (issue 3): the engine runs as a child process on a SQLite journal, a seeded
 * command stream goes in on standard input, and the process is SIGKILLed at 20 seeded points — while batches are
 * in flight, right after acknowledgements, during start-up replay. After every restart the `ready` line must
 * cover every acknowledged command and carry the state hash of a clean in-memory replay of the same prefix; at
 * the end the live hash and `bulwark replay` must equal the hash of the clean run.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Engine, type Command } from '../../src/engine/index.js';
import { mulberry32, integerBetween, type Rng } from '../../src/simulator/prng.js';
import { CommandStream } from '../../src/simulator/randomCommands.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';
import { EngineProcess, sleep } from '../helpers/engineProcess.js';

const SEED = 0x0c4a54;
const COMMANDS = 6000;
const KILLS = 20;
/** Start-up kills: the process is killed before it has printed its ready line. */
const STARTUP_KILLS = 6;
/** Most chunks written ahead of the acknowledgements read. */
const WINDOW = 3;
/** Bound on every single wait for the child (start-up with a full replay takes well under a second). */
const WAIT_MS = 20_000;

/** One command of the stream as sent, and what the clean in-memory engine answered. */
interface Planned {
  readonly line: string;
  readonly command: Command;
  readonly ok: boolean;
  readonly code: string | null;
  readonly events: number;
}

/** The stream drawn against a local engine (as a client knowing the state would), and that engine's final hash. */
function plan(): { planned: Planned[]; finalHash: string } {
  const stream = new CommandStream({ seed: SEED, accounts: 20, symbols: 2, invalidShare: 0.03 });
  const engine = Engine.create();
  const planned: Planned[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const line = JSON.stringify(stream.next(engine.view));
    // The engine gets exactly what the process will read: the JSON line.
    const command = JSON.parse(line) as Command;
    const result = engine.apply(command);
    planned.push({
      line,
      command,
      ok: result.ok,
      code: result.ok ? null : result.code,
      events: result.ok ? result.events.length : 0,
    });
  }
  return { planned, finalHash: engine.stateHash() };
}

/** A clean in-memory engine advanced on demand, to know the state hash after any prefix of the stream. */
class Reference {
  readonly #engine = Engine.create();
  constructor(private readonly planned: readonly Planned[]) {}

  hashAt(seq: number): string {
    assert.ok(
      seq >= this.#engine.lastSeq,
      `reference asked to go back from ${this.#engine.lastSeq} to ${seq}`,
    );
    while (this.#engine.lastSeq < seq) {
      const next = this.planned[this.#engine.lastSeq];
      assert.ok(next !== undefined, `no planned command ${this.#engine.lastSeq + 1}`);
      this.#engine.apply(next.command);
    }
    return this.#engine.stateHash();
  }
}

type KillKind = 'afterAck' | 'inFlightAcks' | 'inFlightDelay' | 'startup';

/** The 20 kill kinds in a seeded order; never a start-up kill first (the journal would be empty). */
function killSchedule(rng: Rng): KillKind[] {
  const pool: KillKind[] = [
    ...Array<KillKind>(STARTUP_KILLS).fill('startup'),
    ...Array<KillKind>(5).fill('afterAck'),
    ...Array<KillKind>(5).fill('inFlightAcks'),
    ...Array<KillKind>(KILLS - STARTUP_KILLS - 10).fill('inFlightDelay'),
  ];
  // Seeded draw without replacement; the first kill is drawn among the kinds that are not start-up kills.
  const kinds: KillKind[] = [];
  while (pool.length > 0) {
    const candidates = kinds.length === 0 ? pool.filter((kind) => kind !== 'startup') : pool;
    const kind = candidates[integerBetween(rng, 0, candidates.length - 1)] ?? 'afterAck';
    pool.splice(pool.indexOf(kind), 1);
    kinds.push(kind);
  }
  return kinds;
}

interface Ready {
  ready: boolean;
  lastSeq: number;
  replayed: number;
  stateHash: string;
}

interface Reply {
  seq?: unknown;
  ok?: unknown;
  code?: unknown;
  events?: unknown;
  control?: unknown;
  lastSeq?: unknown;
  stateHash?: unknown;
  error?: unknown;
}

/** A line the process owes us, in order: a command's acknowledgement or a control reply. */
type Awaited =
  { readonly kind: 'command'; readonly seq: number } | { readonly kind: 'snapshot'; readonly at: number };

const dir = mkdtempSync(join(tmpdir(), 'bulwark-crash-'));
let live: EngineProcess | null = null;

before(() => {
  ensureBuilt();
});
after(() => {
  live?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'bulwark run survives 20 SIGKILLs: nothing acknowledged is lost, the hash equals a clean replay',
  { timeout: 120_000 },
  async (t) => {
    const started = performance.now();
    const { planned, finalHash } = plan();
    const reference = new Reference(planned);
    const journalPath = join(dir, 'journal.db');
    const rng = mulberry32(SEED ^ 0x9e3779b9);
    const kinds = killSchedule(rng);
    const progressCycles = kinds.filter((kind) => kind !== 'startup').length;
    /** Snapshots are requested in these progress cycles, half-way through their stream. */
    const snapshotCycles = new Set([3, 8]);

    let highestAcked = 0;
    let highestSent = 0;
    /** The seq after which each snapshot was requested, and the latest one acknowledged. */
    const snapshotsRequested: number[] = [];
    let snapshotAcked = 0;
    let startupKillsBeforeReady = 0;
    let startsFromSnapshot = 0;
    let lastStartupMs = 500;
    let openToReadyMs = 100;
    /** Start-up kills that landed after the journal was opened and before the ready line (Linux only). */
    let startupKillsInReplay = 0;
    let killed = 0;
    /** Kills after which lines were still owed: commands sent but not (yet) acknowledged. */
    let killsInFlight = 0;
    let progress = 0;
    const stats = { acks: 0, chunks: 0, resent: 0 };

    const checkReply = (line: string, awaited: Awaited | undefined): void => {
      const reply = JSON.parse(line) as Reply;
      assert.ok(awaited !== undefined, `unexpected output line ${line}`);
      if (awaited.kind === 'snapshot') {
        assert.equal(reply.control, 'snapshot', `expected the snapshot reply, got ${line}`);
        assert.equal(reply.lastSeq, awaited.at, line);
        assert.equal(
          reply.stateHash,
          reference.hashAt(awaited.at),
          `snapshot reply hash at seq ${awaited.at}`,
        );
        snapshotAcked = Math.max(snapshotAcked, awaited.at);
        return;
      }
      const expected = planned[awaited.seq - 1];
      assert.ok(expected !== undefined);
      assert.equal(
        reply.seq,
        awaited.seq,
        `acknowledgements out of order: expected seq ${awaited.seq}, got ${line}`,
      );
      assert.equal(reply.ok, expected.ok, `seq ${awaited.seq}: ok differs from the clean run (${line})`);
      if (expected.ok)
        assert.equal(reply.events, expected.events, `seq ${awaited.seq}: event count (${line})`);
      else assert.equal(reply.code, expected.code, `seq ${awaited.seq}: result code (${line})`);
      highestAcked = awaited.seq;
      stats.acks += 1;
    };

    /**
     * Starts the process. With `killAt` (a fraction in [0, 1)) it is SIGKILLed during start-up: that fraction of
     * the last start-up's open→ready time after the journal file shows up among its open files (Linux /proc: the
     * process is then verifying the chain, restoring the snapshot, replaying), or without /proc that fraction of
     * the last spawn→ready time after the spawn. The ready line may still win the race; it is then checked.
     */
    const start = async (killAt?: number): Promise<{ proc: EngineProcess; ready: Ready | null }> => {
      const spawnedAt = performance.now();
      const proc = new EngineProcess(['run', journalPath]);
      live = proc;
      const opened = await proc.waitUntilOpen(journalPath, WAIT_MS);
      const openedAt = performance.now();
      if (killAt !== undefined) {
        const delay = Math.round(killAt * (opened ? openToReadyMs : lastStartupMs));
        await sleep(delay);
        proc.kill();
        killed += 1;
        const { exit, lines } = await proc.drain(WAIT_MS);
        assert.equal(
          exit.signal,
          'SIGKILL',
          `start-up kill: the process had already exited (${JSON.stringify(exit)}): ${proc.stderr}`,
        );
        const readyLine = lines[0];
        t.diagnostic(
          `kill ${killed} (startup): ${delay} ms after ${opened ? 'the journal was opened' : 'the spawn'} ` +
            `(last start-up: ${Math.round(openToReadyMs)} ms open→ready, ${Math.round(lastStartupMs)} ms in all), ` +
            `${readyLine === undefined ? 'before' : 'after'} the ready line`,
        );
        if (readyLine === undefined) {
          startupKillsBeforeReady += 1;
          if (opened) startupKillsInReplay += 1;
          return { proc, ready: null };
        }
        assert.equal(lines.length, 1, `nothing but the ready line was asked for: ${lines.join('\n')}`);
        return { proc, ready: checkReady(readyLine) };
      }
      const line = await proc.nextLine(WAIT_MS, 'the ready line');
      assert.ok(line !== null, `bulwark run ended without a ready line: ${proc.stderr}`);
      lastStartupMs = performance.now() - spawnedAt;
      if (opened) openToReadyMs = performance.now() - openedAt;
      return { proc, ready: checkReady(line) };
    };

    const checkReady = (line: string): Ready => {
      const ready = JSON.parse(line) as Ready;
      assert.equal(ready.ready, true, `start-up refused: ${line}`);
      // (a) every acknowledged command is in the journal …
      assert.ok(
        ready.lastSeq >= highestAcked,
        `acknowledged up to seq ${highestAcked} but the journal ends at ${ready.lastSeq}`,
      );
      // … and nothing that was never sent.
      assert.ok(
        ready.lastSeq <= highestSent,
        `the journal ends at ${ready.lastSeq} but only ${highestSent} were sent`,
      );
      // Start-up state = clean replay of the same prefix.
      assert.equal(
        ready.stateHash,
        reference.hashAt(ready.lastSeq),
        `state hash after start-up at seq ${ready.lastSeq}`,
      );
      // Start-up went through the latest snapshot (one acknowledged, or a later one made just before a kill).
      const base = ready.lastSeq - ready.replayed;
      assert.ok(
        base === 0 || snapshotsRequested.includes(base),
        `start-up replayed from seq ${base}, not a snapshot`,
      );
      assert.ok(
        base >= snapshotAcked,
        `start-up replayed from ${base} though a snapshot at ${snapshotAcked} was acknowledged`,
      );
      if (base > 0) startsFromSnapshot += 1;
      return ready;
    };

    /** The lines one process owes us, in order, and how many of them have been read. */
    interface Session {
      readonly proc: EngineProcess;
      readonly awaiting: Awaited[];
      owed: number;
      read: number;
    }

    const readOne = async (session: Session, what: string): Promise<void> => {
      const line = await session.proc.nextLine(WAIT_MS, what);
      assert.ok(line !== null, `bulwark run stopped while lines were due (${what}): ${session.proc.stderr}`);
      checkReply(line, session.awaiting.shift());
      session.read += 1;
    };

    /**
     * Streams commands `from`…`to` in seeded chunks of 1–400 lines, reading acknowledgements so that at most
     * WINDOW chunks are unacknowledged; with `snapshotAfter`, asks for a snapshot after the chunk reaching it.
     */
    const stream = async (
      session: Session,
      from: number,
      to: number,
      snapshotAfter?: number,
    ): Promise<void> => {
      const chunkEnds: number[] = [];
      let snapshotPending = snapshotAfter !== undefined;
      for (let cursor = from; cursor <= to;) {
        const size = Math.min(to - cursor + 1, integerBetween(rng, 1, rng() < 0.2 ? 400 : 120));
        const lines = planned.slice(cursor - 1, cursor - 1 + size).map((p) => p.line);
        for (let seq = cursor; seq < cursor + size; seq++) session.awaiting.push({ kind: 'command', seq });
        cursor += size;
        if (snapshotPending && snapshotAfter !== undefined && cursor - 1 >= snapshotAfter) {
          snapshotPending = false;
          lines.push('{"control":"snapshot"}');
          session.awaiting.push({ kind: 'snapshot', at: cursor - 1 });
          snapshotsRequested.push(cursor - 1);
        }
        session.proc.send(lines);
        session.owed += lines.length;
        highestSent = Math.max(highestSent, cursor - 1);
        chunkEnds.push(session.owed);
        stats.chunks += 1;
        while (chunkEnds.length > WINDOW) {
          const end = chunkEnds.shift() ?? 0;
          while (session.read < end) await readOne(session, 'acknowledgements within the window');
        }
      }
    };

    let next = 1;
    for (const [cycle, kind] of kinds.entries()) {
      if (kind === 'startup') {
        const { ready } = await start(0.9 * rng());
        if (ready !== null) next = ready.lastSeq + 1;
        continue;
      }
      const { proc, ready } = await start();
      assert.ok(ready !== null);
      assert.ok(ready.lastSeq + 1 >= next, `the journal went back from ${next - 1} to ${ready.lastSeq}`);
      stats.resent += highestSent - ready.lastSeq;
      // (b) resend from the first command the journal does not hold.
      next = ready.lastSeq + 1;
      progress += 1;
      const goal = Math.min(
        COMMANDS - 1,
        Math.round((COMMANDS * progress) / (progressCycles + 1)) + integerBetween(rng, -80, 80),
      );
      const session: Session = { proc, awaiting: [], owed: 0, read: 0 };
      const snapshotAfter = snapshotCycles.has(progress) ? Math.round((next + goal) / 2) : undefined;
      if (goal >= next) await stream(session, next, goal, snapshotAfter);
      if (kind === 'afterAck') {
        // Kill right after the last acknowledgement.
        while (session.read < session.owed)
          await readOne(session, 'acknowledgements before an after-ack kill');
      } else if (kind === 'inFlightAcks') {
        // Kill once some, but not all, of the outstanding acknowledgements have arrived.
        const take = integerBetween(rng, 0, Math.max(0, session.owed - session.read - 1));
        for (let i = 0; i < take; i++) await readOne(session, 'acknowledgements before an in-flight kill');
      } else {
        // Kill 0–3 ms after the last write, without reading anything.
        await sleep(integerBetween(rng, 0, 3));
      }
      proc.kill();
      killed += 1;
      const { exit, lines } = await proc.drain(WAIT_MS);
      assert.equal(
        exit.signal,
        'SIGKILL',
        `cycle ${cycle}: the process was not alive when killed (${JSON.stringify(exit)}): ${proc.stderr}`,
      );
      // Lines written before the kill are acknowledgements like any other.
      for (const line of lines) checkReply(line, session.awaiting.shift());
      if (session.owed - session.read - lines.length > 0) killsInFlight += 1;
      t.diagnostic(
        `kill ${killed} (${kind}): journal held ${ready.lastSeq} at start, sent to ${highestSent}, ` +
          `acknowledged to ${highestAcked}, ${session.owed - session.read - lines.length} lines unanswered`,
      );
    }
    assert.equal(killed, KILLS);

    // (c) the last run: finish the stream, then compare with the clean run.
    const { proc, ready } = await start();
    assert.ok(ready !== null);
    const session: Session = { proc, awaiting: [], owed: 0, read: 0 };
    await stream(session, ready.lastSeq + 1, COMMANDS);
    while (session.read < session.owed) await readOne(session, 'the last acknowledgements');
    assert.equal(highestAcked, COMMANDS);
    proc.send(['{"control":"hash"}']);
    const hashLine = await proc.nextLine(WAIT_MS, 'the hash reply');
    assert.ok(hashLine !== null, proc.stderr);
    assert.deepEqual(JSON.parse(hashLine), { control: 'hash', lastSeq: COMMANDS, stateHash: finalHash });
    proc.endInput();
    const { exit, lines } = await proc.drain(WAIT_MS);
    assert.deepEqual(exit, { code: 0, signal: null }, proc.stderr);
    assert.deepEqual(lines, []);
    live = null;

    const replay = runCli(['replay', '--json', journalPath]);
    assert.equal(replay.status, 0, replay.stdout + replay.stderr);
    const summary = JSON.parse(replay.stdout) as {
      stateHash: string;
      lastSeq: number;
      fromSnapshotSeq: number | null;
    };
    assert.equal(summary.stateHash, finalHash);
    assert.equal(summary.lastSeq, COMMANDS);

    // The kills really covered what they were meant to.
    assert.ok(snapshotAcked > 0, 'no snapshot was acknowledged');
    assert.ok(startsFromSnapshot > 0, 'no restart went through a snapshot');
    assert.ok(startupKillsBeforeReady > 0, 'no start-up kill landed before the ready line');
    if (existsSync('/proc/self/fd'))
      assert.ok(startupKillsInReplay > 0, 'no start-up kill landed between opening the journal and ready');
    assert.ok(killsInFlight > 0, 'no kill landed with commands in flight');
    t.diagnostic(
      `${KILLS} kills (${startupKillsBeforeReady}/${STARTUP_KILLS} during start-up, ${startupKillsInReplay} of them with the journal open, ${killsInFlight} with commands in flight), ${stats.acks} acknowledgements, ${stats.chunks} chunks, ` +
        `${stats.resent} commands resent, snapshots at ${snapshotsRequested.join(', ')}, ${startsFromSnapshot} starts from a snapshot, ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  },
);
