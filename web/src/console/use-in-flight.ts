import { useRef } from 'react';

/**
 * A guard for writes without an Idempotency-Key: `begin()` is false while
 * the previous submission has no answer, so a double click sends once.
 */
export function useInFlight() {
  const busy = useRef(false);
  return {
    begin(): boolean {
      if (busy.current) return false;
      busy.current = true;
      return true;
    },
    end() {
      busy.current = false;
    },
  };
}
