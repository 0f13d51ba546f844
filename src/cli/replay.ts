import { existsSync } from 'node:fs';
import { DurableEngine, openSqliteJournal, StartupError } from '../journal/index.js';

/**
 * `bulwark replay JOURNAL`: rebuilds the engine from a SQLite journal the normal way (verify the chain,
 * latest snapshot, replay) and prints the final state hash and counts. Exit 0, 2 when the file is not a
 * journal, 3 when the journal is damaged (the message names the sequence number).
 */
export async function runReplay(path: string, json: boolean): Promise<{ exitCode: number; output: string }> {
  if (!existsSync(path)) return { exitCode: 2, output: `bulwark replay: ${path}: no such file\n` };
  let journal;
  try {
    journal = openSqliteJournal(path, { readonly: true });
  } catch (error) {
    return {
      exitCode: 2,
      // The journal's message names the file and what is wrong with it.
      output: `bulwark replay: ${error instanceof Error ? error.message : String(error)}\n`,
    };
  }
  try {
    const started = performance.now();
    const durable = await DurableEngine.open(journal);
    const view = durable.view;
    let positions = 0;
    let orders = 0;
    for (const account of view.accounts.values()) {
      positions += account.positions.size;
      orders += account.orders.size;
    }
    const summary = {
      stateHash: durable.stateHash(),
      lastSeq: durable.lastSeq,
      replayedCommands: durable.replayed,
      fromSnapshotSeq: durable.snapshotSeq,
      accounts: view.accounts.size,
      instruments: view.instruments.size,
      positions,
      openOrders: orders,
      rememberedFillIds: view.fillIds.size,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      // A snapshot in another version's layout, passed over: the whole journal was replayed instead.
      ...(durable.skippedSnapshot === null ? {} : { skippedSnapshot: durable.skippedSnapshot }),
    };
    if (json) return { exitCode: 0, output: `${JSON.stringify(summary, null, 2)}\n` };
    const lines = Object.entries(summary).map(
      ([key, value]) =>
        `${key.padEnd(17)} ${typeof value === 'object' && value !== null ? `seq ${value.seq}: ${value.reason}` : String(value)}`,
    );
    return { exitCode: 0, output: `${lines.join('\n')}\n` };
  } catch (error) {
    if (error instanceof StartupError) return { exitCode: 3, output: `bulwark replay: ${error.message}\n` };
    throw error;
  } finally {
    await journal.close();
  }
}
