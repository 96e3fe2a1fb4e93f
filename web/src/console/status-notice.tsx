import { Notice } from '../ui/notice';

/** What a write did, in words: done, or refused and why. */
export type StatusResult = { ok: boolean; text: string };

/**
 * The outcome of the last change: success in a polite live region
 * (present before it fills, so it is announced), a refusal as an alert
 * (announced when it appears).
 */
export function StatusNotice({ result }: { result: StatusResult | null }) {
  return (
    <>
      <div role="status" aria-live="polite">
        {result?.ok ? <Notice tone="ok">{result.text}</Notice> : null}
      </div>
      {result && !result.ok ? <Notice tone="error">{result.text}</Notice> : null}
    </>
  );
}
