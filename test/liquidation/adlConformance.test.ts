/**
 * The one conformance suite every ADL policy in the registry passes (STYLE.md: several implementations of one
 * interface share one suite): the allocation contract of `AdlPolicy`, run through `allocateAdl`, plus the
 * ranking order for policies with a score, and the five-light indicator.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ADL_POLICIES,
  adlLights,
  allocateAdl,
  type AdlCandidate,
  type AdlContext,
  type AdlPolicy,
  type AdlRequest,
} from '../../src/liquidation/adl/index.js';
import { AssertionError, Rational } from '../../src/numbers/index.js';
import { fcParams } from '../helpers/portfolio.js';

const RUNS = 200;

interface Scenario {
  readonly request: AdlRequest;
  readonly candidates: readonly AdlCandidate[];
  readonly context: AdlContext;
}

/** Small ranges make equal scores (the tie-break) common; large ones exercise big values. */
const amount = (max: bigint): fc.Arbitrary<bigint> => fc.oneof(fc.bigInt(1n, 20n), fc.bigInt(1n, max));

const price: fc.Arbitrary<Rational> = fc
  .tuple(fc.bigInt(1n, 10n ** 9n), fc.bigInt(1n, 1000n))
  .map(([num, den]) => Rational.of(num, den));

/** A leg valid for every policy: solvent (mark better than its own bankruptcy price, positive account value). */
function candidate(accountId: string, sign: 1n | -1n): fc.Arbitrary<AdlCandidate> {
  return fc
    .record({
      qty: fc.oneof(fc.constant(0n), fc.bigInt(1n, 50n), fc.bigInt(1n, 10n ** 6n)),
      entryValue: amount(10n ** 12n),
      markValue: amount(10n ** 12n),
      distance: amount(10n ** 12n),
      walletBalance: fc.bigInt(-(10n ** 9n), 10n ** 9n),
      unrealizedPnl: fc.bigInt(-(10n ** 9n), 10n ** 9n),
      maintenanceMargin: fc.bigInt(0n, 10n ** 8n),
      accountValue: amount(10n ** 9n),
    })
    .map(({ distance, ...fields }) => ({
      accountId,
      sign,
      ...fields,
      // sign × (markValue − bankruptcyValue) = distance > 0.
      bankruptcyValue: fields.markValue - sign * distance,
    }));
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    bankruptSign: fc.constantFrom<1n | -1n>(1n, -1n),
    ids: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 12 }),
    qty: fc.oneof(fc.bigInt(0n, 60n), fc.bigInt(0n, 4n * 10n ** 6n)),
    bankruptcyPrice: price,
    previousMark: price,
    moneyOne: fc.constantFrom(1n, 100n, 10n ** 6n, 10n ** 8n),
    seed: fc.bigInt(0n, (1n << 64n) - 1n),
  })
  .chain(({ bankruptSign, ids, qty, bankruptcyPrice, previousMark, moneyOne, seed }) =>
    fc.tuple(...ids.map((id) => candidate(id, bankruptSign === 1n ? -1n : 1n))).map((candidates) => ({
      request: { bankruptSign, qty, bankruptcyPrice, previousMark },
      candidates,
      context: { moneyOne, seed },
    })),
  );

/** A scenario with the same candidates in another order. */
const shuffledScenario: fc.Arbitrary<[Scenario, readonly AdlCandidate[]]> = scenario.chain((s) =>
  fc
    .shuffledSubarray([...s.candidates], { minLength: s.candidates.length, maxLength: s.candidates.length })
    .map((shuffled): [Scenario, readonly AdlCandidate[]] => [s, shuffled]),
);

function run(policy: AdlPolicy, s: Scenario, candidates = s.candidates) {
  return allocateAdl(policy, s.request, candidates, s.context);
}

