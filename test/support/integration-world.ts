import { createApiKey } from '../../src/engine/api-keys.js';
import { fixedClock } from '../../src/engine/deps.js';
import { createPartner } from '../../src/engine/partners.js';
import { createProgram } from '../../src/engine/programs.js';
import { apiClient, type testServer } from './test-server.js';

type Server = Awaited<ReturnType<typeof testServer>>;

/**
 * Integration terms exercised by the tests: grants on the first milestone
 * (money), on data mapping (support credits) and on the whole path; usage
 * rewards per unit (graduated and volume bands) and per active install; and
 * two certification levels valid 30 days.
 */
export const integrationTerms = {
  currency: 'USD',
  hold_days: 0,
  rewards: [],
  integrations: {
    grants: [
      { id: 'auth-grant', on: 'authentication', flat: '100.00' },
      {
        id: 'starter-credits',
        on: 'data_mapping',
        credits: { asset: 'SUPPORT_CREDIT', amount: 20 },
      },
      { id: 'path-grant', on: 'path', flat: '1000.00' },
    ],
    usage: [
      {
        id: 'calls',
        per: 'unit',
        metric: 'api_calls',
        rates: [{ up_to: 1000, each: '0.01' }, { up_to: 5000, each: '0.005' }, { each: '0.0001' }],
      },
      {
        id: 'syncs',
        per: 'unit',
        metric: 'syncs',
        tiering: 'volume',
        rates: [{ up_to: 100, each: '0.10' }, { each: '0.05' }],
      },
      { id: 'installs', per: 'active_install', flat: '2.00' },
    ],
    certification: {
      levels: [
        {
          id: 'certified',
          requires: { milestones: ['certification'] },
          valid_days: 30,
          entitlements: ['listing_standard'],
        },
        {
          id: 'premier',
          requires: { milestones: ['certification'], active_installs: 2, uptime_at_least: 99.9 },
          valid_days: 30,
          entitlements: ['co_marketing', 'listing_featured'],
        },
      ],
    },
  },
};

/**
 * A program `int` with `terms` from 2026-01-01, two approved partners
 * enrolled in it, each with its own partner key, and an operator key that
 * reviews and redeems.
 */
export async function integrationWorld(s: Server, terms: object = integrationTerms) {
  const api = apiClient(s);
  const since = Date.parse('2026-01-01T00:00:00Z');
  const past = { ...s.t, clock: fixedClock(since) };
  await createProgram(past, {
    key: 'int',
    name: 'Integrations',
    firstVersion: { effectiveFrom: since, terms },
  });
  const a = await createPartner(past, {
    name: 'Acme Apps',
    kinds: ['integration'],
    status: 'approved',
    programs: ['int'],
  });
  const b = await createPartner(past, {
    name: 'Bolt Connectors',
    kinds: ['integration'],
    status: 'approved',
    programs: ['int'],
  });
  const keyA = (await createApiKey(s.t, { name: 'a', scopes: ['read'], partnerId: a.id })).key;
  const keyB = (await createApiKey(s.t, { name: 'b', scopes: ['read'], partnerId: b.id })).key;
  const ops = (
    await createApiKey(s.t, {
      name: 'ops',
      scopes: ['read', 'events:write', 'integrations:write', 'credits:redeem'],
    })
  ).key;
  return {
    api,
    a: a.id,
    b: b.id,
    asA: apiClient(s, keyA),
    asB: apiClient(s, keyB),
    ops: apiClient(s, ops),
  };
}

let seq = 0;
/** A milestone event as the marketplace's CI would send it. */
export const milestoneEvent = (
  integrationId: string,
  milestone: string,
  at: string,
  id?: string,
) => ({
  id: id ?? `ms-${++seq}`,
  type: 'integration.milestone',
  occurred_at: at,
  integration_id: integrationId,
  milestone,
  attributes: { test_run_id: `run-${seq}` },
});

/** A usage record: `quantity` of `metric` by install `customer`. */
export const usageEvent = (
  integrationId: string,
  customer: string,
  metric: string,
  quantity: number,
  at: string,
  id?: string,
) => ({
  id: id ?? `use-${++seq}`,
  type: 'usage',
  occurred_at: at,
  integration_id: integrationId,
  customer: { id: customer },
  metric,
  quantity,
});
