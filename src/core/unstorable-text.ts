/**
 * Why a string cannot be stored as text on every backend, or undefined.
 * PostgreSQL's text and jsonb refuse U+0000 and lone surrogates (a JSON
 * `"\ud800"` is not valid UTF-16, so it has no UTF-8 form); SQLite would
 * silently store or replace them, so the same request would mean different
 * things per backend. Refusing both keeps bad input a 4xx everywhere.
 */
export function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (/\p{Cs}/u.test(text)) return 'must be valid Unicode (it holds a lone surrogate)';
  return undefined;
}
