import { createInterface } from 'node:readline';
import { headerRejection, type Command } from '../engine/index.js';
import { assert } from '../numbers/index.js';
import {
  commandPayload,
  DurableEngine,
  JOURNAL_PAYLOAD_CHARS_MAX,
  openSqliteJournal,
  StartupError,
  type Journal,
} from '../journal/index.js';

/** Most commands journaled in one transaction. */
const BATCH_MAX = 1000;
/** Input lines waiting for the engine at which reading pauses, and below which it resumes. */
const PENDING_HIGH = 16 * BATCH_MAX;
const PENDING_LOW = 4 * BATCH_MAX;

/**
 * Commands between automatic snapshots, by default: start-up replays at most about this many (~0.5 s at the
 * engine's rate) after verifying the chain, and a snapshot of a venue's state is small beside the journal that
 * this many commands make.
 */
export const DEFAULT_SNAPSHOT_EVERY = 100_000;

/**
 * Snapshots kept in the journal, by default: start-up needs only the latest; the one before it is kept so that an
 * operator can still restore from it (`journal inspect` lists both) should the latest be found damaged.
 */
export const DEFAULT_KEEP_SNAPSHOTS = 2;

export interface RunOptions {
  /**
   * A snapshot is saved once this many commands have been journaled since the last one (checked after each
   * batch, once its acknowledgements are written); 0: only on `{"control":"snapshot"}`.
   */
  readonly snapshotEvery: number;
  /** After each snapshot, older ones beyond this many are deleted (commands never are); 0: every one is kept. */
  readonly keepSnapshots: number;
}

/**
 * The command's journal payload, or why the journal cannot take it: longer than it holds, or nested too deeply
 * for JSON.stringify (which recurses; JSON.parse does not, so such a line parses).
 */
function payloadOf(command: Command): string | { readonly problem: string } {
  let payload: string;
  try {
    payload = commandPayload(command);
  } catch (error) {
    if (error instanceof RangeError) return { problem: 'the command is nested too deeply to journal' };
    throw error;
  }
  if (payload.length > JOURNAL_PAYLOAD_CHARS_MAX) {
    return {
      problem: `the command is ${payload.length} characters as JSON; the journal holds at most ${JOURNAL_PAYLOAD_CHARS_MAX}`,
    };
  }
  return payload;
}

/** What one input line is: a command to batch (with its journal payload), a control, or a line answered at once. */
type ReadLine =
  | { readonly kind: 'command'; readonly command: Command; readonly payload: string }
  | { readonly kind: 'control'; readonly control: 'hash' | 'snapshot' }
  | { readonly kind: 'reply'; readonly body: object };

/**
 * Reads one input line (number `line`) that would follow command `lastSeq`. Untrusted input: only the JSON, the
 * header (as the engine checks it) and the journal's bounds are checked here, the engine checks the rest. A line
 * answered at once is not journaled: it consumes no sequence number.
 */
function readLine(text: string, line: number, lastSeq: number): ReadLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'reply', body: { line, error: 'invalid_json', message } };
  }
  const object = typeof parsed === 'object' && parsed !== null ? parsed : {};
  const control = 'control' in object ? object.control : undefined;
  if (control === 'hash' || control === 'snapshot') return { kind: 'control', control };
  if (control !== undefined) {
    // Only a string is shown (cut short): the line's own value might be anything (JSON.stringify recurses).
    const given = typeof control === 'string' ? JSON.stringify(control.slice(0, 64)) : typeof control;
    const message = `control is "hash" or "snapshot", not ${given}`;
    return { kind: 'reply', body: { line, error: 'unknown_control', message } };
  }
  const header = object as { seq?: unknown; timestampMs?: unknown };
  // Only a number is echoed, for the same reason.
  const seq = typeof header.seq === 'number' ? header.seq : null;
  const refused = headerRejection(header.seq, header.timestampMs, lastSeq);
  if (refused !== null) return { kind: 'reply', body: { seq, ok: false, ...refused } };
  const command = parsed as Command;
  // A command the journal cannot hold is refused here, not in the middle of a batch (which would stop the
  // engine): serialised once, here, and that text is what the batch journals.
  const payload = payloadOf(command);
  if (typeof payload !== 'string')
    return { kind: 'reply', body: { seq, ok: false, code: 'invalid_command', message: payload.problem } };
  return { kind: 'command', command, payload };
}

