import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { createPartner } from '../../src/engine/partners.js';
import { expectProblem } from '../support/expect-problem.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;
type Client = ReturnType<typeof apiClient>;

interface Page {
  id: string;
  slug: string;
  title: string;
  body: string;
  audience: string;
  position: number;
  published: boolean;
  version: number;
  created_by?: string;
  updated_by?: string;
  updated_by_name?: string | null;
}

interface Revision {
  version: number;
  action: string;
  changed: string[];
  actor: string;
  actor_name: string | null;
  note: string | null;
  title: string;
  body: string;
  slug: string;
  published: boolean;
}

const TABLES = ['kb_pages', 'kb_page_revisions', 'audit_log'];

const referrals = {
  slug: 'how-referrals-work',
  title: 'How referrals work',
  body: '# Links, codes and coupons\n\nShare your link.',
  audience: 'partners',
};
const playbook = {
  slug: 'reviewing-applications',
  title: 'Reviewing partner applications',
  body: 'Check the website first.',
  audience: 'operators',
  published: true,
};

describe(`knowledge base (${backend})`, () => {
  let s: Server;
  /** Admin; a partner manager (read, programs:write); an analyst (read); a partner. */
  let ops: Client;
  let manager: Client;
  let analyst: Client;
  let partner: Client;
  let managerKeyId: string;

  const created = async (client: Client, input: object) => {
    const r = await client('POST', '/v1/kb', input);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as Page;
  };
  const saved = async (client: Client, slug: string, change: object) => {
    const r = await client('PUT', `/v1/kb/${slug}`, change);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Page;
  };
  const slugs = async (client: Client) => {
    const r = await client('GET', '/v1/kb');
    expect(r.statusCode, r.body).toBe(200);
    return (r.json().data as Page[]).map((p) => p.slug);
  };

  beforeEach(async () => {
    s = await testServer({ now: '2026-03-01T00:00:00Z' });
    ops = apiClient(s);
    const m = await createApiKey(s.t, { name: 'Mateo', scopes: ['read', 'programs:write'] });
    managerKeyId = m.id;
    manager = apiClient(s, m.key);
    analyst = apiClient(s, (await createApiKey(s.t, { name: 'Ana', scopes: ['read'] })).key);
    const p = await createPartner(s.t, {
      name: 'Northwind',
      kinds: ['referral'],
      status: 'approved',
    });
    partner = apiClient(
      s,
      (await createApiKey(s.t, { name: 'portal', scopes: [], partnerId: p.id })).key,
    );
  });
  afterEach(async () => s.close());

  it('creates a draft, publishes it, and partners read it once published', async () => {
    const r = await manager('POST', '/v1/kb', referrals);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.headers.etag).toBe('"1"');
    const page = r.json() as Page;
    expect(page).toMatchObject({
      ...referrals,
      published: false,
      version: 1,
      position: 1,
      created_by: managerKeyId,
      updated_by_name: 'Mateo',
    });
    expect(page.id).toMatch(/^kb_/);

    // A draft: operators see it, partners do not.
    expect(await slugs(analyst)).toEqual(['how-referrals-work']);
    expect(await slugs(partner)).toEqual([]);
    expectProblem(await partner('GET', '/v1/kb/how-referrals-work'), 404, 'kb_page_not_found');

    const published = await saved(manager, 'how-referrals-work', { version: 1, published: true });
    expect(published).toMatchObject({ published: true, version: 2 });
    expect(await slugs(partner)).toEqual(['how-referrals-work']);

    const read = await partner('GET', '/v1/kb/how-referrals-work');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.headers.etag).toBe('"2"');
    const body = read.json() as Page;
    expect(body).toMatchObject({ title: 'How referrals work', body: referrals.body, version: 2 });
    // Partners are not told who on the operator's team wrote it.
    expect(body).not.toHaveProperty('created_by');
    expect(body).not.toHaveProperty('updated_by_name');
    // A list has no bodies; the page is found whatever the case of its slug.
    expect((await partner('GET', '/v1/kb')).json().data[0]).not.toHaveProperty('body');
    expect((await partner('GET', '/v1/kb/How-Referrals-Work')).statusCode).toBe(200);

    // Unpublishing takes it away from partners again.
    await saved(manager, 'how-referrals-work', { version: 2, published: false });
    expectProblem(await partner('GET', '/v1/kb/how-referrals-work'), 404, 'kb_page_not_found');
  });

  it('internal and unpublished pages are 404 for partners and listed for operators, in order', async () => {
    await created(ops, { ...referrals, published: true, position: 20 });
    await created(ops, { ...playbook, position: 10 });
    await created(ops, {
      slug: 'joining-campaigns',
      title: 'Joining a co-marketing campaign',
      audience: 'partners',
      position: 30,
    });
    await created(ops, {
      slug: 'integration-reviews',
      title: 'Requesting an integration review',
      audience: 'partners',
      published: true,
      position: 20,
    });

    // Position, then title.
    expect(await slugs(analyst)).toEqual([
      'reviewing-applications',
      'how-referrals-work',
      'integration-reviews',
      'joining-campaigns',
    ]);
    expect(await slugs(partner)).toEqual(['how-referrals-work', 'integration-reviews']);
    for (const slug of ['reviewing-applications', 'joining-campaigns', 'no-such-page']) {
      const p = expectProblem(await partner('GET', `/v1/kb/${slug}`), 404, 'kb_page_not_found');
      expect(p.detail).toBe(`no knowledge base page ${slug}`);
    }
    const internal = await analyst('GET', '/v1/kb/reviewing-applications');
    expect(internal.statusCode, internal.body).toBe(200);
    expect(internal.json()).toMatchObject({ audience: 'operators', body: playbook.body });
  });

  it('of two people editing one version, the second to save gets 409 kb_page_conflict and writes nothing', async () => {
    await created(ops, referrals);
    // Both opened version 1.
    const first = await saved(manager, 'how-referrals-work', {
      version: 1,
      body: 'Mateo’s rewrite',
      note: 'shorter',
    });
    expect(first.version).toBe(2);
    const before = await rowCounts(s.t.store.db, TABLES);
    const p = expectProblem(
      await ops('PUT', '/v1/kb/how-referrals-work', { version: 1, body: 'Admin’s rewrite' }),
      409,
      'kb_page_conflict',
    ) as unknown as Record<string, unknown>;
    expect(p).toMatchObject({
      current_version: 2,
      your_version: 1,
      updated_by: managerKeyId,
      updated_by_name: 'Mateo',
    });
    expect(p.detail).toContain('saved by Mateo (version 2)');
    expect(await rowCounts(s.t.store.db, TABLES)).toEqual(before);
    expect((await ops('GET', '/v1/kb/how-referrals-work')).json().body).toBe('Mateo’s rewrite');

    // At the same instant: exactly one wins.
    const race = await Promise.all([
      ops('PUT', '/v1/kb/how-referrals-work', { version: 2, title: 'A' }),
      manager('PUT', '/v1/kb/how-referrals-work', { version: 2, title: 'B' }),
    ]);
    expect(race.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const now = (await ops('GET', '/v1/kb/how-referrals-work')).json() as Page;
    expect(now.version).toBe(3);
    const winner = race.find((r) => r.statusCode === 200);
    expect(now.title).toBe((winner?.json() as Page | undefined)?.title);
  });

  it('takes the version from If-Match too, and needs one of them', async () => {
    await created(ops, referrals);
    const r = await ops(
      'PUT',
      '/v1/kb/how-referrals-work',
      { title: 'Referrals' },
      { 'if-match': '"1"' },
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers.etag).toBe('"2"');
    expectProblem(
      await ops('PUT', '/v1/kb/how-referrals-work', { title: 'X' }, { 'if-match': '"1"' }),
      409,
      'kb_page_conflict',
    );
    const missing = expectProblem(
      await ops('PUT', '/v1/kb/how-referrals-work', { title: 'X' }),
      400,
      'validation_failed',
    );
    expect(missing.issues?.[0]?.path).toBe('body.version');
    expectProblem(
      await ops(
        'PUT',
        '/v1/kb/how-referrals-work',
        { version: 2, title: 'X' },
        { 'if-match': '"1"' },
      ),
      400,
      'validation_failed',
    );
    expectProblem(
      await ops('PUT', '/v1/kb/how-referrals-work', { title: 'X' }, { 'if-match': 'latest' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await ops('PUT', '/v1/kb/no-such-page', { version: 1, title: 'X' }),
      404,
      'kb_page_not_found',
    );
  });

  it('refuses bad input with a stable code and writes nothing', async () => {
    await created(ops, referrals);
    const before = await rowCounts(s.t.store.db, TABLES);
    const bad: [object, string][] = [
      [{ ...referrals, slug: 'How Referrals' }, 'body.slug'],
      [{ ...referrals, slug: 'trailing-' }, 'body.slug'],
      [{ ...referrals, slug: 'a'.repeat(81) }, 'body.slug'],
      [{ ...referrals, slug: 'fine', title: '  ' }, 'body.title'],
      [{ ...referrals, slug: 'fine', audience: 'everyone' }, 'body.audience'],
      [{ ...referrals, slug: 'fine', position: -1 }, 'body.position'],
      [{ ...referrals, slug: 'fine', published: 'yes' }, 'body.published'],
      [{ ...referrals, slug: 'fine', html: '<p>' }, 'body'],
      // 60,000 characters, 120,000 bytes of UTF-8.
      [{ ...referrals, slug: 'fine', body: 'é'.repeat(60_000) }, 'body.body'],
      [{ slug: 'fine', title: 'No audience' }, 'body.audience'],
    ];
    for (const [input, path] of bad) {
      const p = expectProblem(await ops('POST', '/v1/kb', input), 400, 'validation_failed');
      expect(
        p.issues?.map((i) => i.path),
        JSON.stringify(input).slice(0, 80),
      ).toContain(path);
    }
    // Exactly 100 KB is fine.
    await created(ops, { ...referrals, slug: 'big', body: 'x'.repeat(100 * 1024) });
    const taken = expectProblem(await ops('POST', '/v1/kb', referrals), 409, 'kb_slug_taken');
    expect(taken.detail).toContain('how-referrals-work');
    expectProblem(
      await ops('PUT', '/v1/kb/big', { version: 1, slug: 'how-referrals-work' }),
      409,
      'kb_slug_taken',
    );
    expectProblem(
      await ops('PUT', '/v1/kb/how-referrals-work', { version: 1, slug: 'Bad Slug' }),
      400,
      'validation_failed',
    );
    const after = await rowCounts(s.t.store.db, TABLES);
    // Only the 100 KB page (its row, its revision, its audit entry) was written.
    expect(after).toEqual({
      kb_pages: (before.kb_pages ?? 0) + 1,
      kb_page_revisions: (before.kb_page_revisions ?? 0) + 1,
      audit_log: (before.audit_log ?? 0) + 1,
    });
  });

  it('keeps every revision: who saved what, with notes; a save that changes nothing writes nothing', async () => {
    await created(manager, { ...referrals, note: 'first draft' });
    await saved(ops, 'how-referrals-work', { version: 1, body: 'Better.', title: 'Referrals' });
    await saved(manager, 'how-referrals-work', { version: 2, published: true, note: 'go live' });
    await saved(manager, 'how-referrals-work', { version: 3, slug: 'referrals' });
    // The same content again: no new version.
    const same = await saved(manager, 'referrals', { version: 4, title: 'Referrals' });
    expect(same.version).toBe(4);

    expectProblem(
      await manager('GET', '/v1/kb/how-referrals-work/revisions'),
      404,
      'kb_page_not_found',
    );
    const r = await manager('GET', '/v1/kb/referrals/revisions');
    expect(r.statusCode, r.body).toBe(200);
    const revisions = r.json().data as Revision[];
    expect(revisions.map((v) => [v.version, v.action, v.changed, v.actor_name, v.note])).toEqual([
      [4, 'edited', ['slug'], 'Mateo', null],
      [3, 'published', ['published'], 'Mateo', 'go live'],
      [2, 'edited', ['title', 'body'], 'test admin', null],
      [1, 'created', [], 'Mateo', 'first draft'],
    ]);
    expect(revisions[3]).toMatchObject({ title: 'How referrals work', body: referrals.body });
    expect(revisions[0]).toMatchObject({ slug: 'referrals', published: true, body: 'Better.' });

    const actions = await s.t.store.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('action', 'like', 'kb_page.%')
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'kb_page.created',
      'kb_page.updated',
      'kb_page.published',
      'kb_page.updated',
    ]);

    // History cannot be rewritten, whoever asks.
    await expect(
      sql`UPDATE kb_page_revisions SET body = 'forged'`.execute(s.t.store.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM kb_page_revisions`.execute(s.t.store.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('only operators with programs:write write pages and read their history', async () => {
    await created(ops, { ...referrals, published: true });
    const before = await rowCounts(s.t.store.db, TABLES);
    for (const client of [partner, analyst]) {
      expectProblem(
        await client('POST', '/v1/kb', { ...referrals, slug: 'mine' }),
        403,
        'forbidden',
      );
      expectProblem(
        await client('PUT', '/v1/kb/how-referrals-work', { version: 1, title: 'Mine' }),
        403,
        'forbidden',
      );
      expectProblem(await client('GET', '/v1/kb/how-referrals-work/revisions'), 403, 'forbidden');
    }
    expect(await rowCounts(s.t.store.db, TABLES)).toEqual(before);
    // A key without read reads nothing; the knowledge base is live content only.
    const events = apiClient(
      s,
      (await createApiKey(s.t, { name: 'ingest', scopes: ['events:write'] })).key,
    );
    expectProblem(await events('GET', '/v1/kb'), 403, 'forbidden');
    const test = apiClient(
      s,
      (await createApiKey(s.t, { name: 'test', scopes: ['admin'], mode: 'test' })).key,
    );
    expectProblem(await test('GET', '/v1/kb'), 403, 'live_mode_only');
    expectProblem(await test('POST', '/v1/kb', { ...referrals, slug: 'x' }), 403, 'live_mode_only');
    expectProblem(await apiClient(s, null)('GET', '/v1/kb'), 401, 'unauthorized');
  });
});
