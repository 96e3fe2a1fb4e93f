import type { FastifyInstance } from 'fastify';

/** The part of a JSON schema (as the OpenAPI document has it) that the fuzzer reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
}

/** A path parameter: its name and the segment before it (`partners` for `/partners/:id`). */
export interface RouteParam {
  name: string;
  before: string;
}

export interface FuzzRoute {
  method: string;
  /** As Fastify registered it: `/v1/partners/:id`, `/docs/*`. */
  path: string;
  /** The path with each parameter as `{}`: how the route table and the OpenAPI document meet. */
  key: string;
  params: RouteParam[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body: JsonSchema | undefined;
  inOpenApi: boolean;
}

const PARAM = /:[^/|]+(?:\|:[^/|]+)*/g;

/**
 * Every method and path the server answers, read from Fastify's own route
 * tree (`printRoutes`), so routes hidden from the OpenAPI document (the
 * redirect, the outbox, the calendar feed, the web app) are listed too.
 * A label such as `/:program|:id` is one node for two parameter names.
 */
export function routeTable(app: FastifyInstance): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.search(/[├└]── /);
    if (at < 0) continue;
    const depth = at / 4;
    const m = line.slice(at + 4).match(/^(.*?)(?: \(([A-Z, ]+)\))?$/);
    if (!m) continue;
    stack.length = depth;
    stack.push(m[1] as string);
    const path = stack.join('').replace(/^\/\//, '/');
    for (const method of (m[2] ?? '').split(',').map((x) => x.trim()))
      if (method) out.push({ method, path });
  }
  return out;
}

const keyOf = (fastifyPath: string) => fastifyPath.replace(PARAM, '{}');

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/**
 * The route table joined with the OpenAPI document: a documented route gets
 * its parameter names, query parameters and request body schema. Throws when
 * the document names an operation the route table does not have (the two
 * readings disagree: the parsing is broken).
 */
export function fuzzRoutes(app: FastifyInstance): FuzzRoute[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, OpenApiOperation>> };
  const documented = new Map<string, { path: string; op: OpenApiOperation }>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods))
      documented.set(`${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`, { path, op });

  const routes: FuzzRoute[] = [];
  const seen = new Set<string>();
  for (const { method, path } of routeTable(app)) {
    const key = keyOf(path);
    const id = `${method} ${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    // HEAD is Fastify's copy of a GET: it has the GET's parameters.
    const doc =
      documented.get(id) ?? (method === 'HEAD' ? documented.get(`GET ${key}`) : undefined);
    const names = doc
      ? [...doc.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string)
      : [...path.matchAll(PARAM)].map((m) => (m[0].split('|')[0] as string).slice(1));
    const segments = key.split('/');
    const params: RouteParam[] = [];
    let n = 0;
    for (const [i, segment] of segments.entries()) {
      if (segment === '{}' || segment === '*')
        params.push({
          name: segment === '*' ? '*' : (names[n++] ?? 'param'),
          before: segments[i - 1] ?? '',
        });
    }
    const parameters = doc?.op.parameters ?? [];
    routes.push({
      method,
      path,
      key,
      params,
      query: parameters
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
      body: doc?.op.requestBody?.content?.['application/json']?.schema,
      inOpenApi: documented.has(id),
    });
  }
  const listed = new Set(routes.map((r) => `${r.method} ${r.key}`));
  const missing = [...documented.keys()].filter((k) => !listed.has(k));
  if (missing.length)
    throw new Error(`the route table lacks documented operations: ${missing.join(', ')}`);
  return routes;
}
