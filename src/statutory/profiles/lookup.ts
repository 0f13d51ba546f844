import { PROFILES } from './catalogue.js';
import type { JurisdictionProfile } from './types.js';

/** Whether `atMs` (ms since the epoch) falls in the profile version's window [from, to). */
export function isEffectiveAt(profile: JurisdictionProfile, atMs: number): boolean {
  return profile.effectiveFromMs <= atMs && (profile.effectiveToMs === null || atMs < profile.effectiveToMs);
}

/** All published versions of `id`, oldest first (from `versions`, the shipped PROFILES by default). */
export function profileVersions(
  id: string,
  versions: readonly JurisdictionProfile[] = PROFILES,
): readonly JurisdictionProfile[] {
  return versions.filter((profile) => profile.id === id).sort((a, b) => a.version - b.version);
}

/**
 * The version of profile `id` effective at `atMs`, or its latest version when no time is given; null when the
 * id is unknown or no version is effective then.
 */
export function profileById(
  id: string,
  atMs?: number,
  versions: readonly JurisdictionProfile[] = PROFILES,
): JurisdictionProfile | null {
  const candidates = profileVersions(id, versions);
  if (atMs === undefined) return candidates.at(-1) ?? null;
  return candidates.find((profile) => isEffectiveAt(profile, atMs)) ?? null;
}
