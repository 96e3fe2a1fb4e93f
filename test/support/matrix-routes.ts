import type { FastifyInstance } from 'fastify';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One route of the server: `path` in OpenAPI form (`/v1/partners/{id}`). */
export interface MatrixRoute {
  method: Method;
  path: string;
  /** Query parameters the OpenAPI document names (none for a hidden route). */
  query: { name: string; required: boolean }[];
  /** False for a route registered with Fastify but absent from the OpenAPI document. */
  documented: boolean;
}

/** `/v1/programs/{program}` and `/v1/programs/:id` are the same route. */
export const routeShape = (path: string) =>
  path.replace(/\{\w+\}/g, '{}').replace(/:\w+(\|:\w+)*/g, '{}');

/**
 * Every route of the server: the OpenAPI document's operations, plus any
 * route Fastify serves that the document hides (read from the router's own
 * tree, `printRoutes`), so a route added later is part of the matrix even if
 * it is left out of the docs. HEAD (Fastify's twin of every GET) is left out.
 */
export function serverRoutes(app: FastifyInstance): MatrixRoute[] {
  const doc = app.swagger() as {
    paths: Record<
      string,
      Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>
    >;
  };
  const routes: MatrixRoute[] = [];
  const seen = new Set<string>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const method = m.toUpperCase() as Method;
      routes.push({
        method,
        path,
        query: (op.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: p.required === true })),
        documented: true,
      });
      seen.add(`${method} ${routeShape(path)}`);
    }
  }
  for (const r of fastifyRoutes(app)) {
    if (r.method === 'HEAD' || seen.has(`${r.method} ${routeShape(r.path)}`)) continue;
    seen.add(`${r.method} ${routeShape(r.path)}`);
    routes.push({ method: r.method, path: r.path, query: [], documented: false });
  }
  return routes;
}

/** Fastify's route tree flattened: `(method, /path/{param})` for every route it serves. */
export function fastifyRoutes(app: FastifyInstance): { method: Method | 'HEAD'; path: string }[] {
  const out: { method: Method | 'HEAD'; path: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)(?:[├└]── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    const full = (depth > 0 ? (stack[depth - 1] ?? '') : '') + (m[2] as string);
    stack[depth] = full;
    stack.length = depth + 1;
    if (!m[3]) continue;
    // `/:program|:id`: two routes named the same place differently; the first name will do.
    const path = full.replace(/:(\w+)(\|:\w+)*/g, '{$1}').replace(/^\/\//, '/');
    for (const method of m[3].split(', ')) out.push({ method: method as Method, path });
  }
  return out;
}

/**
 * Fills a route's path parameters by the segment before each and its name
 * (`partners/{id}`); a parameter with no fill throws, naming what to add.
 */
export function fillPath(
  route: { method: string; path: string },
  fills: Record<string, () => string>,
  where: string,
): string {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
    const before = route.path.slice(0, offset).split('/').filter(Boolean).pop();
    const fill = fills[`${before}/{${name}}`];
    if (!fill)
      throw new Error(
        `${route.method} ${route.path}: no way to fill {${name}} after "${before}/"; add "${before}/{${name}}" to ${where}`,
      );
    return encodeURIComponent(fill());
  });
}
