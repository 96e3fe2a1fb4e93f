import { useRef } from 'react';

/**
 * A guard against sending a write twice: `begin()` is false while the
 * previous submission has no answer, so a double click sends once
 * (useIdempotencyKey adds a key for writes the server deduplicates).
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
