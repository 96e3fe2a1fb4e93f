import { type Problem, problem } from './problem.js';

/**
 * The API versions this server answers, as path prefixes. A breaking change
 * only ever comes as a new prefix (docs/changelog.md#compatibility-policy).
 */
export const apiVersions: readonly string[] = ['v1'];

const VERSION_PREFIX = /^\/(v\d+)(?:\/|$)/;

/**
 * The answer when no route matches: a path under a version this server does
 * not have (`/v2/…`, `/v0/…`) says which versions exist, so a client built for
 * another version learns why rather than guessing at a typo.
 */
export function noRouteProblem(method: string, url: string): Problem {
  const path = url.split('?')[0] as string;
  const version = VERSION_PREFIX.exec(path)?.[1];
  if (version !== undefined && !apiVersions.includes(version)) {
    return problem(
      'unknown_api_version',
      `there is no API ${version}; this server answers ${apiVersions.map((v) => `/${v}`).join(', ')}`,
      { supported_versions: [...apiVersions] },
    );
  }
  return problem('not_found', `no route ${method} ${path}`);
}
