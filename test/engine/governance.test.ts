import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  approvalBytes,
  Engine,
  type ApplyResult,
  type Command,
  type EngineEvent,
} from '../../src/engine/index.js';
import {
  approve,
  COMPLIANCE,
  DAY_MS,
  HISTORY_DAYS,
  markedHistory,
  propose,
  proposal,
  RISK,
  signed,
  T0,
} from '../helpers/governance.js';

/**
 * Governance (STATUTORY.md §3 check 9, issue 6): a margin model is proposed by one key, approved by another,
 * and takes effect exactly at its effective time through a journaled `activateMarginModel` command; an
 * unapproved or self-approved change never takes effect; a replay of the journal repeats all of it.
 */

/** A journal in the making: every command is kept (with its seq and time) for the replay. */
class Venue {
  readonly engine = Engine.create();
  readonly journal: Command[] = [];
  time = T0;

  send(body: Record<string, unknown>, atMs = this.time + 1000): ApplyResult {
    this.time = atMs;
    const command = { seq: this.journal.length + 1, timestampMs: atMs, ...body } as unknown as Command;
    const before = this.engine.stateHash();
    const result = this.engine.apply(command);
    if (!result.ok)
      assert.equal(this.engine.stateHash(), before, `rejected ${String(body.type)} changed the state`);
    // Sequence errors never reach a journal; every other command does, accepted or not.
    this.journal.push(command);
    return result;
  }

  ok(body: Record<string, unknown>, atMs?: number): EngineEvent[] {
    const result = this.send(body, atMs);
    assert.ok(result.ok, result.ok ? '' : `${String(body.type)}: ${result.code} ${result.message}`);
    return result.events;
  }

  rejects(body: Record<string, unknown>, code: string, atMs?: number): void {
    const result = this.send(body, atMs);
    assert.ok(!result.ok, `${String(body.type)} should be rejected with ${code}`);
    assert.equal(result.code, code, result.message);
  }

  get rate(): bigint | null {
    return this.engine.view.instruments.get('BTCUSDT')?.marginModel.rate ?? null;
  }
}

/** USDT, BTCUSDT with 400 days of daily marks (a ±3 % zig-zag: sigma reads a year), two accounts, both keys. */
function venue(): Venue {
  const v = new Venue();
  for (const { body, atMs } of markedHistory()) v.ok(body, atMs);
  for (const accountId of ['alice', 'bob']) {
    v.ok({ type: 'createAccount', accountId });
    v.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '100000' });
  }
  return v;
}

const NOW = T0 + HISTORY_DAYS * DAY_MS;

