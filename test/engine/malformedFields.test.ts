import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkInvariants, type Command } from '../../src/engine/index.js';
import { approve, COMPLIANCE, propose, proposal, RISK } from '../helpers/governance.js';
import { binancePrices, btcListing, fill, Harness, SOURCES, TIERS } from './helpers.js';

/**
 * Malformed fields never crash the engine: for a valid command of every type, every field (top level and
 * nested, recursively, array elements included) is replaced in turn by each of a set of junk values, or
 * deleted, and the command applied on a venue where the untouched command is accepted. `apply` must return a
 * result, never throw; a rejected command leaves the state hash as it was; the invariants hold either way. No
 * field of any command takes `null` (a field is given or absent), so a null anywhere must be rejected.
 */

type Body = Record<string, unknown>;
type Path = readonly (string | number)[];

const DAY_MS = 86_400_000;

/** Removing the field (an array element: splicing it out). */
const DELETE = Symbol('delete');

/** The junk values, each made fresh per use (the engine must not share them with the next variant). */
const JUNK: readonly (readonly [label: string, make: () => unknown])[] = [
  ['null', () => null],
  ['undefined', () => undefined],
  ['0', () => 0],
  ['-1', () => -1],
  // JSON.parse('-0') is negative zero, which canonical JSON (hashes, signatures) refuses.
  ['-0', () => -0],
  ['1.5', () => 1.5],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ["''", () => ''],
  ["'x'", () => 'x'],
  ["'-1'", () => '-1'],
  ["'1e3'", () => '1e3'],
  ['[]', () => []],
  ['{}', () => ({})],
  ['true', () => true],
  ["'x' × 10000", () => 'x'.repeat(10_000)],
  // JSON can spell an object that has no string form: `String(value)` and `${value}` throw on it.
  ['{"toString":null}', () => JSON.parse('{"toString":null}') as unknown],
  ['(deleted)', () => DELETE],
];

/** A valid command (without seq and time) and a venue on which it is accepted. */
interface Baseline {
  readonly name: string;
  readonly prepare: () => Harness;
  /** The body for a command stamped at `h.time` (some fields are times, signatures or fresh ids). */
  readonly body: (h: Harness) => Body;
}

/** USDT and the venue's BTCUSDT (marked at 50,000), alice and bob with 10,000 USDT each. */
const venue = (): Harness => Harness.venue();

function withSteps(prepare: () => Harness, ...bodies: Body[]): () => Harness {
  return () => {
    const h = prepare();
    for (const body of bodies) h.ok(body);
    return h;
  };
}

/** The venue with an insurance fund `if-btc`, a liquidity account `book` and a backstop vault `hlp`. */
const liquidationVenue = withSteps(
  venue,
  { type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' },
  { type: 'createAccount', accountId: 'book' },
  { type: 'createAccount', accountId: 'hlp' },
);

const PRICES = binancePrices({ maxMovePerTick: '0.5', fundingIntervalHours: 4 });

/** USDT, ETHUSDT with Binance's price rules over four sources (indexed at 3,000), alice and bob funded. */
const pricedVenue = (): Harness => {
  const h = new Harness();
  h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
  h.ok(btcListing({ symbol: 'ETHUSDT', prices: PRICES }));
  h.ok(sourcePrices(h.time + 1000, '3000'));
  for (const accountId of ['alice', 'bob']) {
    h.ok({ type: 'createAccount', accountId });
    h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '10000' });
  }
  return h;
};

function sourcePrices(observedAtMs: number, price: string): Body {
  return {
    type: 'sourcePrices',
    symbol: 'ETHUSDT',
    quotes: SOURCES.map((source) => ({ source, price, observedAtMs })),
  };
}

const TIERS_WITH_CUM = [
  { floor: '0', cap: '50000', mmr: '0.004', maxLeverage: '125', cum: '0' },
  { floor: '50000', cap: '600000', mmr: '0.005', maxLeverage: '100', cum: '50' },
  { floor: '600000', cap: '3000000', mmr: '0.0065', maxLeverage: '75', cum: '950' },
];

const order = (orderId: string, price = '49000'): Body => ({
  type: 'placeOrder',
  accountId: 'alice',
  orderId,
  symbol: 'BTCUSDT',
  side: 'buy',
  positionSide: 'BOTH',
  qty: '0.1',
  price,
  reduceOnly: false,
});