/**
 * The replies to one chunk of input lines, in input order, and the batch of its commands not yet durable: a batched
 * command holds its reply's place until its batch is journaled and applied, while the lines after it are answered
 * as they are read.
 */
class Chunk {
  readonly replies: string[] = [];
  private readonly batch: Command[] = [];
  private readonly payloads: string[] = [];
  /** Where each batched command's reply goes in `replies`. */
  private readonly slots: number[] = [];

  constructor(private readonly durable: DurableEngine) {}

  /** Commands waiting in the batch. */
  get batched(): number {
    return this.batch.length;
  }

  reply(body: unknown): void {
    this.replies.push(JSON.stringify(body));
  }

  add(command: Command, payload: string): void {
    this.slots.push(this.replies.length);
    this.replies.push('');
    this.batch.push(command);
    this.payloads.push(payload);
  }

  /** Journals and applies the batch (one transaction), then fills in its replies. */
  async submit(): Promise<void> {
    if (this.batch.length === 0) return;
    const results = await this.durable.submit(this.batch, this.payloads);
    for (const [i, result] of results.entries()) {
      const seq = this.batch[i]?.seq;
      const slot = this.slots[i];
      assert(slot !== undefined, `command ${i} of the batch has a reply slot`);
      this.replies[slot] = JSON.stringify(
        result.ok
          ? { seq, ok: true, events: result.events.length }
          : { seq, ok: false, code: result.code, message: result.message },
      );
    }
    this.batch.length = 0;
    this.payloads.length = 0;
    this.slots.length = 0;
  }

  /** The replies before the first command not yet durable. */
  due(): string[] {
    return this.replies.slice(0, this.slots[0] ?? this.replies.length);
  }
}

interface Output {
  write(line: string): void;
}

/**
 * `bulwark run JOURNAL`: the engine as a process. Reads one JSON command per line on standard input, journals
 * the lines that arrived together in one transaction (group commit), applies them, and only then writes one
 * result line per command (`{"seq":…,"ok":true,"events":n}` or `{"seq":…,"ok":false,"code":…}`): a result
 * line is the acknowledgement. Control lines: `{"control":"hash"}` prints the state hash, `{"control":"snapshot"}`
 * saves a snapshot. A line that is not a command gets `{"line":…,"error":…}` and is not journaled. On start it prints
 * `{"ready":true,…}` after the normal start-up (verify, snapshot, replay). Snapshots are also saved every
 * `options.snapshotEvery` commands, and only the latest `options.keepSnapshots` are kept.
 */
export async function runEngine(
  path: string,
  input: NodeJS.ReadableStream,
  output: Output,
  options: RunOptions = { snapshotEvery: DEFAULT_SNAPSHOT_EVERY, keepSnapshots: DEFAULT_KEEP_SNAPSHOTS },
): Promise<number> {
  let journal;
  try {
    journal = openSqliteJournal(path);
  } catch (error) {
    output.write(
      `${JSON.stringify({ ready: false, error: error instanceof Error ? error.message : String(error), seq: null })}\n`,
    );
    return 2;
  }
  return serveJournal(journal, input, output, options);
}

/**
 * `runEngine` on a journal already open (any backend): start-up, then the command loop, then the journal closed.
 * Exit codes: 0 at the end of the input, 3 when start-up refused the journal, 4 when the engine stopped because
 * journaling or applying a batch failed (`{"error":"engine_stopped",…}` is the last line; no command of that batch
 * was acknowledged, and nothing after it was read).
 */
