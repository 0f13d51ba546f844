import {
  buildTierTable,
  isRulebookId,
  RULEBOOKS,
  type Instrument,
  type InstrumentKind,
  type MaintenanceBasis,
  type Rulebook,
  type TierModel,
  type TierSpec,
} from '../market/index.js';
import type { Account, Marks, MarginMode, Position, PositionSide, Side } from '../margin/index.js';
import { MAX_POSITIONS_PER_ACCOUNT, validateAccount } from '../margin/index.js';
import {
  childPath,
  err,
  inputError,
  ok,
  Rational,
  readArray,
  readDecimal,
  readEnum,
  readObject,
  readRecord,
  readString,
  type Decimal,
  type ExactJson,
  type InputError,
  type JsonObject,
  type Result,
} from '../numbers/index.js';
import { MAX_TIERS } from '../market/index.js';

/** Most instruments one calculator request may define. */
export const MAX_INSTRUMENTS = 1024;

/** A parsed and validated calculator request (CALC.md). */
export interface CalcRequest {
  readonly rulebook: Rulebook;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly marks: Marks;
  readonly account: Account;
}

type Parsed<T> = Result<T, InputError>;

const REQUEST_KEYS = ['rulebook', 'instruments', 'marks', 'account'];
const INSTRUMENT_KEYS = [
  'symbol',
  'kind',
  'contractSize',
  'settleAsset',
  'tierModel',
  'maintenanceBasis',
  'tiers',
  'tickSize',
  'lotSize',
];
const TIER_KEYS = ['floor', 'cap', 'mmr', 'maxLeverage', 'cum'];
const ACCOUNT_KEYS = ['walletBalance', 'positions'];
const POSITION_KEYS = [
  'symbol',
  'side',
  'positionSide',
  'qty',
  'entryPrice',
  'marginMode',
  'isolatedWallet',
  'leverage',
];

function optionalDecimal(object: JsonObject, key: string, path: string): Parsed<Decimal | undefined> {
  const value = object[key];
  return value === undefined ? ok(undefined) : readDecimal(value, childPath(path, key));
}

function positiveDecimal(
  value: ExactJson | undefined,
  path: string,
  code = 'invalid_number',
): Parsed<Decimal> {
  const parsed = readDecimal(value, path);
  if (!parsed.ok) return parsed;
  if (parsed.value.units <= 0n) return err(inputError(code, `${path} must be positive`, path));
  return parsed;
}

function nonNegativeDecimal(value: ExactJson | undefined, path: string): Parsed<Decimal> {
  const parsed = readDecimal(value, path);
  if (!parsed.ok) return parsed;
  if (parsed.value.units < 0n) return err(inputError('invalid_number', `${path} must not be negative`, path));
  return parsed;
}

/** Largest scale among the given decimals (the instrument's declared scale for that kind of value). */
function scaleOf(values: readonly (Decimal | undefined)[]): number {
  return values.reduce((max, d) => Math.max(max, d?.scale ?? 0), 0);
}

function parseTiers(
  value: ExactJson | undefined,
  path: string,
  model: TierModel,
  rulebook: Rulebook,
): Parsed<{ specs: TierSpec[]; decimals: Decimal[] }> {
  const array = readArray(value, path, MAX_TIERS);
  if (!array.ok) return array;
  const specs: TierSpec[] = [];
  const decimals: Decimal[] = [];
  for (const [i, item] of array.value.entries()) {
    const at = childPath(path, i);
    const object = readObject(item, at, TIER_KEYS);
    if (!object.ok) return object;
    const floor = nonNegativeDecimal(object.value.floor, childPath(at, 'floor'));
    if (!floor.ok) return floor;
    const cap = positiveDecimal(object.value.cap, childPath(at, 'cap'));
    if (!cap.ok) return cap;
    const maxLeverage = positiveDecimal(object.value.maxLeverage, childPath(at, 'maxLeverage'));
    if (!maxLeverage.ok) return maxLeverage;
    let mmr: Rational;
    if (object.value.mmr === undefined && rulebook.mmrFromMaxLeverage) {
      // Hyperliquid: the maintenance rate is half the initial rate at max leverage.
      mmr = Rational.ONE.div(Rational.fromDecimal(maxLeverage.value).mulInt(2n));
    } else {
      const parsed = nonNegativeDecimal(object.value.mmr, childPath(at, 'mmr'));
      if (!parsed.ok) return parsed;
      mmr = Rational.fromDecimal(parsed.value);
      decimals.push(parsed.value);
    }
    const cum = optionalDecimal(object.value, 'cum', at);
    if (!cum.ok) return cum;
    if (model === 'whole' && cum.value !== undefined && cum.value.units !== 0n) {
      return err(
        inputError(
          'cum_mismatch',
          `${childPath(at, 'cum')} must be 0 or absent in the whole tier model`,
          childPath(at, 'cum'),
        ),
      );
    }
    specs.push({
      floor: Rational.fromDecimal(floor.value),
      cap: Rational.fromDecimal(cap.value),
      mmr,
      maxLeverage: Rational.fromDecimal(maxLeverage.value),
      cum: cum.value === undefined ? undefined : Rational.fromDecimal(cum.value),
    });
  }
  return ok({ specs, decimals });
}

