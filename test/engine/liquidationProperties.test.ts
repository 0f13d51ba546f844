import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { EngineEvent, EngineState } from '../../src/engine/index.js';
import { maintenanceOf } from '../../src/margin/index.js';
import { btcListing, Harness } from './helpers.js';

const RULES = ['binance', 'bybit', 'bitmex', 'okx', 'hyperliquid', 'dydx'] as const;
const RATE_ONE = 100_000_000n;
const PRICE_UNITS = 100_000n; // kernel price units per USDT (asset scale 8 − qty scale 3)

/**
 * Every margin unit's equity and maintenance computed here from the state, independently of the engine's
 * waterfall code: `cross:{account}` (wallet + cross PnL) and `isolated:{account}:{key}` (margin + PnL).
 */
function unitFigures(
  state: Readonly<EngineState>,
  mark: bigint,
): Map<string, { equity: bigint; maintenance: bigint; positions: number }> {
  const out = new Map<string, { equity: bigint; maintenance: bigint; positions: number }>();
  const instrument = state.instruments.get('BTCUSDT');
  assert.ok(instrument !== undefined);
  for (const account of state.accounts.values()) {
    if (account.id === 'book') continue;
    const cross = {
      equity: state.ledger.balance(`wallet:${account.id}`, 'USDT'),
      maintenance: 0n,
      positions: 0,
    };
    out.set(`cross:${account.id}`, cross);
    for (const [key, p] of account.positions) {
      const pnl = p.sign === 1n ? p.qty * mark - p.entryValue : p.entryValue - p.qty * mark;
      const mm = maintenanceOf(instrument.compiled, p.qty, p.entryValue, mark);
      if (account.settings.get('BTCUSDT')?.marginMode === 'isolated') {
        const side = key.split('/')[1] ?? '';
        out.set(`isolated:${account.id}:${key}`, {
          equity: state.ledger.balance(`isolated:${account.id}:BTCUSDT:${side}`, 'USDT') + pnl,
          maintenance: mm,
          positions: 1,
        });
      } else {
        cross.equity += pnl;
        cross.maintenance += mm;
        cross.positions += 1;
      }
    }
  }
  return out;
}

const unhealthy = (u: { equity: bigint; maintenance: bigint; positions: number }): boolean =>
  u.positions > 0 && u.equity * RATE_ONE <= u.maintenance;

/** The engine's unit name (`cross:USDT`, `isolated:BTCUSDT/BOTH`) as this test's key. */
function unitKey(accountId: string, unit: string): string {
  return unit.startsWith('cross:')
    ? `cross:${accountId}`
    : `isolated:${accountId}:${unit.slice('isolated:'.length)}`;
}

const scenario = fc.record({
  rules: fc.constantFrom(...RULES),
  fund: fc.constantFrom('0', '50', '5000'),
  /** Hyperliquid only: a backstop vault takes over units below 2/3 of maintenance. */
  backstop: fc.boolean(),
  /** dYdX only: a per-block notional limit small enough to bind (none: dYdX's 100,000,000 default). */
  blockLimit: fc.option(fc.constantFrom('5000', '50000'), { nil: undefined }),
  accounts: fc.array(
    fc.record({
      deposit: fc.integer({ min: 500, max: 60_000 }),
      leverage: fc.constantFrom(2, 5, 10, 20, 50),
      isolated: fc.boolean(),
    }),
    { minLength: 3, maxLength: 6 },
  ),
  trades: fc.array(
    fc.record({
      buyer: fc.nat(5),
      seller: fc.nat(5),
      qty: fc.integer({ min: 1, max: 3000 }),
    }),
    { minLength: 2, maxLength: 12 },
  ),
  path: fc.array(
    fc.record({
      move: fc.integer({ min: -800, max: 600 }), // basis points of the previous mark
      book: fc.option(
        fc.record({
          levels: fc.integer({ min: 1, max: 4 }),
          step: fc.integer({ min: 5, max: 200 }), // basis points between levels
          qty: fc.integer({ min: 1, max: 1500 }),
        }),
        { nil: undefined },
      ),
    }),
    { minLength: 3, maxLength: 20 },
  ),
});

