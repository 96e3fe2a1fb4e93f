import fc from 'fast-check';
import type { FuzzRoute, JsonSchema, RouteParam } from './fuzz-endpoints-routes.js';
import {
  asText,
  mutate,
  mutations,
  oddText,
  type Path,
  pathPart,
  weirdValues,
} from './fuzz-kit.js';

/** One request of the endpoint fuzzer, as `app.inject` takes it. */
export interface FuzzCase {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** Which credential it carries (for the report). */
  who: string;
}

/** What the world offers a request: credentials, and valid values by name. */
export interface FuzzWorld {
  /** Header sets that authenticate (or do not): admin key, partner key, session cookies, none, garbage. */
  credentials: Record<string, Record<string, string>>;
  /** Valid values for a path parameter, by `before/{name}`, or for a field or query key, by name. */
  values(name: string): readonly string[];
}

const weird = weirdValues();

/** Header values that travel (visible ASCII): odd, long, empty. */
const headerText = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom('', ' ', '0', '-1', 'null', '{}', '%00', '\\u0000', 'é'.normalize('NFD')),
  fc.nat(9000).map((n) => 'k'.repeat(n)),
);

/** Path parameter values that are not ids: odd text, traversal, encodings, huge. */
const weirdSegment = fc.oneof(
  oddText.map(pathPart),
  fc.constantFrom('..', '.', '%2e%2e', '%2F', '%00', '%', '%zz', '%E0%A4%A', '%ud800', '~', '-'),
  fc.constantFrom('null', 'undefined', '0', '-1', '1e309', 'NaN', '__proto__', 'constructor'),
  fc.nat(400).map((n) => 'a'.repeat(n)),
  weird.map((v) => pathPart(asText(v))),
);

const param = (world: FuzzWorld, p: RouteParam): fc.Arbitrary<string> => {
  if (p.name === '*')
    return fc.oneof(
      fc.constantFrom('', 'index.html', 'a/b/c', '../../etc/passwd', 'static/x.js', 'earnings'),
      fc.array(weirdSegment, { maxLength: 3 }).map((xs) => xs.join('/')),
    );
  const valid = [...world.values(`${p.before}/{${p.name}}`)];
  const any = [...world.values('*')];
  return fc.oneof(
    ...(valid.length
      ? [{ weight: 5, arbitrary: fc.constantFrom(...valid).map(encodeURIComponent) }]
      : []),
    { weight: 1, arbitrary: fc.constantFrom(...any).map(encodeURIComponent) },
    { weight: 3, arbitrary: weirdSegment },
  );
};