function conformance(policy: AdlPolicy): void {
  describe(`ADL policy ${policy.id}`, () => {
    test('closes exactly min(required, available), each leg at most its qty, only live candidates, once', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const allocation = run(policy, s);
          const available = s.candidates.reduce((sum, c) => sum + c.qty, 0n);
          const target = s.request.qty < available ? s.request.qty : available;
          const byId = new Map(s.candidates.map((c) => [c.accountId, c]));
          let total = 0n;
          const seen = new Set<string>();
          for (const fill of allocation.fills) {
            const leg = byId.get(fill.accountId);
            assert.ok(leg !== undefined, `${fill.accountId} is not a candidate`);
            assert.ok(!seen.has(fill.accountId), `${fill.accountId} closed twice`);
            seen.add(fill.accountId);
            assert.equal(typeof fill.qty, 'bigint');
            assert.ok(fill.qty > 0n, 'a fill is positive (a zero leg never appears)');
            assert.ok(fill.qty <= leg.qty, `${fill.accountId} closed beyond its qty`);
            assert.equal(leg.sign, -s.request.bankruptSign, 'only the opposite side is touched');
            total += fill.qty;
          }
          assert.equal(total, target);
          assert.equal(allocation.closedQty, target);
          assert.equal(allocation.unclosedQty, s.request.qty - target);
        }),
        fcParams(0xad1, RUNS),
      );
    });

    test('closes at its close price', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const want =
            policy.closePrice === 'bankruptcy' ? s.request.bankruptcyPrice : s.request.previousMark;
          assert.ok(run(policy, s).price.eq(want));
        }),
        fcParams(0xad2, RUNS),
      );
    });

    test('is deterministic and independent of the order candidates are listed in', () => {
      fc.assert(
        fc.property(shuffledScenario, ([s, shuffled]) => {
          const first = run(policy, s);
          assert.deepEqual(run(policy, s), first);
          assert.deepEqual(run(policy, s, shuffled), first);
        }),
        fcParams(0xad3, RUNS),
      );
    });

    test('a ranking policy closes in score order: whole legs, then one partial, nothing ranked lower', () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const live = s.candidates.filter((c) => c.qty > 0n);
          const scores = new Map(live.map((c) => [c.accountId, policy.score(c, s.context.moneyOne)]));
          const ranked = [...scores.values()].every((score) => score !== null);
          assert.ok(ranked || [...scores.values()].every((score) => score === null), 'scores all or none');
          if (!ranked) return;
          const { fills } = run(policy, s);
          const scoreOf = (id: string): Rational => {
            const score = scores.get(id);
            assert.ok(score !== undefined && score !== null);
            return score;
          };
          for (const [i, fill] of fills.entries()) {
            const next = fills[i + 1];
            if (next === undefined) break;
            assert.ok(scoreOf(fill.accountId).gte(scoreOf(next.accountId)), 'fills in score order');
            assert.equal(
              fill.qty,
              live.find((c) => c.accountId === fill.accountId)?.qty,
              'only the last is partial',
            );
          }
          const closed = new Set(fills.map((f) => f.accountId));
          const lowestClosed = fills.at(-1);
          if (lowestClosed === undefined) return;
          for (const leg of live) {
            if (!closed.has(leg.accountId))
              assert.ok(
                scoreOf(leg.accountId).lte(scoreOf(lowestClosed.accountId)),
                'skipped a higher score',
              );
          }
        }),
        fcParams(0xad4, RUNS),
      );
    });

    test('refuses a candidate on the bankrupt side, a duplicate id and a negative quantity', () => {
      const leg: AdlCandidate = {
        accountId: 'a',
        qty: 1n,
        sign: 1n,
        entryValue: 100n,
        markValue: 110n,
        bankruptcyValue: 50n,
        walletBalance: 100n,
        unrealizedPnl: 10n,
        maintenanceMargin: 1n,
        accountValue: 110n,
      };
      const request: AdlRequest = {
        bankruptSign: -1n,
        qty: 1n,
        bankruptcyPrice: Rational.ONE,
        previousMark: Rational.ONE,
      };
      const context: AdlContext = { moneyOne: 1n, seed: 0n };
      assert.throws(
        () => allocateAdl(policy, { ...request, bankruptSign: 1n }, [leg], context),
        AssertionError,
      );
      assert.throws(() => allocateAdl(policy, request, [leg, leg], context), AssertionError);
      assert.throws(() => allocateAdl(policy, request, [{ ...leg, qty: -1n }], context), AssertionError);
      assert.throws(() => allocateAdl(policy, { ...request, qty: -1n }, [leg], context), AssertionError);
      assert.deepEqual(allocateAdl(policy, { ...request, qty: 0n }, [leg], context).fills, []);
      assert.deepEqual(allocateAdl(policy, request, [], context).fills, []);
    });
  });
}