/** The decimals written for one symbol elsewhere in the request; they set the instrument's scales. */
interface SymbolDecimals {
  readonly price: readonly Decimal[];
  readonly qty: readonly Decimal[];
  readonly money: readonly Decimal[];
}

function parseInstrument(
  value: ExactJson,
  path: string,
  rulebook: Rulebook,
  decimalsOf: (symbol: string) => SymbolDecimals,
): Parsed<Instrument> {
  const object = readObject(value, path, INSTRUMENT_KEYS);
  if (!object.ok) return object;
  const o = object.value;
  const symbol = readString(o.symbol, childPath(path, 'symbol'));
  if (!symbol.ok) return symbol;
  const kind =
    o.kind === undefined
      ? ok<InstrumentKind>('linear')
      : readEnum(o.kind, childPath(path, 'kind'), ['linear', 'inverse'] as const);
  if (!kind.ok) return kind;
  const contractSize =
    o.contractSize === undefined
      ? ok({ units: 1n, scale: 0 })
      : positiveDecimal(o.contractSize, childPath(path, 'contractSize'));
  if (!contractSize.ok) return contractSize;
  const settleAsset =
    o.settleAsset === undefined
      ? ok(kind.value === 'linear' ? 'quote' : `base of ${symbol.value}`)
      : readString(o.settleAsset, childPath(path, 'settleAsset'));
  if (!settleAsset.ok) return settleAsset;
  const tierModel =
    o.tierModel === undefined
      ? ok(rulebook.tierModel)
      : readEnum(o.tierModel, childPath(path, 'tierModel'), ['cumulative', 'whole'] as const);
  if (!tierModel.ok) return tierModel;
  const basis =
    o.maintenanceBasis === undefined
      ? ok<MaintenanceBasis>(rulebook.maintenanceBasis)
      : readEnum(o.maintenanceBasis, childPath(path, 'maintenanceBasis'), ['mark', 'entry'] as const);
  if (!basis.ok) return basis;
  const tiers = parseTiers(o.tiers, childPath(path, 'tiers'), tierModel.value, rulebook);
  if (!tiers.ok) return tiers;
  const table = buildTierTable(tierModel.value, tiers.value.specs, childPath(path, 'tiers'));
  if (!table.ok) return table;
  const tickSize = optionalPositive(o, 'tickSize', path);
  if (!tickSize.ok) return tickSize;
  const lotSize = optionalPositive(o, 'lotSize', path);
  if (!lotSize.ok) return lotSize;
  const seen = decimalsOf(symbol.value);
  const scales = {
    price: scaleOf([...seen.price, tickSize.value]),
    qty: scaleOf([...seen.qty, lotSize.value]),
    money: scaleOf(seen.money),
    rate: scaleOf(tiers.value.decimals),
  };
  return ok({
    symbol: symbol.value,
    kind: kind.value,
    contractSize: Rational.fromDecimal(contractSize.value),
    settleAsset: settleAsset.value,
    tiers: table.value,
    maintenanceBasis: basis.value,
    scales,
    tickSize:
      tickSize.value === undefined
        ? Rational.fromUnits(1n, scales.price)
        : Rational.fromDecimal(tickSize.value),
    lotSize:
      lotSize.value === undefined ? Rational.fromUnits(1n, scales.qty) : Rational.fromDecimal(lotSize.value),
  });
}

