import { sha256Hex } from '../crypto/sha256.js';
import {
  Engine,
  headerRejection,
  SnapshotFormatError,
  type ApplyResult,
  type Command,
} from '../engine/index.js';
import type { Journal, Snapshot } from './journal.js';

/** Start-up failed: the journal or a snapshot does not check out. Names the sequence number involved. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(
    message: string,
    readonly seq: number,
  ) {
    super(message);
  }
}

/** A snapshot start-up passed over (another version's layout), and why. */
export interface SkippedSnapshot {
  readonly seq: number;
  readonly reason: string;
}

/** Commands replayed per journal read at start-up (bounds memory whatever the journal's length). */
const REPLAY_PAGE = 10_000;

/** A journal snapshot of the engine: its text and the SHA-256 of that text (every byte, clock included). */
export function snapshotOf(engine: Engine): Snapshot {
  const state = engine.snapshot();
  return { seq: engine.lastSeq, stateHash: sha256Hex(state), state };
}

/** The canonical journal text of a command. */
export function commandPayload(command: Command): string {
  return JSON.stringify(command);
}

/**
 * The engine with its journal: commands are appended durably (one transaction per batch) before they are
 * applied and before their results are returned, so an acknowledged command is never lost. Start-up is the
 * normal path every time: verify the hash chain, restore the latest snapshot (checking its state hash), replay
 * the commands after it.
 */
export class DurableEngine {
  private constructor(
    readonly journal: Journal,
    private engine: Engine,
    readonly replayed: number,
    /** The snapshot start-up restored (its seq), or null: none, or none it could read. */
    readonly snapshotSeq: number | null,
    /**
     * The latest snapshot, when start-up could not read its layout (written by another version) and replayed the
     * whole journal instead; null otherwise.
     */
    readonly skippedSnapshot: SkippedSnapshot | null,
  ) {}

  static async open(journal: Journal): Promise<DurableEngine> {
    const verified = await journal.verify();
    if (!verified.ok) {
      throw new StartupError(
        `journal is damaged at seq ${verified.corruption.seq}: ${verified.corruption.reason}`,
        verified.corruption.seq,
      );
    }
    let engine = Engine.create();
    const snapshot = await journal.latestSnapshot();
    let snapshotSeq: number | null = null;
    let skippedSnapshot: SkippedSnapshot | null = null;
    if (snapshot !== null) {
      // The recorded hash covers every byte of the snapshot (clock included); restore re-checks the state hash.
      if (sha256Hex(snapshot.state) !== snapshot.stateHash) {
        throw new StartupError(
          `snapshot at seq ${snapshot.seq} does not match its recorded hash`,
          snapshot.seq,
        );
      }
      try {
        engine = Engine.restore(snapshot.state);
        snapshotSeq = snapshot.seq;
      } catch (error) {
        // Another version's layout, intact (its hash checked out): the journal holds every command, so start-up
        // replays it all rather than refusing to start. Anything else is damage or a bug, and stops start-up.
        if (!(error instanceof SnapshotFormatError))
          throw new StartupError(
            `snapshot at seq ${snapshot.seq} cannot be restored: ${error instanceof Error ? error.message : String(error)}`,
            snapshot.seq,
          );
        skippedSnapshot = { seq: snapshot.seq, reason: error.message };
      }
      if (snapshotSeq !== null && engine.lastSeq !== snapshot.seq)
        throw new StartupError(
          `snapshot at seq ${snapshot.seq} holds the state after seq ${engine.lastSeq}`,
          snapshot.seq,
        );
    }
    let replayed = 0;
    for (;;) {
      const page = await journal.read(engine.lastSeq + 1, REPLAY_PAGE);
      if (page.length === 0) break;
      for (const record of page) {
        let command: Command;
        try {
          command = JSON.parse(record.payload) as Command;
        } catch {
          throw new StartupError(`journal entry ${record.seq} is not a JSON command`, record.seq);
        }
        if (command.seq !== record.seq)
          throw new StartupError(
            `journal entry ${record.seq} holds a command numbered ${command.seq}`,
            record.seq,
          );
        engine.apply(command);
        if (engine.lastSeq !== record.seq)
          throw new StartupError(`journal entry ${record.seq} could not be applied in order`, record.seq);
        replayed++;
      }
    }
    return new DurableEngine(journal, engine, replayed, snapshotSeq, skippedSnapshot);
  }

  get lastSeq(): number {
    return this.engine.lastSeq;
  }

  get view(): Engine['view'] {
    return this.engine.view;
  }

  stateHash(): string {
    return this.engine.stateHash();
  }

  /**
   * Journals a batch (group commit), then applies it. Commands must be numbered consecutively after the last
   * one; a batch the journal refuses is neither applied nor acknowledged. `payloads`, when given, are the
   * commands' `commandPayload`s, made by a caller that serialised them already to check them (`bulwark run`), so
   * that they are not serialised twice; they are what is journaled, so they must be exactly those.
   */
  async submit(
    commands: readonly Command[],
    payloads: readonly string[] = commands.map(commandPayload),
  ): Promise<ApplyResult[]> {
    if (payloads.length !== commands.length)
      throw new Error(`${payloads.length} payloads given for a batch of ${commands.length} commands`);
    // A command without a valid header would be journaled under a number the engine does not consume.
    for (const [i, command] of commands.entries()) {
      const expected = this.engine.lastSeq + i + 1;
      // Callers may pass anything at run time, whatever the type says.
      const given = command as unknown;
      const problem =
        typeof given !== 'object' || given === null
          ? 'not an object'
          : (headerRejection(command.seq, command.timestampMs, expected - 1)?.message ?? null);
      if (problem !== null) {
        throw new Error(
          `command ${i} of the batch must have seq ${expected} and a non-negative integer timestampMs (${problem})`,
        );
      }
    }
    await this.journal.append(
      commands.map((command, i) => ({ seq: command.seq, payload: payloads[i] ?? commandPayload(command) })),
    );
    return commands.map((command) => this.engine.apply(command));
  }

  /**
   * Writes a snapshot of the current state to the journal. Where start-up passed over another version's snapshot
   * at this very seq, that one stays (a seq holds one snapshot) and nothing is written: the next command's
   * snapshot replaces it.
   */
  async snapshot(): Promise<void> {
    if (this.skippedSnapshot?.seq === this.engine.lastSeq) return;
    await this.journal.saveSnapshot(snapshotOf(this.engine));
  }
}
