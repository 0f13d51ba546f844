import { assert, Rational } from '../numbers/index.js';
import { MAX_BOOK_LEVELS_PER_SIDE, type BookLevel, type ContractKind, type OrderBook } from './orderBook.js';
import { premiumIndex } from './premium.js';

/** `bid`: the average price of selling into the bids; `ask`: of buying from the asks. */
export type ImpactSide = 'bid' | 'ask';

/**
 * An impact price, or the side's whole depth when it cannot fill the impact notional: a thin book is a
 * result the caller must handle (RULEBOOK.md §3 has no fallback price), never a silently shorter walk.
 */
export type ImpactResult =
  | {
      readonly status: 'ok';
      readonly complete: true;
      /** Quote per base coin. */
      readonly price: Rational;
      /** Levels touched, the last one possibly in part. */
      readonly levelsUsed: number;
    }
  | {
      readonly status: 'insufficient_depth';
      readonly complete: false;
      /** The side's whole notional, in the impact notional's unit. */
      readonly available: Rational;
    };

/**
 * Impact price (quote per coin): the average fill of selling (`bid`) or buying (`ask`) `impactNotional` (quote
 * for linear contracts, base coin for inverse) against a book that passed validateBook; exact.
 */
export function impactPrice(
  book: OrderBook,
  side: ImpactSide,
  impactNotional: Rational,
  contract: ContractKind,
): ImpactResult {
  assert(impactNotional.sign() > 0, 'impact notional must be positive');
  assert(contract.contractSize.sign() > 0, 'contract size must be positive');
  const levels = side === 'bid' ? book.bids : book.asks;
  assert(levels.length <= MAX_BOOK_LEVELS_PER_SIDE, 'book side longer than MAX_BOOK_LEVELS_PER_SIDE');
  // Linear: notional is quote and the counter-value base coin. Inverse: notional is coin and the counter-value
  // the contracts' quote value. Either way the average price is quote filled / coin filled.
  const notionalFilled = new ExactSum();
  const counterFilled = new ExactSum();
  let previous: BookLevel | undefined;
  for (const [i, level] of levels.entries()) {
    // Cheap checks of what validateBook promised, on the levels actually used: a wrong book must not price.
    assert(level.price.sign() > 0 && level.qty.sign() > 0, 'book level with a non-positive price or qty');
    assert(
      previous === undefined ||
        (side === 'bid' ? level.price.lt(previous.price) : level.price.gt(previous.price)),
      'book side not strictly ordered best first',
    );
    previous = level;
    const notional =
      contract.kind === 'linear'
        ? level.qty.mul(contract.contractSize).mul(level.price)
        : level.qty.mul(contract.contractSize).div(level.price);
    notionalFilled.add(notional);
    if (notionalFilled.cmp(impactNotional) >= 0) {
      // The impact notional ends inside this level: take only the part still missing.
      const taken = notional.sub(notionalFilled.minus(impactNotional));
      counterFilled.add(contract.kind === 'linear' ? taken.div(level.price) : taken.mul(level.price));
      const counter = counterFilled.toRational();
      const price = contract.kind === 'linear' ? impactNotional.div(counter) : counter.div(impactNotional);
      return { status: 'ok', complete: true, price, levelsUsed: i + 1 };
    }
    // A whole level's counter-value is just its contracts (× size): exact with a small denominator.
    counterFilled.add(level.qty.mul(contract.contractSize));
  }
  return { status: 'insufficient_depth', complete: false, available: notionalFilled.toRational() };
}

/** Both impact prices of a book, and the premium index of RULEBOOK.md §3 against one index price. */
export interface ImpactPrices {
  readonly bid: ImpactResult;
  readonly ask: ImpactResult;
  /** A fraction of the index; null without an index or when either side lacks the depth. */
  readonly premium: Rational | null;
}

/**
 * Impact bid and ask (quote per coin) for `impactNotional` (quote linear, coin inverse), and with an `index`
 * (quote per coin) the premium index as a fraction; exact.
 */
export function impactPrices(
  book: OrderBook,
  impactNotional: Rational,
  contract: ContractKind,
  index?: Rational,
): ImpactPrices {
  const bid = impactPrice(book, 'bid', impactNotional, contract);
  const ask = impactPrice(book, 'ask', impactNotional, contract);
  const premium =
    index !== undefined && bid.status === 'ok' && ask.status === 'ok'
      ? premiumIndex(bid.price, ask.price, index)
      : null;
  return { bid, ask, premium };
}

/**
 * A running exact sum kept over the lcm of its terms' denominators. Inverse levels (`qty / price`) each bring a
 * new denominator; Rational.add multiplies them and reduces the growing fraction by gcd at every step, which
 * takes about a minute over BitMEX's 3,800 XBTUSD asks. Here each term costs one division by a small number.
 */
class ExactSum {
  private num = 0n;
  private den = 1n;

  add(term: Rational): void {
    // In lowest terms this is (den / g) / (term.den / g) with g = gcd(den, term.den); cheap while term.den is small.
    const ratio = Rational.of(this.den, term.den).reduce();
    this.num = this.num * ratio.den + term.num * ratio.num;
    this.den *= ratio.den;
  }

  /** −1, 0 or 1 as the sum is below, equal to or above `value`. */
  cmp(value: Rational): -1 | 0 | 1 {
    const left = this.num * value.den;
    const right = value.num * this.den;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  /** The sum minus `value`, exact. */
  minus(value: Rational): Rational {
    return Rational.of(this.num * value.den - value.num * this.den, this.den * value.den);
  }

  toRational(): Rational {
    return Rational.of(this.num, this.den);
  }
}