const keysVenue = withSteps(
  venue,
  ...[RISK, COMPLIANCE].map((k) => ({
    type: 'registerGovernanceKey',
    keyId: k.keyId,
    publicKey: k.publicKey,
  })),
);

/** Far enough ahead that no variant's time reaches it. */
const future = (h: Harness): number => h.time + 30 * DAY_MS;
/** A proposal `p-open` to approve (effective in a month). */
const PENDING = proposal('p-open', new Harness().time + 30 * DAY_MS);
/** An emergency proposal `p-now`, in force from its approval. */
const EMERGENCY = proposal('p-now', new Harness().time, { emergency: true, emergencyReason: 'market-crash' });

const BASELINES: readonly Baseline[] = [
  {
    name: 'configureAsset',
    prepare: venue,
    body: () => ({ type: 'configureAsset', asset: 'BTC', scale: 8 }),
  },
  { name: 'listInstrument', prepare: venue, body: () => btcListing({ symbol: 'ETHUSDT' }) },
  {
    name: 'listInstrument (tiers with cum, entry basis)',
    prepare: venue,
    body: () => btcListing({ symbol: 'ETHUSDT', tiers: TIERS_WITH_CUM, maintenanceBasis: 'entry' }),
  },
  {
    name: 'listInstrument (prices)',
    prepare: venue,
    body: () => btcListing({ symbol: 'ETHUSDT', prices: PRICES }),
  },
  {
    name: 'listInstrument (liquidation, hyperliquid with backstop)',
    prepare: liquidationVenue,
    body: () =>
      btcListing({
        symbol: 'ETHUSDT',
        liquidation: {
          rules: 'hyperliquid',
          insuranceFund: 'if-btc',
          liquidityAccount: 'book',
          adlPolicy: 'proRata',
          clearanceFeeRate: '0.001',
          backstopAccount: 'hlp',
        },
      }),
  },
  {
    name: 'listInstrument (liquidation, dydx block limit)',
    prepare: liquidationVenue,
    body: () =>
      btcListing({
        symbol: 'ETHUSDT',
        liquidation: {
          rules: 'dydx',
          insuranceFund: 'if-btc',
          liquidityAccount: 'book',
          blockNotionalLimit: '100000000',
        },
      }),
  },
  {
    name: 'listInstrument (prices and liquidation, binance)',
    prepare: liquidationVenue,
    body: () =>
      btcListing({
        symbol: 'ETHUSDT',
        prices: PRICES,
        liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' },
      }),
  },
  {
    name: 'setParameter',
    prepare: venue,
    body: () => ({
      type: 'setParameter',
      symbol: 'BTCUSDT',
      makerFeeRate: '0.0001',
      takerFeeRate: '0.0004',
      tiers: TIERS,
    }),
  },
  { name: 'createAccount', prepare: venue, body: () => ({ type: 'createAccount', accountId: 'carol' }) },
  {
    name: 'createAccount (profile)',
    prepare: venue,
    body: () => ({
      type: 'createAccount',
      accountId: 'carol',
      profile: 'eu-esma-retail',
      profileVersion: 1,
      clientCategory: 'retail',
    }),
  },
  {
    name: 'deposit',
    prepare: venue,
    body: () => ({ type: 'deposit', accountId: 'alice', asset: 'USDT', amount: '100' }),
  },
  {
    name: 'withdraw',
    prepare: venue,
    body: () => ({ type: 'withdraw', accountId: 'alice', asset: 'USDT', amount: '100' }),
  },
  { name: 'placeOrder', prepare: venue, body: () => order('o2') },
  {
    name: 'cancelOrder',
    prepare: withSteps(venue, order('o1')),
    body: () => ({ type: 'cancelOrder', accountId: 'alice', orderId: 'o1' }),
  },
  { name: 'fill', prepare: venue, body: () => fill('f1', '0.1', '50000', 'alice', 'bob') },
  {
    name: 'fill (orderId)',
    prepare: withSteps(venue, order('o1', '50000')),
    body: () => ({
      ...fill('f1', '0.1', '50000', 'alice', 'bob'),
      buyer: { accountId: 'alice', liquidity: 'maker', orderId: 'o1' },
    }),
  },
  {
    name: 'fill (positionSide, hedge mode)',
    prepare: withSteps(venue, { type: 'setPositionMode', accountId: 'alice', mode: 'hedge' }),
    body: () => ({
      ...fill('f1', '0.1', '50000', 'alice', 'bob'),
      buyer: { accountId: 'alice', liquidity: 'maker', positionSide: 'LONG' },
      seller: { accountId: 'bob', liquidity: 'taker', positionSide: 'BOTH' },
    }),
  },
  {
    name: 'fill (priced venue)',
    prepare: pricedVenue,
    body: () => ({ ...fill('f1', '0.1', '3000', 'alice', 'bob'), symbol: 'ETHUSDT' }),
  },
  {
    name: 'setLeverage',
    prepare: venue,
    body: () => ({ type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 20 }),
  },
  {
    name: 'setMarginMode',
    prepare: venue,
    body: () => ({ type: 'setMarginMode', accountId: 'alice', symbol: 'BTCUSDT', marginMode: 'isolated' }),
  },
  {
    name: 'setPositionMode',
    prepare: venue,
    body: () => ({ type: 'setPositionMode', accountId: 'alice', mode: 'hedge' }),
  },
  {
    name: 'adjustIsolatedMargin',
    prepare: withSteps(
      venue,
      { type: 'setMarginMode', accountId: 'alice', symbol: 'BTCUSDT', marginMode: 'isolated' },
      { type: 'setLeverage', accountId: 'alice', symbol: 'BTCUSDT', leverage: 10 },
      fill('open', '0.1', '50000', 'alice', 'bob'),
    ),
    body: () => ({
      type: 'adjustIsolatedMargin',
      accountId: 'alice',
      symbol: 'BTCUSDT',
      positionSide: 'BOTH',
      amount: '100',
    }),
  },
  {
    name: 'markPrice',
    prepare: withSteps(venue, fill('open', '0.1', '50000', 'alice', 'bob')),
    body: () => ({ type: 'markPrice', symbol: 'BTCUSDT', price: '50100' }),
  },
  { name: 'sourcePrices', prepare: pricedVenue, body: (h) => sourcePrices(h.time, '3001') },
  {
    name: 'bookSnapshot (priced)',
    prepare: pricedVenue,
    body: () => ({
      type: 'bookSnapshot',
      symbol: 'ETHUSDT',
      bids: [
        ['2999', '1'],
        ['2998', '2'],
      ],
      asks: [['3001', '1']],
      lastPrice: '3000',
    }),
  },
  {
    name: 'bookSnapshot (liquidation only)',
    prepare: withSteps(
      liquidationVenue,
      btcListing({
        symbol: 'ETHUSDT',
        liquidation: { rules: 'binance', insuranceFund: 'if-btc', liquidityAccount: 'book' },
      }),
    ),
    body: () => ({ type: 'bookSnapshot', symbol: 'ETHUSDT', bids: [['2999', '1']], asks: [['3001', '1']] }),
  },
  {
    name: 'fundingTick',
    prepare: withSteps(venue, fill('open', '0.1', '50000', 'alice', 'bob')),
    body: () => ({ type: 'fundingTick', symbol: 'BTCUSDT', rate: '0.0001' }),
  },
  {
    name: 'fundingTick (priced, a replayed rate)',
    prepare: withSteps(pricedVenue, { ...fill('open', '0.1', '3000', 'alice', 'bob'), symbol: 'ETHUSDT' }),
    body: () => ({ type: 'fundingTick', symbol: 'ETHUSDT', rate: '0.0001' }),
  },
  {
    name: 'createInsuranceFund',
    prepare: venue,
    body: () => ({ type: 'createInsuranceFund', fund: 'if-eth', asset: 'USDT' }),
  },
  {
    name: 'fundInsurance',
    prepare: withSteps(venue, { type: 'createInsuranceFund', fund: 'if-btc', asset: 'USDT' }),
    body: () => ({ type: 'fundInsurance', fund: 'if-btc', amount: '1000', pool: 'reserve' }),
  },
  {
    name: 'setStressRegime',
    prepare: venue,
    body: () => ({ type: 'setStressRegime', active: true, reason: 'market crash' }),
  },
  {
    name: 'setIdempotencyWindow',
    prepare: withSteps(venue, fill('f1', '0.001', '50000', 'alice', 'bob')),
    body: () => ({ type: 'setIdempotencyWindow', windowMs: 60_000 }),
  },
  {
    name: 'registerGovernanceKey',
    prepare: venue,
    body: () => ({ type: 'registerGovernanceKey', keyId: RISK.keyId, publicKey: RISK.publicKey }),
  },
  {
    name: 'proposeMarginModel',
    prepare: keysVenue,
    body: (h) => propose(proposal('p-new', future(h))),
  },
  {
    name: 'proposeMarginModel (emergency)',
    prepare: keysVenue,
    body: (h) => propose(proposal('p-new', h.time, { emergency: true, emergencyReason: 'market-crash' })),
  },
  {
    name: 'approveProposal',
    prepare: withSteps(keysVenue, propose(PENDING)),
    body: () => approve(PENDING),
  },
  {
    name: 'activateMarginModel',
    prepare: withSteps(keysVenue, propose(EMERGENCY), approve(EMERGENCY)),
    body: () => ({ type: 'activateMarginModel', proposalId: 'p-now' }),
  },
];