for (const policy of Object.values(ADL_POLICIES)) conformance(policy);

const scoreList: fc.Arbitrary<Rational[]> = fc.array(
  fc.tuple(fc.bigInt(-30n, 30n), fc.bigInt(1n, 4n)).map(([num, den]) => Rational.of(num, den)),
  { maxLength: 60 },
);

describe('ADL five-light indicator', () => {
  test('lights are 1 to 5, monotone in score, equal for equal scores, 5 at the top', () => {
    fc.assert(
      fc.property(scoreList, (scores) => {
        const lights = adlLights(scores);
        assert.equal(lights.length, scores.length);
        for (const [i, light] of lights.entries()) {
          assert.ok(light >= 1 && light <= 5);
          for (const [j, other] of lights.entries()) {
            const a = scores[i];
            const b = scores[j];
            assert.ok(a !== undefined && b !== undefined);
            if (a.gt(b)) assert.ok(light >= other, 'monotone in score');
            if (a.eq(b)) assert.equal(light, other, 'ties share a light');
          }
        }
        const top = scores.reduce<Rational | null>((max, s) => (max === null || s.gt(max) ? s : max), null);
        if (top !== null) assert.equal(lights[scores.findIndex((s) => s.eq(top))], 5);
      }),
      fcParams(0xad5, RUNS),
    );
  });

  test('with distinct scores, the lights are quintiles of the queue', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.bigInt(-1000n, 1000n), { maxLength: 60 }), (values) => {
        const lights = adlLights(values.map((v) => Rational.fromInt(v)));
        const n = values.length;
        for (let light = 1; light <= 5; light++) {
          // At least `light` lights: the top ⌈n × (6 − light) / 5⌉ places.
          const want = Math.ceil((n * (6 - light)) / 5);
          assert.equal(lights.filter((l) => l >= light).length, want, `lights ≥ ${light} of ${n}`);
        }
      }),
      fcParams(0xad6, RUNS),
    );
  });

  test('lights do not depend on the order of the scores', () => {
    fc.assert(
      fc.property(
        scoreList.chain((scores) =>
          fc
            .shuffledSubarray(
              scores.map((score, index) => ({ score, index })),
              { minLength: scores.length, maxLength: scores.length },
            )
            .map((shuffled) => ({ scores, shuffled })),
        ),
        ({ scores, shuffled }) => {
          const lights = adlLights(scores);
          const again = adlLights(shuffled.map((entry) => entry.score));
          for (const [k, entry] of shuffled.entries()) assert.equal(again[k], lights[entry.index]);
        },
      ),
      fcParams(0xad7, RUNS),
    );
  });

  test('small populations: one position shows 5; two show 5 and 3; a tie of all shows 5', () => {
    assert.deepEqual(adlLights([]), []);
    assert.deepEqual(adlLights([Rational.ONE]), [5]);
    assert.deepEqual(adlLights([Rational.ZERO, Rational.ONE]), [3, 5]);
    assert.deepEqual(adlLights([Rational.ONE, Rational.ONE, Rational.ONE]), [5, 5, 5]);
  });
});