function optionalPositive(object: JsonObject, key: string, path: string): Parsed<Decimal | undefined> {
  return object[key] === undefined ? ok(undefined) : positiveDecimal(object[key], childPath(path, key));
}

/** Raw position fields before instruments are attached (their decimals feed the instruments' scales). */
interface RawPosition {
  readonly path: string;
  readonly symbol: string;
  readonly side: Side;
  readonly positionSide: PositionSide;
  readonly qty: Decimal;
  readonly entryPrice: Decimal;
  readonly marginMode: MarginMode;
  readonly isolatedWallet: Decimal | undefined;
  readonly leverage: Decimal | undefined;
}

function parsePosition(value: ExactJson, path: string): Parsed<RawPosition> {
  const object = readObject(value, path, POSITION_KEYS);
  if (!object.ok) return object;
  const o = object.value;
  const symbol = readString(o.symbol, childPath(path, 'symbol'));
  if (!symbol.ok) return symbol;
  const side = readEnum(o.side, childPath(path, 'side'), ['long', 'short'] as const);
  if (!side.ok) return side;
  const positionSide =
    o.positionSide === undefined
      ? ok<PositionSide>('BOTH')
      : readEnum(o.positionSide, childPath(path, 'positionSide'), ['BOTH', 'LONG', 'SHORT'] as const);
  if (!positionSide.ok) return positionSide;
  const qty = positiveDecimal(o.qty, childPath(path, 'qty'), 'invalid_quantity');
  if (!qty.ok) return qty;
  const entryPrice = positiveDecimal(o.entryPrice, childPath(path, 'entryPrice'), 'invalid_price');
  if (!entryPrice.ok) return entryPrice;
  const marginMode =
    o.marginMode === undefined
      ? ok<MarginMode>('cross')
      : readEnum(o.marginMode, childPath(path, 'marginMode'), ['cross', 'isolated'] as const);
  if (!marginMode.ok) return marginMode;
  const walletPath = childPath(path, 'isolatedWallet');
  if (marginMode.value === 'isolated' && o.isolatedWallet === undefined) {
    return err(
      inputError('isolated_wallet_missing', `${walletPath} is required for an isolated position`, walletPath),
    );
  }
  if (marginMode.value === 'cross' && o.isolatedWallet !== undefined) {
    return err(inputError('invalid_field', `${walletPath} is only for isolated positions`, walletPath));
  }
  const isolatedWallet =
    o.isolatedWallet === undefined ? ok(undefined) : nonNegativeDecimal(o.isolatedWallet, walletPath);
  if (!isolatedWallet.ok) return isolatedWallet;
  const leverage =
    o.leverage === undefined
      ? ok(undefined)
      : positiveDecimal(o.leverage, childPath(path, 'leverage'), 'invalid_leverage');
  if (!leverage.ok) return leverage;
  return ok({
    path,
    symbol: symbol.value,
    side: side.value,
    positionSide: positionSide.value,
    qty: qty.value,
    entryPrice: entryPrice.value,
    marginMode: marginMode.value,
    isolatedWallet: isolatedWallet.value,
    leverage: leverage.value,
  });
}

