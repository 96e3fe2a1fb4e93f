import { afterEach, describe, expect, it } from 'vitest';
import { deriveAll } from '../../src/engine/derive-dirty-units.js';
import { expectProblem } from '../support/expect-problem.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;

interface Accrual {
  id: string;
  kind: string;
  amount: string;
  version_id: string;
  rule_id: string;
  occurred_at: string;
  trace: {
    program: { version: number; version_id: string };
    rule: { id: string };
    inputs: Record<string, string>;
    steps: string[];
  };
}

const at = (iso: string) => Date.parse(iso);
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15';
const terms = (percent: number) => ({
  currency: 'USD',
  hold_days: 30,
  rewards: [{ id: 'revenue-share', event: 'payment', percent, of: 'revenue' }],
});

const client = (s: Server) => apiClient(s);

describe(`programs over HTTP (${backend})`, () => {
  let s: Server | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('creates a program with its first version and reads it back', async () => {
    s = await testServer({ now: '2026-01-01T00:00:00Z' });
    const api = client(s);
    const r = await api('POST', '/v1/programs', {
      key: 'referrals',
      name: 'Referrals',
      version: { effective_from: '2026-01-01T00:00:00Z', terms: terms(20) },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      key: 'referrals',
      name: 'Referrals',
      current_version: 1,
      versions: [
        {
          number: 1,
          effective_from: '2026-01-01T00:00:00.000Z',
          correction: false,
          // Defaults are filled in and stored with the version.
          terms: {
            currency: 'USD',
            hold_days: 30,
            attribution: { model: 'last_touch', window_days: 90 },
            rewards: [{ id: 'revenue-share', percent: 20 }],
          },
        },
      ],
    });
    const byKey = await api('GET', '/v1/programs/referrals');
    expect(byKey.json().id).toBe(r.json().id);
    const byId = await api('GET', `/v1/programs/${r.json().id}`);
    expect(byId.json().key).toBe('referrals');
    expect((await api('GET', '/v1/programs')).json().data).toHaveLength(1);

    expectProblem(
      await api('POST', '/v1/programs', { key: 'referrals', name: 'Again' }),
      409,
      'program_exists',
    );
    expectProblem(await api('GET', '/v1/programs/nope'), 404, 'program_not_found');
    expectProblem(
      await api('POST', '/v1/programs/nope/versions', {
        effective_from: '2026-02-01',
        terms: terms(5),
      }),
      404,
      'program_not_found',
    );
    const badKey = expectProblem(
      await api('POST', '/v1/programs', { key: 'Not A Key', name: 'x' }),
      400,
      'validation_failed',
    );
    expect(badKey.issues?.map((i) => i.path)).toEqual(['body.key']);
  });

  it('refuses a version in the past unless it is a correction with a reason, which is audited', async () => {
    s = await testServer({ now: '2026-03-01T00:00:00Z' });
    const api = client(s);
    await api('POST', '/v1/programs', {
      key: 'referrals',
      name: 'Referrals',
      version: { effective_from: '2026-03-01', terms: terms(20) },
    });
    expectProblem(
      await api('POST', '/v1/programs/referrals/versions', {
        effective_from: '2026-02-01',
        terms: terms(25),
      }),
      422,
      'version_in_past',
    );
    const noReason = expectProblem(
      await api('POST', '/v1/programs/referrals/versions', {
        effective_from: '2026-02-01',
        terms: terms(25),
        correction: true,
      }),
      400,
      'validation_failed',
    );
    expect(noReason.issues).toEqual([{ path: 'reason', message: expect.any(String) }]);
    expectProblem(
      await api('POST', '/v1/programs/referrals/versions', {
        effective_from: '2026-02-01',
        terms: terms(25),
        correction: true,
        reason: '   ',
      }),
      400,
      'validation_failed',
    );
    // None of the refusals published anything.
    expect((await api('GET', '/v1/programs/referrals')).json().versions).toHaveLength(1);

    const ok = await api('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-02-01',
      terms: terms(25),
      correction: true,
      reason: 'the contract said 25% from February',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      number: 2,
      correction: true,
      reason: 'the contract said 25% from February',
      effective_from: '2026-02-01T00:00:00.000Z',
    });
    const audit = await s.t.store.db
      .selectFrom('audit_log')
      .select(['action', 'data'])
      .where('action', '=', 'program.correction_published')
      .execute();
    expect(audit).toHaveLength(1);
    const data = typeof audit[0]?.data === 'string' ? JSON.parse(audit[0].data) : audit[0]?.data;
    expect(data).toMatchObject({ number: 2, reason: 'the contract said 25% from February' });
  });

  it('lists every problem of invalid terms by path and publishes nothing', async () => {
    s = await testServer({ now: '2026-01-01T00:00:00Z' });
    const api = client(s);
    await api('POST', '/v1/programs', { key: 'referrals', name: 'Referrals' });
    const bad = {
      currency: 'USD',
      rewards: [
        { id: 'share', event: 'payment', percent: 10 },
        { id: 'share', event: 'payment', percent: 5 },
        { id: 'greedy', event: 'payment', percent: 150 },
        {
          id: 'bogus-field',
          event: 'signup',
          flat: '1.00',
          when: { field: 'customer.shoe_size', op: 'eq', value: 42 },
        },
        { id: 'too-precise', event: 'signup', flat: '1.005' },
      ],
    };
    const r = expectProblem(
      await api('POST', '/v1/programs/referrals/versions', {
        effective_from: '2026-02-01',
        terms: bad,
      }),
      422,
      'invalid_program',
    );
    const byPath = new Map(r.issues?.map((i) => [i.path, i.message]));
    expect(byPath.get('rewards[2].percent')).toContain('≤ 100');
    expect(byPath.get('rewards[1].id')).toContain('duplicate rule id share');
    expect(byPath.get('rewards[3].when.field')).toContain('customer.side');
    expect(byPath.get('rewards[4].flat')).toContain('USD has 2 decimal places');
    expect(r.issues).toHaveLength(4);
    expect((await api('GET', '/v1/programs/referrals')).json().versions).toEqual([]);

    // The same document through POST /v1/programs is refused whole: no program either.
    expectProblem(
      await api('POST', '/v1/programs', {
        key: 'other',
        name: 'Other',
        version: { effective_from: '2026-02-01', terms: bad },
      }),
      422,
      'invalid_program',
    );
    expectProblem(await api('GET', '/v1/programs/other'), 404, 'program_not_found');
    expectProblem(
      await api('POST', '/v1/programs', {
        key: 'other',
        name: 'Other',
        version: { effective_from: '2025-06-01', terms: terms(5) },
      }),
      422,
      'version_in_past',
    );
    expectProblem(await api('GET', '/v1/programs/other'), 404, 'program_not_found');
    // So the corrected retry is not refused as program_exists.
    const retry = await api('POST', '/v1/programs', {
      key: 'other',
      name: 'Other',
      version: { effective_from: '2026-02-01', terms: terms(5) },
    });
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json().versions).toHaveLength(1);
  });

  it('validates terms without publishing', async () => {
    s = await testServer({ now: '2026-01-01T00:00:00Z' });
    const api = client(s);
    const ok = await api('POST', '/v1/programs/validate', { terms: terms(12.5) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      valid: true,
      terms: {
        hold_days: 30,
        attribution: { priority: ['coupon', 'referral_code', 'click'] },
        rewards: [{ percent: 12.5 }],
      },
    });
    const bad = expectProblem(
      await api('POST', '/v1/programs/validate', {
        terms: { currency: 'XXX', hold_days: -1, rewards: [{ id: 'r', event: 'payment' }] },
      }),
      422,
      'invalid_program',
    );
    expect(bad.issues?.map((i) => i.path).sort()).toEqual([
      'currency',
      'hold_days',
      'rewards[0].flat',
    ]);
    expect((await api('GET', '/v1/programs')).json().data).toEqual([]);
  });

  it('publishing a new version never changes accruals already earned', async () => {
    s = await testServer({ now: '2025-12-01T00:00:00Z' });
    const api = client(s);
    const created = await api('POST', '/v1/programs', {
      key: 'referrals',
      name: 'Referrals',
      version: { effective_from: '2026-01-01', terms: terms(10) },
    });
    const v1 = created.json().versions[0].id as string;
    const partner = (await api('POST', '/v1/partners', { name: 'Ada', status: 'approved' })).json();
    const link = (
      await api('POST', `/v1/partners/${partner.id}/links`, {
        program: 'referrals',
        destination: 'https://market.test/',
      })
    ).json();

    s.t.clock.set(at('2026-01-02T09:00:00Z'));
    const visit = await s.app.inject({
      method: 'GET',
      url: `/r/${link.code}`,
      headers: { 'user-agent': BROWSER },
    });
    const clickId = new URL(visit.headers.location as string).searchParams.get('tdm_click');
    await s.app.tracker.flush();

    const customer = { id: 'cus-1', side: 'seller' };
    const pay = (id: string, day: string, revenue: string) => ({
      id,
      type: 'payment',
      occurred_at: `${day}T12:00:00Z`,
      customer,
      currency: 'USD',
      revenue,
    });
    s.t.clock.set(at('2026-02-01T00:00:00Z'));
    const early = await api('POST', '/v1/events', [
      {
        id: 'su',
        type: 'signup',
        occurred_at: '2026-01-02T10:00:00Z',
        customer,
        click_id: clickId,
      },
      pay('p-jan-10', '2026-01-10', '100.00'),
      pay('p-jan-20', '2026-01-20', '50.00'),
    ]);
    expect(early.json().accepted).toBe(3);
    await deriveAll(s.t);
    const before = (await api('GET', `/v1/partners/${partner.id}/accruals`)).json()
      .data as Accrual[];
    expect(before.map((a) => a.amount)).toEqual(['5.00', '10.00']);

    const v2 = await api('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-03-01',
      terms: terms(25),
    });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ number: 2, correction: false });
    expect((await api('GET', '/v1/programs/referrals')).json().current_version).toBe(1);
    // Publishing alone posts nothing.
    expect((await deriveAll(s.t)).lines).toBe(0);

    s.t.clock.set(at('2026-03-15T00:00:00Z'));
    expect((await api('GET', '/v1/programs/referrals')).json().current_version).toBe(2);
    const late = await api('POST', '/v1/events', [
      pay('p-mar-05', '2026-03-05', '100.00'),
      pay('p-mar-10', '2026-03-10', '40.00'),
    ]);
    expect(late.json().accepted).toBe(2);
    await deriveAll(s.t);

    const after = (await api('GET', `/v1/partners/${partner.id}/accruals`)).json()
      .data as Accrual[];
    expect(after).toHaveLength(4);
    expect(after.every((a) => a.kind === 'accrual')).toBe(true);
    // The two earlier lines are exactly as they were: same ids, amounts, versions.
    expect(after.slice(2)).toEqual(before);
    for (const a of before) {
      expect(a.version_id).toBe(v1);
      expect(a.trace.program).toMatchObject({ version: 1, version_id: v1 });
      expect(a.trace.inputs.percent).toBe('10');
    }
    const march = after.slice(0, 2);
    expect(march.map((a) => a.amount)).toEqual(['10.00', '25.00']);
    for (const a of march) {
      expect(a.version_id).toBe(v2.json().id);
      expect(a.trace.program).toMatchObject({ version: 2, version_id: v2.json().id });
      expect(a.trace.inputs.percent).toBe('25');
    }
    const one = await api('GET', `/v1/accruals/${march[1]?.id}`);
    expect(one.json().trace.steps.join(' ')).toContain('100.00 revenue × 25% = 25.00 USD');
  });
});
