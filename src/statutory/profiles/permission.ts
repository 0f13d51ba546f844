import { assetClassOf } from './assetClass.js';
import type { ClientCategory, JurisdictionProfile } from './types.js';

export type PermissionRefusal = 'product_prohibited' | 'professional_only';

export type ProductPermission =
  | { readonly permitted: true }
  | { readonly permitted: false; readonly code: PermissionRefusal; readonly message: string };

const PERMITTED: ProductPermission = { permitted: true };

/**
 * May a client of `clientCategory` open `symbol` under the profile? A `prohibited` class is refused for every
 * client of the profile (a venue serves professional clients under the `professional` profile); a
 * `professionalOnly` class, and any product of a profile written for professional clients, only for professionals.
 */
export function productPermission(
  profile: JurisdictionProfile,
  symbol: string,
  clientCategory: ClientCategory,
): ProductPermission {
  const assetClass = assetClassOf(profile, symbol);
  const where = `profile ${profile.id} v${profile.version}`;
  const status = profile.assetClasses[assetClass].status;
  if (status === 'prohibited') {
    return {
      permitted: false,
      code: 'product_prohibited',
      message: `${symbol} (${assetClass}) is prohibited under ${where}`,
    };
  }
  const professionalOnly = status === 'professionalOnly' || profile.clientCategory === 'professional';
  if (professionalOnly && clientCategory !== 'professional') {
    return {
      permitted: false,
      code: 'professional_only',
      message: `${symbol} (${assetClass}) is for professional clients only under ${where}`,
    };
  }
  return PERMITTED;
}
