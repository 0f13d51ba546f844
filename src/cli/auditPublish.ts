import { existsSync, readFileSync } from 'node:fs';
import { Engine, RATE_SCALE, type Command } from '../engine/index.js';
import { disclosureEntriesOf } from '../engine/disclosure.js';
import { openSqliteJournal } from '../journal/index.js';
import {
  DisclosureLog,
  keyIdOf,
  privateKeyFromSeedHex,
  type DisclosureEntryInput,
  type Recompute,
} from '../statutory/disclosure/index.js';
import { recomputeLoggedRate } from '../statutory/marginRate.js';

/** Journal records read per batch while replaying. */
const READ_BATCH = 10_000;

/**
 * The recomputation `bulwark audit verify` runs on every rate entry: the same function the engine set the rate
 * with, on the entry's logged formula, parameters and inputs, at the engine's rate scale.
 */
export const recomputeRateEntry: Recompute = (entry) => recomputeLoggedRate(entry, RATE_SCALE);

/**
 * `bulwark audit publish JOURNAL LOG --key-seed-file F`: replays the journal from its first command (verifying
 * its hash chain) and appends to the disclosure log every margin-rate entry the log does not hold yet, signed
 * with the log's key. Entry and tree-head times are the commands' own timestamps and Ed25519 is deterministic,
 * so publishing the same journal twice writes the same bytes, and anyone can rebuild the log from the journal.
 */
export async function runAuditPublish(
  journalPath: string,
  logPath: string,
  keySeedFile: string,
): Promise<{ exitCode: number; output: string }> {
  const fail = (message: string): { exitCode: number; output: string } => ({
    exitCode: 2,
    output: `bulwark audit publish: ${message}\n`,
  });
  if (!existsSync(journalPath)) return fail(`${journalPath}: no such file`);
  let seed: string;
  try {
    seed = readFileSync(keySeedFile, 'utf8').trim();
  } catch (error) {
    return fail(`--key-seed-file ${keySeedFile}: ${(error as Error).message}`);
  }
  const privateKey = privateKeyFromSeedHex(seed);
  if (!privateKey.ok) return fail(`--key-seed-file: ${privateKey.error.message}`);
  const keyId = keyIdOf(privateKey.value);
  const opened = existsSync(logPath) ? DisclosureLog.open(logPath) : DisclosureLog.create(logPath);
  if (!opened.ok) {
    const errors = Array.isArray(opened.error) ? opened.error : [opened.error];
    return fail(`${logPath}: ${errors.map((e: { message: string }) => e.message).join('; ')}`);
  }
  const log = opened.value;
  const journal = openSqliteJournal(journalPath, { readonly: true });
  try {
    const verified = await journal.verify();
    if (!verified.ok)
      return fail(`journal damaged at seq ${verified.corruption.seq}: ${verified.corruption.reason}`);
    const engine = Engine.create();
    const pending: { entry: DisclosureEntryInput; timeMs: number }[] = [];
    for (let from = 1; ;) {
      const records = await journal.read(from, READ_BATCH);
      if (records.length === 0) break;
      for (const record of records) {
        const command = JSON.parse(record.payload) as Command;
        const result = engine.apply(command);
        if (!result.ok) continue;
        for (const entry of disclosureEntriesOf(engine.view, result.events, command.timestampMs))
          pending.push({ entry, timeMs: command.timestampMs });
      }
      from = (records[records.length - 1]?.seq ?? from) + 1;
    }
    if (pending.length < log.size)
      return fail(
        `the log holds ${log.size} entries but the journal gives only ${pending.length}: not this journal's log`,
      );
    let appended = 0;
    for (const { entry, timeMs } of pending.slice(log.size)) {
      const result = log.append(entry, { privateKey: privateKey.value, keyId, timestampMs: timeMs });
      if (!result.ok) return fail(`entry ${log.size}: ${result.error.map((e) => e.message).join('; ')}`);
      appended++;
    }
    const root = log.root();
    return {
      exitCode: 0,
      output:
        `journal           ${journalPath} (${engine.lastSeq} commands)\n` +
        `disclosure log    ${logPath}\n` +
        `entries appended  ${appended}\n` +
        `tree size         ${log.size}\n` +
        `root hash         ${root.ok ? root.value : '?'}\n` +
        `signed by key     ${keyId}\n`,
    };
  } finally {
    await journal.close();
  }
}
