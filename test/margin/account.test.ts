import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { calculate, type CalcResponse } from '../../src/calc/index.js';
import { Rational } from '../../src/numbers/index.js';
import {
  dec,
  initialMargin,
  maintenance,
  markOf,
  notional,
  pnl,
  portfolioModel,
  referenceAccount,
  tierIndexOf,
  type RequestJson,
} from '../helpers/model.js';
import { engineAssess, fcParams, requestArb } from '../helpers/portfolio.js';

const SEED = 31_415;
const PLAIN_DECIMAL = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

function show(value: Rational | null): string {
  return value === null ? 'null' : `${value.format('halfEven', 25)} (${value.toString()})`;
}

function same(got: Rational | null, want: Rational | null, label: string): void {
  assert.ok(
    got === null ? want === null : want !== null && got.eq(want),
    `${label}: got ${show(got)}, want ${show(want)}`,
  );
}

function responseOf(request: RequestJson): CalcResponse {
  const outcome = calculate(JSON.stringify(request));
  assert.equal(outcome.exitCode, 0, JSON.stringify(outcome.body));
  return outcome.body;
}

/** The figure as written: a plain decimal string, parsed exactly. */
function figure(text: unknown, label: string): Rational {
  assert.equal(typeof text, 'string', `${label} must be a string, got ${JSON.stringify(text)}`);
  const s = text as string;
  assert.match(s, PLAIN_DECIMAL, `${label} is not a plain decimal: ${s}`);
  assert.notEqual(s, '-0', `${label} is negative zero`);
  return dec(s);
}

/** CALC.md: figures carry at least 10 significant digits. */
function close(text: Rational, exact: Rational, label: string): void {
  const error = text.sub(exact).abs();
  const allowed = exact.abs().mul(Rational.of(1n, 10n ** 10n));
  assert.ok(
    error.lte(allowed),
    `${label}: ${show(text)} is not within 10 significant digits of ${show(exact)}`,
  );
}

type Direction = 'up' | 'down' | 'exact';

/** A displayed figure rounded against the user: requirements up, PnL and balances down. */
function rounded(textValue: unknown, exact: Rational, direction: Direction, label: string): void {
  const text = figure(textValue, label);
  close(text, exact, label);
  if (direction === 'exact') same(text, exact, label);
  if (direction === 'up')
    assert.ok(text.gte(exact), `${label}: ${show(text)} is below the exact ${show(exact)}`);
  if (direction === 'down')
    assert.ok(text.lte(exact), `${label}: ${show(text)} is above the exact ${show(exact)}`);
}

/** A trigger price rounded toward the mark (earlier): a long's liquidation price up, a short's down. */
function towardMark(textValue: unknown, exact: Rational | null, mark: Rational, label: string): void {
  if (exact === null) {
    assert.equal(textValue, null, `${label} must be null`);
    return;
  }
  const text = figure(textValue, label);
  close(text, exact, label);
  if (exact.lt(mark))
    assert.ok(
      text.gte(exact) && text.lte(mark),
      `${label}: ${show(text)} not rounded up from ${show(exact)}`,
    );
  else
    assert.ok(
      text.lte(exact) && text.gte(mark),
      `${label}: ${show(text)} not rounded down from ${show(exact)}`,
    );
}

