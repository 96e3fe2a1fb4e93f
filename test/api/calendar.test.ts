import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unfold } from '../../src/core/icalendar.js';
import { createApiKey } from '../../src/engine/api-keys.js';
import { fixedClock } from '../../src/engine/deps.js';
import { enrollPartner } from '../../src/engine/partners.js';
import { createProgram } from '../../src/engine/programs.js';
import { campaignPlan, campaignTerms, campaignWorld } from '../support/campaign-world.js';
import { expectProblem } from '../support/expect-problem.js';
import { rowCounts } from '../support/row-counts.js';
import { apiClient, testServer } from '../support/test-server.js';
import { backend } from '../support/test-tandem.js';

type Server = Awaited<ReturnType<typeof testServer>>;
type Client = ReturnType<typeof apiClient>;

const NOW = '2026-02-15T00:00:00Z';
/** The feed's window around NOW: 90 days back, 365 ahead. */
const FEED_FROM = '2025-11-17T00:00:00.000Z';
const FEED_TO = '2027-02-15T00:00:00.000Z';

/** v1 of program `co`: a March accelerator, payouts on the 5th of the next month. */
const v1Terms = {
  ...campaignTerms,
  accelerators: [
    { id: 'spring', name: 'Spring double', from: '2026-03-01', to: '2026-04-01', multiplier: 2 },
  ],
  payouts: { period: 'month', schedule: { day_of_month: 5 } },
};
/** v2 from 1 May: no accelerator, payouts 10 days after the month ends. */
const v2Terms = {
  ...campaignTerms,
  rewards: [{ id: 'activation', event: 'activation', flat: '60.00' }],
  payouts: { period: 'month', schedule: { net_days: 10 } },
};

const CATEGORY: Record<string, string> = {
  campaign: 'campaign',
  accelerator: 'accelerator',
  program_version: 'program-version',
  payout: 'payout',
};

interface FeedEvent {
  uid: string;
  summary: string;
  start: string;
  end: string;
  allDay: boolean;
  categories: string[];
  status: string;
  description: string;
}

/** A feed as a calendar application reads it, with ical.js. */
function parseFeed(text: string): FeedEvent[] {
  const cal = new ICAL.Component(ICAL.parse(text));
  expect(cal.getFirstPropertyValue('version')).toBe('2.0');
  expect(cal.getFirstPropertyValue('prodid')).toBe('-//Tandem//Partner calendar//EN');
  expect(cal.getFirstPropertyValue('method')).toBe('PUBLISH');
  const when = (t: ICAL.Time) => (t.isDate ? t.toString() : t.toJSDate().toISOString());
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      summary: e.summary,
      start: when(e.startDate),
      end: when(e.endDate),
      allDay: e.startDate.isDate,
      categories: (v.getFirstProperty('categories')?.getValues() ?? []) as string[],
      status: String(v.getFirstPropertyValue('status')),
      description: e.description,
    };
  });
}

interface Item {
  kind: string;
  id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  all_day: boolean;
  program_id: string;
  status: string;
  details: Record<string, unknown>;
  conflicts: Record<string, unknown>[];
}

/** What the feed must say of a JSON calendar item. */
const asEvent = (i: Item) => ({
  uid: `${CATEGORY[i.kind]}-${i.id}@tandem`,
  summary: i.title,
  start: i.all_day ? i.starts_at.slice(0, 10) : i.starts_at,
  end: i.all_day ? i.ends_at.slice(0, 10) : i.ends_at,
  allDay: i.all_day,
  categories: [CATEGORY[i.kind]],
  status: i.status.toUpperCase(),
});

const byUid = (events: FeedEvent[]) => new Map(events.map((e) => [e.uid, e]));