test('waterfall and screening properties on random portfolios and price paths, under every rulebook', () => {
  fc.assert(
    fc.property(scenario, (s) => {
      const h = new Harness();
      h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
      h.ok({ type: 'createInsuranceFund', fund: 'if', asset: 'USDT' });
      if (s.fund !== '0') h.ok({ type: 'fundInsurance', fund: 'if', amount: s.fund });
      h.ok({ type: 'createAccount', accountId: 'book' });
      h.ok({ type: 'deposit', accountId: 'book', asset: 'USDT', amount: '1000000000' });
      const ids = s.accounts.map((_, i) => `a${i}`);
      const backstop = s.rules === 'hyperliquid' && s.backstop;
      if (backstop) {
        h.ok({ type: 'createAccount', accountId: 'hlp' });
        h.ok({ type: 'deposit', accountId: 'hlp', asset: 'USDT', amount: '100000000' });
      }
      h.ok(
        btcListing({
          tierModel: s.rules === 'bitmex' || s.rules === 'okx' ? 'whole' : 'cumulative',
          liquidation: {
            rules: s.rules,
            insuranceFund: 'if',
            liquidityAccount: 'book',
            ...(backstop ? { backstopAccount: 'hlp' } : {}),
            ...(s.rules === 'dydx' && s.blockLimit !== undefined ? { blockNotionalLimit: s.blockLimit } : {}),
          },
        }),
      );
      h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' });
      s.accounts.forEach((a, i) => {
        const accountId = ids[i] ?? '';
        h.ok({ type: 'createAccount', accountId });
        h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: String(a.deposit) });
        h.ok({ type: 'setLeverage', accountId, symbol: 'BTCUSDT', leverage: a.leverage });
        if (a.isolated) h.ok({ type: 'setMarginMode', accountId, symbol: 'BTCUSDT', marginMode: 'isolated' });
      });
      s.trades.forEach((t, i) => {
        const buyer = ids[t.buyer % ids.length] ?? '';
        const seller = ids[t.seller % ids.length] ?? '';
        // Rejections (self trade, margin) are fine: the portfolio is whatever was accepted.
        h.run({
          type: 'fill',
          fillId: `t${i}`,
          symbol: 'BTCUSDT',
          price: '50000',
          qty: (t.qty / 1000).toFixed(3),
          buyer: { accountId: buyer, liquidity: 'maker' },
          seller: { accountId: seller, liquidity: 'taker' },
        });
      });

      let mark = 50_000n * PRICE_UNITS;
      for (const step of s.path) {
        const view = h.engine.view;
        if (step.book !== undefined) {
          const b = step.book;
          const level = (k: number, sign: number): [string, string] => [
            ((Number(mark) / Number(PRICE_UNITS)) * (1 + (sign * k * b.step) / 10_000)).toFixed(1),
            (b.qty / 1000).toFixed(3),
          ];
          h.ok({
            type: 'bookSnapshot',
            symbol: 'BTCUSDT',
            bids: Array.from({ length: b.levels }, (_, k) => level(k + 1, -1)),
            asks: Array.from({ length: b.levels }, (_, k) => level(k + 1, 1)),
          });
        }
        const next = ((mark * BigInt(10_000 + step.move)) / 10_000n / 10_000n) * 10_000n; // whole 0.1 ticks
        if (next <= 0n || next === mark) continue;
        const expected = unitFigures(view, next);
        const signs = new Map<string, bigint>();
        for (const account of view.accounts.values())
          for (const p of account.positions.values()) signs.set(account.id, p.sign);
        const price = (Number(next) / Number(PRICE_UNITS)).toFixed(1);
        const result = h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price });
        assert.ok(result.ok);
        mark = next;
        checkWaterfall(result.events, expected, signs);
        // The index agrees with a full exact scan after every tick.
        assert.deepEqual(h.engine.auditScreening().missed, []);
        // After the command: every unit is healthy or flat, unless its waterfall ended stuck.
        const ended = new Map<string, string>();
        for (const e of result.events)
          if (e.type === 'LiquidationEnded') ended.set(unitKey(e.accountId, e.unit), e.outcome);
        for (const [key, figures] of unitFigures(h.engine.view, mark)) {
          const outcome = ended.get(key);
          if (outcome === 'stuck') continue;
          assert.ok(!unhealthy(figures), `${key} left below maintenance (${String(outcome)})`);
        }
      }
    }),
    { numRuns: 150 },
  );
});

/**
 * No healthy unit is liquidated (a unit triggered must have been at or below maintenance at the new mark,
 * or have become so as an earlier ADL counterparty in the same command); no unhealthy unit is missed;
 * ADL only closes positions on the other side of the bankrupt one.
 */
function checkWaterfall(
  events: readonly EngineEvent[],
  expected: ReadonlyMap<string, { equity: bigint; maintenance: bigint; positions: number }>,
  signs: ReadonlyMap<string, bigint>,
): void {
  const triggered = new Set<string>();
  const touchedByAdl = new Set<string>();
  for (const e of events) {
    if (e.type === 'LiquidationTriggered') {
      const key = unitKey(e.accountId, e.unit);
      triggered.add(key);
      assert.ok(e.equity * RATE_ONE <= e.maintenance, `${key} triggered while healthy`);
      const before = expected.get(key);
      assert.ok(
        (before !== undefined && unhealthy(before)) || touchedByAdl.has(e.accountId),
        `${key} was healthy at the new mark and no ADL touched it`,
      );
    }
    if (e.type === 'LiquidationFill' && e.via === 'adl') {
      touchedByAdl.add(e.counterparty);
      assert.notEqual(signs.get(e.counterparty), signs.get(e.accountId), 'ADL on the same side');
      assert.notEqual(e.counterparty, e.accountId);
    }
  }
  for (const [key, figures] of expected)
    if (unhealthy(figures)) assert.ok(triggered.has(key), `${key} below maintenance but not liquidated`);
}
