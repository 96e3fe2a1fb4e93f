import { call } from '../api/client';

/**
 * A request to the sign-in routes (/v1/auth/*), answered like `call`: the body
 * as `T`, or an ApiError. Plain fetch with the same headers as `api`, so these
 * pages work before the OpenAPI types list the auth routes.
 */
export function authRequest<T>(
  method: 'POST' | 'DELETE' | 'PUT',
  path: `/v1/auth/${string}`,
  body?: unknown,
): Promise<T> {
  const request = fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      'X-Requested-With': 'tandem-web',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (response) => {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return response.ok ? { data: parsed, response } : { error: parsed, response };
  });
  return call<T>(request);
}
