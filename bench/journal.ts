/**
 * Durable append throughput of the SQLite journal: 200,000 fill commands of about 200 bytes, appended in batches
 * of 1,000 (group commit) with synchronous = FULL, so every resolved append is on disk. Payloads are built before
 * the clock starts; the journal is verified afterwards (untimed) so a fast but wrong journal cannot pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteJournal, type JournalEntry } from '../src/journal/index.js';
import { integerBetween, mulberry32, type Rng } from '../src/simulator/prng.js';

const COMMANDS = 200_000;
const BATCH = 1_000;
const SEED = 0x0b17_0003;

/** A fill as the engine would journal it: canonical JSON of about 200 bytes. */
function fillPayload(rng: Rng, seq: number): string {
  return JSON.stringify({
    type: 'fill',
    seq,
    ts: 1_729_728_000_000 + seq * 3,
    account: `acct-${integerBetween(rng, 1, 1_000_000)}`,
    symbol: 'BTCUSDT',
    side: rng() < 0.5 ? 'buy' : 'sell',
    liquidity: rng() < 0.3 ? 'maker' : 'taker',
    priceTicks: String(integerBetween(rng, 650_000, 700_000)),
    qtyLots: String(integerBetween(rng, 1, 5_000)),
    feeQuote: String(integerBetween(rng, 0, 100_000)),
    fillId: `f-${seq.toString(36)}-${integerBetween(rng, 0, 1e9).toString(36)}`,
  });
}

/** Appends 200,000 ~200-byte commands in batches of 1,000 to a temporary FULL-sync journal; commands per second. */
export async function benchJournal(): Promise<{ commandsPerSecond: number; batch: number }> {
  const rng = mulberry32(SEED);
  const batches: JournalEntry[][] = [];
  for (let start = 1; start <= COMMANDS; start += BATCH) {
    batches.push(
      Array.from({ length: BATCH }, (_, i) => ({ seq: start + i, payload: fillPayload(rng, start + i) })),
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-journal-'));
  try {
    const journal = openSqliteJournal(join(dir, 'journal.db'), { synchronous: 'full' });
    try {
      const started = process.hrtime.bigint();
      for (const batch of batches) await journal.append(batch);
      const elapsedNs = Number(process.hrtime.bigint() - started);
      const result = await journal.verify();
      if (!result.ok || result.summary.count !== COMMANDS) {
        throw new Error(`journal benchmark: the journal does not verify after the run`);
      }
      return { commandsPerSecond: (COMMANDS * 1e9) / elapsedNs, batch: BATCH };
    } finally {
      await journal.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
