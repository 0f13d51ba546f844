import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rational } from '../../src/numbers/index.js';
import {
  applyNegativeBalanceProtection,
  checkCoverage,
  checkFormulaOutput,
  checkGovernance,
  checkNegativeBalance,
  checkOpening,
  formulaOutcome,
  isCloseOut,
  negativeBalanceProtected,
  passes,
  validateProfile,
  type CoverageBacktest,
  type Finding,
  type GovernanceProposal,
} from '../../src/statutory/compliance/index.js';
import { profileById, PROFILES, type JurisdictionProfile } from '../../src/statutory/profiles/index.js';

const r = (num: bigint, den: bigint): Rational => Rational.of(num, den);

function profile(id: string): JurisdictionProfile {
  const found = profileById(id);
  assert.ok(found);
  return found;
}

const codes = (findings: readonly Finding[]): string[] => findings.map((f) => f.code);

type DeepMutable<T> = { -readonly [K in keyof T]: DeepMutable<T[K]> };

/** A modified copy of a shipped profile (the shipped ones are frozen). */
function variant(id: string, change: (p: DeepMutable<JurisdictionProfile>) => void): JurisdictionProfile {
  const copy = structuredClone(profile(id)) as DeepMutable<JurisdictionProfile>;
  change(copy);
  return copy;
}

// ── check 1 ──────────────────────────────────────────────────────────────────────────────────────────

test('check 1: every shipped profile passes with no finding at all', () => {
  for (const p of PROFILES) {
    const versions = PROFILES.filter((other) => other.id === p.id);
    assert.deepEqual(validateProfile(p, versions), [], `${p.id} v${p.version}`);
  }
});

test('check 1: bad rates, leverage, close-out, cap, citations and windows are each reported', () => {
  const bad = variant('eu-esma-retail', (p) => {
    const classes = p.assetClasses;
    classes.crypto = { ...classes.crypto, initialMarginRate: '0', maxLeverage: null };
    classes.equity = { ...classes.equity, initialMarginRate: '1.5' };
    classes.fxMajor = { ...classes.fxMajor, maxLeverage: 33 };
    classes.gold = { ...classes.gold, initialMarginRate: 'five percent' };
    p.closeOut = { fraction: '1', basis: 'requiredInitialMargin' };
    p.cap = '0.15';
    p.citations = [];
    p.effectiveToMs = p.effectiveFromMs;
  });
  const found = codes(validateProfile(bad, [bad]));
  for (const code of [
    'rate_out_of_range',
    'leverage_inconsistent',
    'rate_not_decimal',
    'close_out_fraction_out_of_range',
    'cap_below_statutory_floor',
    'no_citation',
    'empty_effective_window',
  ]) {
    assert.ok(found.includes(code), `${code} in ${found.join(', ')}`);
  }
  const findings = validateProfile(bad, [bad]);
  assert.ok(findings.every((f) => f.check === 1 && f.subject.startsWith('eu-esma-retail v1')));
  assert.equal(passes(findings), false);
});

