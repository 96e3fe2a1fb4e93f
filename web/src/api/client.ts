import createClient from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The one way the app talks to Tandem: the public /v1 API, typed from its
 * OpenAPI document (paths, parameters and bodies; responses where the route
 * declares a schema, else a model from ./models). The session cookie rides
 * along; the X-Requested-With header is what the server asks of a cookie-
 * authenticated write (a cross-site form cannot send it).
 */
export const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  credentials: 'same-origin',
  headers: { 'X-Requested-With': 'tandem-web' },
});

/** One problem with a request or a document, by path (`body.title`, `rewards[0].percent`). */
export interface Issue {
  path: string;
  message: string;
}

/** A problem+json answer: `code` is stable, `detail` says what to change. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problem: Record<string, unknown> = {},
  ) {
    super(detail || code);
    this.name = 'ApiError';
  }

  /** The problem's `issues` (validation_failed, invalid_program), each by path. */
  get issues(): Issue[] {
    const issues = this.problem.issues;
    if (!Array.isArray(issues)) return [];
    return issues.flatMap((i: unknown) => {
      if (typeof i !== 'object' || i === null) return [];
      const { path, message } = i as { path?: unknown; message?: unknown };
      return typeof message === 'string'
        ? [{ path: typeof path === 'string' ? path : '(root)', message }]
        : [];
    });
  }
}

type Answer = { data?: unknown; error?: unknown; response: Response };

/**
 * Awaits an openapi-fetch call and returns its body as `T`, or throws an
 * ApiError (a network failure becomes `network_error`).
 */
export async function call<T>(request: Promise<Answer>): Promise<T> {
  let answer: Answer;
  try {
    answer = await request;
  } catch {
    throw new ApiError(0, 'network_error', 'Tandem could not be reached. Check your connection.');
  }
  if (answer.response.ok) return answer.data as T;
  const p = (answer.error ?? {}) as Record<string, unknown>;
  throw new ApiError(
    answer.response.status,
    typeof p.code === 'string' ? p.code : `http_${answer.response.status}`,
    typeof p.detail === 'string' ? p.detail : answer.response.statusText,
    p,
  );
}
