import { readFile } from 'node:fs/promises';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onSendHookHandler,
} from 'fastify';
import type { Clock } from '../engine/deps.js';
import { noRouteProblem } from './api-versions.js';
import { problem, sendProblem } from './problem.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A deprecated operation of the API. Dates are UTC days (`2027-06-01`, read as
 * 00:00 UTC) or instants (`2027-06-01T12:00:00Z`).
 */
export interface Deprecation {
  method: HttpMethod;
  /** As registered, with Fastify's parameters: `/v1/partners/:id/balances`. */
  path: string;
  /**
   * Announced from then on in the `Deprecation` header (a future date announces it ahead).
   * Never before the release that adds the entry: the six months' notice counts from it.
   */
  deprecated_at: string;
  /** From this instant the operation answers `410 endpoint_sunset` and does nothing. */
  sunset_at?: string;
  /** What to call instead; its parameters are filled from the request's. */
  replacement?: { method: HttpMethod; path: string };
  /** For people: why, and what to do instead. */
  note: string;
  /** The heading anchor of its entry in docs/changelog.md. */
  anchor: string;
}

/**
 * The deprecated operations of the API. Every entry has its entry in
 * docs/changelog.md under `anchor`, and a sunset at least six months after it
 * is announced (docs/changelog.md#compatibility-policy); a test checks both.
 */
export const deprecations: readonly Deprecation[] = [];

/** Where the changelog is served; the `Link: rel="deprecation"` targets point into it. */
export const changelogPath = '/docs/changelog.md';

const DAY_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)?$/;

function instantOf(d: Deprecation, field: 'deprecated_at' | 'sunset_at'): number {
  const value = d[field] as string;
  const ms = Date.parse(value);
  // The round trip refuses days that do not exist (2027-02-30).
  if (!DAY_OR_INSTANT.test(value) || new Date(ms).toISOString().slice(0, 10) !== value.slice(0, 10))
    throw new Error(
      `deprecation ${d.method} ${d.path}: ${field} ${value} is not a UTC day or instant`,
    );
  return ms;
}

function fill(path: string, params: unknown): string {
  const values = (params ?? {}) as Record<string, string | undefined>;
  return path.replace(/:(\w+)/g, (whole, name: string) => {
    const v = values[name];
    return v === undefined ? whole : encodeURIComponent(v);
  });
}

/**
 * Announces the registry's operations: marks them `deprecated` in the OpenAPI
 * document and gives every answer of theirs `Deprecation` (RFC 9745), `Sunset`
 * (RFC 8594) and `Link` headers. From the sunset on (by `clock`) they answer
 * `410 endpoint_sunset` once the key is checked, before the body is parsed or
 * anything runs.
 * Must be called before the routes are registered; an entry that names no
 * route fails `ready()`, since its announcement would silently never be sent.
 */
export function registerDeprecations(
  app: FastifyInstance,
  list: readonly Deprecation[],
  clock: Clock,
): void {
  const byRoute = new Map<string, Deprecation>();
  for (const d of list) {
    const key = `${d.method} ${d.path}`;
    if (byRoute.has(key)) throw new Error(`deprecation ${key} is listed twice`);
    instantOf(d, 'deprecated_at');
    if (d.sunset_at !== undefined) instantOf(d, 'sunset_at');
    byRoute.set(key, d);
  }
  const unmatched = new Set(byRoute.keys());

  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // Fastify derives a HEAD route from every GET: it is the same operation.
      const key = `${method === 'HEAD' ? 'GET' : method} ${route.url}`;
      const d = byRoute.get(key);
      if (d === undefined) continue;
      unmatched.delete(key);
      route.schema = { ...route.schema, deprecated: true };
      if (d.sunset_at !== undefined)
        route.onRequest = [...[route.onRequest ?? []].flat(), sunsetGuard(d, clock)];
      route.onSend = [...[route.onSend ?? []].flat(), announce(d)];
      return;
    }
  });
  app.addHook('onReady', async () => {
    if (unmatched.size > 0)
      throw new Error(`deprecations name no route: ${[...unmatched].join(', ')}`);
  });
}

function announce(d: Deprecation): onSendHookHandler {
  const deprecation = `@${Math.floor(instantOf(d, 'deprecated_at') / 1000)}`;
  const sunset =
    d.sunset_at === undefined ? undefined : new Date(instantOf(d, 'sunset_at')).toUTCString();
  const link = `<${changelogPath}#${d.anchor}>; rel="deprecation"; type="text/markdown"`;
  return async (request, reply, payload) => {
    reply.header('deprecation', deprecation);
    if (sunset !== undefined) reply.header('sunset', sunset);
    reply.header(
      'link',
      d.replacement === undefined
        ? link
        : `${link}, <${fill(d.replacement.path, request.params)}>; rel="successor-version"`,
    );
    return payload;
  };
}

function sunsetGuard(d: Deprecation, clock: Clock): onRequestHookHandler {
  const sunsetAt = instantOf(d, 'sunset_at');
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (clock.now() < sunsetAt) return;
    const replacement = d.replacement && {
      method: d.replacement.method,
      path: fill(d.replacement.path, request.params),
    };
    return sendProblem(
      reply,
      problem(
        'endpoint_sunset',
        `${request.method} ${request.url.split('?')[0]} was withdrawn on ${new Date(sunsetAt).toISOString()}${
          replacement ? `; use ${replacement.method} ${replacement.path}` : ''
        } (${d.note})`,
        {
          sunset_at: new Date(sunsetAt).toISOString(),
          ...(replacement ? { replacement } : {}),
          changelog: `${changelogPath}#${d.anchor}`,
        },
      ),
    );
  };
}

let changelog: Promise<string | null> | undefined;

/** Serves docs/changelog.md, public like the OpenAPI document, so deprecation links resolve. */
export function changelogRoute(app: FastifyInstance): void {
  app.get(changelogPath, { schema: { hide: true } as object }, async (request, reply) => {
    changelog ??= readFile(new URL('../../docs/changelog.md', import.meta.url), 'utf8').catch(
      () => null,
    );
    const text = await changelog;
    if (text === null) return sendProblem(reply, noRouteProblem(request.method, request.url));
    return reply.type('text/markdown; charset=utf-8').send(text);
  });
}
