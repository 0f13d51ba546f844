import { exceedsTable, tierForNotional } from '../market/index.js';
import { childPath, err, inputError, ok, type InputError, type Result } from '../numbers/index.js';
import type { Account, Marks } from './account.js';
import { maintenanceNotionalAt, type Position } from './position.js';

/** Most positions one account may hold (Binance: two hedge legs on a few hundred symbols). */
export const MAX_POSITIONS_PER_ACCOUNT = 1024;

/**
 * Checks an account against the rules a venue enforces before any figure is computed: positive sizes and
 * prices, a mark for every symbol, one position mode per account, one margin mode per symbol, hedge legs on
 * their own side, one wallet asset for cross positions, sizes within the tier table, leverage within the
 * tier's maximum. `path` names the account (e.g. `account`); marks are reported under `marksPath`.
 */
export function validateAccount(
  account: Account,
  marks: Marks,
  path: string,
  marksPath: string,
): Result<Account, InputError> {
  const positionsPath = childPath(path, 'positions');
  if (account.positions.length > MAX_POSITIONS_PER_ACCOUNT) {
    return err(
      inputError(
        'too_many_items',
        `${positionsPath} has more than ${MAX_POSITIONS_PER_ACCOUNT} positions`,
        positionsPath,
      ),
    );
  }
  const seen = new Set<string>();
  const firstLeg = new Map<string, Position>();
  let hedgeMode: boolean | null = null;
  let crossAsset: string | null = null;
  for (const [i, position] of account.positions.entries()) {
    const at = childPath(positionsPath, i);
    const symbol = position.instrument.symbol;
    if (position.qty.sign() <= 0)
      return err(
        inputError('invalid_quantity', `${childPath(at, 'qty')} must be positive`, childPath(at, 'qty')),
      );
    if (position.entryPrice.sign() <= 0) {
      return err(
        inputError(
          'invalid_price',
          `${childPath(at, 'entryPrice')} must be positive`,
          childPath(at, 'entryPrice'),
        ),
      );
    }
    const mark = marks.get(symbol);
    if (mark === undefined)
      return err(
        inputError(
          'missing_mark',
          `${childPath(marksPath, symbol)} is required: ${at} holds ${symbol}`,
          childPath(marksPath, symbol),
        ),
      );
    if (mark.sign() <= 0)
      return err(
        inputError(
          'invalid_price',
          `${childPath(marksPath, symbol)} must be positive`,
          childPath(marksPath, symbol),
        ),
      );

    const hedged = position.positionSide !== 'BOTH';
    if (hedgeMode !== null && hedged !== hedgeMode) {
      return err(
        inputError(
          'position_mode_conflict',
          `${childPath(at, 'positionSide')} mixes one-way (BOTH) and hedge (LONG/SHORT) positions in one account`,
          childPath(at, 'positionSide'),
        ),
      );
    }
    hedgeMode = hedged;
    if (hedged && position.positionSide.toLowerCase() !== position.side) {
      return err(
        inputError(
          'position_side_mismatch',
          `${childPath(at, 'side')} must be ${position.positionSide.toLowerCase()} for a ${position.positionSide} hedge leg`,
          childPath(at, 'side'),
        ),
      );
    }
    const key = `${symbol}/${position.positionSide}`;
    const twin = firstLeg.get(symbol);
    if (seen.has(key))
      return err(inputError('duplicate_position', `${at} repeats ${symbol} ${position.positionSide}`, at));
    if (twin !== undefined && twin.marginMode !== position.marginMode) {
      return err(
        inputError(
          'margin_mode_conflict',
          `${childPath(at, 'marginMode')} differs from the other leg of ${symbol}`,
          childPath(at, 'marginMode'),
        ),
      );
    }
    seen.add(key);
    if (twin === undefined) firstLeg.set(symbol, position);

    if (position.marginMode === 'isolated') {
      if (position.isolatedWallet.sign() < 0) {
        return err(
          inputError(
            'invalid_margin',
            `${childPath(at, 'isolatedWallet')} must not be negative`,
            childPath(at, 'isolatedWallet'),
          ),
        );
      }
    } else {
      if (crossAsset !== null && crossAsset !== position.instrument.settleAsset) {
        return err(
          inputError(
            'mixed_settlement_assets',
            `${at} settles in ${position.instrument.settleAsset} but other cross positions settle in ${crossAsset}`,
            at,
          ),
        );
      }
      crossAsset = position.instrument.settleAsset;
    }

    const notional = maintenanceNotionalAt(position, mark);
    const table = position.instrument.tiers;
    if (exceedsTable(table, notional)) {
      return err(
        inputError(
          'exceeds_tier_notional',
          `${childPath(at, 'qty')} gives a notional beyond the last tier's cap`,
          childPath(at, 'qty'),
        ),
      );
    }
    if (position.leverage !== null) {
      const leveragePath = childPath(at, 'leverage');
      if (position.leverage.sign() <= 0)
        return err(inputError('invalid_leverage', `${leveragePath} must be positive`, leveragePath));
      const tier = tierForNotional(table, notional);
      if (position.leverage.gt(tier.maxLeverage)) {
        return err(
          inputError(
            'leverage_above_tier_max',
            `${leveragePath} ${position.leverage.format('trunc')} exceeds ${tier.maxLeverage.format('trunc')}, the maximum of tier ${tier.index} at this size`,
            leveragePath,
          ),
        );
      }
    }
  }
  return ok(account);
}
