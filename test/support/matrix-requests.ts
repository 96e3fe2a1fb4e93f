import type { MatrixPartner, MatrixWorld } from './matrix-world.js';

/**
 * How to fill each path parameter (by the segment before it and its name) so
 * that the request names `t`'s data: its partner id, its accrual, its payout,
 * its integration … An endpoint with a parameter missing here fails the
 * matrix tests: add it.
 */
export function pathFills(w: MatrixWorld, t: MatrixPartner): Record<string, () => string> {
  return {
    'partners/{id}': () => t.id,
    'programs/{program}': () => 'ref',
    'programs/{id}': () => w.programId,
    'accruals/{accrualId}': () => t.accrualId,
    'customers/{customerId}': () => t.customerId,
    'payouts/{id}': () => t.payoutId,
    'payout-runs/{id}': () => w.runId,
    'statements/{period}': () => '2026-01',
    'files/{rail}': () => 'csv',
    'integrations/{id}': () => t.integrationId,
    'integration-submissions/{id}': () => t.pendingSubmissionId,
    'api-keys/{keyId}': () => t.keyId,
    'campaigns/{id}': () => t.campaignId,
    'campaign-reports/{id}': () => 'crp_none',
    'pools/{id}': () => w.poolId,
    'requests/{id}': () => t.mdfRequestId,
    'kb/{slug}': () => 'matrix-page',
    'transactions/{id}': () => t.txId,
    'links/{linkId}': () => t.linkId,
    'codes/{code}': () => t.code,
    'sandbox-keys/{keyId}': () => t.sandboxKeyId,
    'feeds/{id}': () => t.feedId,
    'users/{id}': () => t.userId,
  };
}

/** Query parameters that name data, filled with `t`'s (required ones must be here). */
export function queryFills(w: MatrixWorld, t: MatrixPartner): Record<string, () => string> {
  return {
    program: () => 'ref',
    program_id: () => w.programId,
    partner_id: () => t.id,
    customer_id: () => t.customerId,
    run_id: () => w.runId,
    campaign_id: () => t.campaignId,
    pool_id: () => w.poolId,
    integration_id: () => t.integrationId,
    subject: () => t.id,
    account: () => `program:${w.programId}:partner:${t.id}:pending`,
  };
}

let seq = 0;
const terms = {
  currency: 'USD',
  hold_days: 0,
  rewards: [{ id: 'share', event: 'payment', percent: 10 }],
  payouts: { minimum: '1.00' },
};
const NO_BODY = undefined;

/**
 * A valid body for each write, naming `t`'s data wherever the body can name
 * a partner or its things, so that what answers is the authorization, not
 * validation. A write missing here fails the matrix tests: add it.
 */
