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
        attribution: { priority: ['coupon', 'referral_code', 'click', 'campaign'] },
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
  it('a notice period: later versions take effect no sooner than notice_days after publishing', async () => {
    s = await testServer({ now: '2026-03-01T10:00:00Z' });
    const api = client(s);
    const noticed = (percent: number, notice_days: number) => ({ ...terms(percent), notice_days });
    // The first version has no terms before it, so no notice: left out, it is effective now.
    const created = await api('POST', '/v1/programs', {
      key: 'referrals',
      name: 'Referrals',
      version: { terms: noticed(20, 30) },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      current_version: 1,
      upcoming_versions: [],
      versions: [{ number: 1, effective_from: '2026-03-01T10:00:00.000Z', status: 'current' }],
    });

    const early = expectProblem(
      await api('POST', '/v1/programs/referrals/versions', {
        effective_from: '2026-03-15',
        terms: noticed(25, 0),
      }),
      422,
      'notice_period',
    );
    expect(early).toMatchObject({
      notice_days: 30,
      earliest_effective_from: '2026-03-31T10:00:00.000Z',
    });
    // A past date is still "in the past", not "too soon".
    expectProblem(
      await api('POST', '/v1/programs/referrals/versions', {
        effective_from: '2026-02-01',
        terms: noticed(25, 0),
      }),
      422,
      'version_in_past',
    );
    expect((await api('GET', '/v1/programs/referrals')).json().versions).toHaveLength(1);

    // Exactly the notice period is enough.
    const v2 = await api('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-04-15',
      terms: noticed(25, 0),
    });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ number: 2, status: 'upcoming' });
    const edge = await api('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-03-31T10:00:00Z',
      terms: noticed(22, 30),
    });
    expect(edge.statusCode, edge.body).toBe(201);
    // Left out, effective_from is the earliest the notice allows.
    const v4 = await api('POST', '/v1/programs/referrals/versions', { terms: noticed(24, 30) });
    expect(v4.statusCode, v4.body).toBe(201);
    expect(v4.json()).toMatchObject({ number: 4, effective_from: '2026-03-31T10:00:00.000Z' });

    // Version 4 outranks 3 at the same instant (the later published wins), so 3 never comes.
    const view = (await api('GET', '/v1/programs/referrals')).json();
    expect(view.current_version).toBe(1);
    expect(view.upcoming_versions).toEqual([4, 2]);
    expect(view.versions.map((v: { status: string }) => v.status)).toEqual([
      'current',
      'upcoming',
      'superseded',
      'upcoming',
    ]);
    expect((await api('GET', '/v1/programs')).json().data[0].upcoming_versions).toEqual([4, 2]);

    // A correction is exempt: it may change the past, or tomorrow.
    const fix = await api('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-03-02',
      terms: noticed(21, 30),
      correction: true,
      reason: 'the March rate was agreed in February',
    });
    expect(fix.statusCode, fix.body).toBe(201);

    // The notice is that of the version in force at publishing: version 2 gives none.
    s.t.clock.set(at('2026-04-20T00:00:00Z'));
    expect((await api('GET', '/v1/programs/referrals')).json()).toMatchObject({
      current_version: 2,
      upcoming_versions: [],
    });
    const soon = await api('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-04-21',
      terms: noticed(26, 0),
    });
    expect(soon.statusCode, soon.body).toBe(201);
    const immediate = await api('POST', '/v1/programs/referrals/versions', { terms: terms(27) });
    expect(immediate.json()).toMatchObject({
      effective_from: '2026-04-20T00:00:00.000Z',
      status: 'current',
    });
  });

  it('partners read the current and upcoming terms of their own programs, and no one else’s', async () => {
    s = await testServer({ now: '2026-01-01T00:00:00Z' });
    const api = client(s);
    const created = async (method: 'POST', url: string, body: unknown) => {
      const r = await api(method, url, body);
      expect(r.statusCode, r.body).toBe(201);
    };
    for (const key of ['referrals', 'agencies'])
      await created('POST', '/v1/programs', {
        key,
        name: key,
        version: { effective_from: '2026-01-01', terms: terms(10) },
      });
    // Referrals: versions 1 and 2 superseded by 3 (in force on March 1), 4 upcoming.
    const publish = (effective_from: string, percent: number) =>
      created('POST', '/v1/programs/referrals/versions', { effective_from, terms: terms(percent) });
    await publish('2026-02-01', 15);
    await publish('2026-02-15', 18);
    s.t.clock.set(at('2026-03-01T00:00:00Z'));
    await created('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-06-01',
      terms: { ...terms(25), budget: { monthly: '1000.00' }, margin_guard: { max_percent: 30 } },
    });
    const partner = async (name: string, programs: string[]) => {
      const p = (await api('POST', '/v1/partners', { name, status: 'approved', programs })).json();
      const key = (await api('POST', '/v1/api-keys', { name, partner_id: p.id })).json().key;
      return { id: p.id as string, key: key as string };
    };
    const ada = await partner('Ada', ['referrals']);
    const bob = await partner('Bob', ['agencies']);
    const asAda = apiClient(s, ada.key);

    const own = await asAda('GET', `/v1/partners/${ada.id}/programs`);
    expect(own.statusCode, own.body).toBe(200);
    const body = own.json();
    expect(body.partner_id).toBe(ada.id);
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      key: 'referrals',
      current_version: 3,
      upcoming_versions: [4],
      versions: [
        { number: 3, status: 'current', terms: { rewards: [{ percent: 18 }] } },
        {
          number: 4,
          status: 'upcoming',
          effective_from: '2026-06-01T00:00:00.000Z',
          terms: { rewards: [{ percent: 25 }] },
        },
      ],
    });
    expect(body.data[0].versions).toHaveLength(2);
    // The program's budget and margin ceiling are the operator's, not the partner's.
    expect(body.data[0].versions[1].terms.budget).toBeUndefined();
    expect(body.data[0].versions[1].terms.margin_guard).toBeUndefined();
    expect(
      (await api('GET', '/v1/programs/referrals')).json().versions[3].terms.budget,
    ).toMatchObject({ monthly: '1000.00' });

    // Isolation: another partner's programs are "not found", like a partner that does not exist.
    expectProblem(await asAda('GET', `/v1/partners/${bob.id}/programs`), 404, 'partner_not_found');
    expectProblem(await asAda('GET', '/v1/partners/prt_nobody/programs'), 404, 'partner_not_found');
    // The operator endpoints stay closed to a partner key.
    expectProblem(await asAda('GET', '/v1/programs/referrals'), 403, 'forbidden');
    expectProblem(await asAda('GET', '/v1/programs/referrals/versions/diff'), 403, 'forbidden');

    // Operators with read (or admin) see any partner's; other scopes do not.
    const reader = (await api('POST', '/v1/api-keys', { name: 'r', scopes: ['read'] })).json().key;
    const bobs = await apiClient(s, reader)('GET', `/v1/partners/${bob.id}/programs`);
    expect(bobs.statusCode, bobs.body).toBe(200);
    expect(bobs.json().data.map((p: { key: string }) => p.key)).toEqual(['agencies']);
    expect((await api('GET', `/v1/partners/${ada.id}/programs`)).json()).toEqual(body);
    const writer = (
      await api('POST', '/v1/api-keys', { name: 'w', scopes: ['events:write'] })
    ).json().key;
    expectProblem(
      await apiClient(s, writer)('GET', `/v1/partners/${ada.id}/programs`),
      403,
      'forbidden',
    );
    expectProblem(await api('GET', '/v1/partners/prt_nobody/programs'), 404, 'partner_not_found');
  });

  it('diffs two versions in plain terms', async () => {
    s = await testServer({ now: '2026-03-01T00:00:00Z' });
    const api = client(s);
    await api('POST', '/v1/programs', {
      key: 'referrals',
      name: 'Referrals',
      version: { effective_from: '2026-03-01', terms: terms(20) },
    });
    await api('POST', '/v1/programs/referrals/versions', {
      effective_from: '2026-04-01',
      terms: {
        ...terms(25),
        hold_days: 45,
        rewards: [
          ...terms(25).rewards,
          {
            id: 'seller-activation',
            event: 'activation',
            flat: '10.00',
            when: { field: 'customer.side', op: 'eq', value: 'seller' },
          },
        ],
      },
    });
    // By default: from the version in force now to the latest.
    const r = await api('GET', '/v1/programs/referrals/versions/diff');
    expect(r.statusCode, r.body).toBe(200);
    const diff = r.json();
    expect(diff).toMatchObject({
      program_id: expect.stringMatching(/^prg_/),
      from: { number: 1, effective_from: '2026-03-01T00:00:00.000Z', status: 'current' },
      to: { number: 2, effective_from: '2026-04-01T00:00:00.000Z', status: 'upcoming' },
    });
    expect(diff.changes.map((c: { summary: string }) => c.summary)).toEqual([
      'Hold period 30 → 45 days',
      'Reward "revenue-share": percent 20% → 25%',
      'Reward "seller-activation" added: pays 10.00 USD on activation when customer.side = seller',
    ]);
    expect(diff.changes[1]).toEqual({
      path: 'rewards[revenue-share].percent',
      change: 'changed',
      before: 20,
      after: 25,
      summary: 'Reward "revenue-share": percent 20% → 25%',
    });
    const back = (await api('GET', '/v1/programs/referrals/versions/diff?from=2&to=1')).json();
    expect(back.changes.map((c: { change: string }) => c.change)).toEqual([
      'changed',
      'changed',
      'removed',
    ]);
    expect(
      (await api('GET', '/v1/programs/referrals/versions/diff?from=1&to=1')).json().changes,
    ).toEqual([]);

    const missing = expectProblem(
      await api('GET', '/v1/programs/referrals/versions/diff?to=9'),
      404,
      'version_not_found',
    );
    expect(missing.detail).toContain('no version 9');
    expectProblem(await api('GET', '/v1/programs/nope/versions/diff'), 404, 'program_not_found');
    for (const q of ['from=abc', 'from=0', 'to=1.5', 'from=-1', 'since=1'])
      expectProblem(
        await api('GET', `/v1/programs/referrals/versions/diff?${q}`),
        400,
        'validation_failed',
      );

    // Nothing in force yet: the default "from" does not exist, an explicit one works.
    await api('POST', '/v1/programs', {
      key: 'later',
      name: 'Later',
      version: { effective_from: '2026-05-01', terms: terms(5) },
    });
    expectProblem(await api('GET', '/v1/programs/later/versions/diff'), 422, 'no_terms_in_force');
    const self = await api('GET', '/v1/programs/later/versions/diff?from=1');
    expect(self.json()).toMatchObject({ from: { number: 1 }, to: { number: 1 }, changes: [] });

    // Both routes are in the OpenAPI document, with their parameters.
    const spec = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const params = spec.paths['/v1/programs/{program}/versions/diff'].get.parameters.map(
      (p: { name: string; in: string }) => `${p.in}:${p.name}`,
    );
    expect(params.sort()).toEqual(['path:program', 'query:from', 'query:to']);
    expect(spec.paths['/v1/partners/{id}/programs'].get).toBeDefined();
  });
});
