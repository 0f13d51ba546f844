import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { calculate } from '../../src/calc/index.js';
import { assertWellFormed, ensureBuilt, loadVectors, runCli } from '../helpers/cli.js';
import { fcParams } from '../helpers/portfolio.js';

/**
 * Whatever the request, `bulwark calc` answers completely (exit 0) or rejects with a JSON error (exit 2):
 * never an exception, never exit 1, never a partial answer.
 */

const SEED = 4_242;
const { vectors, errors } = loadVectors();
const SEED_REQUESTS: unknown[] = [...vectors.map((v) => v.request), ...errors.map((e) => e.request)];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Raw JSON number texts, spliced in after stringify (JSON.stringify cannot write them). */
const RAW_NUMBERS = [
  '1e5',
  '1E+5',
  '1e-7',
  '0.1',
  '-0',
  '9007199254740993',
  '0.30000000000000004',
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890123',
  '1' + '0'.repeat(400),
  '0.' + '0'.repeat(30) + '1',
  '1.5e308',
  '5e-324',
  '0e99999999999',
  '1e99999999999999999999',
];

const WEIRD_VALUES: Json[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e5',
  '',
  ' ',
  ' 1',
  '1 ',
  '+1',
  '-',
  '.',
  '1.',
  '.5',
  '1_000',
  '0x10',
  '١٢',
  '0',
  '-0',
  '-1',
  '-0.000001',
  '0.0000000000000000001',
  '9'.repeat(31),
  '9'.repeat(30),
  '1' + '0'.repeat(29) + '.5',
  '123456789012345678901234567890.123456789012345678',
  '1'.repeat(5000),
  0,
  -1,
  1e5,
  0.1,
  1e300,
  -5,
  Number.MAX_SAFE_INTEGER,
  null,
  true,
  false,
  [],
  {},
  [[[]]],
  { floor: '0' },
  'long',
  'short',
  'LONG',
  'SHORT',
  'BOTH',
  'both',
  'cross',
  'isolated',
  'CROSS',
  'cumulative',
  'whole',
  'mark',
  'entry',
  'linear',
  'inverse',
  'binance',
  'bybit',
  'bitmex',
  'hyperliquid',
  'dydx',
  'okx',
  'ftx',
  'constructor',
  '__proto__',
  'toString',
  'BTCUSDT',
  'ETHUSDT',
  'x'.repeat(65),
  '\u0000',
  '\ud800',
  ...RAW_NUMBERS.map((_, i) => `__RAW_${i}__`),
];

type Path = (string | number)[];

function paths(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => paths(item, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) paths(item, [...prefix, key], out);
  }
  return out;
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

function container(root: Json, path: Path): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? node[key as number] : node[key as string];
  }
  return node;
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = container(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent === null || typeof parent !== 'object' || key === undefined) return root;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(key as number, 1);
    else parent[key as number] = value;
  } else if (value === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the point is to drop a field
    delete parent[key as string];
  } else parent[key as string] = value;
  return root;
}

const MUTATIONS = [
  'drop',
  'replace',
  'negate',
  'huge',
  'retype',
  'extraField',
  'nest',
  'duplicate',
  'wrongEnum',
  'emptyContainer',
  'tweak',
] as const;

/** Valid but extreme decimals: most requests stay answerable, and the answer must still be well formed. */
const TWEAKS: Json[] = [
  '0',
  '0.000000000000000001',
  '1',
  '2',
  '0.5',
  '3',
  '7.77',
  '99999999',
  '100000000',
  '123456789012345678901234567890',
  '999999999999999999999999999999.999999999999999999',
  '0.333333333333333333',
  1e5,
  0.25,
  '__RAW_0__',
  '__RAW_4__',
];

interface Mutation {
  readonly kind: (typeof MUTATIONS)[number];
  readonly target: number;
  readonly pick: number;
  readonly depth: number;
}