/** Every path into a body's fields (not seq, timestampMs, type), parents before their children. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((item, i) => [[...prefix, i], ...pathsOf(item, [...prefix, i])]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) =>
      prefix.length === 0 && (key === 'seq' || key === 'timestampMs' || key === 'type')
        ? []
        : [[...prefix, key], ...pathsOf(item, [...prefix, key])],
    );
  return [];
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A copy of `body` with the value at `path` replaced by `value` (or removed: DELETE). */
function replaced(body: Body, path: Path, value: unknown): Body {
  const copy = structuredClone(body);
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  const last = path[path.length - 1];
  assert.ok(last !== undefined && typeof parent === 'object' && parent !== null, pathText(path));
  if (Array.isArray(parent) && typeof last === 'number') {
    if (value === DELETE) parent.splice(last, 1);
    else parent[last] = value;
  } else {
    const record = parent as Record<string | number, unknown>;
    if (value === DELETE) Reflect.deleteProperty(record, last);
    else record[last] = value;
  }
  return copy;
}

type Outcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'rejected'; readonly code: string }
  | { readonly kind: 'failed'; readonly why: string };

/** The first frame of a stack in the project's own code (or the first frame). */
function stackTop(error: unknown): string {
  const frames = (error instanceof Error ? (error.stack ?? '') : '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .map((line) => line.trim());
  return frames.find((line) => line.includes('/src/')) ?? frames[0] ?? '(no stack)';
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${message} @ ${stackTop(error)}`;
}

/**
 * Stamps `make(h)` (an object) with the next seq and a time 1 ms on, applies it, and checks what `Harness.run`
 * checks, the state hash (a rejection changes nothing) and the invariants, but reports a throw, a changed hash
 * or a broken invariant as an outcome, so that one run lists every failure.
 */
function attempt(h: Harness, make: (h: Harness) => unknown): Outcome {
  h.time += 1;
  const body = make(h);
  const command = (
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? { seq: ++h.seq, timestampMs: h.time, ...body }
      : body
  ) as Command;
  const before = h.engine.stateHash();
  let outcome: Outcome;
  try {
    const result = h.engine.apply(command);
    outcome = result.ok ? { kind: 'accepted' } : { kind: 'rejected', code: result.code };
  } catch (error) {
    return { kind: 'failed', why: `threw ${describeError(error)}` };
  } finally {
    // A random command may carry its own seq or time: the sequencer follows what the engine took.
    h.seq = h.engine.lastSeq;
    h.time = Math.max(h.time, h.engine.view.lastTimestampMs);
  }
  try {
    // Accepted or not, the state must stay hashable (canonical JSON refuses what JSON.parse may give, as -0).
    const after = h.engine.stateHash();
    if (outcome.kind === 'rejected' && after !== before)
      return { kind: 'failed', why: `rejected (${outcome.code}) but changed the state hash` };
    const violations = checkInvariants(h.engine.view);
    if (violations.length > 0) return { kind: 'failed', why: `invariants: ${JSON.stringify(violations)}` };
  } catch (error) {
    return { kind: 'failed', why: `checking the state threw ${describeError(error)}` };
  }
  return outcome;
}

describe('no malformed field crashes the engine; a rejected one changes nothing', () => {
  for (const baseline of BASELINES) {
    test(baseline.name, () => {
      const sanity = baseline.prepare();
      const accepted = attempt(sanity, baseline.body);
      assert.deepEqual(accepted, { kind: 'accepted' }, `the ${baseline.name} baseline must be accepted`);
      const type = String(baseline.body(sanity).type);
      const failures: string[] = [];
      let h = baseline.prepare();
      for (const path of pathsOf(baseline.body(h))) {
        for (const [label, make] of JUNK) {
          const outcome = attempt(h, (stamped) => replaced(baseline.body(stamped), path, make()));
          if (outcome.kind === 'failed')
            failures.push(`${type} ${pathText(path)} = ${label}: ${outcome.why}`);
          if (outcome.kind === 'accepted' && label === 'null')
            failures.push(`${type} ${pathText(path)} = null: accepted (taken as absent)`);
          // An accepted variant changed the venue (and a throw or a failed check may have): start afresh.
          if (outcome.kind !== 'rejected') h = baseline.prepare();
        }
      }
      assert.ok(
        failures.length === 0,
        `${failures.length} malformed ${type} commands failed:\n${failures.join('\n')}`,
      );
    });
  }
});

/** Whole commands and fill parties of any shape: random JSON and JavaScript values (no functions). */
describe('random values never crash the engine', () => {
  const TYPES = [...new Set(BASELINES.map((b) => String(b.body(new Harness()).type)))];
  const anyValue = fc.oneof(fc.jsonValue(), fc.anything());

  /** Applies commands on one reused venue, rebuilt after anything but a clean rejection; fails on a failure. */
  function onVenue(prepare: () => Harness): (make: (h: Harness) => unknown, what: string) => void {
    let h: Harness | null = null;
    return (make, what) => {
      h ??= prepare();
      const outcome = attempt(h, make);
      if (outcome.kind !== 'rejected') h = null;
      if (outcome.kind === 'failed') assert.fail(`${what}: ${outcome.why}`);
    };
  }

  const show = (value: unknown): string => fc.stringify(value).slice(0, 200);

  test('a random value as the whole command', () => {
    const run = onVenue(venue);
    fc.assert(
      fc.property(anyValue, (value) => {
        run(() => value, `command ${show(value)}`);
      }),
      { numRuns: 300, includeErrorInReport: true },
    );
  });

  test('random fields under a valid seq, time and type', () => {
    const run = onVenue(venue);
    fc.assert(
      fc.property(fc.constantFrom(...TYPES), fc.dictionary(fc.string(), anyValue), (type, fields) => {
        run(() => ({ ...fields, type }), `${type} with ${show(fields)}`);
      }),
      { numRuns: 500, includeErrorInReport: true },
    );
  });

  /** A fill party: any value, or an object whose fields are each valid or any value (or absent). */
  const party = fc.oneof(
    anyValue,
    fc.record(
      {
        accountId: fc.oneof(fc.constantFrom('alice', 'bob'), anyValue),
        liquidity: fc.oneof(fc.constantFrom('maker', 'taker'), anyValue),
        orderId: fc.oneof(fc.constant('o1'), anyValue),
        positionSide: fc.oneof(fc.constantFrom('BOTH', 'LONG', 'SHORT'), anyValue),
      },
      { requiredKeys: [] },
    ),
  );

  test('a random buyer and seller of a fill', () => {
    const run = onVenue(withSteps(venue, order('o1', '50000')));
    fc.assert(
      fc.property(party, party, (buyer, seller) => {
        run(
          () => ({ ...fill('f1', '0.1', '50000', 'alice', 'bob'), buyer, seller }),
          `fill with buyer ${show(buyer)}, seller ${show(seller)}`,
        );
      }),
      { numRuns: 500, includeErrorInReport: true },
    );
  });

  test('a random value at any field of any valid command', () => {
    const runs = BASELINES.map((b) => onVenue(b.prepare));
    const targets = BASELINES.flatMap((baseline, i) =>
      pathsOf(baseline.body(baseline.prepare())).map((path) => ({ baseline, path, run: runs[i] })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: targets.length - 1 }), anyValue, (t, value) => {
        const target = targets[t];
        assert.ok(target?.run !== undefined);
        const { baseline, path, run } = target;
        run(
          (h) => replaced(baseline.body(h), path, value),
          `${baseline.name}: ${pathText(path)} = ${show(value)}`,
        );
      }),
      { numRuns: 1000, includeErrorInReport: true },
    );
  });
});
