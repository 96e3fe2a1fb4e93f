import { versionInForce } from './program-version.js';
import { addDays } from './time.js';

/**
 * Where a version stands at an instant: `current` is the one in force,
 * `upcoming` will be in force later, `superseded` no longer is — or never
 * will be, as a version effective at the same instant as a later-published
 * one, which wins (see `versionInForce`).
 */
export type VersionStatus = 'current' | 'upcoming' | 'superseded';

interface Scheduled {
  number: number;
  effectiveFrom: number;
}

/** The status of every version at `now`, by version number. */
export function versionStatuses(
  versions: readonly Scheduled[],
  now: number,
): Map<number, VersionStatus> {
  const current = versionInForce(versions, now);
  const out = new Map<number, VersionStatus>();
  for (const v of versions) {
    if (v === current) out.set(v.number, 'current');
    else if (v.effectiveFrom > now && versionInForce(versions, v.effectiveFrom) === v)
      out.set(v.number, 'upcoming');
    else out.set(v.number, 'superseded');
  }
  return out;
}

/**
 * The earliest `effective_from` a new (non-correction) version may have: the
 * notice period is set by the terms in force when it is published, so
 * partners learn of new terms `notice_days` before they apply. A program
 * with no terms in force (a first version) gives no notice.
 */
export function earliestEffectiveFrom(
  versions: readonly (Scheduled & { noticeDays: number })[],
  now: number,
): { earliest: number; noticeDays: number; inForce: number | undefined } {
  const inForce = versionInForce(versions, now);
  const noticeDays = inForce?.noticeDays ?? 0;
  return { earliest: addDays(now, noticeDays), noticeDays, inForce: inForce?.number };
}