export function bodyFor(
  method: string,
  path: string,
  w: MatrixWorld,
  t: MatrixPartner,
): { body: unknown } {
  const n = ++seq;
  const bodies: Record<string, () => unknown> = {
    'POST /v1/events': () => ({
      id: `mx-${n}`,
      type: 'signup',
      occurred_at: '2026-01-20T00:00:00Z',
      customer: { id: t.customerId },
      referral_code: t.code,
    }),
    'POST /v1/programs': () => ({ key: `mx${n}`, name: `Matrix ${n}` }),
    'POST /v1/programs/{program}/versions': () => ({
      effective_from: '2026-06-01T00:00:00Z',
      terms,
    }),
    'POST /v1/programs/validate': () => ({ terms }),
    'POST /v1/programs/{program}/backtest': () => ({
      terms,
      from: '2026-01-01',
      to: '2026-01-31',
    }),
    'POST /v1/partners': () => ({ name: `Matrix partner ${n}` }),
    'POST /v1/partners/{id}/status': () => ({ status: 'approved' }),
    'POST /v1/partners/{id}/links': () => ({
      program: 'ref',
      destination: 'https://example.com/matrix',
    }),
    'POST /v1/links/{linkId}/disable': () => NO_BODY,
    'POST /v1/partners/{id}/codes': () => ({ program: 'ref', kind: 'coupon' }),
    'POST /v1/codes/{code}/disable': () => NO_BODY,
    'POST /v1/api-keys': () => ({ name: `mx ${n}`, scopes: ['read'], partner_id: t.id }),
    'DELETE /v1/api-keys/{keyId}': () => NO_BODY,
    'POST /v1/programs/{id}/tiers/evaluate': () => ({ partner_id: t.id }),
    'POST /v1/payout-runs': () => ({ program: 'ref', period: '2026-01' }),
    'POST /v1/payout-runs/{id}/approve': () => NO_BODY,
    'POST /v1/payout-runs/{id}/send': () => NO_BODY,
    'POST /v1/payout-runs/{id}/cancel': () => ({ reason: 'matrix' }),
    'POST /v1/payout-runs/{id}/results': () => ({
      rail: 'csv',
      text: `payout_id,status,reference\n${t.payoutId},paid,MX-${n}\n`,
      dry_run: true,
    }),
    'POST /v1/payouts/{id}/settle': () => ({ reference: `MX-${n}` }),
    'POST /v1/payouts/{id}/fail': () => ({ reason: 'matrix' }),
    'POST /v1/payouts/{id}/cancel': () => ({ reason: 'matrix' }),
    'POST /v1/payouts/resume': () => NO_BODY,
    'PUT /v1/partners/{id}/payout-profile': () => ({
      rail: 'csv',
      details: { account_holder: 'Matrix holder', account_number: `mx-${n}` },
    }),
    'POST /v1/fx-rates': () => ({
      rates: [{ base: 'EUR', quote: 'USD', rate: '1.1', as_of: '2026-01-01' }],
    }),
    'POST /v1/integrations': () => ({ partner_id: t.id, program: 'int', name: `Matrix ${n}` }),
    'PATCH /v1/integrations/{id}': () => ({ name: `Matrix renamed ${n}` }),
    'POST /v1/integrations/{id}/submissions': () => ({
      milestone: 'certification',
      evidence: { notes: 'matrix' },
    }),
    'POST /v1/integration-submissions/{id}/approve': () => ({}),
    'POST /v1/integration-submissions/{id}/reject': () => ({ comment: 'matrix' }),
    'POST /v1/partners/{id}/credits/redemptions': () => ({ asset: 'SUPPORT_CREDIT', amount: 1 }),
    'POST /v1/campaigns': () => ({
      program: 'ref',
      name: `Matrix campaign ${n}`,
      channels: ['email'],
      starts_at: '2026-02-10T00:00:00Z',
      ends_at: '2026-03-10T00:00:00Z',
      partner_ids: [t.id],
    }),
    'PATCH /v1/campaigns/{id}': () => ({ name: `Matrix renamed ${n}` }),
    'POST /v1/campaigns/{id}/status': () => ({ status: 'live' }),
    'POST /v1/campaigns/{id}/links': () => ({
      partner_id: t.id,
      destination: 'https://example.com/matrix-campaign',
    }),
    'POST /v1/campaigns/{id}/reports': () => ({ title: 'Matrix', body: 'matrix' }),
    'POST /v1/mdf/pools': () => ({
      program: 'ref',
      quarter: '2026-Q2',
      scope: 'partner',
      partner_id: t.id,
      amount: '10.00',
    }),
    'PATCH /v1/mdf/pools/{id}': () => ({ amount: '9500.00' }),
    'POST /v1/mdf/requests': () => ({
      pool_id: w.poolId,
      campaign_id: t.campaignId,
      partner_id: t.id,
      amount: '1.00',
      description: 'matrix',
    }),
    'POST /v1/mdf/requests/{id}/approve': () => ({}),
    'POST /v1/mdf/requests/{id}/withdraw': () => NO_BODY,
    'POST /v1/mdf/requests/{id}/claim': () => ({ amount: '1.00', proof: { results: 'matrix' } }),
    'POST /v1/mdf/requests/{id}/claim/approve': () => ({}),
    'POST /v1/mdf/requests/{id}/reject': () => ({ note: 'matrix' }),
    'POST /v1/mdf/requests/{id}/claim/reject': () => ({ note: 'matrix' }),
    'POST /v1/calendar/feeds': () => ({ partner_id: t.id }),
    'DELETE /v1/calendar/feeds/{id}': () => NO_BODY,
    'POST /v1/partners/{id}/sandbox-keys': () => ({ name: `mx ${n}` }),
    'DELETE /v1/partners/{id}/sandbox-keys/{keyId}': () => NO_BODY,
    'POST /v1/sandbox/reset': () => NO_BODY,
    'POST /v1/auth/magic-link': () => ({ email: t.userEmail }),
    'POST /v1/auth/sessions': () => ({ email: t.userEmail, password: t.password }),
    'DELETE /v1/auth/session': () => NO_BODY,
    'PUT /v1/auth/password': () => ({
      password: `matrix-password-${n}-long`,
      current_password: t.password,
    }),
    'POST /v1/users': () => ({
      email: `mx${n}@matrix.example`,
      name: 'Matrix person',
      role: 'partner',
      partner_id: t.id,
    }),
    'PATCH /v1/users/{id}': () => ({ name: `Matrix person ${n}` }),
    'POST /v1/kb': () => ({ slug: `matrix-${n}`, title: 'Matrix', audience: 'partners' }),
    'PUT /v1/kb/{slug}': () => ({ version: 1, title: `Matrix ${n}` }),
  };
  const make = bodies[`${method} ${path}`];
  if (!make)
    throw new Error(
      `${method} ${path}: no body; add "${method} ${path}" to bodyFor (matrix-requests.ts)`,
    );
  return { body: make() };
}
