import type { Ids } from '../../src/engine/deps.js';

/** Ids that are the same in every run (prefix + counter), so two databases can be compared. */
export function sequentialIds(): Ids {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}_${String(n).padStart(10, '0')}`;
    },
  };
}