function mutate(root: Json, m: Mutation): Json {
  const all = paths(root);
  const path = all[m.target % all.length] ?? [];
  const current = container(root, path);
  const choose = <T>(items: readonly T[]): T => items[m.pick % items.length] as T;
  switch (m.kind) {
    case 'drop':
      return path.length === 0 ? root : setAt(root, path, undefined);
    case 'replace':
      return setAt(root, path, choose(WEIRD_VALUES));
    case 'negate':
      if (typeof current === 'string')
        return setAt(root, path, current.startsWith('-') ? current.slice(1) : `-${current}`);
      if (typeof current === 'number') return setAt(root, path, -current);
      return setAt(root, path, '-1');
    case 'huge':
      return setAt(
        root,
        path,
        choose([
          '9'.repeat(30),
          '9'.repeat(30) + '.' + '9'.repeat(18),
          '1e30',
          1e30,
          '__RAW_11__',
          '__RAW_10__',
        ]),
      );
    case 'retype':
      if (typeof current === 'string')
        return setAt(root, path, /^-?\d+(\.\d+)?$/.test(current) ? Number(current) : [current]);
      if (typeof current === 'number') return setAt(root, path, String(current));
      if (Array.isArray(current))
        return setAt(root, path, Object.fromEntries(current.map((v, i) => [String(i), v])));
      if (current !== null && typeof current === 'object') return setAt(root, path, Object.values(current));
      return setAt(root, path, 'true');
    case 'extraField':
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
        current[
          choose([
            'bogus',
            '__proto__',
            'constructor',
            'Qty',
            'cum',
            'isolatedWallet',
            'leverage',
            'tickSize',
            'lotSize',
            'settleAsset',
          ])
        ] = choose(WEIRD_VALUES);
        return root;
      }
      if (Array.isArray(current)) {
        current.push(choose(WEIRD_VALUES));
        return root;
      }
      return setAt(root, path, { value: current ?? null, bogus: true });
    case 'nest': {
      let nested: Json = current ?? null;
      for (let i = 0; i < m.depth; i++) nested = m.pick % 2 === 0 ? [nested] : { a: nested };
      return setAt(root, path, nested);
    }
    case 'duplicate':
      if (Array.isArray(current) && current.length > 0) {
        current.push(clone(current[m.pick % current.length] ?? null));
        return root;
      }
      if (path.length > 0 && Array.isArray(container(root, path.slice(0, -1)))) {
        (container(root, path.slice(0, -1)) as Json[]).push(clone(current ?? null));
        return root;
      }
      return setAt(root, path, [current ?? null, current ?? null]);
    case 'wrongEnum':
      return setAt(
        root,
        path,
        choose([
          'LONGG',
          'Long',
          'short ',
          'Cross',
          'isolated\u0000',
          'hedge',
          'tiered',
          'index',
          'futures',
          'coin',
        ]),
      );
    case 'emptyContainer':
      return setAt(root, path, choose([[], {}, '', null]));
    case 'tweak':
      return typeof current === 'string' || typeof current === 'number'
        ? setAt(root, path, choose(TWEAKS))
        : root;
  }
}

/** JSON text with the raw-number placeholders replaced by number text JSON.stringify could never write. */
function render(value: Json): string {
  return JSON.stringify(value).replace(/"__RAW_(\d+)__"/g, (_, i: string) => RAW_NUMBERS[Number(i)] ?? '0');
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.oneof({ arbitrary: fc.constantFrom(...MUTATIONS), weight: 2 }, fc.constant('tweak' as const)),
  target: fc.nat(),
  pick: fc.nat(),
  depth: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 55, max: 80 })),
});

/** A vector or error request with one to four mutations, and sometimes a text-level cut or duplicate key. */
const mutatedTextArb: fc.Arbitrary<string> = fc
  .record({
    seed: fc.nat(),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
    text: fc.oneof(
      { arbitrary: fc.constant(null), weight: 8 },
      fc.record({ kind: fc.constantFrom('truncate', 'duplicateKey', 'garbage'), at: fc.nat() }),
    ),
  })
  .map(({ seed, mutations, text }) => {
    let value = clone(SEED_REQUESTS[seed % SEED_REQUESTS.length] as Json);
    for (const m of mutations) value = mutate(value, m);
    let out = render(value);
    if (text !== null) {
      const at = text.at % (out.length + 1);
      if (text.kind === 'truncate') out = out.slice(0, at);
      else if (text.kind === 'garbage') out = `${out.slice(0, at)}\u0000,}]"${out.slice(at)}`;
      else out = out.replace(/"(qty|symbol|mmr|floor|walletBalance)":/, '"$1":"1","$1":');
    }
    return out;
  });

const interesting = fc.constantFrom(...WEIRD_VALUES);
const field = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: arb, weight: 3 }, interesting, fc.jsonValue({ maxDepth: 2 }));