function checkFigures(request: RequestJson): void {
  const model = portfolioModel(request);
  const assessment = engineAssess(request);
  const reference = referenceAccount(model);

  // The engine's exact figures are the reference model's.
  same(assessment.walletBalance, model.wallet, 'walletBalance');
  same(assessment.unrealizedPnl, reference.unrealizedPnl, 'account unrealizedPnl');
  same(assessment.marginBalance, reference.marginBalance, 'account marginBalance');
  same(assessment.maintenanceMargin, reference.maintenanceMargin, 'account maintenanceMargin');
  same(assessment.initialMargin, reference.initialMargin, 'account initialMargin');
  same(assessment.marginRatio, reference.marginRatio, 'account marginRatio');
  same(assessment.availableBalance, reference.availableBalance, 'account availableBalance');
  assert.equal(assessment.positions.length, model.positions.length);
  for (const [i, p] of model.positions.entries()) {
    const got = assessment.positions[i];
    assert.ok(got !== undefined);
    const mark = markOf(model, p);
    same(got.notional, notional(p, mark), `positions[${i}].notional`);
    same(got.unrealizedPnl, pnl(p, mark), `positions[${i}].unrealizedPnl`);
    same(got.maintenanceMargin, maintenance(p, mark), `positions[${i}].maintenanceMargin`);
    same(got.initialMargin, initialMargin(p, mark), `positions[${i}].initialMargin`);
    assert.equal(got.tier.index, tierIndexOf(p, mark) + 1, `positions[${i}].tier`);
    same(
      got.marginBalance,
      p.marginMode === 'isolated' ? p.isolatedWallet.add(pnl(p, mark)) : reference.marginBalance,
      `positions[${i}].marginBalance`,
    );
  }

  // (e) The formatted response never rounds in the user's favour.
  const body = responseOf(request);
  const a = body.account;
  rounded(a.walletBalance, model.wallet, 'exact', 'account.walletBalance');
  rounded(a.unrealizedPnl, reference.unrealizedPnl, 'down', 'account.unrealizedPnl');
  rounded(a.marginBalance, reference.marginBalance, 'down', 'account.marginBalance');
  rounded(a.maintenanceMargin, reference.maintenanceMargin, 'up', 'account.maintenanceMargin');
  rounded(a.initialMargin, reference.initialMargin, 'up', 'account.initialMargin');
  rounded(a.availableBalance, reference.availableBalance, 'down', 'account.availableBalance');
  if (reference.marginRatio === null) assert.equal(a.marginRatio, null);
  else rounded(a.marginRatio, reference.marginRatio, 'up', 'account.marginRatio');
  assert.equal(body.positions.length, model.positions.length);
  for (const [i, p] of model.positions.entries()) {
    const text = body.positions[i];
    const exact = assessment.positions[i];
    assert.ok(text !== undefined && exact !== undefined);
    const at = `positions[${i}]`;
    const mark = markOf(model, p);
    assert.equal(text.symbol, p.instrument.symbol);
    assert.equal(text.side, p.side);
    assert.equal(text.positionSide, p.positionSide);
    assert.equal(text.marginMode, p.marginMode);
    assert.equal(text.tier, tierIndexOf(p, mark) + 1);
    rounded(text.markPrice, mark, 'exact', `${at}.markPrice`);
    rounded(text.notional, notional(p, mark), 'up', `${at}.notional`);
    rounded(text.unrealizedPnl, pnl(p, mark), 'down', `${at}.unrealizedPnl`);
    rounded(text.mmr, exact.tier.mmr, 'up', `${at}.mmr`);
    rounded(text.maintenanceMargin, maintenance(p, mark), 'up', `${at}.maintenanceMargin`);
    rounded(text.initialMargin, initialMargin(p, mark), 'up', `${at}.initialMargin`);
    rounded(text.marginBalance, exact.marginBalance, 'down', `${at}.marginBalance`);
    towardMark(text.liquidationPrice, exact.liquidationPrice, mark, `${at}.liquidationPrice`);
    towardMark(text.bankruptcyPrice, exact.bankruptcyPrice, mark, `${at}.bankruptcyPrice`);
    // The usual case spelled out: a long liquidated below the mark reads high, a short above it reads low.
    if (exact.liquidationPrice !== null && typeof text.liquidationPrice === 'string') {
      const shown = dec(text.liquidationPrice);
      if (p.side === 'long' && exact.liquidationPrice.lt(mark)) assert.ok(shown.gte(exact.liquidationPrice));
      if (p.side === 'short' && exact.liquidationPrice.gt(mark)) assert.ok(shown.lte(exact.liquidationPrice));
    }
  }
}