describe('governance of margin models', () => {
  test('an unapproved or self-approved change never takes effect; an approved one exactly at its time, and the replay agrees', () => {
    const v = venue();
    const unapproved = proposal('p-unapproved', NOW + 1 * DAY_MS);
    v.ok(propose(unapproved), NOW);
    v.rejects(approve(unapproved, RISK), 'self_approval');
    // A signature by the right key over different bytes is not an approval.
    v.rejects(
      {
        ...approve(unapproved),
        signature: signed(approvalBytes({ ...unapproved, effectiveAtMs: 1 }), COMPLIANCE.privateKey),
      },
      'invalid_signature',
    );
    const approved = proposal('p-approved', NOW + 2 * DAY_MS);
    v.ok(propose(approved));
    v.ok(approve(approved));
    v.rejects({ type: 'activateMarginModel', proposalId: approved.proposalId }, 'not_yet_effective');
    // Past the unapproved proposal's time nothing waits for it, and it cannot be activated.
    v.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '40000' }, NOW + DAY_MS + 1);
    v.rejects({ type: 'activateMarginModel', proposalId: unapproved.proposalId }, 'proposal_not_approved');
    assert.equal(v.rate, null);
    // The last command before the effective time runs under the old model; at the effective time nothing runs
    // before the activation, which is accepted at exactly that time.
    v.ok(
      { type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 100 },
      approved.effectiveAtMs - 1,
    );
    v.rejects(
      { type: 'markPrice', symbol: 'BTCUSDT', price: '40100' },
      'activation_due',
      approved.effectiveAtMs,
    );
    const events = v.ok(
      { type: 'activateMarginModel', proposalId: approved.proposalId },
      approved.effectiveAtMs,
    );
    const changed = events.find((e) => e.type === 'MarginRateChanged');
    assert.ok(changed?.type === 'MarginRateChanged');
    assert.equal(changed.effectiveMs, approved.effectiveAtMs);
    assert.equal(changed.error, null);
    assert.ok(changed.newRate !== null && changed.newRate > 0n);
    assert.equal(v.rate, changed.newRate);
    // The rate caps leverage at opening: 100× needs 1 % initial margin, more than this rate allows.
    const fillAt = (fillId: string): Record<string, unknown> => ({
      type: 'fill',
      fillId,
      symbol: 'BTCUSDT',
      price: '40000',
      qty: '0.1',
      buyer: { accountId: 'alice', liquidity: 'maker' },
      seller: { accountId: 'bob', liquidity: 'taker' },
    });
    v.rejects(fillAt('f1'), 'leverage_above_margin_rate');
    v.ok({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 10 });
    v.ok(fillAt('f2'));

    // The replay: the same journal, command by command, gives the same results and ends on the same hash.
    const replayed = Engine.create();
    let activatedAt: number | null = null;
    for (const command of v.journal) {
      const result = replayed.apply(command);
      if (result.ok && result.events.some((e) => e.type === 'MarginRateChanged'))
        activatedAt = command.timestampMs;
    }
    assert.equal(activatedAt, approved.effectiveAtMs);
    assert.equal(replayed.stateHash(), v.engine.stateHash());
    const restored = Engine.restore(v.engine.snapshot());
    assert.equal(restored.stateHash(), v.engine.stateHash());
  });

  test('proposals are checked before anything is recorded', () => {
    const v = venue();
    v.time = NOW;
    v.rejects(propose(proposal('p1', NOW - 1)), 'invalid_proposal');
    v.rejects(propose(proposal('p2', NOW + DAY_MS, { emergency: true })), 'invalid_proposal');
    v.rejects(
      propose(proposal('p3', NOW + DAY_MS, { formula: { id: 'f', version: 1, source: '1 / sigma' } })),
      'invalid_formula',
    );
    v.rejects(
      propose(proposal('p4', NOW + DAY_MS, { formula: { id: 'f', version: 1, source: 'constructor' } })),
      'invalid_formula',
    );
    v.rejects(
      propose(proposal('p5', NOW + DAY_MS, { parameters: { version: 1, values: { alpha: 'x' } } })),
      'invalid_proposal',
    );
    v.rejects(propose(proposal('p6', NOW + DAY_MS, { symbol: 'ETHUSDT' })), 'unknown_symbol');
    v.rejects(propose(proposal('p7', NOW + DAY_MS, { proposerKeyId: 'ffffffffffffffff' })), 'unknown_key');
    v.rejects(propose(proposal('p8', NOW + DAY_MS), COMPLIANCE), 'invalid_signature');
    v.rejects(
      { type: 'registerGovernanceKey', keyId: RISK.keyId, publicKey: RISK.publicKey },
      'duplicate_key',
    );
    v.rejects(
      { type: 'registerGovernanceKey', keyId: 'abc', publicKey: COMPLIANCE.publicKey.replace(/^../, '00') },
      'invalid_command',
    );
    v.rejects(
      { type: 'approveProposal', proposalId: 'nope', approverKeyId: COMPLIANCE.keyId, signature: '00' },
      'unknown_proposal',
    );
    assert.equal(v.engine.view.governance.proposals.size, 0);
  });

  test('an emergency change takes effect at its approval, and an approval after the effective time is refused', () => {
    const v = venue();
    const late = proposal('p-late', NOW + DAY_MS);
    v.ok(propose(late), NOW);
    v.rejects(approve(late), 'effective_time_passed', NOW + DAY_MS);
    const urgent = proposal('p-urgent', NOW, {
      emergency: true,
      emergencyReason: 'exchange outage: vol spike',
    });
    v.ok(propose(urgent), NOW + DAY_MS + 10);
    v.ok(approve(urgent), NOW + DAY_MS + 20);
    v.rejects({ type: 'markPrice', symbol: 'BTCUSDT', price: '40000' }, 'activation_due', NOW + DAY_MS + 30);
    const events = v.ok({ type: 'activateMarginModel', proposalId: urgent.proposalId }, NOW + DAY_MS + 30);
    const activated = events.find((e) => e.type === 'MarginModelActivated');
    assert.ok(activated?.type === 'MarginModelActivated' && activated.emergency);
    v.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '40000' });
  });

  test('the rate is recomputed at each day’s first mark, from the days before it', () => {
    const v = venue();
    const p = proposal('p', NOW + DAY_MS);
    v.ok(propose(p), NOW);
    v.ok(approve(p));
    v.ok({ type: 'activateMarginModel', proposalId: p.proposalId }, p.effectiveAtMs);
    const first = v.rate;
    // A 20 % day: the next day's first mark recomputes sigma and the rate rises.
    v.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '32000' }, p.effectiveAtMs + 1000);
    const events = v.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '32000' }, p.effectiveAtMs + DAY_MS);
    const changed = events.find((e) => e.type === 'MarginRateChanged');
    assert.ok(changed?.type === 'MarginRateChanged' && changed.reason === 'daily');
    assert.ok(first !== null && v.rate !== null && v.rate > first, `${String(first)} → ${String(v.rate)}`);
  });
});
