import { call } from '../api/client';

/**
 * GET a /v1 path the OpenAPI types do not list yet, answered like `call`:
 * the body as `T`, or an ApiError. Same headers and cookie as `api`.
 */
export function getJson<T>(path: string, query: Record<string, string> = {}): Promise<T> {
  const search = new URLSearchParams(query).toString();
  const request = fetch(search ? `${path}?${search}` : path, {
    credentials: 'same-origin',
    headers: { 'X-Requested-With': 'tandem-web', Accept: 'application/json' },
  }).then(async (response) => {
    const body: unknown = await response.json().catch(() => undefined);
    return response.ok ? { data: body, response } : { error: body, response };
  });
  return call<T>(request);
}
