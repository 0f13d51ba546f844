/**
 * `bulwark run JOURNAL` as a live child process for tests: lines in on standard input, result lines out, and
 * every wait bounded by a timeout so that a hung engine fails the test instead of blocking it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './cli.js';

const bin = fileURLToPath(new URL('../../bin/bulwark.js', import.meta.url));

/** How much of the child's standard error is kept for failure messages. */
const STDERR_KEPT = 16_000;

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Rejects with `what` in the message when `promise` has not settled after `ms` milliseconds. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`timed out after ${ms} ms: ${what}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class EngineProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves once the process has exited and its standard output is fully read. */
  readonly finished: Promise<ProcessExit>;
  readonly #lines: string[] = [];
  #partial = '';
  #stdoutClosed = false;
  #exited = false;
  #stderr = '';
  #wake: (() => void) | null = null;

  /** Starts `node bin/bulwark.js ...args` with all three streams piped. */
  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    // Writing to a process that was just killed fails with EPIPE; the test sees the death through its output.
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const part of parts) if (part.length > 0) this.#lines.push(part);
      this.#notify();
    });
    const stdoutClosed = new Promise<void>((resolve) => {
      this.child.stdout.once('close', () => {
        this.#stdoutClosed = true;
        this.#notify();
        resolve();
      });
    });
    this.child.stderr.on('data', (chunk: string) => {
      if (this.#stderr.length < STDERR_KEPT) this.#stderr += chunk;
    });
    const exited = new Promise<ProcessExit>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#exited = true;
        resolve({ code, signal });
      });
    });
    this.finished = Promise.all([exited, stdoutClosed]).then(([exit]) => exit);
  }

  /** What the process wrote to standard error so far (truncated). */
  get stderr(): string {
    return this.#stderr;
  }

  /** Text after the last newline of standard output: a line the process had not finished writing. */
  get unterminated(): string {
    return this.#partial;
  }

  /** Writes the lines, each followed by a newline, to the process's standard input. */
  send(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.child.stdin.write(`${lines.join('\n')}\n`);
  }

  /** Closes standard input: `bulwark run` then finishes what it has and exits. */
  endInput(): void {
    this.child.stdin.end();
  }

  /** The next complete output line, or null once standard output has closed and every line was taken. */
  async nextLine(timeoutMs: number, what = 'an output line'): Promise<string | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const line = this.#lines.shift();
      if (line !== undefined) return line;
      if (this.#stdoutClosed) return null;
      const left = deadline - performance.now();
      if (left <= 0)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${this.#stderr}`);
      await withTimeout(
        new Promise<void>((resolve) => {
          this.#wake = resolve;
        }),
        left,
        `${what}; stderr: ${this.#stderr}`,
      ).finally(() => {
        this.#wake = null;
      });
    }
  }

  /** True once a complete output line is waiting to be taken. */
  get hasLine(): boolean {
    return this.#lines.length > 0;
  }

  /**
   * Polls /proc (Linux) until the process holds `file` open: from then on `bulwark run` is in its start-up
   * proper (verify the chain, restore the snapshot, replay). Resolves true when seen; false without /proc, once
   * the process has exited or printed a line first, or when the file does not exist.
   */
  async waitUntilOpen(file: string, timeoutMs: number): Promise<boolean> {
    const pid = this.child.pid;
    if (pid === undefined || !existsSync('/proc/self/fd') || !existsSync(file)) return false;
    const target = realpathSync(file);
    const fdDir = `/proc/${pid}/fd`;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#exited || this.hasLine || this.#stdoutClosed) return false;
      let fds: string[];
      try {
        fds = readdirSync(fdDir);
      } catch {
        return false;
      }
      for (const fd of fds) {
        try {
          if (readlinkSync(join(fdDir, fd)) === target) return true;
        } catch {
          // The descriptor closed while we looked.
        }
      }
      if (performance.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${file} to be opened`);
      await sleep(1);
    }
  }

  /** SIGKILL: no clean-up of any kind runs in the child. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Waits for the exit and the end of standard output; returns the exit and the lines not yet taken. */
  async drain(timeoutMs: number): Promise<{ exit: ProcessExit; lines: string[] }> {
    const exit = await withTimeout(this.finished, timeoutMs, `the exit of bulwark (stderr: ${this.#stderr})`);
    return { exit, lines: this.#lines.splice(0) };
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