test('check 1: overlapping and duplicate versions, incomplete citations, broken formulas', () => {
  const v1 = profile('eu-esma-retail');
  const v2 = variant('eu-esma-retail', (p) => {
    p.version = 2;
    p.effectiveFromMs = Date.UTC(2020, 0, 1);
  });
  assert.ok(codes(validateProfile(v2, [v1, v2])).includes('overlapping_effective_window'));
  const closed = variant('eu-esma-retail', (p) => {
    p.effectiveToMs = Date.UTC(2020, 0, 1);
  });
  assert.deepEqual(validateProfile(v2, [closed, v2]), [], 'adjacent windows do not overlap');
  const twin = variant('eu-esma-retail', () => undefined);
  assert.ok(codes(validateProfile(v1, [v1, twin])).includes('duplicate_version'));
  const citation = variant('eu-esma-retail', (p) => {
    p.citations = [{ title: 'x', reference: '', url: 'http://example.com', states: 'y' }];
  });
  assert.deepEqual(codes(validateProfile(citation, [citation])), [
    'citation_incomplete',
    'citation_url_not_https',
  ]);
  const formula = variant('in-sebi', (p) => {
    assert.ok(p.volatilityFormula);
    p.volatilityFormula.source = 'max(floor, 6 * ewmaVol(0.995)';
  });
  assert.deepEqual(codes(validateProfile(formula, [formula])), ['formula_does_not_compile']);
  const coverage = variant('in-sebi', (p) => {
    // As it would arrive from outside the type system (a profile file), not a value the type allows.
    p.coverage = { confidence: '1', mporDays: Number('3') as 1 | 2 | 5, lookbackDays: 90 };
  });
  assert.deepEqual(codes(validateProfile(coverage, [coverage])), [
    'invalid_confidence',
    'invalid_mpor',
    'lookback_below_twelve_months',
  ]);
});

// ── checks 2 and 3 ───────────────────────────────────────────────────────────────────────────────────

test('checks 2–3: permission, statutory margin and leverage cap at opening', () => {
  const eu = profile('eu-esma-retail');
  const open = (overrides: Partial<Parameters<typeof checkOpening>[0]>) =>
    checkOpening({
      profile: eu,
      clientCategory: 'retail',
      symbol: 'BTCUSDT',
      notional: 10_000n,
      initialMargin: 5_000n,
      leverage: r(2n, 1n),
      ...overrides,
    });
  assert.equal(open({}), null, '50 % margin at 2x complies');
  assert.equal(open({ initialMargin: 4_999n })?.code, 'below_statutory_margin');
  assert.equal(open({ leverage: r(201n, 100n) })?.code, 'leverage_above_statutory_cap');
  assert.equal(open({ symbol: 'EURUSD', initialMargin: 333n, leverage: r(30n, 1n) }), null);
  assert.equal(
    open({ symbol: 'EURUSD', initialMargin: 333n, leverage: r(3001n, 100n) })?.code,
    'leverage_above_statutory_cap',
  );
  assert.equal(
    open({ symbol: 'EURUSD', initialMargin: 332n, leverage: r(30n, 1n) })?.code,
    'below_statutory_margin',
  );
  const uk = checkOpening({
    profile: profile('uk-fca-retail'),
    clientCategory: 'retail',
    symbol: 'BTCUSDT',
    notional: 10_000n,
    initialMargin: 10_000n,
    leverage: r(1n, 1n),
  });
  assert.equal(uk?.code, 'product_prohibited');
  assert.match(uk.message, /uk-fca-retail/);
  const hk = checkOpening({
    profile: profile('hk-sfc-retail'),
    clientCategory: 'retail',
    symbol: 'BTCUSDT',
    notional: 10_000n,
    initialMargin: 10_000n,
    leverage: r(1n, 1n),
  });
  assert.equal(hk?.code, 'professional_only');
  const pro = checkOpening({
    profile: profile('professional'),
    clientCategory: 'professional',
    symbol: 'BTCUSDT',
    notional: 10_000n,
    initialMargin: 1n,
    leverage: r(10_000n, 1n),
  });
  assert.equal(pro, null, 'no statutory floor or cap for professionals');
});

test('property: opening complies iff IM ≥ 50 % of notional and leverage ≤ 2 (EU crypto, retail)', () => {
  const eu = profile('eu-esma-retail');
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: 10n ** 12n }),
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.bigInt({ min: 100n, max: 500n }),
      (notional, initialMargin, leverageHundredths) => {
        const result = checkOpening({
          profile: eu,
          clientCategory: 'retail',
          symbol: 'ETHUSDT',
          notional,
          initialMargin,
          leverage: r(leverageHundredths, 100n),
        });
        const marginOk = 2n * initialMargin >= notional;
        const leverageOk = leverageHundredths <= 200n;
        assert.equal(result === null, marginOk && leverageOk);
        if (!marginOk) assert.equal(result?.code, 'below_statutory_margin');
      },
    ),
  );
});

