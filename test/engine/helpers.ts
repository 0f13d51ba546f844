import assert from 'node:assert/strict';
import {
  Engine,
  checkInvariants,
  type ApplyResult,
  type Command,
  type TierInput,
} from '../../src/engine/index.js';

export const TIERS: readonly TierInput[] = [
  { floor: '0', cap: '50000', mmr: '0.004', maxLeverage: '125' },
  { floor: '50000', cap: '600000', mmr: '0.005', maxLeverage: '100' },
  { floor: '600000', cap: '3000000', mmr: '0.0065', maxLeverage: '75' },
];

/** Four spot sources for a price layer. */
export const SOURCES: readonly string[] = ['binance', 'okx', 'coinbase', 'kraken'];

/** A price layer under Binance's rules over the four SOURCES (equal weights); `fields` override or add. */
export function binancePrices(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    rules: 'binance',
    sources: SOURCES.map((name) => ({ name, weight: '1' })),
    impactNotional: '25000',
    band: '0.01',
    staleAfterMs: 300_000,
    minSources: 3,
    maxStaleMs: 600_000,
    ...fields,
  };
}

/** A BTCUSDT listing in USDT (tick 0.1, lot 0.001, the TIERS above, no fees); `fields` override or add. */
export function btcListing(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'listInstrument',
    symbol: 'BTCUSDT',
    asset: 'USDT',
    priceScale: 1,
    qtyScale: 3,
    tierModel: 'cumulative',
    maintenanceBasis: 'mark',
    tiers: TIERS,
    makerFeeRate: '0',
    takerFeeRate: '0',
    ...fields,
  };
}

/** An engine with a sequencer: `run` stamps seq and time, applies, and checks invariants after every command. */
export class Harness {
  readonly engine = Engine.create();
  seq = 0;
  time = 1_700_000_000_000;

  run(body: Record<string, unknown>): ApplyResult {
    const command = { seq: ++this.seq, timestampMs: (this.time += 1000), ...body } as unknown as Command;
    const before = this.engine.stateHash();
    const result = this.engine.apply(command);
    if (!result.ok)
      assert.equal(this.engine.stateHash(), before, `rejected ${body.type as string} changed the state`);
    assert.deepEqual(checkInvariants(this.engine.view), [], `invariants after ${JSON.stringify(body)}`);
    return result;
  }

  ok(body: Record<string, unknown>): ApplyResult {
    const result = this.run(body);
    assert.ok(
      result.ok,
      result.ok ? '' : `${body.type as string} rejected: ${result.code} ${result.message}`,
    );
    return result;
  }

  rejects(body: Record<string, unknown>, code: string): void {
    const result = this.run(body);
    assert.ok(!result.ok, `${body.type as string} should be rejected with ${code}`);
    assert.equal(result.code, code, result.message);
  }

  /** A venue with USDT (8 decimals), BTCUSDT (price 0.1, qty 0.001, fees 2/5 bp), marked at 50,000. */
  static venue(): Harness {
    const h = new Harness();
    h.ok({ type: 'configureAsset', asset: 'USDT', scale: 8 });
    h.ok(btcListing({ makerFeeRate: '0.0002', takerFeeRate: '0.0005' }));
    h.ok({ type: 'markPrice', symbol: 'BTCUSDT', price: '50000' });
    for (const accountId of ['alice', 'bob']) {
      h.ok({ type: 'createAccount', accountId });
      h.ok({ type: 'deposit', accountId, asset: 'USDT', amount: '10000' });
    }
    return h;
  }

  /** A balance in USDT units of 1e-8 as a decimal string. */
  balance(ledgerAccount: string): string {
    const units = this.engine.view.ledger.balance(ledgerAccount, 'USDT');
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(9, '0');
    const text = `${digits.slice(0, -8)}.${digits.slice(-8)}`.replace(/\.?0+$/, '');
    return (negative ? '-' : '') + (text === '' ? '0' : text);
  }
}

export function fill(
  fillId: string,
  qty: string,
  price: string,
  buyer: string,
  seller: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'fill',
    fillId,
    symbol: 'BTCUSDT',
    price,
    qty,
    buyer: { accountId: buyer, liquidity: 'maker' },
    seller: { accountId: seller, liquidity: 'taker' },
    ...extra,
  };
}
