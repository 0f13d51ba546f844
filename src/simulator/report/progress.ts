import { assert } from '../../numbers/index.js';

/** Characters in the bar drawn on a terminal. */
const BAR_WIDTH = 30;
/** Percent steps at which a non-terminal (a log, CI) gets a line: 25 %, 50 %, 75 %, 100 %. */
const PLAIN_STEP_PERCENT = 25;

export interface ProgressOptions {
  /** Units of work in all (minutes, commands); 0 is allowed and completes at once. */
  readonly total: number;
  /** Where the text goes (e.g. `(s) => process.stderr.write(s)`). */
  readonly write: (text: string) => void;
  readonly label: string;
  /** A terminal gets one `\r`-redrawn bar; anything else a few plain lines. */
  readonly isTTY: boolean;
}

export interface Progress {
  /** Records `n` more units done (default 1); redraws only when the shown percentage changes. */
  tick(n?: number): void;
  /** Marks the work finished (writes 100 % and ends the line); later calls do nothing. */
  done(): void;
}

/** A progress bar for long runs. It reads no clock: the caller ticks as work completes. */
export function createProgress(options: ProgressOptions): Progress {
  const { total, write, label, isTTY } = options;
  assert(
    Number.isSafeInteger(total) && total >= 0,
    `progress total must be a non-negative integer, got ${total}`,
  );
  let count = 0;
  let shownPercent = -1;
  let finished = false;
  const percentOf = (n: number): number => (total === 0 ? 100 : Math.floor((n * 100) / total));
  const draw = (percent: number): void => {
    if (isTTY) {
      const filled = Math.floor((percent * BAR_WIDTH) / 100);
      write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${count}/${total}`,
      );
    } else {
      write(`${label}: ${percent}% (${count}/${total})\n`);
    }
    shownPercent = percent;
  };
  return {
    tick(n = 1): void {
      assert(Number.isSafeInteger(n) && n >= 0, `progress tick must be a non-negative integer, got ${n}`);
      if (finished) return;
      count = Math.min(total, count + n);
      const percent = percentOf(count);
      const due = isTTY
        ? percent !== shownPercent
        : Math.floor(percent / PLAIN_STEP_PERCENT) >
          Math.floor(Math.max(shownPercent, 0) / PLAIN_STEP_PERCENT);
      if (due && percent < 100) draw(percent);
    },
    done(): void {
      if (finished) return;
      finished = true;
      count = total;
      draw(100);
      if (isTTY) write('\n');
    },
  };
}
