import { afterEach, describe, expect, it } from 'vitest';
import { testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

// Requests racing to create the same thing get one 201 and clean 409s, never a 500
// (on PostgreSQL the loser hits a unique index; the transaction is retried and sees the winner).
describe(`concurrent creates (${backend})`, () => {
  let s: Awaited<ReturnType<typeof testServer>>;
  afterEach(async () => s?.close());

  it('twelve creates of one partner email, program key, link code and code: one wins each', async () => {
    s = await testServer({ now: '2026-03-01T00:00:00Z' });
    const post = (url: string, payload: object) =>
      s.app.inject({ method: 'POST', url, headers: s.auth, payload });
    const statuses = async (url: string, payload: object) =>
      (await Promise.all(Array.from({ length: 12 }, () => post(url, payload))))
        .map((r) => r.statusCode)
        .sort();
    const twelve = (code: number) => [201, ...Array.from({ length: 11 }, () => code)];

    expect(
      await statuses('/v1/programs', {
        key: 'ref',
        name: 'Referrals',
        version: { terms: { currency: 'USD', rewards: [] } },
      }),
    ).toEqual(twelve(409));
    expect(
      await statuses('/v1/partners', { name: 'P', email: 'p@example.com', status: 'approved' }),
    ).toEqual(twelve(409));
    const partner = (
      await s.app.inject({ method: 'GET', url: '/v1/partners', headers: s.auth })
    ).json().data[0].id;
    expect(
      await statuses(`/v1/partners/${partner}/links`, {
        program: 'ref',
        destination: 'https://m.test/',
        code: 'same-code',
      }),
    ).toEqual(twelve(409));
    expect(
      await statuses(`/v1/partners/${partner}/codes`, {
        program: 'ref',
        kind: 'coupon',
        code: 'SAVE10',
      }),
    ).toEqual(twelve(409));
  });

  it('versions published at once all succeed with distinct numbers', async () => {
    s = await testServer({ now: '2026-03-01T00:00:00Z' });
    await s.app.inject({
      method: 'POST',
      url: '/v1/programs',
      headers: s.auth,
      payload: { key: 'ref', name: 'Referrals' },
    });
    const rs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        s.app.inject({
          method: 'POST',
          url: '/v1/programs/ref/versions',
          headers: s.auth,
          payload: { effective_from: `2026-04-0${i + 1}`, terms: { currency: 'USD', rewards: [] } },
        }),
      ),
    );
    expect(rs.map((r) => r.statusCode)).toEqual(Array.from({ length: 8 }, () => 201));
    expect(rs.map((r) => r.json().number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