/** A query string: known keys with valid and weird values, unknown and repeated keys, broken encoding. */
const queryString = (world: FuzzWorld, route: FuzzRoute): fc.Arbitrary<string> => {
  const known = route.query.map((q) => q.name);
  const key = fc.oneof(
    ...(known.length ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []),
    fc.constantFrom(
      'limit',
      'cursor',
      'program',
      'partner_id',
      'from',
      'to',
      'status',
      'tdm_click',
    ),
    fc.constantFrom(
      '',
      '__proto__',
      'constructor',
      'a[b]',
      'a[]',
      'toString',
      '%',
      'x'.repeat(300),
    ),
    oddText,
  );
  const value = (k: string) =>
    fc.oneof(
      ...(world.values(k).length
        ? [{ weight: 3, arbitrary: fc.constantFrom(...world.values(k)) }]
        : []),
      { weight: 3, arbitrary: weird.map(asText) },
      fc.constantFrom('', '0', '-1', '1', '100', '1000001', 'true', '2026-01-01', '2026-02-30'),
      fc.nat(20_000).map((n) => '9'.repeat(n)),
    );
  const pair = key.chain((k) =>
    value(k).map((v) => {
      try {
        return `${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
      } catch {
        return `${escape(k)}=${escape(v)}`;
      }
    }),
  );
  const raw = fc.constantFrom(
    '%',
    '%zz',
    'a=%E0%A4%A',
    'a=%ud800',
    '&&&',
    '=',
    'a==b',
    'a=1;b=2',
    '+',
  );
  const requiredPairs = route.query
    .filter((q) => q.required)
    .map((q) => {
      const vs = world.values(q.name);
      return vs.length ? `${q.name}=${encodeURIComponent(vs[0] as string)}` : `${q.name}=x`;
    });
  return fc
    .tuple(fc.boolean(), fc.array(fc.oneof({ weight: 6, arbitrary: pair }, raw), { maxLength: 6 }))
    .map(([withRequired, pairs]) => [...(withRequired ? requiredPairs : []), ...pairs].join('&'));
};

/** A value that the schema accepts, most of the time: valid ids for known names. */
export function validish(
  world: FuzzWorld,
  s: JsonSchema,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => validish(world, a, name, depth)));
  if (s.allOf?.[0]) return validish(world, s.allOf[0], name, depth);
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'null') : s.type;
  const known = world.values(name);
  switch (type) {
    case 'string': {
      const own = (() => {
        if (s.format === 'email') return fc.emailAddress();
        if (s.format === 'date-time')
          return fc
            .integer({ min: Date.parse('2025-10-01'), max: Date.parse('2026-06-01') })
            .map((t) => new Date(t).toISOString());
        if (s.format === 'date')
          return fc
            .integer({ min: Date.parse('2025-10-01'), max: Date.parse('2026-06-01') })
            .map((t) => new Date(t).toISOString().slice(0, 10));
        if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
        const min = s.minLength ?? 0;
        return fc.string({
          minLength: min,
          maxLength: Math.max(min, Math.min(s.maxLength ?? 24, 24)),
        });
      })();
      return known.length
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, own)
        : own;
    }
    case 'integer':
    case 'number':
      return fc.integer({
        min: Math.ceil(s.minimum ?? s.exclusiveMinimum ?? 0),
        max: Math.floor(s.maximum ?? s.exclusiveMaximum ?? 1000),
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return depth > 5
        ? fc.constant([])
        : fc.array(validish(world, s.items ?? {}, name, depth + 1), {
            minLength: Math.min(s.minItems ?? 0, 3),
            maxLength: Math.min(Math.max(s.minItems ?? 0, s.maxItems ?? 3), 3),
          });
    case 'object': {
      if (depth > 5 || !s.properties) return fc.constant({});
      const props = Object.fromEntries(
        Object.entries(s.properties).map(([k, v]) => [k, validish(world, v, k, depth + 1)]),
      );
      return fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return known.length ? fc.constantFrom(...known) : fc.jsonValue({ maxDepth: 1 });
  }
}

/** Paths into a body of this schema (and a little past it), for mutations. */
export function schemaPaths(s: JsonSchema, depth = 0): Path[] {
  if (depth > 3) return [];
  const out: Path[] = depth === 0 ? [['unexpected'], ['constructor']] : [];
  const alts = [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])];
  for (const a of alts) out.push(...schemaPaths(a, depth));
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    out.push([k]);
    for (const p of schemaPaths(v, depth + 1)) out.push([k, ...p]);
  }
  if (s.items) {
    out.push([0], [5]);
    for (const p of schemaPaths(s.items, depth + 1)) out.push([0, ...p]);
  }
  return out;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'garbage',
  '',
];

/** A body: near-valid from the schema, any JSON, broken JSON, bytes, or none. */
const bodyOf = (
  world: FuzzWorld,
  route: FuzzRoute,
): fc.Arbitrary<{ payload?: string | Buffer; type?: string }> => {
  const json = (v: unknown) => JSON.stringify(v) ?? 'null';
  const type = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    fc.constantFrom(...CONTENT_TYPES),
  );
  const schema = route.body;
  const nearValid = schema
    ? fc
        .tuple(validish(world, schema), mutations(schemaPaths(schema), weird, 3))
        .map(([base, changes]) =>
          // Mutations go into an object; a body that is not one is sent as it is.
          base !== null && typeof base === 'object'
            ? mutate(base, changes as [Path, unknown][])
            : base,
        )
    : fc.dictionary(
        fc.constantFrom('id', 'name', 'program', 'partner_id', 'amount', 'email'),
        weird,
        {
          maxKeys: 4,
        },
      );
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(nearValid, type).map(([v, t]) => ({ payload: json(v), type: t })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(weird, type).map(([v, t]) => ({ payload: json(v), type: t })),
    },
    fc
      .tuple(fc.json(), type)
      .map(([t, ct]) => ({ payload: t.slice(0, Math.max(0, t.length - 1)) || '{', type: ct })),
    fc
      .constantFrom('{"a":', '[', '{"__proto__":{"x":1}}', '\ufeff{}', 'null', '""', '{}{}')
      .map((p) => ({
        payload: p,
        type: 'application/json',
      })),
    fc
      .tuple(fc.uint8Array({ maxLength: 512 }), type)
      .map(([b, t]) => ({ payload: Buffer.from(b), type: t })),
    { weight: 2, arbitrary: fc.constant({}) },
  );
};

/**
 * The requests for one route: its method and path with valid or garbage
 * parameters, a query string, a credential, odd headers and (for writes) a body.
 */
export function caseArb(world: FuzzWorld, route: FuzzRoute): fc.Arbitrary<FuzzCase> {
  // Mostly credentials that get in, so that valid ids reach the handlers.
  const weight: Record<string, number> = {
    admin: 6,
    partner: 3,
    operator: 3,
    'partner-session': 2,
  };
  const who = fc.oneof(
    ...Object.keys(world.credentials).map((k) => ({
      weight: weight[k] ?? 1,
      arbitrary: fc.constant(k),
    })),
  );
  const params = fc.tuple(...route.params.map((p) => param(world, p)));
  const withBody = route.method !== 'GET' && route.method !== 'HEAD';
  return fc
    .record({
      who,
      params: route.params.length ? params : fc.constant([] as string[]),
      query: fc.option(queryString(world, route), { freq: 3 }),
      body: withBody
        ? bodyOf(world, route)
        : fc.constant({} as { payload?: string; type?: string }),
      idempotencyKey: fc.option(fc.oneof(fc.uuid(), headerText), { freq: 2 }),
      requestedWith: fc.option(fc.oneof(fc.constant('tandem-web'), headerText), { freq: 2 }),
      cookie: fc.option(
        fc.oneof(
          headerText.map((v) => `tandem_session=${v}`),
          headerText.map((v) => `tdm_click=${v}`),
          headerText,
        ),
        { freq: 5 },
      ),
      accept: fc.option(fc.constantFrom('*/*', 'text/html', 'application/json', 'garbage', ''), {
        freq: 4,
      }),
      extra: fc.option(
        fc.tuple(
          fc.constantFrom(
            'if-match',
            'x-forwarded-proto',
            'x-forwarded-for',
            'referer',
            'user-agent',
            'x-api-key',
          ),
          headerText,
        ),
        { freq: 4 },
      ),
    })
    .map((c) => {
      let n = 0;
      const path = route.path.replace(/:[^/|]+(?:\|:[^/|]+)*|\*/g, () => c.params[n++] ?? '');
      const headers: Record<string, string> = { ...world.credentials[c.who] };
      if (c.body.type !== undefined) headers['content-type'] = c.body.type;
      if (c.idempotencyKey !== null) headers['idempotency-key'] = c.idempotencyKey;
      if (c.requestedWith !== null) headers['x-requested-with'] = c.requestedWith;
      if (c.accept !== null) headers.accept = c.accept;
      if (c.extra !== null) headers[c.extra[0]] = c.extra[1];
      if (c.cookie !== null)
        headers.cookie = headers.cookie ? `${headers.cookie}; ${c.cookie}` : c.cookie;
      return {
        method: route.method,
        url: c.query === null ? path : `${path}?${c.query}`,
        headers,
        ...(c.body.payload === undefined ? {} : { payload: c.body.payload }),
        who: c.who,
      };
    });
}