// ── checks 4 and 5 ───────────────────────────────────────────────────────────────────────────────────

test('check 4: close-out when equity < 50 % of required initial margin; never without a rule', () => {
  const au = profile('au-asic-retail');
  assert.equal(isCloseOut({ profile: au, equity: 500n, requiredInitialMargin: 1_000n }), false);
  assert.equal(isCloseOut({ profile: au, equity: 499n, requiredInitialMargin: 1_000n }), true);
  assert.equal(isCloseOut({ profile: au, equity: 500n, requiredInitialMargin: 1_001n }), true, '500 < 500.5');
  assert.equal(isCloseOut({ profile: au, equity: 501n, requiredInitialMargin: 1_001n }), false);
  assert.equal(
    isCloseOut({ profile: profile('professional'), equity: -5n, requiredInitialMargin: 1_000n }),
    false,
  );
  fc.assert(
    fc.property(
      fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }),
      fc.bigInt({ min: 0n, max: 10n ** 9n }),
      (equity, im) => {
        assert.equal(isCloseOut({ profile: au, equity, requiredInitialMargin: im }), 2n * equity < im);
      },
    ),
  );
});

test('check 5: protected accounts never end below zero and the absorbed deficit is returned', () => {
  const eu = profile('eu-esma-retail');
  const us = profile('us-retail');
  assert.equal(negativeBalanceProtected(eu), true);
  assert.equal(negativeBalanceProtected(us), false);
  assert.deepEqual(applyNegativeBalanceProtection(eu, -250n), { balance: 0n, absorbedDeficit: 250n });
  assert.deepEqual(applyNegativeBalanceProtection(eu, 10n), { balance: 10n, absorbedDeficit: 0n });
  assert.deepEqual(applyNegativeBalanceProtection(us, -250n), { balance: -250n, absorbedDeficit: 0n });
  assert.equal(
    checkNegativeBalance({ profile: eu, accountId: 'alice', balance: -1n })?.code,
    'protected_balance_negative',
  );
  assert.equal(checkNegativeBalance({ profile: eu, accountId: 'alice', balance: 0n }), null);
  assert.equal(checkNegativeBalance({ profile: us, accountId: 'bob', balance: -1n }), null);
});

// ── check 6 ──────────────────────────────────────────────────────────────────────────────────────────

test('check 6: in-range values pass untouched; floor and cap clamp with a warning', () => {
  const india = profile('in-sebi');
  const base = { profile: india, subject: 'NIFTY', windowBars: 400, previous: r(1n, 10n) };
  const fine = checkFormulaOutput({ ...base, outcome: { ok: true, value: r(12n, 100n) } });
  assert.ok(fine.rate.eq(r(12n, 100n)));
  assert.deepEqual(fine.findings, []);
  const low = checkFormulaOutput({ ...base, outcome: { ok: true, value: r(5n, 100n) } });
  assert.ok(low.rate.eq(r(9n, 100n)));
  assert.deepEqual(codes(low.findings), ['below_floor']);
  assert.equal(low.findings[0]?.severity, 'warning');
  const high = checkFormulaOutput({ ...base, outcome: { ok: true, value: r(3n, 1n) } });
  assert.ok(high.rate.eq(Rational.ONE));
  assert.deepEqual(codes(high.findings), ['above_cap']);
});

