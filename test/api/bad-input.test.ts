import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/expect-problem.js';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// Regressions the fuzzing found (DESIGN invariant 8). Before the fixes each of
// these was a 500 on PostgreSQL (text and jsonb cannot hold U+0000 or a lone
// surrogate), stored as-is or silently altered on SQLite, or a stack overflow
// on both (deeply nested program conditions, idempotency hashing).

type Server = Awaited<ReturnType<typeof testServer>>;

const raw = (s: Server, method: 'GET' | 'POST', url: string, payload?: string, headers = {}) =>
  s.app.inject({
    method,
    url,
    headers: { ...s.auth, 'content-type': 'application/json', ...headers },
    ...(payload === undefined ? {} : { payload }),
  });

const deep = (depth: number, leaf: string) => '{"not":'.repeat(depth) + leaf + '}'.repeat(depth);

describe(`input no backend can take (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('refuses NUL and lone surrogates in an event per item, keeping its neighbours', async () => {
    s = await testServer();
    const event = (id: string, customer: string) =>
      `{"id":"${id}","type":"signup","occurred_at":"2025-12-01","customer":{"id":"${customer}"}}`;
    const single = expectProblem(
      await raw(s, 'POST', '/v1/events', event('nul\\u0000', 'c1')),
      400,
      'validation_failed',
    );
    expect(single.issues).toEqual([{ path: 'id', message: expect.stringContaining('U+0000') }]);
    const batch = await raw(
      s,
      'POST',
      '/v1/events',
      `[${event('ok', 'c1')},${event('e2', 'half\\ud800')},${event('e3', 'c3')}]`,
    );
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json().results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'rejected',
      'accepted',
    ]);
    expect(batch.json().results[1].error).toMatchObject({
      code: 'validation_failed',
      issues: [{ path: 'customer.id', message: expect.stringContaining('surrogate') }],
    });
    const keyed = await raw(
      s,
      'POST',
      '/v1/events',
      '{"id":"e4","type":"signup","occurred_at":"2025-12-01","customer":{"id":"c4"},"attributes":{"k\\u0000":"v"}}',
    );
    expect(expectProblem(keyed, 400, 'validation_failed').issues?.[0]?.path).toBe(
      'attributes.k\u0000',
    );
  });

  it('refuses such text in any other body, path or query with its path', async () => {
    s = await testServer();
    const cases: [LightMyRequestResponse, string][] = [
      [await raw(s, 'POST', '/v1/partners', '{"name":"a\\u0000b"}'), 'body.name'],
      [
        await raw(
          s,
          'POST',
          '/v1/partners',
          '{"name":"ok","kinds":["referral"],"programs":["\\udc00"]}',
        ),
        'body.programs[0]',
      ],
      [await raw(s, 'POST', '/v1/programs', '{"key":"p","name":"\\ud800"}'), 'body.name'],
      [await raw(s, 'POST', '/v1/api-keys', '{"name":"k\\u0000"}'), 'body.name'],
      [await raw(s, 'GET', '/v1/partners/prt%00'), 'params.id'],
      [await raw(s, 'GET', '/v1/customers/c%00'), 'params.customerId'],
      [await raw(s, 'GET', '/v1/partners?q=%00'), 'querystring.q'],
    ];
    for (const [r, path] of cases) {
      expect(expectProblem(r, 400, 'validation_failed').issues).toEqual([
        { path, message: expect.any(String) },
      ]);
    }
    const list = await raw(s, 'GET', '/v1/partners');
    expect(list.json().data).toEqual([]);
    expect((await raw(s, 'GET', '/v1/programs')).json().data).toEqual([]);
    // The redirect treats such a code as unknown.
    const visit = await s.app.inject({ method: 'GET', url: '/r/ab%00cd' });
    expect(visit.statusCode).toBe(404);
    expect(visit.headers['content-type']).toMatch(/^text\/html/);
  });

  it('refuses JSON nested deeper than 64 levels before validating or hashing it', async () => {
    s = await testServer();
    await raw(s, 'POST', '/v1/programs', '{"key":"p","name":"P"}');
    const leaf = '{"field":"customer.side","op":"eq","value":"seller"}';
    const terms = (when: string) =>
      `{"effective_from":"2026-02-01","terms":{"currency":"USD","rewards":[{"id":"r","event":"signup","flat":"1.00","when":${when}}]}}`;
    for (const depth of [100, 5000, 50_000]) {
      const r = expectProblem(
        await raw(s, 'POST', '/v1/programs/p/versions', terms(deep(depth, leaf))),
        400,
        'validation_failed',
      );
      expect(r.issues?.[0]?.message).toContain('64 levels');
      const keyed = await raw(s, 'POST', '/v1/programs/p/versions', terms(deep(depth, leaf)), {
        'idempotency-key': `deep-${depth}`,
      });
      expectProblem(keyed, 400, 'validation_failed');
    }
    const partner = await raw(
      s,
      'POST',
      '/v1/partners',
      `{"name":"x","programs":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      { 'idempotency-key': 'deep-partner' },
    );
    expectProblem(partner, 400, 'validation_failed');
    // Reasonable nesting is fine.
    const ok = await raw(s, 'POST', '/v1/programs/p/versions', terms(deep(10, leaf)));
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await raw(s, 'GET', '/v1/programs/p')).json().versions).toHaveLength(1);
  });

  it('answers every transport-level mistake as problem+json', async () => {
    s = await testServer();
    expectProblem(await raw(s, 'GET', '/v1/customers/%ZZ'), 400, 'validation_failed');
    expectProblem(await raw(s, 'GET', '/v1/customers/c%ED%A0%80'), 400, 'validation_failed');
    expectProblem(
      await raw(s, 'POST', '/v1/partners', 'name=x', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await raw(s, 'POST', '/v1/events', `{"id":"${'x'.repeat(9 * 1024 * 1024)}"}`),
      413,
      'payload_too_large',
    );
    expectProblem(await raw(s, 'POST', '/v1/partners', ''), 400, 'invalid_json');
    expectProblem(await raw(s, 'POST', '/v1/partners', '{"name":"x",}'), 400, 'invalid_json');
    expectProblem(await raw(s, 'GET', '/v1/nothing-here'), 404, 'not_found');
    expectProblem(await raw(s, 'GET', '/v1/partners?limit=0'), 400, 'validation_failed');
    expectProblem(
      await raw(s, 'GET', '/v1/stats?from=2026-02-01&to=2026-01-01'),
      400,
      'validation_failed',
    );
    expectProblem(await raw(s, 'GET', '/v1/accruals?before=garbage'), 400, 'validation_failed');
  });
});