/** Parses and validates a calculator request; the first problem found is returned with its field path. */
export function parseCalcRequest(json: ExactJson): Parsed<CalcRequest> {
  const root = readObject(json, '', REQUEST_KEYS);
  if (!root.ok) return root;
  const r = root.value;
  const rulebookName = r.rulebook === undefined ? ok('binance') : readString(r.rulebook, 'rulebook');
  if (!rulebookName.ok) return rulebookName;
  if (!isRulebookId(rulebookName.value)) {
    return err(
      inputError(
        'unsupported_rulebook',
        `rulebook "${rulebookName.value}" is not one of ${Object.keys(RULEBOOKS).join(', ')}`,
        'rulebook',
      ),
    );
  }
  const rulebook = RULEBOOKS[rulebookName.value];

  // Account and marks first: their decimals set each instrument's scales.
  const account = readObject(r.account, 'account', ACCOUNT_KEYS);
  if (!account.ok) return account;
  const walletBalance =
    account.value.walletBalance === undefined
      ? ok({ units: 0n, scale: 0 })
      : readDecimal(account.value.walletBalance, 'account.walletBalance');
  if (!walletBalance.ok) return walletBalance;
  const positionItems = readArray(
    account.value.positions ?? [],
    'account.positions',
    MAX_POSITIONS_PER_ACCOUNT,
  );
  if (!positionItems.ok) return positionItems;
  const rawPositions: RawPosition[] = [];
  for (const [i, item] of positionItems.value.entries()) {
    const parsed = parsePosition(item, childPath('account.positions', i));
    if (!parsed.ok) return parsed;
    rawPositions.push(parsed.value);
  }
  const marksObject = readRecord(r.marks ?? {}, 'marks', MAX_INSTRUMENTS);
  if (!marksObject.ok) return marksObject;
  const markDecimals = new Map<string, Decimal>();
  for (const [symbol, value] of Object.entries(marksObject.value)) {
    const mark = positiveDecimal(value, childPath('marks', symbol), 'invalid_price');
    if (!mark.ok) return mark;
    markDecimals.set(symbol, mark.value);
  }

  const instrumentItems = readArray(r.instruments, 'instruments', MAX_INSTRUMENTS);
  if (!instrumentItems.ok) return instrumentItems;
  const instruments = new Map<string, Instrument>();
  for (const [i, item] of instrumentItems.value.entries()) {
    const at = childPath('instruments', i);
    const instrument = parseInstrument(item, at, rulebook, (symbol) => {
      const mine = rawPositions.filter((p) => p.symbol === symbol);
      const mark = markDecimals.get(symbol);
      return {
        price: [...(mark === undefined ? [] : [mark]), ...mine.map((p) => p.entryPrice)],
        qty: mine.map((p) => p.qty),
        money: [
          walletBalance.value,
          ...mine.flatMap((p) => (p.isolatedWallet === undefined ? [] : [p.isolatedWallet])),
        ],
      };
    });
    if (!instrument.ok) return instrument;
    if (instruments.has(instrument.value.symbol)) {
      return err(
        inputError(
          'duplicate_symbol',
          `${childPath(at, 'symbol')} repeats ${instrument.value.symbol}`,
          childPath(at, 'symbol'),
        ),
      );
    }
    instruments.set(instrument.value.symbol, instrument.value);
  }
  const marks = new Map<string, Rational>();
  for (const [symbol, decimal] of markDecimals) {
    if (!instruments.has(symbol))
      return err(
        inputError('unknown_symbol', `marks.${symbol} names no instrument`, childPath('marks', symbol)),
      );
    marks.set(symbol, Rational.fromDecimal(decimal));
  }

  const positions: Position[] = [];
  for (const raw of rawPositions) {
    const instrument = instruments.get(raw.symbol);
    if (instrument === undefined) {
      return err(
        inputError(
          'unknown_symbol',
          `${childPath(raw.path, 'symbol')} names no instrument: ${raw.symbol}`,
          childPath(raw.path, 'symbol'),
        ),
      );
    }
    const qty = Rational.fromDecimal(raw.qty);
    if (!qty.div(instrument.lotSize).isInteger()) {
      return err(
        inputError(
          'invalid_quantity',
          `${childPath(raw.path, 'qty')} is not a multiple of the lot size`,
          childPath(raw.path, 'qty'),
        ),
      );
    }
    positions.push({
      instrument,
      side: raw.side,
      positionSide: raw.positionSide,
      qty,
      entryPrice: Rational.fromDecimal(raw.entryPrice),
      marginMode: raw.marginMode,
      isolatedWallet:
        raw.isolatedWallet === undefined ? Rational.ZERO : Rational.fromDecimal(raw.isolatedWallet),
      leverage: raw.leverage === undefined ? null : Rational.fromDecimal(raw.leverage),
    });
  }
  const validated = validateAccount(
    { walletBalance: Rational.fromDecimal(walletBalance.value), positions },
    marks,
    'account',
    'marks',
  );
  if (!validated.ok) return validated;
  return ok({ rulebook, instruments, marks, account: validated.value });
}
