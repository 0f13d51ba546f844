/**
 * The result of a crash-replay simulation (issue 7), as the JSON report holds it and the HTML and terminal
 * reports render it. Money and prices are decimal strings (exact; the settlement asset's units, e.g. USDT);
 * counts are integers; times are ms since the epoch. Byte-identical for the same seed.
 */

/** One real crash window replayed. */
export interface ScenarioInfo {
  /** e.g. `2020-03-12`. */
  readonly id: string;
  readonly symbol: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly minutes: number;
  /** Where the candles come from (file and provenance). */
  readonly source: string;
  /** First open, lowest low, last close of the window. */
  readonly open: string;
  readonly low: string;
  readonly close: string;
}

/** One point of a run's time series, sampled once per simulated minute. */
export interface SeriesPoint {
  readonly timeMs: number;
  readonly mark: string;
  /** Cumulative notional closed by liquidation (at the fill prices) up to this minute. */
  readonly liquidatedNotional: string;
  /** Insurance fund balance. */
  readonly insuranceFund: string;
  /** Cumulative bad debt (losses no one was left to pay). */
  readonly badDebt: string;
  /** Cumulative ADL fills. */
  readonly adlCount: number;
}

/** Who bore the losses beyond the liquidated traders' own margin. */
export interface LossAllocation {
  readonly insuranceFund: string;
  readonly adlCounterparties: string;
  readonly venue: string;
}

/** One rulebook (and ADL policy) on the scenario and population. */
export interface RulebookRun {
  readonly rulebook: string;
  readonly adlPolicy: string;
  readonly series: readonly SeriesPoint[];
  readonly totals: {
    readonly liquidations: number;
    readonly accountsLiquidated: number;
    readonly liquidatedNotional: string;
    readonly adlEvents: number;
    readonly adlNotional: string;
    /**
     * What ADL took from counterparties (the distance from its fill price to the mark, times the qty) and the
     * shortfall of the positions it closed (bankruptcy price to the mark): where ADL fills at the mark (Hyperliquid)
     * it takes nothing and the shortfall falls on the fund or the venue.
     */
    readonly adlProfitTaken: string;
    readonly shortfallCovered: string;
    readonly insuranceFundStart: string;
    readonly insuranceFundEnd: string;
    readonly badDebt: string;
    readonly lossBorneBy: LossAllocation;
  };
  /**
   * Checked in the run: open interest balanced after every command; money conserved (every asset sums to zero)
   * and negative balances flagged at a full check every simulated hour and at the end.
   */
  readonly invariants: { readonly commandsChecked: number; readonly violations: number };
}

/** The investor-side policy (lower leverage as volatility rises) against fixed leverage, on the same day. */
export interface PolicyComparison {
  readonly description: string;
  readonly fixed: { readonly liquidated: number; readonly traders: number; readonly lossOfMargin: string };
  readonly adaptive: {
    readonly liquidated: number;
    readonly traders: number;
    readonly lossOfMargin: string;
    /** What the policy cost: profit forgone by holding less exposure (negative: it earned more). */
    readonly cost: string;
  };
}

/** How the run compares with what is publicly known about the day, with sources. */
export interface RealityCheck {
  readonly statements: readonly string[];
  readonly citations: readonly { readonly title: string; readonly url: string; readonly states: string }[];
}

export interface SimulationReport {
  /** Report format version. */
  readonly version: 1;
  readonly scenario: ScenarioInfo;
  readonly seed: number;
  readonly accounts: number;
  /** The population's parameters as used (documented in the simulator). */
  readonly population: Readonly<Record<string, string | number>>;
  readonly runs: readonly RulebookRun[];
  readonly policy: PolicyComparison | null;
  readonly reality: RealityCheck | null;
}
