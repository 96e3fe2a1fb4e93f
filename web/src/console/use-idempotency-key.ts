import { useRef } from 'react';
import { ApiError } from '../api/client';
import { useInFlight } from './use-in-flight';

/**
 * One submission at a time, under one `Idempotency-Key`. `begin()` refuses a
 * second submission while the first has no answer (a double click sends
 * once: React may not have disabled the button between the two clicks). The
 * key stays the same until the submission has an answer, so a retry after a
 * lost connection cannot act twice; any answer (success or refusal) retires
 * it, because the server replays a key's first answer and a corrected form
 * must be a new request.
 */
export function useIdempotencyKey() {
  const flight = useInFlight();
  const key = useRef<string | null>(null);
  return {
    begin: flight.begin,
    current(): string {
      key.current ??= crypto.randomUUID();
      return key.current;
    },
    settle(error?: unknown) {
      flight.end();
      if (error instanceof ApiError && error.code === 'network_error') return;
      key.current = null;
    },
  };
}