test('check 6: errors and short windows fall back to the last good rate with an alert', () => {
  const india = profile('in-sebi');
  const failed = checkFormulaOutput({
    profile: india,
    subject: 'NIFTY',
    windowBars: 400,
    previous: r(11n, 100n),
    outcome: { ok: false, code: 'insufficient_history', message: 'needs 366 bars' },
  });
  assert.ok(failed.rate.eq(r(11n, 100n)) && failed.fellBack);
  assert.deepEqual(codes(failed.findings), ['formula_error']);
  assert.equal(failed.findings[0]?.severity, 'error');
  const short = checkFormulaOutput({
    profile: india,
    subject: 'NIFTY',
    windowBars: 249,
    previous: r(11n, 100n),
    outcome: { ok: true, value: r(2n, 10n) },
  });
  assert.ok(short.rate.eq(r(11n, 100n)) && short.fellBack);
  assert.deepEqual(codes(short.findings), ['volatility_window_too_short']);
  const noPrevious = checkFormulaOutput({
    profile: india,
    subject: 'NIFTY',
    windowBars: 400,
    previous: null,
    outcome: { ok: false, code: 'domain', message: 'ln of 0' },
  });
  assert.ok(noPrevious.rate.eq(Rational.ONE), 'the cap: the conservative fallback');
  const explicitMinimum = checkFormulaOutput({
    profile: profile('eu-esma-retail'),
    subject: 'BTCUSDT',
    windowBars: 10,
    minWindowBars: 30,
    previous: r(1n, 2n),
    outcome: { ok: true, value: r(6n, 10n) },
  });
  assert.deepEqual(codes(explicitMinimum.findings), ['volatility_window_too_short']);
  const nonPositive = checkFormulaOutput({
    profile: profile('eu-esma-retail'),
    subject: 'BTCUSDT',
    windowBars: 10,
    previous: r(1n, 2n),
    outcome: { ok: true, value: r(-1n, 100n) },
  });
  assert.deepEqual(codes(nonPositive.findings), ['non_positive_rate']);
});

test('check 6: a formula evaluation converts exactly', () => {
  const outcome = formulaOutcome({ ok: true, value: 125n * 10n ** 15n });
  assert.ok(outcome.ok && outcome.value.eq(r(1n, 8n)));
  const failed = formulaOutcome({
    ok: false,
    error: { code: 'domain', message: 'ln of 0', start: 0, end: 5 },
  });
  assert.deepEqual(failed, { ok: false, code: 'domain', message: 'ln of 0' });
});

test('check 6: step change limited to the profile step, floor still wins', () => {
  const stepped = variant('in-sebi', (p) => {
    p.maxStepChange = { maxChange: '0.02', period: 'day' };
  });
  const base = { profile: stepped, subject: 'NIFTY', windowBars: 400 };
  const up = checkFormulaOutput({
    ...base,
    previous: r(10n, 100n),
    outcome: { ok: true, value: r(20n, 100n) },
  });
  assert.ok(up.rate.eq(r(12n, 100n)));
  assert.deepEqual(codes(up.findings), ['step_limited']);
  const down = checkFormulaOutput({
    ...base,
    previous: r(20n, 100n),
    outcome: { ok: true, value: r(10n, 100n) },
  });
  assert.ok(down.rate.eq(r(18n, 100n)));
  const within = checkFormulaOutput({
    ...base,
    previous: r(10n, 100n),
    outcome: { ok: true, value: r(11n, 100n) },
  });
  assert.deepEqual(within.findings, []);
  // A previous rate below a (new) floor: the step would leave the rate under the floor, which is statutory.
  const underFloor = checkFormulaOutput({
    ...base,
    previous: r(5n, 100n),
    outcome: { ok: true, value: r(12n, 100n) },
  });
  assert.ok(underFloor.rate.eq(r(9n, 100n)));
  assert.deepEqual(codes(underFloor.findings), ['step_limited', 'below_floor']);
});

// ── check 8 ──────────────────────────────────────────────────────────────────────────────────────────