describe(`shared calendar and iCalendar feeds (${backend})`, () => {
  let s: Server;
  let w: Awaited<ReturnType<typeof campaignWorld>>;
  let co: string;
  let solo: string;
  let v2: string;
  let cmp: { a: string; b: string; cancelled: string; adjacent: string };

  const fetchFeed = (url: string) => s.app.inject({ method: 'GET', url: new URL(url).pathname });
  // No body at all by default: what `curl -X POST` sends.
  const newFeed = async (client: Client, body?: object) => {
    const r = await client('POST', '/v1/calendar/feeds', body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; url: string; partner_id: string | null; revoked: string[] };
  };
  const feedText = async (url: string) => {
    const r = await fetchFeed(url);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/calendar; charset=utf-8');
    return r.body;
  };

  beforeEach(async () => {
    s = await testServer({ now: NOW });
    w = await campaignWorld(s, v1Terms);
    const programs = (await w.api('GET', '/v1/programs')).json().data as {
      id: string;
      key: string;
    }[];
    co = programs.find((p) => p.key === 'co')?.id as string;
    // v2 of co from 1 May.
    const published = await w.api('POST', '/v1/programs/co/versions', {
      effective_from: '2026-05-01T00:00:00Z',
      terms: v2Terms,
    });
    expect(published.statusCode, published.body).toBe(201);
    v2 = published.json().id;
    // A second program only Cobalt (C) is enrolled in.
    const past = { ...s.t, clock: fixedClock(Date.parse('2026-01-01T00:00:00Z')) };
    solo = (
      await createProgram(past, {
        key: 'solo',
        name: 'Solo launches',
        firstVersion: {
          effectiveFrom: Date.parse('2026-01-01T00:00:00Z'),
          terms: {
            ...campaignTerms,
            accelerators: [
              { id: 'solo-boost', from: '2026-03-01', to: '2026-03-15', multiplier: 1.25 },
            ],
          },
        },
      })
    ).id;
    await enrollPartner(s.t, w.c, 'solo');

    // A's campaign (approved) and B's (proposed) share ISO week 2026-W13 on one segment.
    const a = (
      await w.asA('POST', '/v1/campaigns', campaignPlan({ name: 'Acme spring webinars' }))
    ).json().id;
    expect(
      (await w.ops('POST', `/v1/campaigns/${a}/status`, { status: 'approved' })).json(),
    ).toMatchObject({ status: 'approved' });
    const b = (
      await w.asB(
        'POST',
        '/v1/campaigns',
        campaignPlan({
          name: 'Bolt garden push',
          channels: ['search', 'social'],
          starts_at: '2026-03-23T00:00:00Z',
          ends_at: '2026-04-10T00:00:00Z',
        }),
      )
    ).json().id;
    // C's: one withdrawn, one in the week after B's ends (adjacent: no conflict).
    const cancelled = (
      await w.asC(
        'POST',
        '/v1/campaigns',
        campaignPlan({ name: 'Cobalt pet webinar', segment: 'pets' }),
      )
    ).json().id;
    await w.asC('POST', `/v1/campaigns/${cancelled}/status`, { status: 'cancelled' });
    const adjacent = (
      await w.asC(
        'POST',
        '/v1/campaigns',
        campaignPlan({
          name: 'Cobalt garden clinic',
          starts_at: '2026-04-13T00:00:00Z',
          ends_at: '2026-04-20T00:00:00Z',
        }),
      )
    ).json().id;
    cmp = { a, b, cancelled, adjacent };
    // January's payout run exists.
    const run = await w.ops('POST', '/v1/payout-runs', { program: 'co', period: '2026-01' });
    expect(run.statusCode, run.body).toBe(201);
  });
  afterEach(async () => s.close());

  it("the operator's feed parses with ical.js and holds every campaign, accelerator, version change and payout date", async () => {
    const feed = await newFeed(w.ops);
    expect(feed.partner_id).toBeNull();
    expect(feed.url).toMatch(/^http:\/\/localhost(:\d+)?\/calendar\/cal_[A-Za-z0-9_-]{43}\.ics$/);
    const text = await feedText(feed.url);
    expect(text).not.toMatch(/[^\r]\n/);
    for (const line of text.split('\r\n'))
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const events = byUid(parseFeed(text));

    expect(events.get(`campaign-${cmp.a}@tandem`)).toMatchObject({
      summary: 'Acme spring webinars',
      start: '2026-03-02T00:00:00.000Z',
      end: '2026-03-30T00:00:00.000Z',
      allDay: false,
      categories: ['campaign'],
      status: 'CONFIRMED',
    });
    const a = events.get(`campaign-${cmp.a}@tandem`) as FeedEvent;
    expect(a.description).toContain('Partners: Acme Media (lead)');
    expect(a.description).toContain('Channels: webinar, email');
    expect(a.description).toContain(`⚠ conflict: Bolt garden push (${cmp.b}) in 2026-W13`);
    expect(events.get(`campaign-${cmp.b}@tandem`)).toMatchObject({
      summary: 'Bolt garden push',
      start: '2026-03-23T00:00:00.000Z',
      end: '2026-04-10T00:00:00.000Z',
      status: 'TENTATIVE',
    });
    expect(events.get(`campaign-${cmp.b}@tandem`)?.description).toContain(
      `⚠ conflict: Acme spring webinars (${cmp.a}) in 2026-W13`,
    );
    expect(events.get(`campaign-${cmp.cancelled}@tandem`)?.status).toBe('CANCELLED');
    // The week after B's ends is adjacent, not shared.
    expect(events.get(`campaign-${cmp.adjacent}@tandem`)?.description).not.toContain('conflict');

    expect(events.get(`accelerator-${co}.spring.20260301T000000Z@tandem`)).toMatchObject({
      summary: 'Spring double ×2 (Co-marketing)',
      start: '2026-03-01T00:00:00.000Z',
      end: '2026-04-01T00:00:00.000Z',
      categories: ['accelerator'],
      status: 'CONFIRMED',
    });
    expect(events.get(`accelerator-${solo}.solo-boost.20260301T000000Z@tandem`)?.summary).toBe(
      'solo-boost ×1.25 (Solo launches)',
    );
    expect(events.get(`program-version-${v2}@tandem`)).toMatchObject({
      summary: 'Co-marketing: terms v2 take effect',
      start: '2026-05-01T00:00:00.000Z',
      end: '2026-05-01T00:00:00.000Z',
      categories: ['program-version'],
    });
    // Payouts: the 5th under v1, then 10 days after the month under v2; whole days.
    const payouts = [...events.values()]
      .filter((e) => e.uid.startsWith(`payout-${co}.`))
      .map((e) => [e.uid.slice(`payout-${co}.`.length, -'@tandem'.length), e.start, e.end]);
    expect(payouts.slice(0, 5)).toEqual([
      ['2026-01', '2026-02-05', '2026-02-06'],
      ['2026-02', '2026-03-05', '2026-03-06'],
      ['2026-03', '2026-04-05', '2026-04-06'],
      ['2026-04', '2026-05-11', '2026-05-12'],
      ['2026-05', '2026-06-11', '2026-06-12'],
    ]);
    expect(payouts.at(-1)).toEqual(['2027-01', '2027-02-11', '2027-02-12']);
    const january = events.get(`payout-${co}.2026-01@tandem`) as FeedEvent;
    expect(january).toMatchObject({ allDay: true, categories: ['payout'], status: 'CONFIRMED' });
    expect(january.description).toMatch(/Run run_\w+: /);
    expect(events.get(`payout-${solo}.2026-01@tandem`)?.start).toBe('2026-02-01');
  });

  it("a partner's feed shows only its own campaigns and the programs it is enrolled in", async () => {
    const text = await feedText((await newFeed(w.asA)).url);
    const events = parseFeed(text);
    const campaigns = events.filter((e) => e.categories[0] === 'campaign').map((e) => e.uid);
    expect(campaigns).toEqual([`campaign-${cmp.a}@tandem`]);
    const a = byUid(events).get(`campaign-${cmp.a}@tandem`) as FeedEvent;
    expect(a.description).toContain(
      '⚠ conflict: another campaign for the same segment in 2026-W13',
    );
    // Co-marketing's dates, none of Solo launches (A is not enrolled there).
    expect(events.some((e) => e.uid === `program-version-${v2}@tandem`)).toBe(true);
    expect(events.some((e) => e.uid === `accelerator-${co}.spring.20260301T000000Z@tandem`)).toBe(
      true,
    );
    expect(events.filter((e) => e.uid.startsWith(`payout-${co}.`))).toHaveLength(13);
    const whole = unfold(text);
    for (const secret of [
      'Bolt garden push',
      'Bolt Agency',
      'Cobalt',
      cmp.b,
      cmp.cancelled,
      cmp.adjacent,
      w.b,
      w.c,
      'Solo launches',
      solo,
    ])
      expect(whole, secret).not.toContain(secret);
    expect(unfold(text)).toContain('X-WR-CALNAME:Tandem — Acme Media');

    // B's feed, for its side of the conflict: anonymous too.
    const bText = unfold(await feedText((await newFeed(w.asB)).url));
    expect(bText).toContain('⚠ conflict: another campaign for the same segment in 2026-W13');
    expect(bText).not.toContain('Acme spring webinars');
    expect(bText).not.toContain('Acme Media');
    expect(bText).not.toContain(cmp.a);
    // C is enrolled in Solo launches: it sees its accelerator.
    const cEvents = parseFeed(await feedText((await newFeed(w.asC)).url));
    expect(cEvents.some((e) => e.uid.startsWith(`accelerator-${solo}.`))).toBe(true);
  });

  it('the JSON calendar matches the feed, for the operator and for a partner', async () => {
    for (const client of [w.ops, w.asA]) {
      const feed = parseFeed(await feedText((await newFeed(client)).url));
      const r = await client('GET', `/v1/calendar?from=${FEED_FROM}&to=${FEED_TO}`);
      expect(r.statusCode, r.body).toBe(200);
      const items = r.json().data as Item[];
      expect(items.length).toBeGreaterThan(10);
      const fromJson = items.map(asEvent);
      const fromFeed = feed.map(({ description: _d, ...e }) => e);
      const order = (x: { uid: string }, y: { uid: string }) => (x.uid < y.uid ? -1 : 1);
      expect(fromFeed.sort(order)).toEqual(fromJson.sort(order));
    }
    // JSON conflicts: named for the operator, anonymous for the partner.
    const ops = (await w.ops('GET', '/v1/calendar')).json();
    expect(ops.from).toBe('2026-01-16T00:00:00.000Z');
    expect(ops.to).toBe('2026-08-14T00:00:00.000Z');
    const a = (ops.data as Item[]).find((i) => i.id === cmp.a) as Item;
    expect(a.conflicts).toEqual([
      { campaign_id: cmp.b, name: 'Bolt garden push', weeks: ['2026-W13'] },
    ]);
    expect(a.details).toMatchObject({
      status: 'approved',
      segment: 'home-garden',
      partners: [{ partner_id: w.a, name: 'Acme Media', role: 'lead' }],
    });
    const mine = (await w.asA('GET', '/v1/calendar')).json().data as Item[];
    expect(mine.find((i) => i.id === cmp.a)?.conflicts).toEqual([
      { with: 'another campaign for the same segment', weeks: ['2026-W13'] },
    ]);
    // Filters: a partner (operator), a program, a range.
    const forC = (await w.ops('GET', `/v1/calendar?partner_id=${w.c}`)).json().data as Item[];
    expect(
      forC
        .filter((i) => i.kind === 'campaign')
        .map((i) => i.id)
        .sort(),
    ).toEqual([cmp.cancelled, cmp.adjacent].sort());
    expect(forC.some((i) => i.program_id === solo)).toBe(true);
    const onlySolo = (await w.ops('GET', '/v1/calendar?program=solo')).json().data as Item[];
    expect(onlySolo.length).toBeGreaterThan(0);
    expect(onlySolo.every((i) => i.program_id === solo)).toBe(true);
    const march = (
      await w.ops('GET', '/v1/calendar?from=2026-03-10T00:00:00Z&to=2026-03-20T00:00:00Z')
    ).json().data as Item[];
    // By start, then end: the withdrawn campaign is on the calendar too (cancelled).
    expect(march.map((i) => [i.id, i.status])).toEqual([
      [`${solo}.solo-boost.20260301T000000Z`, 'confirmed'],
      [`${co}.spring.20260301T000000Z`, 'confirmed'],
      [cmp.a, 'confirmed'],
      [cmp.cancelled, 'cancelled'],
    ]);
  });

  it('rotating or revoking a feed makes its URL answer 404; unknown tokens too', async () => {
    const first = await newFeed(w.asA);
    expect((await fetchFeed(first.url)).statusCode).toBe(200);
    const second = await newFeed(w.asA);
    expect(second.revoked).toEqual([first.id]);
    expectProblem(await fetchFeed(first.url), 404, 'calendar_feed_not_found');
    expect((await fetchFeed(second.url)).statusCode).toBe(200);
    // The operator issues A a new feed (partners:write): A's second stops working.
    const third = await newFeed(w.api, { partner_id: w.a });
    expect(third).toMatchObject({ partner_id: w.a, revoked: [second.id] });
    expectProblem(await fetchFeed(second.url), 404, 'calendar_feed_not_found');
    const listed = (await w.asA('GET', '/v1/calendar/feeds')).json().data;
    expect(listed.map((f: { id: string }) => f.id)).toEqual([third.id, second.id, first.id]);
    expect(JSON.stringify(listed)).not.toContain('cal_');
    expect(listed[0]).toMatchObject({ partner_id: w.a, revoked_at: null });
    // A revokes it.
    const del = await w.asA('DELETE', `/v1/calendar/feeds/${third.id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect(del.json().revoked_at).toBe(NOW.replace('Z', '.000Z'));
    expectProblem(await fetchFeed(third.url), 404, 'calendar_feed_not_found');
    expectProblem(
      await w.asA('DELETE', `/v1/calendar/feeds/${third.id}`),
      404,
      'calendar_feed_not_found',
    );
    // Unknown, malformed and extension-less tokens.
    for (const path of [
      `/calendar/cal_${'A'.repeat(43)}.ics`,
      '/calendar/nothing.ics',
      `${new URL(third.url).pathname.slice(0, -4)}`,
    ])
      expectProblem(
        await s.app.inject({ method: 'GET', url: path }),
        404,
        'calendar_feed_not_found',
      );
    // The operator's own feed rotates apart from the partners'.
    const opsFeed = await newFeed(w.ops);
    expect(opsFeed.revoked).toEqual([]);
    expect((await newFeed(w.ops)).revoked).toEqual([opsFeed.id]);
    expectProblem(await fetchFeed(opsFeed.url), 404, 'calendar_feed_not_found');
    // A suspended partner's feed stops with its access, and comes back if it is approved again.
    const bFeed = await newFeed(w.asB);
    expect((await fetchFeed(bFeed.url)).statusCode).toBe(200);
    const status = (to: string) =>
      w.api('POST', `/v1/partners/${w.b}/status`, { status: to, reason: 'review' });
    expect((await status('suspended')).statusCode).toBe(200);
    expectProblem(await fetchFeed(bFeed.url), 404, 'calendar_feed_not_found');
    expect((await status('approved')).statusCode).toBe(200);
    expect((await fetchFeed(bFeed.url)).statusCode).toBe(200);
  });

  it('builds the URL from the address the caller used (behind a proxy too)', async () => {
    const r = await w.asA(
      'POST',
      '/v1/calendar/feeds',
      {},
      {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'partners.example.com',
      },
    );
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().url).toMatch(
      /^https:\/\/partners\.example\.com\/calendar\/cal_[\w-]{43}\.ics$/,
    );
  });

  it('refuses what a key may not do and bad input with 4xx, changing nothing', async () => {
    const mine = await newFeed(w.asA);
    const opsFeed = await newFeed(w.ops);
    const testKey = (await createApiKey(s.t, { name: 'test ops', scopes: ['read'], mode: 'test' }))
      .key;
    const readOnly = apiClient(
      s,
      (await createApiKey(s.t, { name: 'analyst', scopes: ['read'] })).key,
    );
    const tables = ['calendar_feeds', 'audit_log', 'outbox_events'];
    const before = await rowCounts(s.t.store.db, tables);
    const cases: [Client, 'GET' | 'POST' | 'DELETE', string, unknown, number, string][] = [
      // A read-only key neither rotates nor revokes the team's feed.
      [readOnly, 'POST', '/v1/calendar/feeds', undefined, 403, 'forbidden'],
      [readOnly, 'DELETE', `/v1/calendar/feeds/${opsFeed.id}`, undefined, 403, 'forbidden'],
      [w.asB, 'POST', '/v1/calendar/feeds', { partner_id: w.a }, 404, 'partner_not_found'],
      [w.ops, 'POST', '/v1/calendar/feeds', { partner_id: w.a }, 403, 'forbidden'],
      [w.api, 'POST', '/v1/calendar/feeds', { partner_id: 'prt_nobody' }, 404, 'partner_not_found'],
      [w.api, 'POST', '/v1/calendar/feeds', { partner: w.a }, 400, 'validation_failed'],
      [apiClient(s, testKey), 'POST', '/v1/calendar/feeds', {}, 403, 'live_mode_only'],
      [apiClient(s, null), 'POST', '/v1/calendar/feeds', {}, 401, 'unauthorized'],
      [w.asB, 'DELETE', `/v1/calendar/feeds/${mine.id}`, undefined, 404, 'calendar_feed_not_found'],
      [
        w.asB,
        'DELETE',
        `/v1/calendar/feeds/${opsFeed.id}`,
        undefined,
        404,
        'calendar_feed_not_found',
      ],
      [w.ops, 'DELETE', `/v1/calendar/feeds/${mine.id}`, undefined, 403, 'forbidden'],
      [w.ops, 'DELETE', '/v1/calendar/feeds/calf_nope', undefined, 404, 'calendar_feed_not_found'],
      [w.asB, 'GET', `/v1/calendar/feeds?partner_id=${w.a}`, undefined, 404, 'partner_not_found'],
      [w.asA, 'GET', `/v1/calendar?partner_id=${w.b}`, undefined, 404, 'partner_not_found'],
      [w.asA, 'GET', '/v1/calendar?program=solo', undefined, 404, 'program_not_found'],
      [w.ops, 'GET', '/v1/calendar?program=nope', undefined, 404, 'program_not_found'],
      [w.ops, 'GET', '/v1/calendar?partner_id=prt_nobody', undefined, 404, 'partner_not_found'],
      [w.ops, 'GET', '/v1/calendar?from=yesterday', undefined, 400, 'validation_failed'],
      [
        w.ops,
        'GET',
        '/v1/calendar?from=2026-05-01T00:00:00Z&to=2026-04-01T00:00:00Z',
        undefined,
        400,
        'validation_failed',
      ],
      [
        w.ops,
        'GET',
        '/v1/calendar?from=2020-01-01&to=2026-01-01',
        undefined,
        400,
        'validation_failed',
      ],
    ];
    for (const [client, method, url, body, status, code] of cases)
      expectProblem(await client(method, url, body), status, code);
    expect(await rowCounts(s.t.store.db, tables)).toEqual(before);
    // Nothing was revoked by the refused attempts.
    expect((await fetchFeed(mine.url)).statusCode).toBe(200);
    expect((await fetchFeed(opsFeed.url)).statusCode).toBe(200);
  });
});
