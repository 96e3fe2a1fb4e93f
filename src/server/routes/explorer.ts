import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventTypes } from '../../core/event.js';
import { parseInstant } from '../../core/time.js';
import { listEvents } from '../../engine/read-events.js';
import {
  getLedgerTransaction,
  listLedgerAccounts,
  listLedgerEntries,
} from '../../engine/read-ledger.js';
import { readPartnerHistory } from '../../engine/read-partner-history.js';
import { requirePartnerAccess, requireScope } from '../auth.js';
import { idParams, instant, principal } from './request-schemas.js';

const limit = z.coerce.number().int().min(1).max(200).default(50);

/**
 * The console's explorers: events with what each produced, the ledger from
 * a partner's accounts to their entries and transactions, and a partner's
 * status and tier history.
 */
export function explorerRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary:
          'Stored events, newest first, by customer, partner (its attributed customers and its integrations), type and time, each with the conversions and accrual lines it produced',
        querystring: z
          .object({
            customer_id: z.string().max(200).optional(),
            partner_id: z.string().max(100).optional(),
            type: z.enum(eventTypes).optional(),
            from: instant.optional(),
            to: instant.optional(),
            before: z.string().max(400).optional().describe('next_cursor of the previous page'),
            limit,
          })
          .strict(),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      const q = request.query;
      return listEvents(request.deps, {
        customerId: q.customer_id,
        partnerId: q.partner_id,
        type: q.type,
        from: q.from ? parseInstant(q.from) : undefined,
        to: q.to ? parseInstant(q.to) : undefined,
        before: q.before,
        limit: q.limit,
      });
    },
  );

  r.get(
    '/v1/ledger/accounts',
    {
      schema: {
        tags: ['ledger'],
        summary:
          "Partner ledger accounts with their balances, by partner or program: the explorer's start",
        querystring: z
          .object({
            partner_id: z.string().max(100).optional(),
            program_id: z.string().max(100).optional(),
          })
          .strict(),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return {
        data: await listLedgerAccounts(request.deps, {
          partnerId: request.query.partner_id,
          programId: request.query.program_id,
        }),
      };
    },
  );

  r.get(
    '/v1/ledger/entries',
    {
      schema: {
        tags: ['ledger'],
        summary: "One account's entries, newest first, each with its transaction",
        querystring: z
          .object({
            account: z.string().min(1).max(400),
            before: z.coerce
              .number()
              .int()
              .min(1)
              .optional()
              .describe('next_cursor of the previous page'),
            limit,
          })
          .strict(),
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return listLedgerEntries(request.deps, request.query);
    },
  );

  r.get(
    '/v1/ledger/transactions/:id',
    {
      schema: {
        tags: ['ledger'],
        summary: 'One ledger transaction: its entries (balanced per currency) and accrual lines',
        params: idParams,
      },
    },
    async (request) => {
      requireScope(principal(request), 'read');
      return getLedgerTransaction(request.deps, request.params.id);
    },
  );

  r.get(
    '/v1/partners/:id/history',
    {
      schema: {
        tags: ['partners'],
        summary:
          "A partner's status changes (with reasons) and tier changes per program (with the metrics behind them), newest first",
        params: idParams,
      },
    },
    async (request) => {
      requirePartnerAccess(principal(request), request.params.id);
      return readPartnerHistory(request.deps, request.params.id);
    },
  );
}