test('check 8: coverage claims need a passing backtest and an anti-procyclicality option', () => {
  const claim = { confidence: '0.99', mporDays: 1, lookbackDays: 365 } as const;
  const claiming = variant('in-sebi', (p) => {
    p.coverage = claim;
  });
  const withApc = variant('in-sebi', (p) => {
    p.coverage = claim;
    p.antiProcyclicality = 'buffer25';
  });
  const good: CoverageBacktest = {
    confidence: '0.99',
    mporDays: 1,
    observations: 500,
    exceedances: 5,
    kupiecPValue: '1',
  };
  assert.deepEqual(checkCoverage(withApc, [good]), []);
  assert.deepEqual(codes(checkCoverage(profile('in-sebi'), [good])), [], 'no claim, nothing to check');
  assert.deepEqual(codes(checkCoverage(claiming, [good])), ['no_anti_procyclicality']);
  assert.deepEqual(codes(checkCoverage(withApc, [])), ['coverage_not_backtested']);
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, mporDays: 5 }])), ['coverage_not_backtested']);
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, confidence: '0.990' }])), [], 'equal as numbers');
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, exceedances: 15, kupiecPValue: '0.0002' }])), [
    'exceedance_rate_above_target',
    'kupiec_rejected',
  ]);
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, exceedances: 6, kupiecPValue: '0.66' }])), [
    'exceedance_rate_above_target',
  ]);
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, exceedances: 8, kupiecPValue: '4.9e-2' }])), [
    'exceedance_rate_above_target',
    'kupiec_rejected',
  ]);
  // Rejected for too few exceedances: more conservative than claimed, a warning rather than an error.
  const conservative = checkCoverage(withApc, [{ ...good, exceedances: 0, kupiecPValue: '4.9e-2' }]);
  assert.deepEqual(codes(conservative), ['kupiec_rejected_conservative']);
  assert.equal(conservative[0]?.severity, 'warning');
  assert.deepEqual(
    codes(checkCoverage(withApc, [{ ...good, kupiecPValue: '5e-2' }])),
    [],
    'p = 0.05 is not below 5 %',
  );
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, observations: 200, exceedances: 2 }])), [
    'backtest_shorter_than_lookback',
  ]);
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, kupiecPValue: 'NaN' }])), ['invalid_backtest']);
  assert.deepEqual(codes(checkCoverage(withApc, [{ ...good, exceedances: 501 }])), ['invalid_backtest']);
  assert.deepEqual(checkCoverage(profile('eu-esma-retail'), []), [], 'no claim, nothing to check');
});

// ── check 9 ──────────────────────────────────────────────────────────────────────────────────────────

test('check 9: future effect or a reasoned emergency, a reason code, and a second key', () => {
  const good: GovernanceProposal = {
    subject: 'BTCUSDT rate',
    proposerKeyId: 'key-a',
    approverKeyId: 'key-b',
    effectiveAtMs: 2_000,
    nowMs: 1_000,
    emergency: false,
    emergencyReason: null,
    reasonCode: 'volatility_regime_change',
  };
  assert.deepEqual(checkGovernance(good), []);
  assert.deepEqual(codes(checkGovernance({ ...good, effectiveAtMs: 1_000 })), ['effective_time_not_future']);
  assert.deepEqual(
    checkGovernance({ ...good, effectiveAtMs: 1_000, emergency: true, emergencyReason: 'exchange halt' }),
    [],
  );
  assert.deepEqual(
    codes(checkGovernance({ ...good, effectiveAtMs: 0, emergency: true, emergencyReason: ' ' })),
    ['emergency_without_reason'],
  );
  assert.deepEqual(codes(checkGovernance({ ...good, reasonCode: '' })), ['invalid_reason_code']);
  assert.deepEqual(codes(checkGovernance({ ...good, reasonCode: 'Drop Table' })), ['invalid_reason_code']);
  assert.deepEqual(codes(checkGovernance({ ...good, approverKeyId: null })), ['missing_approver']);
  assert.deepEqual(codes(checkGovernance({ ...good, approverKeyId: 'key-a' })), ['approver_is_proposer']);
  assert.ok(
    checkGovernance({ ...good, approverKeyId: 'key-a' }).every(
      (f) => f.check === 9 && f.severity === 'error',
    ),
  );
});
