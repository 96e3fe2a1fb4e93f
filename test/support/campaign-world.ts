import { createApiKey } from '../../src/engine/api-keys.js';
import { fixedClock } from '../../src/engine/deps.js';
import { createPartner } from '../../src/engine/partners.js';
import { createProgram } from '../../src/engine/programs.js';
import { apiClient, type testServer } from './test-server.js';

type Server = Awaited<ReturnType<typeof testServer>>;

/** Referral terms for co-marketing tests: 50.00 per activation, paid without a hold. */
export const campaignTerms = {
  currency: 'USD',
  hold_days: 0,
  attribution: { window_days: 60 },
  rewards: [{ id: 'activation', event: 'activation', flat: '50.00' }],
};

/**
 * A program `co` with `terms` from 2026-01-01; three approved partners
 * enrolled in it (A, B, C), each with its own partner key; an operator key
 * that plans campaigns, decides MDF, writes events and runs payouts. The
 * server's clock should be later than 2026-01-01 (testServer({ now })).
 */
export async function campaignWorld(s: Server, terms: object = campaignTerms) {
  const since = Date.parse('2026-01-01T00:00:00Z');
  const past = { ...s.t, clock: fixedClock(since) };
  await createProgram(past, {
    key: 'co',
    name: 'Co-marketing',
    firstVersion: { effectiveFrom: since, terms },
  });
  const partner = (name: string) =>
    createPartner(past, {
      name,
      kinds: ['co_marketing', 'referral'],
      status: 'approved',
      programs: ['co'],
    });
  const a = await partner('Acme Media');
  const b = await partner('Bolt Agency');
  const c = await partner('Cobalt Webinars');
  const key = async (name: string, partnerId: string) =>
    (await createApiKey(s.t, { name, scopes: ['read'], partnerId })).key;
  const ops = (
    await createApiKey(s.t, {
      name: 'ops',
      scopes: ['read', 'events:write', 'campaigns:write', 'mdf:approve', 'payouts:write'],
    })
  ).key;
  return {
    api: apiClient(s),
    a: a.id,
    b: b.id,
    c: c.id,
    asA: apiClient(s, await key('a', a.id)),
    asB: apiClient(s, await key('b', b.id)),
    asC: apiClient(s, await key('c', c.id)),
    ops: apiClient(s, ops),
  };
}

/** A campaign plan as the API takes it; override any field. */
export const campaignPlan = (over: Record<string, unknown> = {}) => ({
  program: 'co',
  name: 'Spring webinar series',
  goal: 'Activate sellers in home & garden',
  channels: ['webinar', 'email'],
  audience: 'Sellers who signed up in the last 90 days',
  segment: 'home-garden',
  starts_at: '2026-03-02T00:00:00Z',
  ends_at: '2026-03-30T00:00:00Z',
  expected_lift: 2,
  targets: { activations: 50 },
  ...over,
});

let seq = 0;
/** A campaign touch as the marketplace's email or ad system would send it. */
export const touchEvent = (
  campaign: string,
  customer: string,
  at: string,
  extra: Record<string, unknown> = {},
) => ({
  id: `touch-${++seq}`,
  type: 'campaign.touch',
  occurred_at: at,
  customer: { id: customer },
  campaign,
  ...extra,
});
