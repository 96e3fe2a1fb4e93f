/**
 * Named points in multi-step use cases (payout runs) where a test can make
 * the process die, to prove that a restart resumes without paying twice.
 * Production passes nothing and every point is a no-op.
 */
export interface Faults {
  hit(point: string): void;
}

/**
 * Faults from `TANDEM_CRASH_AT=point` or `point#n` (the n-th time the point
 * is reached): the process sends itself SIGKILL there — no cleanup, no
 * flushed buffers, exactly like a power cut.
 */
export function faultsFromEnv(spec: string | undefined, kill: () => void): Faults | undefined {
  if (!spec) return undefined;
  const [point, nth] = spec.split('#') as [string, string | undefined];
  const at = Math.max(1, Number(nth ?? 1) || 1);
  let seen = 0;
  return {
    hit(p) {
      if (p === point && ++seen === at) kill();
    },
  };
}