export async function serveJournal(
  journal: Journal,
  input: NodeJS.ReadableStream,
  output: Output,
  options: RunOptions,
): Promise<number> {
  let durable: DurableEngine;
  try {
    durable = await DurableEngine.open(journal);
  } catch (error) {
    await journal.close();
    if (error instanceof StartupError) {
      output.write(`${JSON.stringify({ ready: false, error: error.message, seq: error.seq })}\n`);
      return 3;
    }
    throw error;
  }
  output.write(
    `${JSON.stringify({
      ready: true,
      lastSeq: durable.lastSeq,
      replayed: durable.replayed,
      stateHash: durable.stateHash(),
      // A snapshot in another version's layout was passed over and the whole journal replayed.
      ...(durable.skippedSnapshot === null ? {} : { skippedSnapshot: durable.skippedSnapshot }),
    })}\n`,
  );

  /** The sequence number of the latest snapshot (0: none): start-up restored it and replayed the rest. */
  let snapshotSeq = durable.lastSeq - durable.replayed;
  const saveSnapshot = async (): Promise<void> => {
    await durable.snapshot();
    snapshotSeq = durable.lastSeq;
    if (options.keepSnapshots > 0) await journal.pruneSnapshots(options.keepSnapshots);
  };
  /** Input lines not yet submitted, with their line numbers (1-based, blank lines counted) for the replies. */
  let pending: { readonly text: string; readonly line: number }[] = [];
  /** Resumes reading once the pending lines are few again (set with the reader below). */
  let resumeInput = (): void => undefined;
  /** What stopped the engine (a journal append, an apply or a read of the input that threw), or null while it runs. */
  let failure = null as { readonly error: unknown } | null;
  const flush = async (): Promise<void> => {
    while (pending.length > 0 && failure === null) {
      const chunk = new Chunk(durable);
      try {
        for (const { text, line } of pending.splice(0, BATCH_MAX)) {
          const read = readLine(text, line, durable.lastSeq + chunk.batched);
          if (read.kind === 'command') chunk.add(read.command, read.payload);
          else if (read.kind === 'reply') chunk.reply(read.body);
          else {
            // A control line acts on the state after the commands before it.
            await chunk.submit();
            if (read.control === 'snapshot') await saveSnapshot();
            chunk.reply({ control: read.control, lastSeq: durable.lastSeq, stateHash: durable.stateHash() });
          }
        }
        await chunk.submit();
      } catch (error) {
        // The replies already due are written; none for a batch not yet durable (nothing of it was acknowledged).
        const due = chunk.due();
        if (due.length > 0) output.write(`${due.join('\n')}\n`);
        throw error;
      }
      output.write(`${chunk.replies.join('\n')}\n`);
      resumeInput();
      if (options.snapshotEvery > 0 && durable.lastSeq - snapshotSeq >= options.snapshotEvery)
        await saveSnapshot();
    }
  };
  const lines = createInterface({ input, crlfDelay: Infinity });
  // The first failure stops the engine: no later line is read, journaled or applied.
  const stop = (error: unknown): void => {
    failure ??= { error };
    lines.close();
  };
  // A read error of the input stops the engine too (readline passes it on as its own 'error').
  lines.on('error', stop);
  await new Promise<void>((resolve) => {
    let lineNumber = 0;
    let ended = false;
    let pumping = false;
    // Group commit: the lines of one read are all pending before a batch is taken (a flush started by the first
    // of them would journal it alone), and lines read while a batch is made durable join the next one.
    const pump = async (): Promise<void> => {
      pumping = true;
      try {
        await new Promise((next) => setImmediate(next));
        await flush();
      } catch (error) {
        stop(error);
      }
      pumping = false;
      if (failure === null && pending.length > 0) void pump();
      else if (ended || failure !== null) resolve();
    };
    let paused = false;
    resumeInput = () => {
      if (!paused || ended || pending.length > PENDING_LOW) return;
      paused = false;
      lines.resume();
    };
    lines.on('line', (text) => {
      lineNumber += 1;
      if (failure !== null || text.trim().length === 0) return;
      pending.push({ text, line: lineNumber });
      // Bounded memory: reading waits while the engine is this far behind.
      if (pending.length >= PENDING_HIGH && !paused) {
        paused = true;
        lines.pause();
      }
      if (!pumping) void pump();
    });
    lines.on('close', () => {
      ended = true;
      if (!pumping) resolve();
    });
  });
  pending = [];
  await journal.close();
  if (failure === null) return 0;
  const error = failure.error;
  const message = error instanceof Error ? error.message : String(error);
  output.write(`${JSON.stringify({ error: 'engine_stopped', message, lastSeq: durable.lastSeq })}\n`);
  return 4;
}
