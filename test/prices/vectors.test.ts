import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rational, type Result } from '../../src/numbers/index.js';
import {
  averagePremium,
  binanceFundingCap,
  binanceFundingRate,
  binanceMark,
  bitmexInterest,
  capToBand,
  deribitDeadBand,
  deribitMark,
  dydxCap8h,
  emaUpdate,
  emaValue,
  fairPrice,
  hyperliquidFunding,
  impactNotionalBinance,
  impactNotionalDydx,
  type EmaState,
} from '../../src/prices/index.js';
import { dec, decScientific } from '../helpers/model.js';
import { decimal, field, loadVectors, type Vector } from '../helpers/vectors.js';

/** The repo's copy of the shared vectors (vectors/README.md); never the shared folder itself. */
const vectors = loadVectors('prices.json');

const HOUR_MS = 3_600_000;
/** An expected value with this many fraction digits is a truncated non-terminating expansion. */
const TRUNCATED_DIGITS = 15;
const TRUNCATED_TOLERANCE = decScientific('1e-15');

function unwrap<T, E>(result: Result<T, E>): T {
  if (!result.ok) assert.fail(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function hoursToMs(value: unknown, key: string, label: string): number {
  const hours = decimal(value, key, label).mulInt(BigInt(HOUR_MS));
  assert.ok(hours.isInteger(), `${label}.${key}: not a whole number of ms`);
  return Number(hours.reduce().num);
}

/**
 * `got` against the expected decimal text: within the vector's tolerance when it has one, within 1e-15 when the
 * text is a truncated expansion (15 or more fraction digits), exactly otherwise.
 */
function expectValue(got: Rational, expected: unknown, label: string, tolerance?: string): void {
  assert.equal(typeof expected, 'string', `${label}: expected value is not a string`);
  const text = expected as string;
  const want = dec(text);
  const fractionDigits = text.split('.')[1]?.length ?? 0;
  const allowed =
    tolerance !== undefined
      ? decScientific(tolerance)
      : fractionDigits >= TRUNCATED_DIGITS
        ? TRUNCATED_TOLERANCE
        : Rational.ZERO;
  const error = got.sub(want).abs();
  assert.ok(
    error.lte(allowed),
    `${label}: got ${got.format('halfEven', 25)}, want ${text} (allowed ${allowed.format('halfEven', 3)})`,
  );
}

const HANDLERS: Readonly<Record<string, (v: Vector) => void>> = {
  'mark.fairPrice': ({ id, inputs, expected }) => {
    const price = fairPrice({
      index: decimal(inputs, 'index', id),
      fundingRate: decimal(inputs, 'fundingRate', id),
      msToFunding: hoursToMs(inputs, 'hoursToFunding', id),
      intervalMs: hoursToMs(inputs, 'intervalHours', id),
    });
    expectValue(unwrap(price), expected, id);
  },
  'mark.binanceMedian': ({ id, inputs, expected }) => {
    const mark = unwrap(
      binanceMark({
        index: decimal(inputs, 'index', id),
        lastFundingRate: decimal(inputs, 'lastFundingRate', id),
        msToFunding: hoursToMs(inputs, 'hoursToFunding', id),
        intervalMs: hoursToMs(inputs, 'intervalHours', id),
        basisAverage: decimal(inputs, 'basisMovingAverage', id),
        lastPrice: decimal(inputs, 'lastPrice', id),
      }),
    );
    for (const key of ['price1', 'price2', 'mark'] as const)
      expectValue(mark[key], field(expected, key, id), `${id}.${key}`);
  },
  'mark.deribitClamp': ({ id, inputs, expected }) => {
    const mark = deribitMark({
      bid: decimal(inputs, 'bid', id),
      ask: decimal(inputs, 'ask', id),
      last: decimal(inputs, 'last', id),
    });
    expectValue(unwrap(mark), expected, id);
  },
  'mark.hyperliquidEma': ({ id, inputs, expected, tolerance }) => {
    const samples = field(inputs, 'samples', id);
    assert.ok(Array.isArray(samples) && samples.length > 0, `${id}: samples must be a non-empty array`);
    let state: EmaState | null = null;
    for (const [i, sample] of (samples as unknown[]).entries()) {
      const label = `${id}.samples[${i}]`;
      const dtMs = decimal(sample, 'dtSeconds', label).mulInt(1000n);
      assert.ok(dtMs.isInteger(), `${label}: dtSeconds is not a whole number of ms`);
      state = emaUpdate(state, decimal(sample, 'value', label), Number(dtMs.reduce().num));
    }
    assert.ok(state !== null);
    expectValue(emaValue(state), expected, id, tolerance);
  },
  'index.capOutliers': ({ id, inputs, expected }) => {
    const median = decimal(inputs, 'median', id);
    const band = decimal(inputs, 'band', id);
    const sources = field(inputs, 'sources', id);
    assert.ok(Array.isArray(sources) && Array.isArray(expected) && sources.length === expected.length, id);
    for (const [i, source] of (sources as unknown[]).entries()) {
      assert.equal(typeof source, 'string', `${id}.sources[${i}]`);
      expectValue(capToBand(dec(source as string), median, band), (expected as unknown[])[i], `${id}[${i}]`);
    }
  },
  'funding.rate': ({ id, inputs, expected }) => {
    if (typeof inputs === 'object' && inputs !== null && 'impactBid' in inputs) {
      const funding = hyperliquidFunding({
        impactBid: decimal(inputs, 'impactBid', id),
        impactAsk: decimal(inputs, 'impactAsk', id),
        oracle: decimal(inputs, 'oracle', id),
        interest: decimal(inputs, 'interest', id),
        clamp: decimal(inputs, 'clamp', id),
      });
      for (const key of ['premium', 'rate8h', 'paidPerHour'] as const)
        expectValue(funding[key], field(expected, key, id), `${id}.${key}`);
      return;
    }
    const intervalHours = Number(field(inputs, 'intervalHours', id));
    assert.ok(Number.isSafeInteger(intervalHours), `${id}: intervalHours is not a whole number`);
    const rate = binanceFundingRate({
      averagePremium: decimal(inputs, 'averagePremium', id),
      interest: decimal(inputs, 'interest', id),
      clamp: decimal(inputs, 'clamp', id),
      intervalHours,
    });
    expectValue(rate, expected, id);
  },
  'funding.averagePremium': ({ id, inputs, expected }) => {
    const samples = field(inputs, 'samples', id);
    assert.ok(Array.isArray(samples), `${id}: samples must be an array`);
    expectValue(averagePremium(samples.map((sample) => dec(String(sample)))), expected, id);
  },
  'funding.cap': ({ id, inputs, expected }) => {
    expectValue(
      binanceFundingCap(decimal(inputs, 'firstTierMmr', id), decimal(inputs, 'capFactor', id)),
      expected,
      id,
    );
  },
  'funding.cap8h': ({ id, inputs, expected }) => {
    expectValue(dydxCap8h(decimal(inputs, 'imf', id), decimal(inputs, 'mmf', id)), expected, id);
  },
  'funding.impactNotional': ({ id, inputs, expected }) => {
    if (Array.isArray(inputs)) {
      for (const [i, row] of (inputs as unknown[]).entries()) {
        const label = `${id}[${i}]`;
        expectValue(
          impactNotionalBinance(decimal(row, 'topTierImr', label)),
          field(row, 'expected', label),
          label,
        );
      }
      return;
    }
    expectValue(impactNotionalDydx(decimal(inputs, 'imf', id)), expected, id);
  },
  'funding.deadBand': ({ id, inputs, expected }) => {
    const funding = deribitDeadBand({
      mark: decimal(inputs, 'mark', id),
      index: decimal(inputs, 'index', id),
      deadBand: decimal(inputs, 'deadBand', id),
    });
    expectValue(funding.rate8h, field(expected, 'rate8h', id), `${id}.rate8h`);
    expectValue(funding.perHour, field(expected, 'oneHourOn1', id), `${id}.oneHourOn1`);
  },
  'funding.interest': ({ id, inputs, expected }) => {
    expectValue(
      bitmexInterest(decimal(inputs, 'quoteRateDaily', id), decimal(inputs, 'baseRateDaily', id)),
      expected,
      id,
    );
  },
};

describe('vectors/prices.json', () => {
  test('the file holds vectors and every one has a handler for its kind (none skipped silently)', () => {
    assert.ok(vectors.length > 0);
    const unknown = vectors.filter((v) => !(v.kind in HANDLERS)).map((v) => `${v.id} (${v.kind})`);
    assert.deepEqual(unknown, [], `vectors with an unknown kind: ${unknown.join(', ')}`);
    assert.equal(new Set(vectors.map((v) => v.id)).size, vectors.length, 'vector ids are unique');
  });

  for (const vector of vectors) {
    test(`${vector.id} (${vector.kind})`, () => {
      const handler = HANDLERS[vector.kind];
      assert.ok(handler !== undefined, `unknown vector kind ${vector.kind}`);
      handler(vector);
    });
  }
});
