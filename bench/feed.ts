import type { Command, EngineEvent, TierInput } from '../src/index.js';
import { built } from './built.js';

/** A sequencer in front of one compiled engine: stamps seq and time on each command body. */
export class Feed {
  readonly engine = built.Engine.create();
  seq = 0;

  constructor(public time: number) {}

  command(body: Record<string, unknown>, stepMs = 1000): Command {
    this.time += stepMs;
    return { seq: ++this.seq, timestampMs: this.time, ...body } as unknown as Command;
  }

  /** Applies a set-up command that must be accepted (a rejection is a bug in the bench). */
  must(body: Record<string, unknown>, stepMs = 1000): EngineEvent[] {
    const result = this.engine.apply(this.command(body, stepMs));
    if (!result.ok)
      throw new Error(`bench set-up: ${String(body.type)} rejected: ${result.code} ${result.message}`);
    return result.events;
  }
}

/** A BTCUSDT listing in USDT (tick 0.1, lot 0.001, mark-basis cumulative tiers, no fees); `fields` add to it. */
export function btcListing(
  tiers: readonly TierInput[],
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'listInstrument',
    symbol: 'BTCUSDT',
    asset: 'USDT',
    priceScale: 1,
    qtyScale: 3,
    tierModel: 'cumulative',
    maintenanceBasis: 'mark',
    tiers,
    makerFeeRate: '0',
    takerFeeRate: '0',
    ...fields,
  };
}
