import type { ProgramTerms } from './program-terms.js';

/** One published version of a program's terms. Immutable once published. */
export interface ProgramVersion {
  id: string;
  programId: string;
  number: number;
  effectiveFrom: number;
  publishedAt: number;
  correction: boolean;
  terms: ProgramTerms;
}

export interface ProgramWithVersions {
  id: string;
  key: string;
  /** All published versions, any order. */
  versions: readonly ProgramVersion[];
}

/**
 * The version in force at `at`: the one with the latest `effectiveFrom` not
 * after `at`; among versions effective at the same instant, the later
 * published (higher number) wins. Undefined before the first version.
 */
export function versionInForce<V extends Pick<ProgramVersion, 'effectiveFrom' | 'number'>>(
  versions: readonly V[],
  at: number,
): V | undefined {
  let best: V | undefined;
  for (const v of versions) {
    if (v.effectiveFrom > at) continue;
    if (
      !best ||
      v.effectiveFrom > best.effectiveFrom ||
      (v.effectiveFrom === best.effectiveFrom && v.number > best.number)
    ) {
      best = v;
    }
  }
  return best;
}