/** Request-shaped values with the right keys and wrong or random contents. */
const shapedArb: fc.Arbitrary<string> = fc
  .record(
    {
      rulebook: field(fc.constantFrom('binance', 'bybit', 'bitmex', 'hyperliquid', 'dydx', 'okx')),
      instruments: fc.array(
        fc.record(
          {
            symbol: field(fc.constantFrom('A', 'B')),
            kind: field(fc.constantFrom('linear', 'inverse')),
            contractSize: field(fc.constantFrom('1', '100', '0.001')),
            tierModel: field(fc.constantFrom('cumulative', 'whole')),
            maintenanceBasis: field(fc.constantFrom('mark', 'entry')),
            tiers: fc.array(
              fc.record(
                {
                  floor: field(fc.constantFrom('0', '100', '1000')),
                  cap: field(fc.constantFrom('100', '1000', '100000')),
                  mmr: field(fc.constantFrom('0', '0.01', '0.5', '1')),
                  maxLeverage: field(fc.constantFrom('1', '20', '125')),
                  cum: field(fc.constantFrom('0', '1', '4.5')),
                },
                { requiredKeys: ['floor', 'cap', 'mmr', 'maxLeverage'] },
              ),
              { maxLength: 3 },
            ),
          },
          { requiredKeys: ['symbol', 'tiers'] },
        ),
        { maxLength: 3 },
      ),
      marks: fc.dictionary(
        fc.constantFrom('A', 'B', 'C', '__proto__'),
        field(fc.constantFrom('1', '10', '100.5')),
      ),
      account: fc.record(
        {
          walletBalance: field(fc.constantFrom('0', '10', '1000')),
          positions: fc.array(
            fc.record(
              {
                symbol: field(fc.constantFrom('A', 'B')),
                side: field(fc.constantFrom('long', 'short')),
                positionSide: field(fc.constantFrom('BOTH', 'LONG', 'SHORT')),
                qty: field(fc.constantFrom('1', '0.5', '10')),
                entryPrice: field(fc.constantFrom('1', '10', '99.9')),
                marginMode: field(fc.constantFrom('cross', 'isolated')),
                isolatedWallet: field(fc.constantFrom('0', '5')),
                leverage: field(fc.constantFrom('1', '10', '200')),
              },
              { requiredKeys: ['symbol', 'side', 'qty', 'entryPrice'] },
            ),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['instruments'] },
  )
  .map((value) => render(value as Json));

function checkInProcess(text: string): void {
  let outcome: ReturnType<typeof calculate>;
  try {
    outcome = calculate(text);
  } catch (error) {
    assert.fail(
      `calculate threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  // The body must survive the CLI's own rendering.
  const body = JSON.parse(JSON.stringify(outcome.body)) as unknown;
  assertWellFormed(outcome.exitCode, body, text);
}

describe('calculate() on hostile input, in-process', () => {
  test('random JSON values and random text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json({ maxDepth: 4 }),
          fc.string({ maxLength: 40 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          checkInProcess(text);
        },
      ),
      fcParams(SEED, 1500),
    );
  });

  test('request-shaped values with wrong contents', () => {
    fc.assert(
      fc.property(shapedArb, (text) => {
        checkInProcess(text);
      }),
      fcParams(SEED, 2500),
    );
  });

  test('mutated vectors', () => {
    fc.assert(
      fc.property(mutatedTextArb, (text) => {
        checkInProcess(text);
      }),
      fcParams(SEED, 4000),
    );
  });

  test('the unmutated seeds answer as the vectors file says', () => {
    for (const v of vectors) assert.equal(calculate(JSON.stringify(v.request)).exitCode, 0, v.id);
    for (const e of errors) assert.equal(calculate(JSON.stringify(e.request)).exitCode, 2, e.id);
  });
});

describe('the built CLI on hostile input', () => {
  before(() => {
    ensureBuilt();
  });

  test('mutated vectors and random JSON through standard input', () => {
    const inputs = [
      ...fc.sample(mutatedTextArb, { seed: fcParams(SEED, 1).seed, numRuns: 24 }),
      ...fc.sample(shapedArb, { seed: fcParams(SEED, 1).seed, numRuns: 8 }),
      ...fc.sample(fc.json({ maxDepth: 3 }), { seed: fcParams(SEED, 1).seed, numRuns: 4 }),
    ];
    for (const input of inputs) {
      const run = runCli(['calc', '--compact'], input);
      let body: unknown;
      try {
        body = JSON.parse(run.stdout) as unknown;
      } catch {
        assert.fail(`not JSON on stdout for input ${input.slice(0, 300)}: ${run.stdout}${run.stderr}`);
      }
      assert.equal(run.stdout.split('\n').length, 2, 'one JSON document on one line');
      assertWellFormed(run.status, body, input);
      assert.equal(calculate(input).exitCode, run.status, 'the CLI and calculate() agree');
    }
  });
});