describe('account figures on random portfolios', () => {
  test('exact figures match the reference model and the response rounds against the user (e)', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        checkFigures(request);
      }),
      fcParams(SEED, 300),
    );
  });
});

const TIERS = [
  { floor: '0', cap: '50000', mmr: '0.004', maxLeverage: '125' },
  { floor: '50000', cap: '250000', mmr: '0.005', maxLeverage: '100' },
  { floor: '250000', cap: '1000000', mmr: '0.01', maxLeverage: '50' },
];

describe('hand-written account cases', () => {
  test('isolated positions stay out of the account figures', () => {
    const request: RequestJson = {
      instruments: [
        { symbol: 'BTCUSDT', tiers: TIERS },
        { symbol: 'ETHUSDT', tiers: TIERS },
      ],
      marks: { BTCUSDT: '10000', ETHUSDT: '1000' },
      account: {
        walletBalance: '1000',
        positions: [
          { symbol: 'BTCUSDT', side: 'long', qty: '1', entryPrice: '9000', leverage: '20' },
          {
            symbol: 'ETHUSDT',
            side: 'short',
            qty: '10',
            entryPrice: '900',
            marginMode: 'isolated',
            isolatedWallet: '2000',
          },
        ],
      },
    };
    checkFigures(request);
    const body = responseOf(request);
    assert.deepEqual(body.account, {
      walletBalance: '1000',
      unrealizedPnl: '1000',
      marginBalance: '2000',
      maintenanceMargin: '40',
      initialMargin: '500',
      marginRatio: '0.02',
      availableBalance: '1500',
    });
    const [btc, eth] = body.positions;
    assert.ok(btc !== undefined && eth !== undefined);
    assert.equal(eth.marginBalance, '1000');
    assert.equal(eth.unrealizedPnl, '-1000');
    assert.equal(btc.marginBalance, '2000');
  });

  test('a bankrupt cross account: no margin ratio, available balance floored at zero', () => {
    const request: RequestJson = {
      instruments: [{ symbol: 'BTCUSDT', tiers: TIERS }],
      marks: { BTCUSDT: '8000' },
      account: {
        walletBalance: '1500',
        positions: [{ symbol: 'BTCUSDT', side: 'long', qty: '1', entryPrice: '10000' }],
      },
    };
    checkFigures(request);
    const body = responseOf(request);
    assert.equal(body.account.marginBalance, '-500');
    assert.equal(body.account.marginRatio, null);
    assert.equal(body.account.availableBalance, '0');
    // Already past liquidation: the nearest root lies above the mark, and is shown rounded down toward it.
    const lp = body.positions[0]?.liquidationPrice;
    assert.equal(typeof lp, 'string');
    assert.ok(dec(lp as string).gt(dec('8000')));
  });

  test('figures that do not terminate are rounded in the safe direction with 20 significant digits', () => {
    const request: RequestJson = {
      instruments: [
        {
          symbol: 'BTCUSD',
          kind: 'inverse',
          contractSize: '100',
          tiers: [{ floor: '0', cap: '1000', mmr: '0.004', maxLeverage: '125' }],
        },
      ],
      marks: { BTCUSD: '30000' },
      account: {
        walletBalance: '1',
        positions: [{ symbol: 'BTCUSD', side: 'short', qty: '7', entryPrice: '29000', leverage: '3' }],
      },
    };
    checkFigures(request);
    const body = responseOf(request);
    // 700 / 30,000 = 0.0233… BTC; its MM 0.0000933… is rounded up, the short's loss down (more negative).
    const position = body.positions[0];
    assert.ok(position !== undefined);
    assert.equal(position.notional, '0.023333333333333333334');
    assert.equal(position.maintenanceMargin, '0.000093333333333333333334');
    assert.equal(position.unrealizedPnl, '-0.00080459770114942528736');
    assert.equal(body.account.unrealizedPnl, '-0.00080459770114942528736');
  });
});
