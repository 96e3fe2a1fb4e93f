import type { FastifyRequest } from 'fastify';
import { type Issue, TandemError } from '../core/errors.js';
import { unstorableText } from '../core/unstorable-text.js';

/** Deeper JSON than this is refused before recursive code (validators, hashing) sees it. */
export const MAX_DEPTH = 64;

/**
 * The first part of a parsed request that no use case can take: text no
 * backend can store alike (U+0000, lone surrogates: a 500 on PostgreSQL) or
 * nesting deep enough to exhaust the stack of the recursive validators.
 * Iterative, so the check itself cannot overflow.
 */
export function findUnsafeInput(value: unknown, root: string): Issue | undefined {
  type Node = { v: unknown; depth: number; parent: Node | undefined; key: string | number };
  const pathOf = (n: Node): string => {
    let out = '';
    for (let x: Node | undefined = n; x; x = x.parent)
      out = typeof x.key === 'number' ? `[${x.key}]${out}` : `${x.parent ? '.' : ''}${x.key}${out}`;
    return out;
  };
  const queue: Node[] = [{ v: value, depth: 0, parent: undefined, key: root }];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i] as Node;
    if (typeof n.v === 'string') {
      const message = unstorableText(n.v);
      if (message) return { path: pathOf(n), message };
      continue;
    }
    if (n.v === null || typeof n.v !== 'object') continue;
    if (n.depth >= MAX_DEPTH)
      return { path: pathOf(n), message: `must not be nested deeper than ${MAX_DEPTH} levels` };
    if (Array.isArray(n.v)) {
      for (const [key, v] of n.v.entries()) queue.push({ v, depth: n.depth + 1, parent: n, key });
      continue;
    }
    for (const [key, v] of Object.entries(n.v)) {
      const child = { v, depth: n.depth + 1, parent: n, key };
      const message = unstorableText(key);
      if (message) return { path: pathOf(child), message };
      queue.push(child);
    }
  }
  return undefined;
}

/**
 * Refuses such input anywhere in an API request with `validation_failed`.
 * POST /v1/events is checked item by item by the engine instead, so that one
 * bad event never rejects its neighbours.
 */
export function guardInput(request: FastifyRequest): void {
  const parts: [string, unknown][] = [
    ['params', request.params],
    ['querystring', request.query],
  ];
  if (request.routeOptions.url !== '/v1/events') parts.push(['body', request.body]);
  for (const [root, value] of parts) {
    const issue = findUnsafeInput(value, root);
    if (issue)
      throw new TandemError('validation_failed', `${issue.path}: ${issue.message}`, {
        issues: [issue],
      });
  }
}
