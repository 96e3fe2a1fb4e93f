import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TandemError } from '../../core/errors.js';
import { DAY_MS, parseInstant } from '../../core/time.js';
import { getAccrual, listAccruals } from '../../engine/read-accruals.js';
import { readBalances, readProgramBalances } from '../../engine/read-balances.js';
import { getCustomer, listAttributedCustomers } from '../../engine/read-customers.js';
import { readOverview, readPartnerDashboard } from '../../engine/read-dashboard.js';
import { readDailyStats } from '../../engine/read-stats.js';
import { requirePartnerAccess, requireScope } from '../auth.js';
import { principal } from './request-schemas.js';

const partnerParams = z.object({ id: z.string().max(100) });
const page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().max(200).optional(),
});
const range = z.object({ from: z.string().optional(), to: z.string().optional() });

function parseRange(
  q: { from?: string | undefined; to?: string | undefined },
  now: number,
): { from: number; to: number } {
  // The end of today (UTC), also at exactly midnight, so today is always shown.
  const to = q.to ? parseInstant(q.to) : (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  const from = q.from ? parseInstant(q.from) : (to ?? now) - 30 * DAY_MS;
  if (from === undefined || to === undefined || from >= to || to - from > 3660 * DAY_MS) {
    throw new TandemError(
      'validation_failed',
      'from and to must be ISO dates, from before to, at most 10 years apart',
      {
        issues: [{ path: 'querystring.from', message: 'invalid range' }],
      },
    );
  }
  return { from, to };
}

export function readRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/partners/:id/balances',
    {
      schema: {
        tags: ['ledger'],
        summary:
          'Balances per currency (pending, available, processing, paid, negative carried), in total and per program',
        params: partnerParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return {
        partner_id: request.params.id,
        balances: await readBalances(request.deps, request.params.id),
        programs: await readProgramBalances(request.deps, request.params.id),
      };
    },
  );

  r.get(
    '/v1/partners/:id/accruals',
    {
      schema: {
        tags: ['ledger'],
        summary: "A partner's accruals, reversals and adjustments with traces",
        params: partnerParams,
        querystring: page,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return listAccruals(request.deps, {
        partnerId: request.params.id,
        limit: request.query.limit,
        before: request.query.before,
      });
    },
  );

  r.get(
    '/v1/accruals',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Accrual lines, filtered by partner or customer',
        querystring: page.extend({
          partner_id: z.string().optional(),
          customer_id: z.string().optional(),
        }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      const q = request.query;
      return listAccruals(request.deps, {
        partnerId: q.partner_id,
        customerId: q.customer_id,
        limit: q.limit,
        before: q.before,
      });
    },
  );

  r.get(
    '/v1/accruals/:accrualId',
    {
      schema: {
        tags: ['ledger'],
        summary: 'One accrual with its trace (version, rule, inputs, arithmetic)',
        params: z.object({ accrualId: z.string() }),
      },
    },
    async (request) => {
      const a = await getAccrual(request.deps, request.params.accrualId);
      const p = principal(request);
      if (p.partnerId !== null && p.partnerId !== a.partner_id)
        throw new TandemError('accrual_not_found', `no accrual ${request.params.accrualId}`);
      if (p.partnerId === null) requireScope(p, 'read');
      return a;
    },
  );

  r.get(
    '/v1/partners/:id/customers',
    {
      schema: {
        tags: ['attribution'],
        summary: 'Customers attributed to a partner, with the reason',
        params: partnerParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return {
        data: await listAttributedCustomers(request.deps, request.params.id, request.query.limit),
      };
    },
  );

  r.get(
    '/v1/customers/:customerId',
    {
      schema: {
        tags: ['attribution'],
        summary: "A customer's attribution per program and why",
        params: z.object({ customerId: z.string().max(200) }),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return getCustomer(request.deps, request.params.customerId);
    },
  );

  r.get(
    '/v1/partners/:id/stats',
    {
      schema: {
        tags: ['stats'],
        summary: 'Clicks and conversions per day for a partner (default: last 30 days)',
        params: partnerParams,
        querystring: range,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return {
        data: await readDailyStats(request.deps, {
          partnerId: request.params.id,
          ...parseRange(request.query, request.deps.clock.now()),
        }),
      };
    },
  );

  r.get(
    '/v1/partners/:id/dashboard',
    {
      schema: {
        tags: ['stats'],
        summary:
          "A partner's dashboard in one read (default: last 30 days): clicks, conversions, attributed revenue and earnings per day and in total, and balances — from summaries, as fast with a billion events as with ten",
        params: partnerParams,
        querystring: range,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return readPartnerDashboard(request.deps, {
        partnerId: request.params.id,
        ...parseRange(request.query, request.deps.clock.now()),
      });
    },
  );

  r.get(
    '/v1/overview',
    {
      schema: {
        tags: ['stats'],
        summary:
          'The marketplace at a glance (default: last 30 days): attributed revenue, incentive cost and its share of revenue, active partners, conversions, what partners are owed, trends per day',
        querystring: range,
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return readOverview(request.deps, parseRange(request.query, request.deps.clock.now()));
    },
  );

  r.get(
    '/v1/stats',
    {
      schema: {
        tags: ['stats'],
        summary: 'Clicks and conversions per day, all partners',
        querystring: range,
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return {
        data: await readDailyStats(
          request.deps,
          parseRange(request.query, request.deps.clock.now()),
        ),
      };
    },
  );
}
